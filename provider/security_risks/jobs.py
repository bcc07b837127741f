"""Scheduled work of security-risk notices: carry on sends that stopped, and retry failed e-mails.

Sending runs as a background task of the web process that started it; if that process restarts, the
send stops with recipients still pending. Every 15 minutes this job picks up each notice no send has
moved on for `rules.STALE_SEND`, and tries again the e-mails that failed at least `rules.RETRY_AFTER`
ago, each up to PECR_SECURITY_RISK_EMAIL_ATTEMPTS times (then its letter is the way it is told).
Idempotent: with nothing pending or due a retry, it does nothing.
"""

from __future__ import annotations

from provider.scheduler.registry import JobContext, JobSpec, register
from provider.security.actor import system_actor
from provider.security_risks import service

JOB_ID = "security_risks.resume_sending"
ACTOR = system_actor(f"scheduler:{JOB_ID}")


def resume_sending(context: JobContext) -> int:
    """Returns the number of recipients sent to (or given a letter)."""
    return service.resume(context.engine, actor=ACTOR, clock=context.clock, settings=context.settings)


register(
    JobSpec(
        id=JOB_ID,
        func=resume_sending,
        trigger="interval",
        trigger_args={"minutes": 15},
        description="carry on security-risk notices whose sending stopped, and retry failed e-mails",
    )
)
