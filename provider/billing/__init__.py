"""Itemised bills: PECR regulation 9 and Ofcom General Condition C3.

A subscriber may ask for bills that are not itemised, and the provider must comply; otherwise
itemised bills may be sent. Calls free to the caller (freephone 0800 and 0808, the 116 helplines,
and any call the billing system marks free to the caller) are never identifiable in an itemised
bill: they are left out of the itemised lines and kept in the totals.

Invariants: the choice is a history (append-only, audited), the current choice is its latest entry;
a bill is rendered with the choice in force when it is produced, so a request for non-itemised bills
applies to every bill produced after it; suppression is decided by `rules.py` from a configurable
list of number prefixes.

The imported call list is traffic data (reg 7): the number called is stored only encrypted, under a key
per bill period wrapped by the master key (`provider.billing.keys`); each call is kept
PECR_BILLING_CALL_LIST_MONTHS (default 12, as traffic's billing class) after its bill period and then
erased by a nightly job, which destroys the period's key with its last call.
"""

from provider.manifest import Manifest
from provider.security.roles import Permission

MANIFEST = Manifest(
    package="provider.billing",
    routers=("provider.billing.api:router", "provider.billing.views:router"),
    subscriber_panels=("provider.billing.panel:PANEL",),
    model_modules=("provider.billing.models",),
    job_modules=("provider.billing.jobs",),
    registrations=("provider.billing.leavers",),
    commands=("provider.billing.commands:billing_app",),
    templates=("templates",),
    permissions=(Permission.billing_read, Permission.billing_write),
)
