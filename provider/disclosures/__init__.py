"""Requests from law enforcement and national security: PECR regulation 29A, with the exemptions of
regulations 28 (national security) and 29 (crime, legal proceedings, another enactment).

A provider keeps internal procedures for answering such requests and a register of every request:
when it was received, which body asked, the legal basis and its reference, what data was asked for,
the decision and its reasons, and what was disclosed, when and by whom. On demand the ICO is given
the procedures, the number of requests, their legal justifications and the responses: the report of
any period, as a PDF and as CSV.

Invariants: the procedure document is versioned wording (`provider/wording`), and each request keeps
the version in force when it was received; a decision needs reasons and cannot precede the request;
a disclosure needs a decision to disclose; every change is audited. The register is seen only by
roles holding `disclosures:read` (compliance officers and administrators): it is not part of what
an auditor or an agent reads.
"""

from provider.manifest import Manifest, NavLink
from provider.security.roles import Permission

MANIFEST = Manifest(
    package="provider.disclosures",
    routers=("provider.disclosures.api:router", "provider.disclosures.views:router"),
    navigation=(NavLink("Disclosure requests", "/disclosures", Permission.disclosures_read, position=67),),
    model_modules=("provider.disclosures.models",),
    registrations=("provider.disclosures.leavers",),
    templates=("templates",),
    permissions=(Permission.disclosures_read, Permission.disclosures_write),
)
