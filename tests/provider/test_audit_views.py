"""/audit, /audit.csv and /api/v1/audit-events: who may read the trail, filters and paging over HTTP."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

from sqlmodel import Session

from provider.security import audit
from provider.security.actor import Actor, ActorKind


def _events(engine, count: int, *, at: datetime | None = None, action: str = "account.updated") -> None:
    with Session(engine) as session:
        for number in range(count):
            audit.record(
                session,
                actor=Actor(kind=ActorKind.user, name="alice", user_id=1),
                action=action,
                entity_type="user",
                entity_id=number,
                now=at or datetime(2026, 3, 10, 12, tzinfo=UTC),
            )
        session.commit()


def _ids_on_page(html: str) -> list[int]:
    return [int(number) for number in re.findall(r"<tr>\s*<td>(\d+)</td>", html)]


def test_auditor_pages_through_events_newest_first(signed_in, engine):
    auditor = signed_in("auditor", "ann")  # creating ann writes event 1
    _events(engine, 60)
    first = auditor.get("/audit")
    assert first.status_code == 200
    assert _ids_on_page(first.text)[:2] == [61, 60] and len(_ids_on_page(first.text)) == 50
    older = re.search(r'href="(/audit\?before_id=\d+)" rel="next"', first.text).group(1)
    second = auditor.get(older)
    assert _ids_on_page(second.text) == list(range(11, 0, -1))
    newer = re.search(r'href="(/audit\?after_id=\d+)" rel="prev"', second.text).group(1)
    assert _ids_on_page(auditor.get(newer).text) == list(range(61, 11, -1))


def test_filters_are_kept_in_the_form_paging_and_csv_links(signed_in, engine):
    auditor = signed_in("auditor", "ann")
    _events(engine, 3, action="breach.filed")
    page = auditor.get("/audit", params={"action": "breach.", "date_from": "2026-03-10"})
    assert _ids_on_page(page.text) == [4, 3, 2]
    assert 'value="breach."' in page.text
    assert 'href="/audit.csv?action=breach.&amp;date_from=2026-03-10"' in page.text


def test_a_mistyped_date_is_a_form_error_not_a_crash(signed_in):
    auditor = signed_in("auditor", "ann")
    page = auditor.get("/audit", params={"date_from": "10/03/2026"})
    assert page.status_code == 422 and 'href="#date_from"' in page.text
    backwards = auditor.get("/audit", params={"date_from": "2026-03-10", "date_to": "2026-03-01"})
    assert backwards.status_code == 422 and "before the start date" in backwards.text
    assert auditor.get("/audit.csv", params={"date_to": "tomorrow"}).status_code == 422


def test_csv_download_streams_the_filtered_events_with_hashes(signed_in, engine):
    auditor = signed_in("auditor", "ann")
    _events(engine, 4, action="breach.filed", at=datetime(2026, 6, 15, 8, tzinfo=UTC))
    response = auditor.get("/audit.csv", params={"action": "breach.", "date_from": "2026-06-15"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["id"] for row in rows] == ["2", "3", "4", "5"]
    assert all(len(row["hash"]) == 64 and len(row["prev_hash"]) == 64 for row in rows)
    assert rows[1]["prev_hash"] == rows[0]["hash"]


def test_roles_without_audit_read_are_refused(signed_in):
    for role in ("agent", "breach_manager"):
        client = signed_in(role, f"{role}-person")
        assert client.get("/audit").status_code == 403
        assert client.get("/audit.csv").status_code == 403


def test_api_pages_with_next_before_id_and_filters_by_london_date(api_client, engine):
    reader = api_client("auditor", scopes=["audit:read"])  # its user and token write events 1 and 2
    _events(engine, 5, at=datetime(2026, 6, 14, 23, 30, tzinfo=UTC))  # 15 June 00:30 BST
    first = reader.get("/api/v1/audit-events", params={"limit": 4})
    assert first.status_code == 200
    body = first.json()
    assert [item["id"] for item in body["items"]] == [7, 6, 5, 4] and body["next_before_id"] == 4
    rest = reader.get("/api/v1/audit-events", params={"limit": 4, "before_id": 4}).json()
    assert [item["id"] for item in rest["items"]] == [3, 2, 1] and rest["next_before_id"] is None
    june_15 = reader.get("/api/v1/audit-events", params={"date_from": "2026-06-15", "date_to": "2026-06-15"}).json()
    assert [item["id"] for item in june_15["items"]] == [7, 6, 5, 4, 3]
    assert {"hash", "prev_hash", "before", "after", "actor_name"} <= set(june_15["items"][0])


def test_api_refuses_bad_input_with_problem_details(api_client):
    reader = api_client("auditor")
    bad = reader.get("/api/v1/audit-events", params={"date_from": "15/06/2026", "limit": 100000})
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    assert {error["field"] for error in bad.json()["errors"]} == {"date_from", "limit"}
    assert api_client("agent").get("/api/v1/audit-events").status_code == 403
