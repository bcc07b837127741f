"""Words the register shows for its codes, and the request's reference."""

from __future__ import annotations

from provider.disclosures.models import Decision, LegalBasis

BASIS_LABELS = {
    LegalBasis.ipa_authorisation: "Investigatory Powers Act 2016, Part 3 authorisation",
    LegalBasis.ipa_warrant: "Investigatory Powers Act 2016, warrant",
    LegalBasis.court_order: "Court order",
    LegalBasis.national_security_certificate: "National security certificate (PECR reg 28)",
    LegalBasis.crime_prevention: "Prevention or detection of crime (PECR reg 29)",
    LegalBasis.legal_proceedings: "Legal proceedings or legal advice (PECR reg 29)",
    LegalBasis.other_enactment: "Required by another enactment (PECR reg 29)",
}
DECISION_LABELS = {
    Decision.pending: "Awaiting a decision",
    Decision.disclosed: "Disclosed",
    Decision.partly_disclosed: "Partly disclosed",
    Decision.refused: "Refused",
}


def reference(request_id: int) -> str:
    return f"DR-{request_id:06d}"
