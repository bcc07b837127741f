"""How the customer-notice enums read on the pages, in a decision's reasons and in the breach log: one
label table per enum (breach.notices.rules holds the enums).

Keyed by the enums' values, so the rules, which word a decision's reasons with these labels, can
import them without importing this module's readers back.
"""

from __future__ import annotations

# 611/2013 Art 3(2)(a): DataNature
NATURE_LABELS = {
    "financial": "Financial information",
    "special_category": "Special categories of data",
    "location_data": "Location data",
    "internet_logs": "Internet log files",
    "browsing_history": "Web browsing histories",
    "email_data": "E-mail data",
    "itemised_call_lists": "Itemised call lists",
}
# 611/2013 Art 3(2)(b): Consequence
CONSEQUENCE_LABELS = {
    "identity_theft_or_fraud": "Identity theft or fraud",
    "physical_harm": "Physical harm",
    "psychological_distress": "Psychological distress",
    "humiliation_or_reputation": "Humiliation or damage to reputation",
}
# 611/2013 Art 3(2)(c): CircumstanceFactor
FACTOR_LABELS = {
    "stolen": "The data was stolen",
    "unauthorised_possession": "The data is known to be held by an unauthorised third party",
}
OUTCOME_LABELS = {
    "notify": "Notify subscribers and users",
    "notify_after_agreed_delay": "Notify, after the delay agreed with the ICO",
    "do_not_notify": "No notice: no likely adverse effect",
    "exempt_unintelligible": "No notice: data unintelligible (reg 5A(6))",
}
# The breach log asks "Customers notified?"; each decision answers it in these words (reg 5A(3), 5A(6)).
OUTCOME_LOG_ANSWERS = {
    "notify": "Yes: likely to adversely affect, customers to be notified",
    "notify_after_agreed_delay": "Yes, after a delay agreed with the ICO",
    "do_not_notify": "No: not likely to adversely affect",
    "exempt_unintelligible": "No: data unintelligible to others (reg 5A(6) exemption)",
}
LABELS = {**NATURE_LABELS, **CONSEQUENCE_LABELS, **FACTOR_LABELS, **OUTCOME_LABELS}
