"""The erasure sweep's batches on several connections at once (PostgreSQL): see `Parallel`."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlmodel import Session

if TYPE_CHECKING:
    from traffic.sweep import Sweeper

WORKERS = 2  # connections deleting at once (the machine this was tuned on has two cores)


class Parallel:
    """PostgreSQL, one table's id ranges on `WORKERS` connections: each batch's DELETE (with its counts, groups
    and id hash, computed in the statement) runs beside the next one's, while adding to the aggregates and
    the receipt and committing stay in range order, one batch at a time. So the receipt, its id hash and an
    interruption read exactly as a sweep on one connection's: each batch commits with its receipt, in order,
    and a batch only commits after the one before it (none after a failure). The aggregate upserts, which
    two batches could both want, are made in that ordered step, so two batches never wait on each other
    inside the database while one also waits on the other here."""

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

    def _delete(self, session: Session, start: int, end: int) -> tuple[list, str] | None:
        """Delete the range; (groups per day, kind, direction and class, id hash), or None if nothing went."""
        sweeper, table = self.sweeper, self.table
        traffic = table == "traffic_record"
        keys_ = "day, kind, direction, retention_class" if traffic else "retention_class"
        sums = ", coalesce(sum(duration_seconds), 0) AS s, coalesce(sum(volume_bytes), 0) AS v" if traffic else ""
        fields = f"{keys_}, n, s, v" if traffic else f"{keys_}, n"
        row = session.execute(
            text(
                f"WITH gone AS ({sweeper._range_delete(table)}), "
                f"groups AS (SELECT {keys_}, count(*) AS n{sums} FROM gone GROUP BY {keys_}) "
                f"SELECT (SELECT json_agg(json_build_array({fields})) FROM groups), "
                "(SELECT encode(sha256(convert_to(string_agg(id::text, ',' ORDER BY id), 'UTF8')), 'hex') FROM gone)"
            ),
            {**sweeper.params, "start": start, "end": end},
        ).one()
        return None if row[0] is None else (row[0], row[1])

    def _commit(self, session: Session, found: tuple[list, str] | None) -> None:
        sweeper = self.sweeper
        if found is None:
            session.commit()
            return
        groups, digest = found
        counts: Counter[str] = Counter()
        if self.table == "traffic_record":
            rows = []
            for day, kind, direction, retention_class, n, seconds, volume in groups:
                counts[retention_class] += n
                rows.append((None, None, date.fromisoformat(day), kind, direction, seconds, volume, n))
            sweeper._aggregate_groups(rows, session)
        else:
            for retention_class, n in groups:
                counts[retention_class] += n
        sweeper.account(self.table, dict(counts), digest)
        sweeper._save(session)
        if sweeper.progress:
            sweeper.progress(self.table, sum(counts.values()))
