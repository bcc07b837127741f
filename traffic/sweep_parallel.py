"""The erasure sweep's batches on several connections at once (PostgreSQL): see `Parallel`."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from sqlmodel import Session

if TYPE_CHECKING:
    from traffic.sweep import Sweeper

WORKERS = 2  # connections deleting at once (the machine this was tuned on has two cores)


class Parallel:
    """PostgreSQL, one table's id ranges on `WORKERS` connections: each batch's DELETE (with its counts and id
    hash, computed in the statement) runs beside the next one's, while adding to the receipt and committing
    stay in range order, one batch at a time. So the receipt, its id hash and an interruption read exactly
    as a sweep on one connection's: each batch commits with its receipt, in order, and a batch only commits
    after the one before it (none after a failure). The receipt row, which every batch updates, is written
    in that ordered step, so two batches never wait on each other inside the database while one also waits
    on the other here."""

    def __init__(self, sweeper: Sweeper, table: str) -> None:
        self.sweeper, self.table = sweeper, table
        self._turn = threading.Condition()
        self._next, self._failed = 0, False
        self._local = threading.local()
        self._sessions: list[Session] = []

    def run(self, starts: range) -> None:
        batch = self.sweeper.batch
        try:
            with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="traffic-sweep") as pool:
                # tasks start in submission order, so the batch before any waiting one is always running
                futures = [pool.submit(self._one, k, start, start + batch) for k, start in enumerate(starts)]
                for future in futures:
                    future.result()
        finally:
            for session in self._sessions:
                session.close()

    def _session(self) -> Session:
        if not hasattr(self._local, "session"):
            self._local.session = Session(self.sweeper.session.get_bind())
            self._sessions.append(self._local.session)
        return self._local.session

    def _one(self, k: int, start: int, end: int) -> None:
        session = self._session()
        try:
            found = self._delete(session, start, end)
            with self._turn:
                while self._next != k and not self._failed:
                    self._turn.wait()
                if self._failed:
                    session.rollback()
                    return
            self._commit(session, found)
        except BaseException:
            session.rollback()
            with self._turn:
                self._failed = True
            raise
        finally:
            with self._turn:
                self._next = max(self._next, k + 1)
                self._turn.notify_all()

    def _delete(self, session: Session, start: int, end: int) -> tuple[dict[str, int], str] | None:
        """Delete the range; (counts per class, id hash), or None if nothing went."""
        return self.sweeper.erased_in_range(session, self.table, start, end)

    def _commit(self, session: Session, found: tuple[dict[str, int], str] | None) -> None:
        sweeper = self.sweeper
        if found is None:
            session.commit()
            return
        counts, digest = found
        sweeper.account(self.table, counts, digest)
        sweeper._save(session)
        if sweeper.progress:
            sweeper.progress(self.table, sum(counts.values()))
