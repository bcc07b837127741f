"""`pecr bench cli` at a tiny scale, so the benchmark keeps working (the figures are in the report)."""

from __future__ import annotations

from contextlib import contextmanager

from provider.line_identification import bench
from provider.manifest import BenchContext


@contextmanager
def _progress(_label, _total):
    yield lambda _done: None


def test_the_benchmark_runs_and_a_change_is_seen_by_the_next_decision(sqlite_engine):
    context = BenchContext(engine=sqlite_engine, progress=_progress)
    result = bench.run(context, count=300, ranges=200, seconds=1, batch=500)
    assert result["lines"] == 300 and result["numbering"]["allocation_prefixes"] == 200
    assert result["in_process"]["batch_per_second"] > 0 and 0 < result["in_process"]["blocked_share"] < 1
    change = result["http"]["settings_change"]
    assert change["put_status"] == 200 and change["visible_next_decision"] is True
