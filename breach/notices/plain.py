"""The first draft of a customer notice in plain language (611/2013 Annex II; the ICO's guidance asks for
clear and plain language), not the technical text written for the ICO's form. Pure.

Each sentence comes from what the breach record and the decision hold as categories (the kind of data,
what happened, the likely consequences), written for the customer; staff then edit it. "What you can do"
is never empty: without a more specific measure it says how to spot and refuse a follow-up scam. "What we
have done" claims only what the record shows (remedial action recorded, an ICO notification submitted) and
says plainly what is not done yet, so a first draft never promises more than the provider did.
"""

from __future__ import annotations

from collections.abc import Iterable

DATA_WORDS = {
    "traffic_data": "records of your calls, messages and internet use (who, when and for how long, not what was said)",
    "location_data": "where your phone was when it was used",
    "itemised_call_lists": "lists of the calls you made: the numbers you called, when and for how long",
    "internet_logs": "records of when you were online and the addresses your connection reached",
    "browsing_history": "the websites visited on your connection",
    "email_data": "e-mail information, such as who you wrote to and when",
    "email": "e-mail information, such as who you wrote to and when",
    "financial": "payment details, such as bank or card information",
    "special_category": "sensitive information about you, such as health information",
    "contact_details": "your name, postal address, e-mail address or telephone number",
    "account_credentials": "the details you use to sign in to your account",
    "identity_documents": "copies of identity documents",
}
HAPPENED_WORDS = {
    "loss": "Some of our records were lost.",
    "theft": "Some of our records were stolen.",
    "copying": "Someone copied some of our records without permission.",
    "unauthorised_access": "Someone got into one of our systems without permission.",
    "misdirection": "Some information was sent to the wrong person by mistake.",
    "alteration": "Some of our records were changed without permission.",
    "destruction": "Some of our records were destroyed.",
}
CONSEQUENCE_WORDS = {
    "identity_theft_or_fraud": "someone could try to pretend to be you, or to trick you out of money",
    "physical_harm": "someone could find out where you are",
    "psychological_distress": "you may find this worrying or upsetting",
    "humiliation_or_reputation": "private information about you could be seen by others",
}
MEASURE_WORDS = {
    "identity_theft_or_fraud": "Check your bank and phone bills for anything you do not recognise.",
    "account_credentials": "Change the password of your account with us, and anywhere else you use the same one.",
    "financial": "Tell your bank if you see a payment you did not make.",
    "location_data": "If you are worried for your safety, contact the police.",
}
DEFAULT_CUSTOMER_MEASURES = (
    "Be careful with calls, texts or e-mails about this that you did not expect. We will never ask for your"
    " password or PIN, or ask you to move money. If you are unsure, hang up and call us on the number below."
)
# What the record shows about the ICO notification: submitted to the ICO, filed (the PDF made) but not yet
# submitted, or neither.
ICO_WORDS = {
    "submitted": "We have told the Information Commissioner's Office (ICO).",
    "filed": "We have written our report to the Information Commissioner's Office (ICO) but have not sent it yet.",
    "none": "We have not told the Information Commissioner's Office (ICO) yet; we must, and will.",
}
REMEDIED_WORDS = "We have taken steps to limit the harm and to stop it happening again."
NOT_REMEDIED_WORDS = "We are still working out how to stop this happening again."
DEFAULT_CONSEQUENCES = "We do not think this puts you at direct risk, but we want you to know what happened."


def _sentence(parts: list[str]) -> str:
    if not parts:
        return ""
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return joined[0].upper() + joined[1:] + "."


def data_involved(categories: Iterable[str]) -> str:
    return _sentence([DATA_WORDS[c] for c in categories if c in DATA_WORDS])


def what_happened(circumstance: str) -> str:
    return HAPPENED_WORDS.get(circumstance, "")


def consequences(items: Iterable[str]) -> str:
    words = [CONSEQUENCE_WORDS[c] for c in items if c in CONSEQUENCE_WORDS]
    return ("This means " + _sentence(words)[0].lower() + _sentence(words)[1:]) if words else DEFAULT_CONSEQUENCES


def customer_measures(items: Iterable[str]) -> str:
    """Specific steps for the kinds of data and consequences, then the scam warning; never empty."""
    steps = list(dict.fromkeys(MEASURE_WORDS[c] for c in items if c in MEASURE_WORDS))
    return " ".join([*steps, DEFAULT_CUSTOMER_MEASURES])


def provider_measures(*, remedied: bool, ico: str) -> str:
    """What the provider has done, from the record: remedial action recorded or not, and the ICO notification
    "submitted", "filed" (not yet submitted) or "none"."""
    return " ".join([REMEDIED_WORDS if remedied else NOT_REMEDIED_WORDS, ICO_WORDS[ico]])
