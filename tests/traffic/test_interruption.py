"""kill -9 during an import and during a sweep, then run again: nothing lost, nothing counted twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from tests.conftest import START
from tests.traffic.conftest import LINE_A
from traffic.models import ErasureReceipt, TrafficRecord
from traffic.sweep import sweep

ROOT = Path(__file__).resolve().parents[2]
COUNT = 2000


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "many.ndjson"
    with path.open("w") as handle:
        for i in range(COUNT):
            handle.write(json.dumps({"source_record_id": f"K{i}", "kind": "data", "direction": "outgoing",
                                     "line": LINE_A, "start_at": f"2026-03-0{1 + i % 5}T10:00:00Z",
                                     "volume_bytes": 1000}) + "\n")  # fmt: skip
    return path


def _kill_after_batches(engine, args: list[str], batches: int = 2) -> None:
    url = engine.url.render_as_string(hide_password=False)
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.traffic.crash_worker", args[0], url, *args[1:]],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    for _ in range(batches):
        assert child.stdout.readline().strip() == "batch"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL


def _stored(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(TrafficRecord)).one()


def test_an_import_killed_midway_then_run_again_loses_and_doubles_nothing(tmp_path, engine, world, import_file):
    path = _file(tmp_path)
    _kill_after_batches(engine, ["import", str(path)])
    before = _stored(engine)
    assert 0 < before < COUNT and before % 200 == 0  # whole batches only
    report = import_file(path, batch_size=300)
    assert (report.written, report.already_stored, report.bad_lines) == (COUNT - before, before, 0)
    assert _stored(engine) == COUNT


def test_a_sweep_killed_midway_then_run_again_erases_each_row_once(tmp_path, engine, world, import_file):
    assert import_file(_file(tmp_path)).written == COUNT
    _kill_after_batches(engine, ["sweep"], batches=3)
    left = _stored(engine)
    assert 0 < left < COUNT
    with Session(engine) as session:
        interrupted = session.exec(select(ErasureReceipt)).one()
        assert interrupted.status == "running" and interrupted.rows_erased == COUNT - left
    result = sweep(engine, now=START)
    assert result.rows_erased == left and _stored(engine) == 0
    with Session(engine) as session:
        receipts = session.exec(select(ErasureReceipt).order_by(ErasureReceipt.id)).all()
        assert [r.status for r in receipts] == ["interrupted", "complete"]
        assert sum(r.rows_erased for r in receipts) == COUNT
        assert json.loads(receipts[0].counts)["traffic.transmission"] + result.counts["traffic.transmission"] == COUNT
