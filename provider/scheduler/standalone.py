"""`pecr scheduler`: one scheduler process for multi-replica deployments (web replicas run --no-scheduler).

Run one on each of two machines: one leads, the other stands by and takes over within
`scheduler_lease_seconds` + `scheduler_heartbeat_seconds` of the leader dying. On SIGTERM or SIGINT it
stops firing, lets a running job finish, and releases the lease so the standby need not wait.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

from sqlalchemy import Engine

from provider.clock import Clock
from provider.scheduler.leader import SchedulerService
from provider.scheduler.runner import load_registered_jobs
from provider.settings import Settings

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def run(*, engine: Engine, clock: Clock, settings: Settings) -> SchedulerService:
    """Run until SIGTERM/SIGINT; returns the stopped service (its holder id is in the logs and on /healthz)."""
    service = SchedulerService(engine=engine, clock=clock, settings=settings, specs=load_registered_jobs())

    def _on_signal(_number: int, _frame: FrameType | None) -> None:
        service.request_stop()

    if threading.current_thread() is threading.main_thread():
        for number in STOP_SIGNALS:
            signal.signal(number, _on_signal)
    service.start()
    try:
        service.wait()
    finally:
        service.stop(wait_for_jobs=True)
    return service
