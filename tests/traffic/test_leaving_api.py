"""Leavers through the API: leave, remove a named user, the summary, erasure refused then done; roles."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlmodel import Session

from provider.security.audit import verify_chain
from tests.traffic.conftest import LINE_A
from traffic.sweep import sweep


def _import(import_file, tmp_path):
    path = tmp_path / "r.ndjson"
    row = {"source_record_id": "B1", "kind": "call", "direction": "outgoing", "line": LINE_A,
           "start_at": "2026-03-01T10:00:00Z", "duration_seconds": 60, "bill_ref": "BILL-9"}  # fmt: skip
    path.write_text(json.dumps(row) + "\n")
    import_file(path)


def test_a_leaver_is_summarised_refused_erasure_and_erased_after_the_sweep(
    tmp_path, engine, world, import_file, api_client, clock
):
    _import(import_file, tmp_path)
    client = api_client("compliance_officer", scopes=["subscribers:write", "subscribers:read"])
    left = client.post(f"/api/v1/lines/{world.line_a}/leave", json={"reason": "ported_out"})
    assert left.status_code == 200, left.text
    assert left.json()["left_reason"] == "ported_out"
    again = client.post(f"/api/v1/lines/{world.line_a}/leave", json={"reason": "ported_out"})
    assert again.status_code == 409 and again.headers["content-type"].startswith("application/problem+json")
    changed = client.patch(f"/api/v1/lines/{world.line_a}", json={"service": "fixed"})
    assert changed.status_code == 409 and "left on 10 Mar 2026 (ported out)" in changed.text
    assert client.post(f"/api/v1/subscribers/{world.subscriber_id}/leave", json={"reason": "ceased"}).status_code == 200
    summary = client.get(f"/api/v1/subscribers/{world.subscriber_id}/leaving").json()
    assert summary["left_on_london"] == "10 Mar 2026" and summary["can_be_erased"] is False
    billing = next(k for k in summary["kept"] if k["what"] == "traffic records, billing")
    assert billing["until_london"] == "01 Mar 2027 10:00 GMT" and billing["why"].startswith("unbilled")
    refused = client.post(f"/api/v1/subscribers/{world.subscriber_id}/erase")
    assert refused.status_code == 409 and "unbilled" in refused.text
    later = datetime(2027, 3, 2, tzinfo=UTC)
    sweep(engine, now=later)
    clock.set(later)
    erased = client.post(f"/api/v1/subscribers/{world.subscriber_id}/erase")
    assert erased.status_code == 200, erased.text
    assert erased.json()["lines_erased"] == 2 and erased.json()["trigger"] == "request"
    detail = client.get(f"/api/v1/subscribers/{world.subscriber_id}").json()
    assert detail["name"] == "(erased)" and "Leeds" not in json.dumps(detail)
    with Session(engine) as session:
        assert verify_chain(session).intact


def test_removing_a_named_user_and_the_checks_on_it(engine, world, api_client):
    client = api_client("compliance_officer", scopes=["subscribers:write", "subscribers:read"])
    assert client.delete(f"/api/v1/lines/{world.line_b}/users/{world.user_id}").status_code == 404  # not that line
    removed = client.delete(f"/api/v1/lines/{world.line_a}/users/{world.user_id}")
    assert removed.status_code == 200 and removed.json()["removed_at"] is not None
    assert client.delete(f"/api/v1/lines/{world.line_a}/users/{world.user_id}").status_code == 409


def test_leaving_needs_the_write_scope_and_bad_input_names_the_field(engine, world, api_client):
    reader = api_client("auditor", scopes=["subscribers:read"])
    assert reader.post(f"/api/v1/subscribers/{world.subscriber_id}/leave", json={"reason": "ceased"}).status_code == 403
    assert reader.post(f"/api/v1/subscribers/{world.subscriber_id}/erase").status_code == 403
    assert reader.get(f"/api/v1/subscribers/{world.subscriber_id}/leaving").status_code == 200
    writer = api_client("compliance_officer", scopes=["subscribers:write"])
    bad = writer.post(f"/api/v1/lines/{world.line_a}/leave", json={"reason": "moved", "left_at": "2026-03-01T00:00:00"})
    assert bad.status_code == 422 and "reason" in bad.text and "left_at" in bad.text
    future = writer.post(
        f"/api/v1/lines/{world.line_a}/leave", json={"reason": "ceased", "left_at": "2027-01-01T00:00:00Z"}
    )
    assert future.status_code == 422 and "future" in future.text
    assert writer.post("/api/v1/lines/999/leave", json={"reason": "ceased"}).status_code == 404
