"""The itemised-bill pages: the box on the subscriber page, recording a request, the month's bill."""

from __future__ import annotations

from tests.conftest import csrf_from
from tests.provider.billing.test_api import CALLS, add_subscriber


def test_an_agent_records_an_opt_out_and_the_bill_page_shows_totals_only(api_client, signed_in):
    subscriber = add_subscriber(api_client)
    api_client("agent").post(f"/api/v1/subscribers/{subscriber}/calls", json={"calls": CALLS})
    agent = signed_in("agent")
    page = agent.get(f"/subscribers/{subscriber}")
    assert "Itemised bills" in page.text and "the subscriber has not asked" in page.text
    bill = agent.get(f"/subscribers/{subscriber}/bills/2026-03")
    assert 'id="bill-lines"' in bill.text and "+441134960001" in bill.text and "116123" not in bill.text
    form = agent.get(f"/subscribers/{subscriber}/billing")
    posted = agent.post(
        f"/subscribers/{subscriber}/billing",
        data={"itemised": "no", "channel": "phone", "note": "asked on the phone", "csrf_token": csrf_from(form.text)},
    )
    assert posted.status_code == 303 and posted.headers["location"] == f"/subscribers/{subscriber}"
    assert "Bills without itemisation" in agent.get(f"/subscribers/{subscriber}").text
    after = agent.get(f"/subscribers/{subscriber}/bills/2026-03")
    assert 'id="bill-lines"' not in after.text and "+441134960001" not in after.text and "£0.20" in after.text
    assert agent.get(f"/subscribers/{subscriber}/bills/2026-03.pdf").headers["content-type"] == "application/pdf"


def test_a_form_error_names_the_field_and_keeps_the_input(api_client, signed_in):
    subscriber = add_subscriber(api_client)
    agent = signed_in("agent")
    form = agent.get(f"/subscribers/{subscriber}/billing")
    posted = agent.post(
        f"/subscribers/{subscriber}/billing",
        data={
            "itemised": "maybe",
            "channel": "phone",
            "note": "kept note",
            "requested_at-day": "1",
            "requested_at-month": "1",
            "requested_at-year": "2099",
            "requested_at-time": "10:00",
            "csrf_token": csrf_from(form.text),
        },
    )
    assert posted.status_code == 422
    assert "Choose itemised bills or bills without itemisation" in posted.text
    assert "kept note" in posted.text


def test_a_breach_manager_sees_no_bill_box(api_client, signed_in):
    subscriber = add_subscriber(api_client)
    page = signed_in("breach_manager").get(f"/subscribers/{subscriber}")
    assert page.status_code == 200 and "Itemised bills" not in page.text
