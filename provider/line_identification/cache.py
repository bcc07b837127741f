"""The settings, traces and numbering data a decision reads, held in process and invalidated on change.

Every change a decision depends on (a line's settings, a trace decided, a numbering import) bumps the
one `line_identification_state` row in its own transaction (`bump`). Each decision first reads that row
(one primary-key read): when its epoch and version match the snapshot's, the snapshot is used as it is;
when only the version moved on, the rows changed since are read (settings carry the version of their
last change, an index keeps that read small) and traces and, if a list was imported since, the
numbering data are read again; when the epoch differs (the row was made afresh) everything is reloaded.
So a change made through any replica applies to the very next decision on every replica.

Known limit: the cache is keyed by the line's number; renumbering a line does not bump the version, so
until the next change the old number keeps the line's settings in the cache.
"""

from __future__ import annotations

import threading
import uuid
import weakref
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from sqlalchemy import Engine, func, select, text, update
from sqlmodel import Session

from provider.line_identification.models import (
    LineIdentificationState,
    NumberingImport,
    NumberingList,
    NumberingRange,
    RejectionMethod,
    TraceRequest,
    TraceStatus,
)
from provider.line_identification.rules import EMPTY_NUMBERING, LineOptions, Numbering, TraceWindow
from provider.subscribers.models import Line

STATE_ID = 1


@dataclass
class Snapshot:
    epoch: str = ""
    version: int = -1
    numbering_import: int = 0
    lines: dict[str, LineOptions] = field(default_factory=dict)
    line_ids: dict[str, int] = field(default_factory=dict)
    traces: dict[str, TraceWindow] = field(default_factory=dict)
    numbering: Numbering = EMPTY_NUMBERING


def bump(session: Session, now: datetime) -> int:
    """Mark a change every replica's cache must see; returns the new version (the caller commits)."""
    version = session.execute(
        update(LineIdentificationState)
        .where(LineIdentificationState.id == STATE_ID)
        .values(version=LineIdentificationState.version + 1, changed_at=now)
        .returning(LineIdentificationState.version)
    ).scalar()
    if version is None:
        session.add(LineIdentificationState(id=STATE_ID, epoch=uuid.uuid4().hex, version=1, changed_at=now))
        session.flush()
        version = 1
    return int(version)


def renew(session: Session, now: datetime) -> None:
    """Make every replica reload in full: settings were deleted (a line erased), which an incremental load,
    reading only rows changed since its version, would never see (the caller commits)."""
    bump(session, now)
    session.execute(
        update(LineIdentificationState).where(LineIdentificationState.id == STATE_ID).values(epoch=uuid.uuid4().hex)
    )


STATE_QUERY = f"SELECT epoch, version FROM line_identification_state WHERE id = {STATE_ID}"


def read_state(session: Session) -> tuple[str, int]:
    """The state row, read with the driver's own statement: it runs before every decision."""
    row = session.connection().exec_driver_sql(STATE_QUERY).first()
    return (row[0], int(row[1])) if row else ("", 0)


@lru_cache(maxsize=64)
def _options(withhold_all: bool, hide: bool, reject: bool, method: str, withhold_connected: bool) -> LineOptions:
    """One shared object per combination (there are 32): a million lines cost a million references."""
    return LineOptions(
        withhold_all=bool(withhold_all),
        hide_incoming=bool(hide),
        reject_anonymous=bool(reject),
        reject_at_network=method == RejectionMethod.network.value,
        withhold_connected=bool(withhold_connected),
    )


def _load_lines(session: Session, snapshot: Snapshot, since: int | None) -> None:
    query = (
        "SELECT l.number, s.line_id, s.withhold_all, s.hide_incoming, s.reject_anonymous, s.rejection_method,"
        " s.withhold_connected FROM line_cli_setting s JOIN subscriber_line l ON l.id = s.line_id"
    )
    # Plain rows straight from the driver: a full load reads a million of them.
    result = session.connection().execute(
        text(query + (" WHERE s.version > :since" if since is not None else "")), {"since": since}
    )
    lines, ids = snapshot.lines, snapshot.line_ids
    while batch := result.fetchmany(50_000):
        for number, line_id, withhold, hide, reject, method, connected in batch:
            lines[number] = _options(withhold, hide, reject, method, connected)
            ids[number] = line_id


def _load_traces(session: Session) -> dict[str, TraceWindow]:
    rows = session.execute(
        select(Line.number, TraceRequest.id, TraceRequest.active_from, TraceRequest.active_until)
        .join(Line, Line.id == TraceRequest.line_id)
        .where(TraceRequest.status == TraceStatus.approved, TraceRequest.active_from.is_not(None))
        .order_by(TraceRequest.id)
    )
    return {number: TraceWindow(trace_id, starts, ends) for number, trace_id, starts, ends in rows}


def _load_numbering(session: Session) -> Numbering:
    allocation: dict[str, bool] = {}
    dno: set[str] = set()
    rows = session.execute(
        select(NumberingRange.list, NumberingRange.prefix, NumberingRange.allocated).execution_options(yield_per=50_000)
    )
    for kind, prefix, allocated in rows:
        if kind == NumberingList.dno:
            dno.add(prefix)
        else:
            allocation[prefix] = allocated
    return Numbering.of(allocation, dno)


def _latest_import(session: Session) -> int:
    return int(session.execute(select(func.coalesce(func.max(NumberingImport.id), 0))).scalar_one())


class DecisionCache:
    """One per engine (`for_engine`): the snapshot, refreshed under a lock when the state row moved."""

    def __init__(self) -> None:
        self._snapshot = Snapshot()
        self._lock = threading.Lock()
        self.reloads = 0

    def current(self, session: Session) -> Snapshot:
        epoch, version = read_state(session)
        snapshot = self._snapshot
        if snapshot.epoch == epoch and snapshot.version == version:
            return snapshot
        with self._lock:
            snapshot = self._snapshot
            if snapshot.epoch != epoch or snapshot.version > version:
                snapshot = self._full(session, epoch, version)
            elif snapshot.version < version:
                snapshot = self._incremental(session, snapshot, version)
            self._snapshot = snapshot
            self.reloads += 1
            return snapshot

    def _full(self, session: Session, epoch: str, version: int) -> Snapshot:
        snapshot = Snapshot(epoch=epoch, version=version, numbering_import=_latest_import(session))
        _load_lines(session, snapshot, None)
        snapshot.traces = _load_traces(session)
        snapshot.numbering = _load_numbering(session)
        return snapshot

    def _incremental(self, session: Session, old: Snapshot, version: int) -> Snapshot:
        _load_lines(session, old, old.version)  # the dictionaries are shared: readers see rows as they land
        latest = _latest_import(session)
        numbering = _load_numbering(session) if latest != old.numbering_import else old.numbering
        return Snapshot(
            epoch=old.epoch,
            version=version,
            numbering_import=latest,
            lines=old.lines,
            line_ids=old.line_ids,
            traces=_load_traces(session),
            numbering=numbering,
        )


_CACHES: weakref.WeakKeyDictionary[Engine, DecisionCache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def for_engine(engine: Engine) -> DecisionCache:
    with _CACHES_LOCK:
        cache = _CACHES.get(engine)
        if cache is None:
            cache = _CACHES[engine] = DecisionCache()
        return cache
