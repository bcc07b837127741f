"""The `pecr` command: the composition root for operators (serve, migrate, accounts, audit, jobs)."""

from provider.console.main import app, main

__all__ = ["app", "main"]
