"""pecr platform core and the provider-level PECR duties.

Core sub-packages (settings, db, security, subscribers, profile, notices, scheduler, web, console) hold
what every domain package builds on. Imports point down only: domains may import the core, the core
never imports a domain, except the composition roots (`provider.web.app`, `provider.console`,
`provider.db.registry`, `provider.scheduler.catalogue`), which loop over the manifests of the packages
`provider.domains` lists. The provider-level domains that will live here (line_identification,
billing, security_risks, disclosures) are domains, not core.
"""
