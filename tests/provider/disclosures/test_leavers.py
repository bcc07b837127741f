"""The disclosure register's keeper, through the API: an undecided request naming a leaver holds its
erasure back, shown on the leaving summary without naming the body or the request; once decided the
subscriber is erased and the register entry stays as recorded."""

from __future__ import annotations

from sqlmodel import Session

from provider.disclosures.models import DisclosureRequest
from tests.provider.disclosures.test_api import REQUEST
from tests.provider.subscribers.leavers import make_subscriber

WHY = "a request naming the subscriber is still being decided (ask a compliance officer)"


def test_an_undecided_request_keeps_a_leaver_and_the_register_entry_outlives_its_erasure(
    engine, api_client, signed_in, clock
):
    with Session(engine) as session:
        leaver = make_subscriber(session, clock.now())
    officer = api_client("compliance_officer")
    created = officer.post("/api/v1/disclosures", json={**REQUEST, "subscriber_id": leaver.subscriber_id})
    assert created.status_code == 201, created.text
    assert (
        officer.post(f"/api/v1/subscribers/{leaver.subscriber_id}/leave", json={"reason": "ceased"}).status_code == 200
    )

    summary = officer.get(f"/api/v1/subscribers/{leaver.subscriber_id}/leaving").json()
    assert [(k["what"], k["why"], k["records"]) for k in summary["kept"]] == [("compliance request", WHY, 1)]
    assert summary["can_be_erased"] is False and "West Yorkshire" not in str(summary)
    refused = officer.post(f"/api/v1/subscribers/{leaver.subscriber_id}/erase")
    assert refused.status_code == 409 and "compliance request (1) kept" in refused.text
    page = signed_in("compliance_officer").get(f"/subscribers/{leaver.subscriber_id}/erase")
    assert page.status_code == 200 and "compliance request (1) kept: a request naming the subscriber" in page.text

    request_id = created.json()["id"]
    decided = officer.post(
        f"/api/v1/disclosures/{request_id}/decision", json={"decision": "refused", "reasons": "no basis"}
    )
    assert decided.status_code == 200, decided.text
    erased = officer.post(f"/api/v1/subscribers/{leaver.subscriber_id}/erase")
    assert erased.status_code == 200, erased.text
    assert not any(key.startswith("disclosures.") for key in erased.json()["counts"])  # nothing of it is erased
    with Session(engine) as session:
        entry = session.get(DisclosureRequest, request_id)
        assert (entry.subscriber_id, entry.data_requested) == (leaver.subscriber_id, REQUEST["data_requested"])
