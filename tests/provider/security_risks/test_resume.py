"""Security-risk sends carried on by the scheduler: a send whose process went away resumes, failed
e-mails are tried again a bounded number of times, and nobody is sent the notice twice."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from provider.scheduler import registry
from provider.scheduler.catalogue import load_jobs
from provider.scheduler.registry import JobContext
from provider.security_risks import jobs, posting, rules, service
from provider.security_risks.models import Delivery, NoticeStatus, RiskRecipient
from provider.wording.models import PersonKind, WordingServed
from tests.breach.log.factories import add_profile
from tests.provider.security_risks.test_service import ACTOR, PEOPLE, add_subscribers, create, sink  # noqa: F401


def _mail(settings, sink):  # noqa: F811
    return settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": sink.port, "smtp_starttls": False})


def _recipients(engine, notice_id) -> dict[str, tuple[Delivery, int]]:
    with Session(engine) as session:
        rows = session.execute(
            select(RiskRecipient.name, RiskRecipient.delivery, RiskRecipient.attempts).where(
                RiskRecipient.notice_id == notice_id
            )
        )
        return {name: (delivery, attempts) for name, delivery, attempts in rows}


def _served(engine) -> int:
    with Session(engine) as session:
        return session.scalar(
            select(func.count()).select_from(WordingServed).where(WordingServed.person_kind == PersonKind.subscriber)
        )


def test_the_job_is_registered_every_quarter_hour():
    spec = registry.get(jobs.JOB_ID)
    assert spec.func is jobs.resume_sending and spec.trigger == "interval" and spec.trigger_args == {"minutes": 15}
    assert jobs.JOB_ID in {job.id for job in load_jobs()}


def test_a_send_whose_process_went_away_is_carried_on_once_it_has_stalled(engine, clock, settings, sink):  # noqa: F811
    add_profile(engine, clock.now())
    add_subscribers(engine, clock.now(), PEOPLE)
    notice_id = create(engine, clock.now())
    mail = _mail(settings, sink)
    # The background task sent one batch, then its process stopped.
    service.send(engine, actor=ACTOR, now=clock.now(), settings=mail, notice_id=notice_id, batch_size=1, limit=1)
    context = JobContext(engine=engine, clock=clock, settings=mail)
    clock.advance(minutes=5)
    assert jobs.resume_sending(context) == 0  # a send may still be working on it
    clock.advance(rules.STALE_SEND)
    assert jobs.resume_sending(context) == 3
    with Session(engine) as session:
        assert service.get_notice(session, notice_id).status is NoticeStatus.sent
    assert sorted(r for m in sink.messages for r in m.recipients) == ["ana@example.org", "dana@example.org"]
    assert jobs.resume_sending(context) == 0


def test_a_failed_email_is_tried_again_and_served_when_it_goes(engine, clock, settings, sink):  # noqa: F811
    add_profile(engine, clock.now())
    add_subscribers(engine, clock.now(), PEOPLE[:2])
    notice_id = create(engine, clock.now())
    mail = _mail(settings, sink)
    sink.refuse.add("ana@example.org")
    service.send(engine, actor=ACTOR, now=clock.now(), settings=mail, notice_id=notice_id)
    assert _recipients(engine, notice_id)["Ana Wiśniewska"] == (Delivery.failed, 1)
    assert _served(engine) == 0  # Bryn's letter waits to be posted: not served yet
    context = JobContext(engine=engine, clock=clock, settings=mail)
    clock.advance(rules.RETRY_AFTER - timedelta(minutes=1))
    assert jobs.resume_sending(context) == 0  # too soon to try again
    sink.refuse.clear()
    clock.advance(minutes=2)
    assert jobs.resume_sending(context) == 1
    assert _recipients(engine, notice_id) == {
        "Ana Wiśniewska": (Delivery.emailed, 2),
        "Bryn ap Dafydd": (Delivery.letter, 0),
    }
    assert _served(engine) == 1
    assert [r for m in sink.messages for r in m.recipients] == ["ana@example.org"]
    clock.advance(rules.RETRY_AFTER * 2)
    assert jobs.resume_sending(context) == 0


def test_retries_stop_after_the_configured_number_of_attempts(engine, clock, settings, sink):  # noqa: F811
    add_profile(engine, clock.now())
    add_subscribers(engine, clock.now(), PEOPLE[2:3])  # bounce@example.org: refused every time
    notice_id = create(engine, clock.now())
    mail = _mail(settings, sink).model_copy(update={"security_risk_email_attempts": 2})
    service.send(engine, actor=ACTOR, now=clock.now(), settings=mail, notice_id=notice_id)
    context = JobContext(engine=engine, clock=clock, settings=mail)
    tried = []
    for _ in range(4):
        clock.advance(rules.RETRY_AFTER + timedelta(minutes=1))
        tried.append(jobs.resume_sending(context))
    assert tried == [1, 0, 0, 0]
    # Refused on its last attempt: a letter to post instead, not served until it is posted.
    assert _recipients(engine, notice_id)["Chen Wei 陈伟"] == (Delivery.letter, 2)
    assert _served(engine) == 0


def test_letters_posted_for_failed_emails_are_recorded_served_and_not_retried(engine, clock, settings, sink):  # noqa: F811
    add_profile(engine, clock.now())
    add_subscribers(engine, clock.now(), PEOPLE[:3])
    notice_id = create(engine, clock.now())
    mail = _mail(settings, sink)
    service.send(engine, actor=ACTOR, now=clock.now(), settings=mail, notice_id=notice_id)
    assert _served(engine) == 1  # Ana's e-mail; Bryn's letter is not posted yet and Chen's e-mail bounced
    with Session(engine, expire_on_commit=False) as session:
        notice = service.get_notice(session, notice_id)
        assert posting.record_posted(session, actor=ACTOR, now=clock.now(), notice=notice, zone=settings.zone) == 2
        session.commit()
        assert posting.record_posted(session, actor=ACTOR, now=clock.now(), notice=notice, zone=settings.zone) == 0
        session.commit()
    assert _recipients(engine, notice_id)["Chen Wei 陈伟"] == (Delivery.posted, 1)
    assert _recipients(engine, notice_id)["Bryn ap Dafydd"] == (Delivery.posted, 0)
    assert _served(engine) == 3
    clock.advance(rules.RETRY_AFTER * 2)
    assert jobs.resume_sending(JobContext(engine=engine, clock=clock, settings=mail)) == 0


def test_letters_posted_through_the_api(api_client, engine, clock):
    client = api_client("compliance_officer")
    add_profile(engine, clock.now())
    notice_id = create(engine, clock.now())
    assert client.post(f"/api/v1/security-risks/{notice_id}/letters-posted").status_code == 409
    assert client.post(f"/api/v1/security-risks/{notice_id}/send", json={}).status_code == 202
    answer = client.post(f"/api/v1/security-risks/{notice_id}/letters-posted")
    assert answer.status_code == 200 and answer.json()["failed"] == 0
    assert api_client("auditor").post(f"/api/v1/security-risks/{notice_id}/letters-posted").status_code == 403
