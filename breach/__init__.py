"""Personal-data breaches: PECR regulation 5A (as amended by the Data (Use and Access) Act 2025) and
Commission Regulation (EU) No 611/2013.

Invariants: every breach is notified to the ICO (no threshold); deadlines are stored obligation rows
computed from `aware_at` under the regime in force at that moment and frozen at first filing; a filing
is immutable (an amendment supersedes it); customer notices carry no marketing.
"""
