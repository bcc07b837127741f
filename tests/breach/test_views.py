"""The breach pages through HTTP: forms, error summaries that keep the input, filing, PDFs, roles.

The rules are tested in test_rules.py; these prove the wiring: Europe/London input becomes the right
UTC instant, the service's refusals reach the page whole, and what is downloaded is what was filed.
"""

from __future__ import annotations

import hashlib
import html
import re
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from breach import rules, service
from breach.models import Breach, BreachCreate, Filing, FilingStage
from provider.profile.models import ProfileUpdate
from provider.profile.service import update_profile
from provider.security.models import AuditEvent
from tests.conftest import TESTER, csrf_from

SUMMER = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)  # 13:00 BST: local time and UTC differ by an hour
COMPLETE = {
    "title": "Billing export e-mailed to the wrong customer",
    "circumstance": "misdirection",
    "circumstance_detail": "An agent attached the wrong account's CSV",
    "occurred_at": "2026-07-01T08:15",
    "occurred_is_estimate": "yes",
    "detected_at": "2026-07-01T09:00",
    "aware_at": "2026-07-01T09:30",
    "aware_recorded_by": "Duty compliance officer",
    "aware_evidence": "Ticket INC-4411",
    "data_categories": ["itemised_call_lists", "financial"],
    "data_description": "Itemised call lists and bank details of one account",
    "individuals_affected": "3",
    "individuals_is_estimate": "yes",
    "summary": "One customer's bill sent to another",
    "location_and_media": "E-mail attachment (CSV)",
    "protection_measures": "Role-based access; DLP scanning",
    "encryption_details": "None: plain CSV",
    "mitigation_measures": "Recipient confirmed deletion",
    "likely_consequences": "Distress; fraud risk",
    "other_providers": "none",
    "cross_border": "",
    "customer_notification_summary": "Letter to the account holder",
}
MINIMAL = {
    "title": "Suspicious access to CDR store",
    "circumstance": "unauthorised_access",
    "detected_at": "2026-07-01T09:00",
    "aware_at": "2026-07-01T09:30",
}


def _profile(engine, clock) -> None:
    with Session(engine, expire_on_commit=False) as session:
        update_profile(
            session,
            actor=TESTER,
            now=clock.now(),
            data=ProfileUpdate(
                legal_name="Northwind Telecom Limited",
                address="1 Exchange Street, Leeds LS1 1AA",
                ico_registration_number="Z1234567",
                contact_name="Dana Scully",
                contact_email="dpo@northwind.example.com",
                contact_phone="0113 496 0000",
            ),
        )
        session.commit()


def _record(client, fields: dict) -> int:
    token = csrf_from(client.get("/breaches/new").text)
    response = client.post("/breaches/new", data={**fields, "csrf_token": token})
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/breaches/(\d+)", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


def _file(client, breach_id: int, **fields: str):
    token = csrf_from(client.get(f"/breaches/{breach_id}/file?stage={fields.get('stage', 'initial')}").text)
    return client.post(f"/breaches/{breach_id}/file", data={"stage": "initial", **fields, "csrf_token": token})


def _submit(client, location: str, **fields: str):
    """Record the submission on the page a filing redirects to, with the boxes as the page fills them."""
    page = client.get(location).text
    boxes = dict(re.findall(r'name="(submitted_at-(?:day|month|year|time))" value="([^"]*)"', page))
    data = {**boxes, "method": "online_form", **fields, "csrf_token": csrf_from(page)}
    return client.post(location, data=data)


def _boxes(page: str, name: str) -> str:
    """A date input's boxes as the page shows them, 'day month year time' ('1 7 2026 08:30')."""
    found = dict(re.findall(rf'name="{name}-(day|month|year|time)" value="([^"]*)"', page))
    return " ".join(found.get(part, "") for part in ("day", "month", "year", "time"))


def _typed(name: str, boxes: str) -> dict[str, str]:
    """What a person types into a date input's boxes: _typed("aware_at", "25 10 2026 01:30")."""
    return {
        f"{name}-{part}": text for part, text in zip(("day", "month", "year", "time"), boxes.split(" "), strict=True)
    }


def _text(response) -> str:
    return html.unescape(response.text)


def _error_summary(response) -> str:
    match = re.search(r'<div class="error-summary".*?</div>', response.text, re.S)
    assert match, "no error summary on the page"
    return html.unescape(match.group(0))


def test_recording_a_breach_converts_london_input_and_shows_both_deadlines(signed_in, clock, engine):
    clock.set(SUMMER)
    client = signed_in("breach_manager")
    breach_id = _record(client, COMPLETE)
    with Session(engine) as session:
        breach = session.get(Breach, breach_id)
        # 09:30 BST is 08:30 UTC; a form read as UTC would store 09:30.
        assert breach.aware_at == datetime(2026, 7, 1, 8, 30, tzinfo=UTC)
        assert breach.occurred_is_estimate and breach.individuals_is_estimate
        assert breach.data_categories == ["itemised_call_lists", "financial"]
    page = _text(client.get(f"/breaches/{breach_id}"))
    # DUAA: aware 08:30 UTC floored to 08:00 + 73 h = 4 July 09:00 UTC = 10:00 BST.
    assert "04 Jul 2026 10:00 BST" in page
    assert "02 Jul 2026 09:30 BST" in page  # the 24-hour internal target, from 09:30 BST
    assert "Statutory deadline" in page and "Internal target (policy)" in page
    assert "<svg" in page and "now 01 Jul 2026 13:00 BST" in page
    listing = _text(client.get("/breaches"))
    assert "BR-2026-0001" in listing and "04 Jul 2026 10:00 BST" in listing and "02 Jul 2026 09:30 BST" in listing


def test_a_refused_form_lists_the_problem_and_keeps_every_input(signed_in, clock, engine):
    clock.set(SUMMER)
    client = signed_in("breach_manager")
    token = csrf_from(client.get("/breaches/new").text)
    fields = {
        **COMPLETE,
        "aware_at": "2026-07-01T08:30",
        "awareness_justification": "",
        "summary": 'Line one\r\nLine "two" <b>',
    }
    response = client.post("/breaches/new", data={**fields, "csrf_token": token})
    assert response.status_code == 422
    summary = _error_summary(response)
    assert 'href="#aware_at"' in summary and "is before detected_at" in summary
    page = response.text
    assert _boxes(page, "aware_at") == "1 7 2026 08:30" and _boxes(page, "detected_at") == "1 7 2026 09:00"
    assert _boxes(page, "occurred_at") == "1 7 2026 08:15"
    assert re.search(r'id="occurred_is_estimate"[^>]*checked', page)
    assert re.search(r'id="individuals_is_estimate"[^>]*checked', page)
    assert re.search(r'id="category-financial"[^>]*checked', page)
    assert re.search(r'id="category-itemised_call_lists"[^>]*checked', page)
    assert not re.search(r'id="category-location_data"[^>]*checked', page)
    assert '<option value="misdirection" selected>' in page
    assert "Line one\nLine &#34;two&#34; &lt;b&gt;</textarea>" in page
    assert 'value="3"' in page and "Recipient confirmed deletion" in page
    with Session(engine) as session:
        assert session.exec(select(Breach)).first() is None


def test_a_time_that_is_not_a_time_is_named_without_losing_the_rest(signed_in, clock):
    clock.set(SUMMER)
    client = signed_in("breach_manager")
    token = csrf_from(client.get("/breaches/new").text)
    response = client.post(
        "/breaches/new",
        data={
            **{name: value for name, value in MINIMAL.items() if name != "detected_at"},
            **_typed("detected_at", "yesterday-ish 7 2026 09:00"),
            "title": "",
            "individuals_affected": "lots",
            "csrf_token": token,
        },
    )
    assert response.status_code == 422
    summary = _error_summary(response)
    for field in ("detected_at", "title", "individuals_affected"):
        assert f'href="#{field}"' in summary
    assert 'value="yesterday-ish"' in response.text and 'value="lots"' in response.text


def test_filing_is_refused_with_every_missing_field_listed(signed_in, clock, engine):
    clock.set(SUMMER)
    _profile(engine, clock)
    client = signed_in("breach_manager")
    breach_id = _record(client, MINIMAL)
    with Session(engine) as session:
        expected = service.readiness(session, breach_id=breach_id, stage=FilingStage.initial)
    assert len(expected) >= 4  # occurred_at, data categories, description, measures, other providers
    response = _file(client, breach_id)
    assert response.status_code == 422
    summary = _error_summary(response)
    for error in expected:
        assert error.reason in summary, error
        assert f'href="#{error.field}"' in summary
    # The checklist beside it links each missing item to the form that fixes it.
    assert f'href="/breaches/{breach_id}/edit#data_description"' in response.text
    with Session(engine) as session:
        assert session.exec(select(Filing)).first() is None


def test_a_successful_filing_links_a_pdf_whose_bytes_match_the_shown_sha256(signed_in, clock, engine):
    clock.set(SUMMER)
    _profile(engine, clock)
    client = signed_in("breach_manager")
    breach_id = _record(client, COMPLETE)
    response = _file(client, breach_id)
    assert response.status_code == 303, _text(response)
    location = response.headers["location"]
    filing_id = int(re.search(r"/filings/(\d+)/submission$", location).group(1))
    assert "Record the submission" in client.get(location).text
    page = client.get(f"/breaches/{breach_id}").text
    assert "not yet submitted" in page
    link = f"/breaches/{breach_id}/filings/{filing_id}.pdf"
    assert f'href="{link}"' in page
    download = client.get(link)
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")
    digest = hashlib.sha256(download.content).hexdigest()
    assert digest in page
    with Session(engine) as session:
        assert session.get(Filing, filing_id).pdf_sha256 == digest


def test_a_late_filing_page_says_the_deadline_passed_and_requires_reasons(signed_in, clock, engine):
    clock.set(datetime(2026, 7, 4, 9, 1, tzinfo=UTC))  # a minute after the 72-hour deadline
    _profile(engine, clock)
    client = signed_in("breach_manager")
    breach_id = _record(client, COMPLETE)  # aware 1 July 09:30 BST, recorded late
    page = _text(client.get(f"/breaches/{breach_id}/file"))
    assert "The statutory deadline has passed" in page and "04 Jul 2026 10:00 BST" in page
    refused = _file(client, breach_id, delay_reasons="  ")
    assert refused.status_code == 422
    assert 'href="#delay_reasons"' in _error_summary(refused)
    accepted = _file(client, breach_id, delay_reasons="Awaiting forensic confirmation of scope")
    assert accepted.status_code == 303
    assert "met late" not in _text(client.get(f"/breaches/{breach_id}"))  # the document alone meets nothing
    assert _submit(client, accepted.headers["location"]).status_code == 303
    detail = _text(client.get(f"/breaches/{breach_id}"))
    assert "met late" in detail and "1 min" in detail


def test_the_file_page_before_the_deadline_asks_for_no_reasons(signed_in, clock, engine):
    clock.set(SUMMER)
    client = signed_in("breach_manager")
    breach_id = _record(client, COMPLETE)
    page = _text(client.get(f"/breaches/{breach_id}/file"))
    assert "The statutory deadline has passed" not in page
    assert "Only needed when a statutory deadline has passed" in page


def test_a_pdf_is_only_served_under_its_own_breach(signed_in, clock, engine):
    clock.set(SUMMER)
    _profile(engine, clock)
    client = signed_in("breach_manager")
    first, second = _record(client, COMPLETE), _record(client, COMPLETE)
    _file(client, first)
    with Session(engine) as session:
        filing = session.exec(select(Filing)).one()
    assert client.get(f"/breaches/{second}/filings/{filing.id}.pdf").status_code == 404
    assert client.get(f"/breaches/{first}/filings/{filing.id}.pdf").status_code == 200


def test_editing_is_prefilled_audited_and_leaves_untouched_times_alone(signed_in, clock, engine):
    # 01:30 GMT on 25 October 2026 is the second 01:30 that day (clocks went back at 02:00 BST);
    # re-reading the unchanged field as wall-clock time would move it an hour earlier.
    aware = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    clock.set(datetime(2026, 10, 25, 6, 0, tzinfo=UTC))
    with Session(engine, expire_on_commit=False) as session:
        breach = service.create_breach(
            session,
            actor=TESTER,
            now=clock.now(),
            data=BreachCreate(
                title="Router logs exposed",
                circumstance="copying",
                detected_at=aware - timedelta(minutes=10),
                aware_at=aware,
                data_categories=["internet_logs"],
            ),
        )
        session.commit()
    client = signed_in("breach_manager")
    form = client.get(f"/breaches/{breach.id}/edit").text
    assert _boxes(form, "aware_at") == "25 10 2026 01:30" and 'value="Router logs exposed"' in form
    assert re.search(r'id="category-internet_logs"[^>]*checked', form)
    fields = {
        "title": "Router logs copied",
        "circumstance": "copying",
        **_typed("detected_at", "25 10 2026 01:20"),
        **_typed("aware_at", "25 10 2026 01:30"),
        "data_categories": ["internet_logs"],
        "status": "contained",
        "csrf_token": csrf_from(form),
    }
    response = client.post(f"/breaches/{breach.id}/edit", data=fields)
    assert response.status_code == 303, _text(response)
    with Session(engine) as session:
        stored = session.get(Breach, breach.id)
        assert stored.title == "Router logs copied" and stored.status == "contained"
        assert stored.aware_at == aware
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "breach.updated")).all()
        assert len(events) == 1 and "Router logs copied" in events[0].after
        assert "aware_at" not in events[0].after


def test_list_filters_by_status_and_by_london_due_date(signed_in, clock, engine):
    clock.set(SUMMER)
    client = signed_in("breach_manager")
    early = _record(client, {**MINIMAL, "title": "Early one"})
    _record(client, {**MINIMAL, "title": "Closed one"})
    with Session(engine) as session:
        closed = session.exec(select(Breach).where(Breach.title == "Closed one")).one()
        closed.status = "closed"
        session.add(closed)
        session.commit()
    by_status = _text(client.get("/breaches?status=closed"))
    assert "Closed one" in by_status and "Early one" not in by_status
    # The internal 24-hour target is 2 July 09:30 BST: due before 3 July (London) includes both;
    # before 2 July includes neither.
    assert "Early one" in _text(client.get("/breaches?due_before=2026-07-03"))
    assert "Early one" not in _text(client.get("/breaches?due_before=2026-07-02"))
    assert client.get("/breaches?due_before=not-a-date").status_code == 422
    assert early


def test_auditor_can_read_everything_and_change_nothing(signed_in, clock, engine):
    clock.set(SUMMER)
    _profile(engine, clock)
    manager = signed_in("breach_manager")
    breach_id = _record(manager, COMPLETE)
    assert _file(manager, breach_id).status_code == 303
    with Session(engine) as session:
        filing = session.exec(select(Filing)).one()
    auditor = signed_in("auditor")
    page = auditor.get(f"/breaches/{breach_id}")
    assert page.status_code == 200
    assert "Edit the breach" not in page.text and "File an ICO notification" not in page.text
    assert auditor.get("/breaches").status_code == 200
    assert auditor.get(f"/breaches/{breach_id}/filings/{filing.id}.pdf").status_code == 200
    token = csrf_from(page.text)
    assert auditor.get("/breaches/new").status_code == 403
    assert auditor.post("/breaches/new", data={**COMPLETE, "csrf_token": token}).status_code == 403
    assert auditor.post(f"/breaches/{breach_id}/edit", data={**COMPLETE, "csrf_token": token}).status_code == 403
    assert auditor.post(f"/breaches/{breach_id}/file", data={"stage": "second", "csrf_token": token}).status_code == 403
    assert (
        auditor.post(
            f"/breaches/{breach_id}/ico-reference", data={"ico_reference": "X1", "csrf_token": token}
        ).status_code
        == 403
    )
    with Session(engine) as session:
        assert len(session.exec(select(Filing)).all()) == 1


def test_agent_cannot_open_the_breach_pages(signed_in, clock, engine):
    agent = signed_in("agent")
    assert agent.get("/breaches").status_code == 403
    assert "Breaches" not in agent.get("/").text


def test_breach_pages_need_a_session(client):
    assert client.get("/breaches").status_code == 303
    assert client.get("/breaches").headers["location"] == "/login"


def test_ico_reference_is_recorded_and_a_malformed_one_is_refused_on_the_page(signed_in, clock, engine):
    clock.set(SUMMER)
    client = signed_in("breach_manager")
    breach_id = _record(client, MINIMAL)
    token = csrf_from(client.get(f"/breaches/{breach_id}").text)
    bad = client.post(f"/breaches/{breach_id}/ico-reference", data={"ico_reference": "<x>", "csrf_token": token})
    assert bad.status_code == 422 and 'href="#ico_reference"' in _error_summary(bad)
    good = client.post(
        f"/breaches/{breach_id}/ico-reference", data={"ico_reference": "ICO/123-45", "csrf_token": token}
    )
    assert good.status_code == 303
    assert "ICO reference ICO/123-45" in _text(client.get(f"/breaches/{breach_id}"))


def test_dashboard_panel_counts_overdue_deadlines_and_the_fixed_penalty(signed_in, clock, engine):
    clock.set(datetime(2026, 7, 4, 12, 0, tzinfo=UTC))  # past the 72-hour statutory deadline
    client = signed_in("breach_manager")
    _record(client, MINIMAL)  # aware 1 July 09:30 BST
    page = _text(client.get("/"))
    assert "Breach deadlines" in page
    assert f"£{rules.FIXED_PENALTY_POUNDS:,}" in page
    assert re.search(r'<strong>[1-9]\d*</strong> <span class="tag bad">overdue</span>', page)
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert "overdue" in svg and "now 04 Jul 2026 13:00 BST" in svg
    assert "Breach deadlines" not in _text(signed_in("agent").get("/"))
