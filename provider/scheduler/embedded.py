"""The scheduler inside `pecr serve`: started with the app, stopped with it, never blocking either.

Each web process that embeds a scheduler competes for the same lease, so running several replicas
with the embedded scheduler is safe (one leads); large deployments run `pecr scheduler` instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from provider.scheduler.leader import SchedulerService
from provider.scheduler.runner import load_registered_jobs


def attach(app: FastAPI) -> None:
    """Wrap the app's lifespan: start the scheduler after startup, stop it (off the event loop) at shutdown."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        async with inner(application) as state:
            service = SchedulerService(
                engine=app.state.engine,
                clock=app.state.clock,
                settings=app.state.settings,
                specs=load_registered_jobs(),
                kind="embedded",
            )
            service.start()  # threads only: the lease is taken by the heartbeat thread, not here
            app.state.scheduler = service
            try:
                yield state
            finally:
                # Waiting for a running job and releasing the lease are blocking calls.
                await asyncio.to_thread(service.stop, wait_for_jobs=True)
                app.state.scheduler = None

    app.router.lifespan_context = lifespan
