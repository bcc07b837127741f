"""Security-risk notices: PECR regulation 5(3).

Where a significant risk to the security of the service remains, the provider tells its subscribers,
free of charge: the nature of the risk, what they can do about it, and the likely cost to them of
doing so. Each notice's wording is a version on the wording core, frozen once anyone was sent it, and
every subscriber it reached is recorded with the version, the channel and the moment.

Invariants: a notice states all three things the regulation names; recipients are chosen in one SQL
statement (everyone, by service type, or a list); letters are rebuilt from the stored wording and
checked against their SHA-256, never stored; sending works through the recipients in id order and
commits each batch, so a send cut short resumes where it stopped and sends nobody twice; a send whose
process went away is carried on by the scheduler, which also retries failed e-mails a bounded number
of times (`jobs`).
"""

from provider.manifest import Manifest, NavLink
from provider.security.roles import Permission

MANIFEST = Manifest(
    package="provider.security_risks",
    routers=("provider.security_risks.api:router", "provider.security_risks.views:router"),
    navigation=(NavLink("Security risks", "/security-risks", Permission.risks_read, position=45),),
    model_modules=("provider.security_risks.models",),
    job_modules=("provider.security_risks.jobs",),
    templates=("templates",),
    permissions=(Permission.risks_read, Permission.risks_write),
)
