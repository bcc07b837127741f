"""Deadlines any domain owns: stored obligations, reminders and escalation, owners, the timeline picture.

A domain declares its owner kinds and deadline kinds once (registry.register: labels, which kinds are
reminded, the link to an item, its short reference, the read and write permissions, the fallback roles)
and stores its obligations here (service.create, service.meet). The rules (rules.py) say how late, what
meeting freezes and what state a deadline is in, the same for every domain. This package never imports a
domain: everything domain-specific it shows comes from the declarations.

Invariants:
- The database is the source of truth: reminders are computed from stored obligation rows by a sweep.
- Each reminder is a row with a unique key (obligation, threshold, due time), inserted before any e-mail
  is sent, so a restart or a second scheduler never sends the same reminder twice (at most once: a crash
  after the insert loses an e-mail, never duplicates one, and the in-app reminder is always there).
- A met obligation is frozen: when it was met and how late never change again.

Who is reminded (rules.recipients), never every user:
- An item may have a named owner and a deputy (owners.set_owner, audited), who must be active staff whose
  role may write the item's owner kind. A named person counts only while active and with an e-mail address.
- At 50%, 75% and 90% of the window (the fractions a deadline kind declares): the owner; without a
  named owner, the active users of the owner kind's fallback roles (breach: breach managers and compliance
  officers, who were reminded before owners existed).
- Overdue: the owner (or, without one, the fallback roles) and the deputy.
- Escalation: the deputy and the owner kind's configured escalation addresses (breach:
  PECR_BREACH_ESCALATION_EMAIL), never the fallback roles; with neither, it stays in-app only.
- An obligation without an item (the monthly breach-log submission) has no named owner: fallback roles.
"""

from provider.manifest import Manifest, NavLink, PanelRef
from provider.security.roles import Permission

MANIFEST = Manifest(
    package="provider.deadlines",
    routers=("provider.deadlines.views:router", "provider.deadlines.api:router"),
    # The page itself admits anyone who may read a registered owner kind; the menu entry needs one
    # permission, and breach is the only owner kind so far.
    navigation=(NavLink("Reminders", "/reminders", Permission.breach_read, position=50),),
    dashboard_panels=(PanelRef("provider.deadlines.dashboard:panels", position=20),),
    model_modules=("provider.deadlines.models",),
    job_modules=("provider.deadlines.jobs",),
    templates=("templates",),
)
