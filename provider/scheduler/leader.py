"""A scheduler process's life: APScheduler firing jobs, and a heartbeat that acquires or renews the lease.

Every scheduler runs APScheduler all the time; a standby's fires return at once because it does not
hold the lease. The heartbeat tries to acquire the lease every `scheduler_heartbeat_seconds`, so a
standby takes over at most one heartbeat after the leader's lease (`scheduler_lease_seconds`) runs
out. Used by `pecr scheduler` (standalone) and by `pecr serve` (embedded).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from provider.clock import Clock
from provider.scheduler import lease, runs
from provider.scheduler.registry import JobSpec
from provider.scheduler.runner import JobRunner
from provider.settings import Settings

logger = logging.getLogger("pecr.scheduler")


class SchedulerService:
    def __init__(
        self,
        *,
        engine: Engine,
        clock: Clock,
        settings: Settings,
        specs: Iterable[JobSpec],
        holder: str | None = None,
        kind: str = "scheduler",
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.settings = settings
        self.holder = holder or lease.new_holder_id(kind)
        self.runner = JobRunner(engine=engine, clock=clock, settings=settings, specs=specs, holder=self.holder)
        self.leading = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._scheduler: BackgroundScheduler | None = None
        if settings.scheduler_heartbeat_seconds >= settings.scheduler_lease_seconds:
            logger.warning(
                "heartbeat (%s s) is not shorter than the lease (%s s): leadership will flap",
                settings.scheduler_heartbeat_seconds,
                settings.scheduler_lease_seconds,
            )

    def heartbeat(self) -> bool:
        """Acquire or renew the lease once; returns whether this scheduler now leads."""
        now = self.clock.now()
        try:
            held = lease.acquire(
                self.engine, holder=self.holder, now=now, lease_seconds=self.settings.scheduler_lease_seconds
            )
        except SQLAlchemyError as error:
            logger.warning("lease heartbeat failed: %s", runs.safe_error(error, self.settings))
            held = False
        self.runner.note_lease(held=held, now=now)
        if held and not self.leading:
            logger.info("%s now holds the scheduler lease", self.holder)
            self._mark_abandoned()
        elif self.leading and not held:
            logger.warning("%s lost the scheduler lease; standing by", self.holder)
        self.leading = held
        return held

    def _mark_abandoned(self) -> None:
        try:
            abandoned = runs.mark_abandoned(self.engine, runner=self.holder, now=self.clock.now())
        except SQLAlchemyError as error:
            logger.warning("could not close abandoned runs: %s", runs.safe_error(error, self.settings))
            return
        if abandoned:
            logger.warning("marked %s run(s) left running by a previous leader as failed", abandoned)

    def _heartbeat_loop(self) -> None:
        while not self._stop.is_set():
            self.heartbeat()
            self._stop.wait(self.settings.scheduler_heartbeat_seconds)

    def start(self) -> None:
        """Start firing and heart-beating in background threads; returns at once."""
        self._scheduler = self.runner.build_scheduler()
        self._scheduler.start()
        self._thread = threading.Thread(target=self._heartbeat_loop, name="pecr-scheduler-lease", daemon=True)
        self._thread.start()
        logger.info("scheduler %s started with %s job(s)", self.holder, len(self.runner.specs))

    def request_stop(self) -> None:
        """Safe from a signal handler: the heartbeat loop ends at its next wait."""
        self._stop.set()

    def wait(self) -> None:
        """Block the calling thread until request_stop() (used by the standalone command)."""
        while not self._stop.wait(0.5):
            pass

    def stop(self, *, wait_for_jobs: bool = True) -> None:
        """Stop firing, let running jobs finish, then release the lease so a standby takes over at once."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.settings.scheduler_heartbeat_seconds + 5)
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=wait_for_jobs)
        self.runner.note_lease(held=False, now=self.clock.now())
        try:
            released = lease.release(self.engine, holder=self.holder, now=self.clock.now())
        except SQLAlchemyError as error:
            logger.warning("could not release the lease: %s", runs.safe_error(error, self.settings))
            return
        if released:
            logger.info("%s released the scheduler lease", self.holder)
        self.leading = False
