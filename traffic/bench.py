"""`pecr bench traffic [--count N] --database-url postgresql://…/scratch`: ingest and erasure beside raw SQL.

On one scratch database, with the same synthetic records (half billed and kept, half transmission-only
and expired by the sweep's time, spread over ten days):
1. ingest: `pecr traffic import`'s path on a CSV file (read and check by column, the parser for any row the
   columns doubt, resolve lines, retention, AES-GCM, HMAC, binary COPY and a commit per batch, written by a
   background thread on a second connection while the next batch is checked) — then the stored rows are
   copied out to a file;
2. plain COPY: the table emptied and the same stored rows COPYed back from that file on one connection, in
   one statement (indexes and partitions the same);
3. raw batched DELETE of the expired half by id range (one connection, `batch` ids a statement and a commit),
   against the sweep of the same rows (reloaded), same batches: the sweep's DELETE also returns each row's
   id and class, counted per class and hashed in the same statement, and the batch's receipt is updated in
   its transaction (the anonymous counts were added at import); it runs two batches' DELETEs at once on two
   connections (`traffic.sweep_parallel`), committing in range order;
4. the sweep again at a time when every row has expired: whole-day partitions dropped (PostgreSQL).
Peak RSS is the process's high-water mark at the end (`resource.getrusage`).

Both COPYs use the binary format: the import writes binary COPY (no text for the server to parse), so
the plain COPY is exported and re-imported in binary too; in text it ran about 35% slower (35,000 against
56,000 rows/s at 200,000), which would have flattered the import.

Measured on 8 Dec 2026 (2-core machine, quiet: nothing else running), on a fresh scratch database each:
  pecr bench traffic --count 1000000 --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_traffic
  ingest 61,763/s vs plain COPY 97,601/s = 0.63; sweep 401,729/s vs raw DELETE 430,720/s = 0.93; 10
  partitions (500,000 rows) dropped in 0.9 s; peak RSS 184.5 MiB.
  --count 5000000: ingest 58,064 vs 79,826 = 0.73; sweep 390,227 vs 418,559 = 0.93; 10 partitions
  (2,500,000 rows) dropped in 4.5 s; peak RSS 185.0 MiB (flat from 1,000,000).
Before that day's changes (2 to 7 Dec) ingest stood at 0.29 to 0.40 and the sweep at 0.47 to 0.68. What
moved them, each found with py-spy or the server backend's CPU time per batch:
- the import held neither connection: each batch of 5,000 gave both back to the pool at commit and took
  them again with its ping; it also asked each batch whether the table is partitioned and read the COPY's
  column types. Connections held, answers kept, 20,000 rows a batch: 44,680 to 68,412 rows/s;
- the sweep found days whose key can go by a DISTINCT over every row still kept (0.6 to 0.9 s of a 3 s
  sweep); it now asks each day's partition for one row (3.5 ms for ten days);
- the sweep's DELETE returned and grouped day, kind, direction, duration and volume into the anonymous
  counts: 30 ms of server CPU a batch against 15 for the raw DELETE; the counts are now added at import,
  and the DELETE returns id and class only (23 ms).
The import's CPU per record is about 13 µs (1,000,000 rows): the column checks, the CSV reader,
retention, two AES-GCM fields and an HMAC, besides COPY. Pausing the cyclic collector during the import
halved it once (its rows are acyclic, yet they set off collections walking every row held).
"""

from __future__ import annotations

import random
import resource
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session

from provider.manifest import BenchContext
from provider.security.actor import system_actor
from provider.subscribers.demo import load_demo
from traffic import service
from traffic.rules import RetentionPolicy
from traffic.sweep import sweep

ACTOR = system_actor("bench")
MASTER = "bench-master-key"
START = datetime(2026, 1, 1, tzinfo=UTC)
DAYS = 10
COLUMNS = "source_record_id,kind,direction,line,start_at,duration_seconds,other_party,cell_id,trunk,bill_ref"


def _write_file(path: Path, numbers: list[str], count: int) -> None:
    rng = random.Random(7)
    per_day = -(-count // DAYS)
    with path.open("w", encoding="utf-8") as handle:
        handle.write(COLUMNS + "\n")
        for i in range(count):
            start = START + timedelta(days=i // per_day, seconds=(i * 7919) % 86_000)
            bill = f"BILL-{i % 1000}" if i % 2 == 0 else ""
            cell = f"234-15-{rng.randrange(9999)}-{rng.randrange(9)}"
            handle.write(
                f"S{i},call,outgoing,{numbers[i % len(numbers)]},{start.isoformat()},{rng.randrange(1, 3600)},"
                f"+4416329{rng.randrange(10**5):05d},{cell},TRK{i % 8},{bill}\n"
            )


def _numbers(context: BenchContext, lines: int) -> list[str]:
    with Session(context.engine) as session:
        load_demo(session, actor=ACTOR, now=START, count=lines)
        session.commit()
        return list(session.execute(text("SELECT number FROM subscriber_line ORDER BY id")).scalars())


def _export(context: BenchContext, path: Path) -> None:
    raw = context.engine.raw_connection()
    try:
        with raw.cursor() as cursor, path.open("wb") as handle:
            with cursor.copy("COPY (SELECT * FROM traffic_record) TO STDOUT (FORMAT BINARY)") as copy:
                for chunk in copy:
                    handle.write(chunk)
    finally:
        raw.close()


def _copy_in(context: BenchContext, path: Path) -> float:
    raw = context.engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            cursor.execute("TRUNCATE traffic_record")
            raw.commit()
            began = time.perf_counter()
            with cursor.copy("COPY traffic_record FROM STDIN (FORMAT BINARY)") as copy, path.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    copy.write(chunk)
            raw.commit()
            return time.perf_counter() - began
    finally:
        raw.close()


def _raw_delete(context: BenchContext, cut: datetime, batch: int) -> tuple[float, int]:
    with context.engine.connect() as connection:
        began, deleted = time.perf_counter(), 0  # finding the id range is part of the work, as in the sweep
        low, high = connection.execute(
            text("SELECT min(id), max(id) FROM traffic_record WHERE retain_until < :cut"), {"cut": cut}
        ).one()
        connection.commit()
        for start in range(low, high + 1, batch):
            deleted += connection.execute(
                text("DELETE FROM traffic_record WHERE id >= :a AND id < :b AND retain_until < :cut"),
                {"a": start, "b": start + batch, "cut": cut},
            ).rowcount
            connection.commit()
        return time.perf_counter() - began, deleted


def _rate(rows: int, seconds: float) -> int:
    return int(rows / seconds) if seconds else 0


def run(context: BenchContext, count: int = 1_000_000) -> dict[str, object]:
    if context.engine.dialect.name != "postgresql":
        raise SystemExit("pecr bench traffic measures COPY and partitions: give --database-url postgresql://…")
    numbers = _numbers(context, max(100, min(10_000, count // 100)))
    batch = 20_000
    with tempfile.TemporaryDirectory(prefix="pecr-bench-traffic-") as folder:
        source, stored = Path(folder) / "records.csv", Path(folder) / "stored.copy"
        _write_file(source, numbers, count)
        with context.progress("ingest", count) as advance:
            began = time.perf_counter()
            report = service.import_file(
                context.engine, path=source, actor=ACTOR, now=START, master_key=MASTER, policy=RetentionPolicy(),
                progress=advance,
            )  # fmt: skip
            ingest_seconds = time.perf_counter() - began
        _export(context, stored)
        copy_seconds = _copy_in(context, stored)
        cut = START + timedelta(days=DAYS + 2)  # transmission rows expired, billed ones kept
        delete_seconds, deleted = _raw_delete(context, cut, batch)
        _copy_in(context, stored)
        began = time.perf_counter()
        swept = sweep(context.engine, now=cut, batch=batch)
        sweep_seconds = time.perf_counter() - began
        began = time.perf_counter()
        dropped = sweep(context.engine, now=START.replace(year=2034), batch=batch)
        drop_seconds = time.perf_counter() - began
    ingest_rate, copy_rate = _rate(report.written, ingest_seconds), _rate(report.written, copy_seconds)
    sweep_rate, delete_rate = _rate(swept.rows_erased, sweep_seconds), _rate(deleted, delete_seconds)
    return {
        "records": count,
        "written": report.written,
        "bad_lines": report.bad_lines,
        "ingest_rows_per_s": ingest_rate,
        "plain_copy_rows_per_s": copy_rate,
        "ingest_vs_copy": round(ingest_rate / copy_rate, 3) if copy_rate else None,
        "sweep_rows": swept.rows_erased,
        "sweep_rows_per_s": sweep_rate,
        "raw_delete_rows": deleted,
        "raw_delete_rows_per_s": delete_rate,
        "sweep_vs_delete": round(sweep_rate / delete_rate, 3) if delete_rate else None,
        "partitions_dropped": dropped.partitions_dropped,
        "partition_drop_rows": dropped.rows_erased,
        "partition_drop_seconds": round(drop_seconds, 3),
        "keys_destroyed": dropped.keys_destroyed,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
