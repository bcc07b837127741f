"""Leavers through the pages: the box on the subscriber page, the leave form, removing a user and erasing,
each with CSRF, a confirmation step, errors at the top naming the field, and roles checked on the server."""

from __future__ import annotations

from tests.conftest import csrf_from


def _post(client, url: str, data: dict):
    token = csrf_from(client.get(url).text)
    return client.post(url, data={**data, "csrf_token": token})


def test_a_line_leaves_through_its_form_and_the_page_says_what_is_kept(signed_in, world):
    client = signed_in("compliance_officer")
    page = f"/subscribers/{world.subscriber_id}"
    assert "Record that it leaves" in client.get(page).text
    wrong = {"reason": "moved", "left_at-day": "31", "left_at-month": "2", "left_at-year": "2026"}
    bad = _post(client, f"{page}/lines/{world.line_a}/leave", wrong)
    assert bad.status_code == 422 and "Why it left" in bad.text and "When it left" in bad.text
    assert 'value="31"' in bad.text  # the input is kept
    early = {
        "reason": "ceased",
        "left_at-day": "9",
        "left_at-month": "3",
        "left_at-year": "2026",
        "left_at-time": "23:30",
    }
    before = _post(client, f"{page}/lines/{world.line_a}/leave", early)
    assert before.status_code == 422 and "When it left: may not be before it was created" in before.text
    left = _post(client, f"{page}/lines/{world.line_a}/leave", {"reason": "ceased"})  # no date: now
    assert left.status_code == 303, left.text
    shown = client.get(page).text
    assert "Left</strong> 10 Mar 2026 12:00 GMT (ceased)" in shown and "Leaving and erasure" in shown
    assert "Nothing is kept." in shown and "The subscriber has not left. Lines that left: line" in shown


def test_removing_a_user_needs_the_confirmation(signed_in, world):
    client = signed_in("compliance_officer")
    url = f"/subscribers/{world.subscriber_id}/lines/{world.line_a}/users/{world.user_id}/remove"
    unconfirmed = _post(client, url, {})
    assert unconfirmed.status_code == 422 and "Tick the box to confirm" in unconfirmed.text
    assert _post(client, url, {"confirm": "yes"}).status_code == 303
    assert "(removed " in client.get(f"/subscribers/{world.subscriber_id}").text
    elsewhere = f"/subscribers/{world.subscriber_id}/lines/{world.line_b}/users/{world.user_id}/remove"
    assert client.get(elsewhere).status_code == 404


def test_erasure_is_refused_until_the_subscriber_leaves_then_confirmed_and_receipted(signed_in, world):
    client = signed_in("compliance_officer")
    page = f"/subscribers/{world.subscriber_id}"
    assert "it has not left" in client.get(f"{page}/erase").text
    refused = _post(client, f"{page}/erase", {"confirm": "yes"})
    assert refused.status_code == 409 and "it has not left" in refused.text
    assert _post(client, f"{page}/leave", {"reason": "ported_out"}).status_code == 303
    assert _post(client, f"{page}/erase", {}).status_code == 422
    assert _post(client, f"{page}/erase", {"confirm": "yes"}).status_code == 303
    shown = client.get(page).text
    assert "Erasure receipts" in shown and "Ann Example" not in shown and "Ben User" not in shown


def test_an_auditor_sees_the_box_but_cannot_leave_or_erase(signed_in, world):
    auditor = signed_in("auditor")
    page = f"/subscribers/{world.subscriber_id}"
    assert "Leaving and erasure" in auditor.get(page).text
    assert auditor.get(f"{page}/leave").status_code == 403
    assert auditor.get(f"{page}/erase").status_code == 403
