"""The retention page shows the picture, the next sweep, holds and receipts; receipts export as CSV."""

from __future__ import annotations

import csv
import io
import json

from tests.conftest import START
from tests.traffic.conftest import LINE_A
from traffic.sweep import sweep


def test_the_retention_page_and_the_receipts_csv(tmp_path, engine, world, import_file, signed_in):
    path = tmp_path / "r.ndjson"
    rows = [{"source_record_id": f"R{i}", "kind": "sms", "direction": "incoming", "line": LINE_A,
             "start_at": "2026-03-01T10:00:00Z", "other_party": "+441632960009"} for i in range(3)]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    import_file(path)
    client = signed_in("auditor")
    page = client.get("/traffic/retention")
    assert page.status_code == 200
    assert "<svg" in page.text and "traffic.transmission" in page.text
    assert 'data-count="3"' in page.text  # the next sweep's bar
    assert "441632960009" not in page.text
    result = sweep(engine, now=START)
    exported = client.get("/traffic/retention/receipts.csv")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(exported.text)))
    assert [(r["id"], r["rows_erased"], r["ids_hash"]) for r in table] == [
        (str(result.receipt_id), "3", result.ids_hash)]  # fmt: skip
    assert "Nothing is due for erasure now." in client.get("/traffic/retention").text
