"""Writing checked traffic and location lines in batches: resolve lines, set retention, encrypt, write.

Choice: **every good line is committed, batch by batch; no bad line is written.** At operator scale one
bad line must not hold back millions of good ones, and since every record is idempotent on its source
record id, the file can be sent again once the bad lines are fixed (or after an interruption): what is
already stored is skipped, never written or counted twice. Each batch is one transaction, so a kill
leaves whole batches only.

Writing: COPY on PostgreSQL, executemany on SQLite (`provider.db.bulk.write_rows`), inside a savepoint;
if a batch meets a record already stored (a re-run), the savepoint is rolled back, the stored source ids
are read for that batch alone and the rest written. A fresh import never pays for that look-up.

A file import on PostgreSQL writes in the background (`Writer`): a thread with its own connection COPYs
and commits batch k while this one checks and encrypts batch k+1, so the server's work on the rows
overlaps ours instead of following it (the thread mostly waits on the socket, without the GIL). The
batch's day keys and partitions are committed by the checking session before the batch is handed over,
so no record is ever committed without the key that reads it. At most one batch is in flight.

A CSV file comes in blocks (`feed_block`): checked by column (`traffic.columns`), its good rows built
column by column (`_traffic_columns`); a row the columns doubt, or whose line or user does not resolve,
goes through the parser and `_traffic` one by one, which give the reason a bad line is refused, so a CSV
and an NDJSON file are reported and stored alike. NDJSON and API batches go line by line (`feed`).
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import UTC, date, datetime
from itertools import compress, repeat

from sqlalchemy import select
from sqlmodel import Session

from provider.db.bulk import driver_row, is_postgres
from provider.security.keystore import KeyStore
from provider.subscribers.models import Line, LineUser
from provider.subscribers.phone import InvalidNumber, normalise_number
from traffic import columns, consented, keys, partitions, rules
from traffic.models import Bill, EmergencyAlert, LocationRecord, RetentionHold, TrafficRecord
from traffic.parsing import BadLine, LocationLine, TrafficLine, parse
from traffic.report import IngestReport
from traffic.writer import Writer, chunks

TRAFFIC_COLUMNS = (
    "day", "source_record_id", "kind", "direction", "line_id", "subscriber_id", "user_id", "start_at", "end_at",
    "duration_seconds", "other_party_enc", "other_party_hash", "trunk", "cell_enc", "volume_bytes",
    "charge_pence", "bill_ref", "ended", "consented_service", "retention_class", "retain_until", "ingested_at",
)  # fmt: skip
LOCATION_COLUMNS = (
    "day", "source_record_id", "line_id", "subscriber_id", "observed_at", "cell_enc", "coordinates_enc",
    "accuracy_m", "source", "anonymous", "alert_ref", "consented_service", "retention_class", "retain_until",
    "ingested_at",
)  # fmt: skip
COLLECT_EVERY = 100  # batches between two cycle collections while a file import pauses the collector
OTHER, CELL, COORDINATES = b"other_party", b"cell_id", b"coordinates"


def active_holds(session: Session, now: datetime) -> list[rules.HoldScope]:
    rows = session.execute(
        select(RetentionHold).where(RetentionHold.released_at.is_(None), RetentionHold.ends_at > now)
    ).scalars()
    return [
        rules.HoldScope(
            basis=h.basis, ends_at=h.ends_at, subscriber_id=h.subscriber_id, line_id=h.line_id,
            date_from=h.date_from, date_to=h.date_to, starts_at=h.starts_at,
        )
        for h in rows
    ]  # fmt: skip


class Ingest:
    """Feed it (line number, decoded row) pairs; it writes a batch each `batch_size` good lines."""

    def __init__(
        self,
        session: Session,
        *,
        master_key: str,
        now: datetime,
        policy: rules.RetentionPolicy,
        batch_size: int,
        background: bool = False,
        store: KeyStore | None = None,
    ) -> None:
        self.session, self.now, self.policy, self.batch_size = session, now, policy, batch_size
        self.keyring = keys.Keyring(session, master_key, now, store)
        self.nonces = keys.Nonces()
        self.report = IngestReport()
        self.holds = active_holds(session, now)
        self.alerts = {a.alert_ref: (a.period_end, a.test) for a in session.execute(select(EmergencyAlert)).scalars()}
        self._numbers: dict[str, str | None] = {}
        self._partitioned: dict[str, bool] = {}  # a table's layout does not change during an import
        self._asked: set[str] = set()  # line numbers as written in the file, already looked up
        self._lines: dict[str, tuple[int, int]] = {}
        self._bills: dict[str, rules.BillState | None] = {}
        self._pending: list[tuple[int, TrafficLine | LocationLine]] = []
        # CSV blocks checked by column: (header, line numbers, rows, the checked columns, the parser's good lines)
        self._blocks: list[tuple[list[str], list[int], list[list[str]], columns.Block, list]] = []
        self._block_rows = 0
        self._flushes = 0
        if is_postgres(session):  # psycopg takes these values as they are: no conversion per value
            self._traffic_row = self._location_row = _as_is
        else:
            self._traffic_row = driver_row(session, TrafficRecord.__table__, TRAFFIC_COLUMNS)
            self._location_row = driver_row(session, LocationRecord.__table__, LOCATION_COLUMNS)
        self.writer = Writer(
            session, self.report, background=background and is_postgres(session), store=self.keyring.store
        )

    def feed(self, line_no: int, row: object) -> None:
        self.report.lines += 1
        try:
            parsed = parse(row)
        except BadLine as error:
            self.report.bad(line_no, str(error))
            return
        self._pending.append((line_no, parsed))
        if len(self._pending) >= self.batch_size:
            self.flush()

    def feed_block(self, names: list[str], line_numbers: list[int], rows: list[list[str]]) -> None:
        """CSV rows as the header names them (each of its width): checked by column (`traffic.columns`),
        the rows it doubts by the parser, one by one, as `feed` would."""
        self.report.lines += len(rows)
        block, doubtful = columns.check_traffic(names, rows)
        parsed = []
        for position in sorted(doubtful):
            try:
                parsed.append((position, parse(dict(zip(names, rows[position], strict=True)))))
            except BadLine as error:
                self.report.bad(line_numbers[position], str(error))
        self._blocks.append((names, line_numbers, rows, block, parsed))
        self._block_rows += len(rows)
        if self._block_rows + len(self._pending) >= self.batch_size:
            self.flush()

    def bad(self, line_no: int, reason: str) -> None:
        self.report.lines += 1
        self.report.bad(line_no, reason)

    def _e164(self, number: str) -> str | None:
        if number not in self._numbers:
            try:
                self._numbers[number] = normalise_number(number)
            except InvalidNumber:
                self._numbers[number] = None
        return self._numbers[number]

    def _resolve(self, pending: list[tuple[int, TrafficLine | LocationLine]]) -> None:
        self._resolve_values(
            {item.line for _, item in pending},
            {item.bill_ref for _, item in pending if isinstance(item, TrafficLine) and item.bill_ref},
        )

    def _resolve_values(self, numbers: set[str], refs: set[str]) -> None:
        fresh = numbers - self._asked  # a file names the same lines over and over: each is asked once
        self._asked |= fresh
        wanted = {e164 for number in fresh if (e164 := self._e164(number)) and e164 not in self._lines}
        for chunk in chunks(sorted(wanted), 1000):
            for line_id, subscriber_id, number in self.session.execute(
                select(Line.id, Line.subscriber_id, Line.number).where(Line.number.in_(chunk))
            ):
                self._lines[number] = (line_id, subscriber_id)
        missing = sorted(refs - self._bills.keys())
        for chunk in chunks(missing, 1000):
            for bill in self.session.execute(select(Bill).where(Bill.bill_ref.in_(chunk))).scalars():
                self._bills[bill.bill_ref] = rules.BillState(bill.status, bill.issued_at, bill.resolved_at)
        self._bills.update({ref: None for ref in missing if ref not in self._bills})

    def _users(self, pending: list[tuple[int, TrafficLine | LocationLine]]) -> dict[int, int]:
        return self._user_lines({item.user_id for _, item in pending if isinstance(item, TrafficLine)})

    def _user_lines(self, user_ids: set[int | None]) -> dict[int, int]:
        ids = sorted(user_id for user_id in user_ids if user_id)
        found: dict[int, int] = {}
        for chunk in chunks(ids, 1000):
            rows = self.session.execute(select(LineUser.id, LineUser.line_id).where(LineUser.id.in_(chunk)))
            found.update((user_id, line_id) for user_id, line_id in rows)
        return found

    def _consented(self, pending: list[tuple[int, TrafficLine | LocationLine]]) -> set[consented.Key]:
        """The consents now given by the batch's subscribers who sent consented records (none: no query)."""
        named = {self._e164(item.line) for _, item in pending if item.consented_service}
        return consented.current_keys(self.session, {self._lines[e][1] for e in named if e in self._lines})

    def flush(self) -> None:
        pending, self._pending = self._pending, []
        blocks, self._blocks, self._block_rows = self._blocks, [], 0
        if not pending and not blocks:
            return
        self._resolve(pending)
        self._consents = self._consented(pending)
        users = self._users(pending)
        traffic: list[tuple] = []
        location: list[tuple] = []
        for block in blocks:
            self._flush_block(*block, traffic, location)
        for line_no, item in pending:
            try:
                if isinstance(item, TrafficLine):
                    traffic.append(self._traffic(item, users))
                else:
                    location.append(self._location(item))
            except BadLine as error:
                self.report.bad(line_no, str(error))
        batch = [
            (TrafficRecord.__table__, TRAFFIC_COLUMNS, traffic),
            (LocationRecord.__table__, LOCATION_COLUMNS, location),
        ]
        days: set = set()
        for table, _columns, rows in batch:
            if rows:
                table_days = {row[0] for row in rows}
                partitions.ensure(self.session, table.name, table_days)
                days |= table_days
        self.writer.submit(batch, self.keyring.wrapped_keys({_as_date(day) for day in days}))
        self._flushes += 1
        if self._flushes % COLLECT_EVERY == 0 and not gc.isenabled():
            # the records are plain values freed by reference counting, but the session's own objects may
            # form cycles now and then: collected here, so memory stays flat over any length of file
            gc.collect()

    def _flush_block(
        self,
        names: list[str],
        line_numbers: list[int],
        rows: list[list[str]],
        block: columns.Block,
        parsed: list,
        traffic: list[tuple],
        location: list[tuple],
    ) -> None:
        """The block's rows, in file order: those the columns vouch for built column by column; any of them
        that fails a check needing the database, and those the parser gave, built one by one by `_traffic`
        (or `_location`), which also gives the reason a line is refused."""
        parsed_traffic = [item for _, item in parsed if isinstance(item, TrafficLine)]
        self._resolve_values(
            {*block.line, *(item.line for _, item in parsed)},
            {ref for ref in block.bill_ref if ref} | {item.bill_ref for item in parsed_traffic if item.bill_ref},
        )
        users = self._user_lines({*block.user_id, *(item.user_id for item in parsed_traffic)})
        positions, built, refused = self._traffic_columns(block, users)
        one_by_one = [(position, item) for position, item in parsed]
        for position in refused:  # the columns vouched for these: parse gives them back as they were
            one_by_one.append((position, parse(dict(zip(names, rows[position], strict=True)))))
        if not one_by_one:
            traffic.extend(built)
            return
        self._consents |= self._consented(one_by_one)
        ordered = dict(zip(positions, built, strict=True))
        for position, item in sorted(one_by_one, key=lambda pair: pair[0]):
            try:
                if isinstance(item, TrafficLine):
                    ordered[position] = self._traffic(item, users)
                else:
                    location.append(self._location(item))
            except BadLine as error:
                self.report.bad(line_numbers[position], str(error))
        traffic.extend(ordered[position] for position in sorted(ordered))

    def _traffic_columns(self, block: columns.Block, users: dict[int, int]) -> tuple[list[int], list[tuple], set[int]]:
        """The positions and rows of the block's vouched-for lines, and the positions of those whose line or
        user does not resolve (left to `_traffic` for the reason). With no hold in force, no hold test."""
        found = {number: self._lines.get(self._e164(number)) for number in set(block.line)}
        where = [found[number] for number in block.line]
        # A record naming a consented service is kept for it only while its person's consent stands: that
        # needs the consents looked up, which `_traffic` does, so those rows go one by one too.
        refused = {
            position
            for position, place, user, service in zip(
                block.good, where, block.user_id, block.consented_service, strict=True
            )
            if place is None or (user is not None and users.get(user) != place[0]) or service
        }
        keep = None
        if refused:
            keep = [position not in refused for position in block.good]
        good = block.good if keep is None else list(compress(block.good, keep))
        if not good:
            return [], [], refused

        def col(values: list) -> list:
            return values if keep is None else list(compress(values, keep))

        where = col(where)
        line_ids, subscriber_ids = [place[0] for place in where], [place[1] for place in where]
        starts, ends, ended = col(block.start_at), col(block.end_at), col(block.ended)
        bill_refs, consented = col(block.bill_ref), col(block.consented_service)
        days = [start.astimezone(UTC).date() for start in starts]  # rules.utc_day, inline
        classes, untils = rules.retention_columns(
            self.holds, self._bills, self.policy, self.now,
            (starts, ends, ended, bill_refs, consented, days, line_ids, subscriber_ids),
        )  # fmt: skip
        ciphers = {day: self.keyring.cipher(day) for day in set(days)}
        others, cells = col(block.other_party), col(block.cell_id)
        others_enc = [
            nonce + ciphers[day].encrypt(nonce, other.encode(), OTHER) if other else None
            for day, other, nonce in zip(days, others, keys.nonces(len(good)), strict=True)
        ]
        cells_enc = [
            nonce + ciphers[day].encrypt(nonce, cell.encode(), CELL) if cell else None
            for day, cell, nonce in zip(days, cells, keys.nonces(len(good)), strict=True)
        ]
        rows = list(zip(
            days, col(block.source_record_id), col(block.kind), col(block.direction), line_ids, subscriber_ids,
            col(block.user_id), starts, ends, col(block.duration_seconds), others_enc,
            self.keyring.number_hashes(others), col(block.trunk), cells_enc, col(block.volume_bytes),
            col(block.charge_pence), bill_refs, ended, consented, classes, untils, repeat(self.now, len(good)),
            strict=True,
        ))  # fmt: skip
        if self._traffic_row is not _as_is:
            rows = [self._traffic_row(row) for row in rows]
        return good, rows, refused

    def close(self) -> None:
        """Wait for the last batch in flight (raising its error, if any) and release the writer."""
        self.writer.close()

    def _line(self, item: TrafficLine | LocationLine) -> tuple[int, int]:
        e164 = self._e164(item.line)
        if e164 is None:
            raise BadLine("line", "not a valid telephone number")
        found = self._lines.get(e164)
        if found is None:
            raise BadLine("line", "no line of the provider has this number")
        return found

    def _traffic(self, item: TrafficLine, users: dict[int, int]) -> tuple:
        line_id, subscriber_id = self._line(item)
        if item.user_id is not None and users.get(item.user_id) != line_id:
            raise BadLine("user_id", "is not a named user of this line")
        day = rules.utc_day(item.start_at)
        holds = [h for h in self.holds if h.covers(subscriber_id=subscriber_id, line_id=line_id, day=day, now=self.now)]
        service = item.consented_service  # kept for it only while its person's consent stands
        if service and not consented.traffic_consented(
            self._consents, subscriber_id=subscriber_id, user_id=item.user_id, service=service
        ):
            service = None
        retention = rules.traffic_retention(
            start_at=item.start_at, end_at=item.end_at, ended=item.ended, bill_ref=item.bill_ref,
            consented_service=service, bill=self._bills.get(item.bill_ref) if item.bill_ref else None,
            holds=holds, policy=self.policy,
        )  # fmt: skip
        cipher, nonces, other, cell = self.keyring.cipher(day), self.nonces, item.other_party, item.cell_id
        return self._traffic_row((
            day, item.source_record_id, item.kind.value, item.direction.value, line_id, subscriber_id, item.user_id,
            item.start_at, item.end_at, item.duration_seconds,
            keys.encrypt(cipher, OTHER, other, nonces) if other else None,
            self.keyring.number_hash(other) if other else None,
            item.trunk, keys.encrypt(cipher, CELL, cell, nonces) if cell else None, item.volume_bytes,
            item.charge_pence, item.bill_ref, item.ended, item.consented_service,
            retention.retention_class.value, retention.retain_until, self.now,
        ))  # fmt: skip

    def _location(self, item: LocationLine) -> tuple:
        line_id, subscriber_id = self._line(item)
        day = rules.utc_day(item.observed_at)
        alert = None
        if item.alert_ref is not None:
            alert = self.alerts.get(item.alert_ref)
            if alert is None:
                raise BadLine("alert_ref", "no emergency alert has this reference: record the alert first")
        holds = [h for h in self.holds if h.covers(subscriber_id=subscriber_id, line_id=line_id, day=day, now=self.now)]
        service = item.consented_service
        if service and not consented.location_consented(
            self._consents, subscriber_id=subscriber_id, line_id=line_id, service=service
        ):
            service = None
        retention = rules.location_retention(
            observed_at=item.observed_at,
            consented_service=service,
            alert=alert,
            holds=holds,
            policy=self.policy,
        )
        cipher = self.keyring.cipher(day)
        return self._location_row((
            day, item.source_record_id, line_id, subscriber_id, item.observed_at,
            keys.encrypt(cipher, CELL, item.cell_id, self.nonces) if item.cell_id else None,
            keys.encrypt(cipher, COORDINATES, item.coordinates, self.nonces) if item.coordinates else None,
            item.accuracy_m, item.source.value, item.anonymous, item.alert_ref, item.consented_service,
            retention.retention_class.value, retention.retain_until, self.now,
        ))  # fmt: skip


def _as_is(values: tuple) -> tuple:
    return values


def _as_date(day: date | str) -> date:
    """A row's day as a date: on SQLite the row holds it in the driver's form, ISO text."""
    return day if isinstance(day, date) else date.fromisoformat(day)


ProgressFn = Callable[[int], None]
