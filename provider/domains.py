"""The packages that plug into the platform: adding a domain is one line in DOMAINS.

Read only by the composition roots (`provider.web.app`, `provider.console`, `provider.db.registry`,
`provider.scheduler.catalogue`), which loop over the manifests (`provider.manifest`) of the packages
named here, core parts first, in this order. Names are strings: this module imports nothing of them
until `manifests()` is called.
"""

from __future__ import annotations

import importlib

from provider.manifest import Manifest, import_all

# The core's own parts that plug in the same way (tables, pages, jobs).
CORE = (
    "provider.security",
    "provider.web",
    "provider.profile",
    "provider.subscribers",
    "provider.scheduler",
    "provider.deadlines",
    "provider.wording",
)
DOMAINS = (
    "breach",
    "traffic",
    "directories",
    "provider.billing",
    "provider.disclosures",
    "provider.security_risks",
    "provider.line_identification",
)
# Domains by design (shared/design.md) that are not built yet; the import-graph test treats them as
# domains already, so the core cannot come to depend on them. Move a name to DOMAINS when it lands.
PLANNED_DOMAINS: tuple[str, ...] = ()


def manifests() -> list[Manifest]:
    """The manifest of every core part and domain, in order."""
    return [importlib.import_module(name).MANIFEST for name in (*CORE, *DOMAINS)]


def import_registrations() -> None:
    """Import every module a package names for what it registers (deadline kinds, ...)."""
    import_all([reference for manifest in manifests() for reference in manifest.registrations])
