"""Security-risk letters count as served only when staff record them posted (rules, service, pages)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from provider.errors import Conflict, Invalid
from provider.security.models import AuditEvent
from provider.security_risks import posting, rules, service
from provider.security_risks.models import Delivery
from provider.wording.models import ServedChannel, WordingServed
from tests.breach.log.factories import add_profile
from tests.conftest import csrf_from
from tests.provider.security_risks.test_service import ACTOR, PEOPLE, add_subscribers, create, sink  # noqa: F401

LONDON = ZoneInfo("Europe/London")


def _served(engine) -> list[tuple[ServedChannel, datetime]]:
    with Session(engine) as session:
        return [tuple(row) for row in session.execute(select(WordingServed.channel, WordingServed.served_at))]


def _sent_by_letter(engine, clock, settings, people=PEOPLE) -> int:
    add_profile(engine, clock.now())
    add_subscribers(engine, clock.now(), people)
    notice_id = create(engine, clock.now())
    service.send(engine, actor=ACTOR, now=clock.now(), settings=settings, notice_id=notice_id)  # no mail server
    return notice_id


def _post(engine, clock, settings, notice_id, **options) -> int:
    with Session(engine, expire_on_commit=False) as session:
        notice = service.get_notice(session, notice_id)
        posted = posting.record_posted(
            session, actor=ACTOR, now=clock.now(), notice=notice, zone=settings.zone, **options
        )
        session.commit()
        return posted


def test_a_letter_is_served_when_posted_not_when_made(engine, clock, settings):
    notice_id = _sent_by_letter(engine, clock, settings)
    with Session(engine) as session:
        before = service.public(session, service.get_notice(session, notice_id))
    assert (before.letters, before.posted) == (4, 0) and _served(engine) == []
    clock.advance(hours=20)  # posted the next day
    assert _post(engine, clock, settings, notice_id, expected=4) == 4
    with Session(engine) as session:
        after = service.public(session, service.get_notice(session, notice_id))
    assert (after.letters, after.posted) == (0, 4)
    assert _served(engine) == [(ServedChannel.post, clock.now())] * 4


def test_posting_twice_serves_nobody_twice(engine, clock, settings):
    notice_id = _sent_by_letter(engine, clock, settings, PEOPLE[:2])
    assert _post(engine, clock, settings, notice_id, expected=2) == 2
    with pytest.raises(Conflict) as stale:  # the same confirmation sent again
        _post(engine, clock, settings, notice_id, expected=2)
    assert stale.value.errors[0].field == "letters"
    assert _post(engine, clock, settings, notice_id) == 0
    assert len(_served(engine)) == 2


def test_an_email_refused_on_its_last_attempt_becomes_a_letter_to_post(engine, clock, settings, sink):  # noqa: F811
    mail = settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": sink.port,
            "smtp_starttls": False,
            "security_risk_email_attempts": 1,
        }
    )
    add_profile(engine, clock.now())
    add_subscribers(engine, clock.now(), PEOPLE[2:3])  # bounce@example.org
    notice_id = create(engine, clock.now())
    service.send(engine, actor=ACTOR, now=clock.now(), settings=mail, notice_id=notice_id)
    with Session(engine) as session:
        counts = service.public(session, service.get_notice(session, notice_id))
    assert (counts.letters, counts.failed, counts.posted) == (1, 0, 0) and _served(engine) == []
    assert _post(engine, clock, settings, notice_id) == 1
    assert _served(engine) == [(ServedChannel.post, clock.now())]


def test_the_posting_date_is_not_in_the_future_nor_before_the_letters_were_made(engine, clock, settings):
    notice_id = _sent_by_letter(engine, clock, settings, PEOPLE[:1])
    today = clock.now().astimezone(LONDON).date()
    for posted_on in (today + timedelta(days=1), today - timedelta(days=1)):
        with pytest.raises(Invalid) as refused:
            _post(engine, clock, settings, notice_id, posted_on=posted_on)
        assert refused.value.errors[0].field == "posted_on"
    assert _served(engine) == []


def test_a_posting_on_an_earlier_day_is_served_at_its_start_but_never_before_the_letters_were_made():
    made = datetime(2026, 10, 24, 21, 30, tzinfo=UTC)  # 22:30 BST on the Saturday
    now = datetime(2026, 10, 27, 9, 0, tzinfo=UTC)
    assert rules.posted_at(date(2026, 10, 26), now=now, made_at=made, zone=LONDON) == datetime(
        2026, 10, 26, 0, 0, tzinfo=UTC
    )  # GMT again
    assert rules.posted_at(date(2026, 10, 24), now=now, made_at=made, zone=LONDON) == made
    assert rules.posted_at(date(2026, 10, 27), now=now, made_at=made, zone=LONDON) == now
    assert rules.posted_on_errors(date(2026, 10, 23), today=date(2026, 10, 27), made_on=date(2026, 10, 24))
    assert not rules.posted_on_errors(date(2026, 10, 24), today=date(2026, 10, 27), made_on=date(2026, 10, 24))


def test_record_letters_as_posted_through_the_pages(signed_in, engine, clock, settings):
    notice_id = _sent_by_letter(engine, clock, settings, PEOPLE[:3])
    officer = signed_in("compliance_officer")
    detail = officer.get(f"/security-risks/{notice_id}")
    assert "Record letters as posted" in detail.text and "letters posted 0" in detail.text
    page = officer.get(f"/security-risks/{notice_id}/letters-posted")
    assert page.status_code == 200 and "3 letters are waiting to be posted" in page.text
    assert 'name="posted_on-day" value="10"' in page.text and 'name="posted_on-year" value="2026"' in page.text
    token = csrf_from(page.text)
    future = {
        "csrf_token": token,
        "letters": "3",
        "posted_on-day": "11",
        "posted_on-month": "3",
        "posted_on-year": "2026",
    }
    refused = officer.post(f"/security-risks/{notice_id}/letters-posted", data=future)
    assert refused.status_code == 422 and "Date posted: must be today or earlier" in refused.text
    assert 'href="#posted_on"' in refused.text and _served(engine) == []
    today = {**future, "posted_on-day": "10"}
    assert (
        officer.post(f"/security-risks/{notice_id}/letters-posted", data={**today, "csrf_token": ""}).status_code == 403
    )
    posted = officer.post(f"/security-risks/{notice_id}/letters-posted", data=today)
    assert posted.status_code == 303 and len(_served(engine)) == 3
    again = officer.post(f"/security-risks/{notice_id}/letters-posted", data=today)
    assert again.status_code == 409 and "Letters to post: 0 letters are waiting" in again.text
    assert len(_served(engine)) == 3
    assert "letters posted 3" in officer.get(f"/security-risks/{notice_id}").text
    with Session(engine) as session:
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.action == "security_risk.letters_posted"))
        assert list(actions) == ["security_risk.letters_posted"]


def test_only_writers_may_record_letters_as_posted(signed_in, engine, clock, settings):
    notice_id = _sent_by_letter(engine, clock, settings, PEOPLE[:1])
    auditor = signed_in("auditor")
    assert "Record letters as posted" not in auditor.get(f"/security-risks/{notice_id}").text
    assert auditor.get(f"/security-risks/{notice_id}/letters-posted").status_code == 403
    page = auditor.get(f"/security-risks/{notice_id}")
    data = {"csrf_token": csrf_from(page.text), "letters": "1", "posted_on": "2026-03-10"}
    assert auditor.post(f"/security-risks/{notice_id}/letters-posted", data=data).status_code == 403
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(WordingServed)) == 0
        assert service.public(session, service.get_notice(session, notice_id)).letters == 1


def test_letters_posted_through_the_api_with_a_date(api_client, engine, clock, settings):
    notice_id = _sent_by_letter(engine, clock, settings, PEOPLE[:2])
    client = api_client("compliance_officer")
    path = f"/api/v1/security-risks/{notice_id}/letters-posted"
    future = client.post(path, json={"posted_on": "2026-03-11"})
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "posted_on"
    assert client.post(path, json={"posted_on": "tomorrow"}).status_code == 422
    assert client.post(path, json={"letters": 5}).status_code == 409
    answer = client.post(path, json={"posted_on": "2026-03-10", "letters": 2})
    assert answer.status_code == 200 and (answer.json()["letters"], answer.json()["posted"]) == (0, 2)
    assert client.get(f"/api/v1/security-risks/{notice_id}/recipients", params={"delivery": "posted"}).json()
    assert len(_served(engine)) == 2
    assert Delivery.posted.value == "posted"
