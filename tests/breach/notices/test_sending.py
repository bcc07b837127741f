"""E-mailing customer notices in the background: 202 at once, each notice once, resumable, progress shown."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlmodel import Session

from breach.notices import assessments, bulk, recipients, rules, sending, service
from breach.notices.models import NoticeBatch, NoticeRecipient
from provider.errors import Conflict
from provider.security import tokens
from provider.security.models import AuditEvent
from provider.settings import Settings
from provider.web.app import create_app
from tests.breach.notices.conftest import add_breach, add_many_subscribers, add_profile, wording
from tests.breach.notices.test_service import NOTIFY
from tests.conftest import TESTER, csrf_from, make_user


class Interrupted(Exception):
    """Stands for the process dying between two chunks."""


def _smtp_settings(engine, sink) -> Settings:
    return Settings(
        env="test",
        database_url=engine.url.render_as_string(hide_password=False),
        secret_key="test-secret-key-for-pecr",
        master_key="test-master-key-for-pecr",
        smtp_host=sink.host,
        smtp_port=sink.port,
        smtp_starttls=False,
        smtp_sender="breach@northwind.example",
    )


@pytest.fixture
def settings(engine, smtp_sink) -> Settings:
    """Overrides the shared fixture: the app of these tests sends to the in-process SMTP sink."""
    return _smtp_settings(engine, smtp_sink)


def _generated(engine, clock, count: int):
    """A breach whose `count` subscribers (all with e-mail) have generated notices, ready to send."""
    with Session(engine, expire_on_commit=False) as session:
        add_profile(session)
        breach = add_breach(session)
        ids = add_many_subscribers(session, count, with_email=True)
        assessments.record_assessment(session, actor=TESTER, now=clock.now(), breach_id=breach.id, data=NOTIFY)
        service.save_template(session, actor=TESTER, now=clock.now(), breach_id=breach.id, data=wording())
        recipients.add_recipients(
            session,
            actor=TESTER,
            now=clock.now(),
            breach_id=breach.id,
            subscriber_ids=recipients.labelled(ids, "subscriber_ids"),
        )
        batch = bulk.start_generation(session, actor=TESTER, now=clock.now(), breach_id=breach.id)
        session.commit()
    bulk.run_generation(engine, batch_id=batch.id, clock=clock, actor=TESTER)
    return breach, batch


def _wait_until_finished(engine, breach_id: int, timeout_seconds: float = 120):
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        with Session(engine) as session:
            state = sending.progress(session, breach_id)
            session.commit()
        if not state.running:
            for thread in threading.enumerate():
                if thread.name.startswith("pecr-notice-send-"):
                    thread.join(timeout=10)
            return state
        time.sleep(0.05)
    raise AssertionError(f"sending did not finish within {timeout_seconds} s")


def _addresses(sink) -> Counter:
    return Counter(address for message in sink.messages for address in message.recipients)


def _statuses(engine) -> Counter:
    with Session(engine) as session:
        return Counter(
            dict(session.execute(select(NoticeRecipient.status, func.count()).group_by(NoticeRecipient.status)).all())
        )


def _batch_status(engine, batch_id: int) -> str:
    with Session(engine) as session:
        return session.get(NoticeBatch, batch_id).status


# --- through the API, 2,500 recipients --------------------------------------------------------------------------


@pytest.fixture
def sqlite_api(sqlite_engine, clock, smtp_sink):
    """A breach-manager API client on SQLite only: rendering 5,000 PDFs is the cost, not the database."""
    app = create_app(settings=_smtp_settings(sqlite_engine, smtp_sink), clock=clock, engine=sqlite_engine)
    user = make_user(sqlite_engine, clock, "breach_manager")
    with Session(sqlite_engine, expire_on_commit=False) as session:
        _token, secret = tokens.create_token(session, actor=TESTER, now=clock.now(), user=user, name="tests")
        session.commit()
    with TestClient(app, base_url="http://testserver", headers={"Authorization": f"Bearer {secret}"}) as client:
        yield client


def test_a_2500_recipient_send_answers_202_before_any_mail_leaves_and_sends_each_notice_once(
    sqlite_engine, sqlite_api, clock, smtp_sink
):
    breach, batch = _generated(sqlite_engine, clock, 2500)
    smtp_sink.hold = threading.Event()  # the mail server accepts nothing until released
    try:
        started = sqlite_api.post(f"/api/v1/breaches/{breach.id}/notices/send")
        assert started.status_code == 202, started.text
        body = started.json()
        assert body["running"] is True and body["waiting"] == 2500 and body["sent"] == 0
        assert started.headers["location"] == body["status_url"] == f"/api/v1/breaches/{breach.id}/notices/sending"
        assert smtp_sink.messages == []  # the request came back while nothing had been sent
        again = sqlite_api.post(f"/api/v1/breaches/{breach.id}/notices/send")
        assert again.status_code == 409 and "already being sent" in again.json()["detail"]
        assert sqlite_api.get(body["status_url"]).json()["running"] is True
    finally:
        smtp_sink.hold.set()
    _wait_until_finished(sqlite_engine, breach.id)
    final = sqlite_api.get(body["status_url"]).json()
    assert (final["running"], final["sent"], final["waiting"], final["in_flight"]) == (False, 2500, 0, 0)
    addresses = _addresses(smtp_sink)
    assert len(smtp_sink.messages) == 2500 and len(addresses) == 2500 and set(addresses.values()) == {1}
    assert addresses.keys() == {f"c{i}@example.test" for i in range(1, 2501)}
    assert _batch_status(sqlite_engine, batch.id) == "sent"
    with Session(sqlite_engine) as session:
        actions = Counter(session.execute(select(AuditEvent.action)).scalars())
    assert actions["breach.notices_sending_started"] == 1 and actions["breach.notices_sent"] == 1


# --- resuming and claiming ----------------------------------------------------------------------------------------


def test_an_interrupted_send_resumes_and_never_sends_a_notice_twice(engine, clock, smtp_sink):
    settings = _smtp_settings(engine, smtp_sink)
    breach, batch = _generated(engine, clock, 25)
    with Session(engine) as session:
        assert (
            sending.start_sending(session, actor=TESTER, now=clock.now(), settings=settings, breach_id=breach.id) == 25
        )
        session.commit()

    def die_after_first_chunk(done: int) -> None:
        raise Interrupted(done)

    with pytest.raises(Interrupted):
        sending.run_sending(
            engine,
            settings=settings,
            clock=clock,
            actor=TESTER,
            breach_id=breach.id,
            chunk_size=10,
            progress=die_after_first_chunk,
        )
    assert _statuses(engine) == {"sent": 10, "generated": 15} and _batch_status(engine, batch.id) == "sending"
    with Session(engine) as session, pytest.raises(Conflict, match="already being sent"):
        sending.start_sending(session, actor=TESTER, now=clock.now(), settings=settings, breach_id=breach.id)
    with Session(engine) as session:
        assert (
            sending.resume_sending(session, actor=TESTER, now=clock.now(), settings=settings, breach_id=breach.id) == 15
        )
        session.commit()
    result = sending.run_sending(
        engine, settings=settings, clock=clock, actor=TESTER, breach_id=breach.id, chunk_size=10
    )
    assert (result.sent, result.bounced, result.failed) == (15, 0, 0)
    addresses = _addresses(smtp_sink)
    assert len(addresses) == 25 and set(addresses.values()) == {1}
    assert _batch_status(engine, batch.id) == "sent"


def test_a_claim_left_by_a_stopped_run_is_sent_again_only_once_it_is_stale(engine, clock, smtp_sink):
    settings = _smtp_settings(engine, smtp_sink)
    breach, batch = _generated(engine, clock, 12)
    with Session(engine) as session:
        sending.start_sending(session, actor=TESTER, now=clock.now(), settings=settings, breach_id=breach.id)
        session.commit()
    claimed = sending._claim(engine, batch.id, 0, 5, clock.now())  # a run that died right after claiming
    assert len(claimed) == 5
    clock.advance(minutes=1)
    with Session(engine) as session:
        assert (
            sending.resume_sending(session, actor=TESTER, now=clock.now(), settings=settings, breach_id=breach.id) == 7
        )  # the fresh claim may still be in progress
        session.commit()
    sending.run_sending(engine, settings=settings, clock=clock, actor=TESTER, breach_id=breach.id)
    assert _statuses(engine) == {"sent": 7, "sending": 5}
    assert _batch_status(engine, batch.id) == "sending"  # not finished while notices are claimed
    clock.advance(sending.STALE_CLAIM)
    with Session(engine) as session:
        assert (
            sending.resume_sending(session, actor=TESTER, now=clock.now(), settings=settings, breach_id=breach.id) == 5
        )
        session.commit()
    sending.run_sending(engine, settings=settings, clock=clock, actor=TESTER, breach_id=breach.id)
    assert _statuses(engine) == {"sent": 12} and _batch_status(engine, batch.id) == "sent"
    assert len(smtp_sink.messages) == 12 and set(_addresses(smtp_sink).values()) == {1}


def test_two_runs_at_once_share_out_the_notices_and_never_send_one_twice(engine, clock, smtp_sink):
    settings = _smtp_settings(engine, smtp_sink)
    breach, batch = _generated(engine, clock, 40)
    with Session(engine) as session:
        sending.start_sending(session, actor=TESTER, now=clock.now(), settings=settings, breach_id=breach.id)
        session.commit()
    results = []

    def run() -> None:
        results.append(
            sending.run_sending(engine, settings=settings, clock=clock, actor=TESTER, breach_id=breach.id, chunk_size=5)
        )

    runners = [threading.Thread(target=run) for _ in range(2)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join(timeout=60)
    assert sum(result.sent for result in results) == 40
    addresses = _addresses(smtp_sink)
    assert len(addresses) == 40 and set(addresses.values()) == {1}
    assert _batch_status(engine, batch.id) == "sent"


def test_a_notice_that_no_longer_matches_its_hash_is_not_sent(engine, clock, smtp_sink):
    settings = _smtp_settings(engine, smtp_sink)
    breach, _batch = _generated(engine, clock, 3)
    with Session(engine) as session:
        session.execute(
            update(NoticeRecipient)
            .where(NoticeRecipient.id == 2)
            .values(
                snapshot={
                    "name": "Someone Else",
                    "email": "c2@example.test",
                    "address": "",
                    "lines": "",
                    "account_reference": "",
                    "kind": "individual",
                }
            )
        )
        session.commit()
    result = sending.send(engine, settings=settings, clock=clock, actor=TESTER, breach_id=breach.id)
    assert (result.sent, result.failed) == (2, 1)
    assert set(_addresses(smtp_sink)) == {"c1@example.test", "c3@example.test"}
    with Session(engine) as session:
        tampered = session.get(NoticeRecipient, 2)
    assert tampered.status == "failed" and tampered.delivery_error == sending.MISMATCH


def test_nothing_to_send_and_nothing_to_resume_are_conflicts(engine, clock, smtp_sink):
    settings = _smtp_settings(engine, smtp_sink)
    breach, _batch = _generated(engine, clock, 2)
    with Session(engine) as session, pytest.raises(Conflict, match="nothing is being sent"):
        sending.resume_sending(session, actor=TESTER, now=clock.now(), settings=settings, breach_id=breach.id)
    sending.send(engine, settings=settings, clock=clock, actor=TESTER, breach_id=breach.id)
    with Session(engine) as session, pytest.raises(Conflict, match="no e-mail notices are waiting"):
        sending.start_sending(session, actor=TESTER, now=clock.now(), settings=settings, breach_id=breach.id)


# --- the page and the API's permissions -------------------------------------------------------------------------


def test_the_page_shows_progress_while_sending_and_the_counts_after(signed_in, engine, clock, smtp_sink):
    breach, _batch = _generated(engine, clock, 30)
    browser = signed_in("breach_manager")
    token = csrf_from(browser.get(f"/breaches/{breach.id}/notices").text)
    smtp_sink.hold = threading.Event()
    try:
        started = browser.post(f"/breaches/{breach.id}/notices/send", data={"csrf_token": token})
        assert started.status_code == 303
        page = browser.get(f"/breaches/{breach.id}/notices").text
        assert "Sending 30 e-mails in the background" in page
        assert "Sending e-mails in the background" in page and 'http-equiv="refresh"' in page
        assert "0 / 30" in page and "resume if stalled" in page
    finally:
        smtp_sink.hold.set()
    _wait_until_finished(engine, breach.id)
    page = browser.get(f"/breaches/{breach.id}/notices").text
    assert "E-mail: 30 sent, 0 bounced, 0 failed, 0 waiting to be sent." in page
    assert 'http-equiv="refresh"' not in page and 'id="count-sent">30<' in page


def test_reading_progress_needs_breach_read_and_sending_needs_breach_write(api_client, engine, clock):
    breach, _batch = _generated(engine, clock, 1)
    auditor = api_client("auditor", ["breach:read"])
    state = auditor.get(f"/api/v1/breaches/{breach.id}/notices/sending")
    assert state.status_code == 200 and state.json()["waiting"] == 1 and state.json()["running"] is False
    assert auditor.post(f"/api/v1/breaches/{breach.id}/notices/send").status_code == 403
    manager = api_client("breach_manager")
    resumed = manager.post(f"/api/v1/breaches/{breach.id}/notices/send/resume")
    assert resumed.status_code == 409 and "nothing is being sent" in resumed.json()["detail"]
    assert manager.get("/api/v1/breaches/424242/notices/sending").status_code == 404


def test_the_ico_summary_counts_notices_being_sent():
    text = rules.customer_summary({("email", "sent"): 4, ("email", "sending"): 3, ("email", "generated"): 2}, [])
    assert "By e-mail: 4 sent, 0 bounced, 0 failed, 2 not yet sent, 3 being sent." in text


def test_a_connection_lost_mid_chunk_keeps_what_was_sent_and_retries_only_the_rest(engine, clock, smtp_sink):
    """Re-sending a whole chunk after a dropped connection would give some people the notice twice."""
    settings = _smtp_settings(engine, smtp_sink)
    breach, batch = _generated(engine, clock, 10)
    with Session(engine) as session:
        sending.start_sending(session, actor=TESTER, now=clock.now(), settings=settings, breach_id=breach.id)
        session.commit()
    smtp_sink.drop_after = 4
    first = sending.run_sending(
        engine, settings=settings, clock=clock, actor=TESTER, breach_id=breach.id, chunk_size=10
    )
    assert (first.sent, first.failed) == (4, 6)
    assert _statuses(engine) == {"sent": 4, "failed": 6}
    smtp_sink.drop_after = None
    with Session(engine) as session:
        sending.start_sending(session, actor=TESTER, now=clock.now(), settings=settings, breach_id=breach.id)
        session.commit()
    sending.run_sending(engine, settings=settings, clock=clock, actor=TESTER, breach_id=breach.id, chunk_size=10)
    addresses = _addresses(smtp_sink)
    assert len(addresses) == 10 and set(addresses.values()) == {1}
