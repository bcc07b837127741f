"""Scheduled work: a registry of idempotent jobs, APScheduler wiring and a database leader lease."""
