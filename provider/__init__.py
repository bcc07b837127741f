"""pecr platform core and the provider-level PECR duties.

Core sub-packages (settings, db, security, subscribers, scheduler, notices, web, console) hold what
every domain package builds on. Imports point down only: domains may import the core, the core never
imports a domain, except the composition roots `provider.web.app` and `provider.console`.
"""
