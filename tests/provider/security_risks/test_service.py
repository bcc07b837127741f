"""Security-risk notices (reg 5): content, recipients chosen in SQL, resumable sending, served records."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlmodel import Session

from provider.errors import Invalid
from provider.security.actor import system_actor
from provider.security.audit import verify_chain
from provider.security_risks import archive, rules, service
from provider.security_risks.models import Audience, Delivery, NoticeCreate, RiskRecipient
from provider.subscribers.models import Line, LineService, Subscriber, SubscriberKind
from provider.wording.models import WordingServed, WordingVersion
from tests.breach.log.factories import add_profile
from tests.support.smtp_sink import SmtpSink

ACTOR = system_actor("tests")
TEXT = {
    "title": "Update your router",
    "nature_of_risk": "A flaw in the HomeHub 3 firmware lets others on the internet reach its settings page.",
    "what_you_can_do": "Restart the router tonight so it installs the update; change its admin password.",
    "likely_cost": "Nothing: the update is free.",
}


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    started = SmtpSink(refuse_containing="bounce").start()
    yield started
    started.stop()


def add_subscribers(engine, now, people: list[tuple[str, str, LineService]]) -> list[int]:
    ids = []
    with Session(engine, expire_on_commit=False) as session:
        for index, (name, email, kind) in enumerate(people):
            subscriber = Subscriber(
                kind=SubscriberKind.individual,
                name=name,
                address=f"{index} High Street, Leeds",
                email=email,
                account_reference=f"ACC-{index}",
                name_key=name.lower(),
                created_at=now,
                updated_at=now,
            )
            session.add(subscriber)
            session.flush()
            session.add(
                Line(
                    subscriber_id=subscriber.id,
                    number=f"+4477009001{index:02d}",
                    service=kind,
                    created_at=now,
                    updated_at=now,
                )
            )
            ids.append(subscriber.id)
        session.commit()
    return ids


def create(engine, now, **audience) -> int:
    with Session(engine, expire_on_commit=False) as session:
        notice = service.create(session, actor=ACTOR, now=now, data=NoticeCreate(**TEXT, **audience))
        session.commit()
        return notice.id


PEOPLE = [
    ("Ana Wiśniewska", "ana@example.org", LineService.broadband),
    ("Bryn ap Dafydd", "", LineService.broadband),
    ("Chen Wei 陈伟", "bounce@example.org", LineService.broadband),
    ("Dana Mobile", "dana@example.org", LineService.mobile),
]


def test_every_subscriber_is_told_by_email_or_letter_and_only_emails_are_served_at_sending(
    engine, clock, settings, sink
):
    add_profile(engine, clock.now())
    add_subscribers(engine, clock.now(), PEOPLE)
    notice_id = create(engine, clock.now())
    mail = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": sink.port, "smtp_starttls": False})
    assert service.send(engine, actor=ACTOR, now=clock.now(), settings=mail, notice_id=notice_id) == 4
    with Session(engine) as session:
        counts = service.public(session, service.get_notice(session, notice_id))
        assert (counts.emailed, counts.letters, counts.failed, counts.pending) == (2, 1, 1, 0)
        # The rule changed: Bryn's letter is served when staff record it posted, not when it is made (a
        # letter never posted reached nobody); a refused e-mail is not served either.
        assert session.scalar(select(func.count()).select_from(WordingServed)) == 2
        assert session.get(WordingVersion, counts.wording_version_id).first_used_at is not None
        assert verify_chain(session).intact
    assert sorted(r for m in sink.messages for r in m.recipients) == ["ana@example.org", "dana@example.org"]
    body = sink.messages[0].message.get_payload()
    assert "What it may cost you" in body and "Nothing: the update is free." in body
    assert not any(part.get_filename() for part in sink.messages[0].message.walk())


def test_by_service_picks_only_subscribers_with_such_a_line(engine, clock, settings):
    add_profile(engine, clock.now())
    add_subscribers(engine, clock.now(), PEOPLE)
    notice_id = create(engine, clock.now(), audience=Audience.service, services=[LineService.mobile])
    service.send(engine, actor=ACTOR, now=clock.now(), settings=settings, notice_id=notice_id)
    with Session(engine) as session:
        names = session.scalars(select(RiskRecipient.name).where(RiskRecipient.notice_id == notice_id)).all()
    assert names == ["Dana Mobile"]


def test_a_send_cut_short_resumes_without_sending_anyone_twice(engine, clock, settings, sink):
    add_profile(engine, clock.now())
    add_subscribers(engine, clock.now(), PEOPLE)
    notice_id = create(engine, clock.now())
    mail = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": sink.port, "smtp_starttls": False})
    assert (
        service.send(engine, actor=ACTOR, now=clock.now(), settings=mail, notice_id=notice_id, batch_size=1, limit=1)
        == 1
    )
    assert service.send(engine, actor=ACTOR, now=clock.now(), settings=mail, notice_id=notice_id, batch_size=2) == 3
    assert service.send(engine, actor=ACTOR, now=clock.now(), settings=mail, notice_id=notice_id) == 0
    assert sorted(r for m in sink.messages for r in m.recipients) == ["ana@example.org", "dana@example.org"]


def test_letters_are_rebuilt_and_match_their_recorded_digest(engine, clock, settings):
    add_profile(engine, clock.now())
    add_subscribers(engine, clock.now(), PEOPLE[:2])
    notice_id = create(engine, clock.now())
    service.send(engine, actor=ACTOR, now=clock.now(), settings=settings, notice_id=notice_id)
    data = b"".join(archive.letters_zip(engine, notice_id, settings.zone, (Delivery.letter,)))
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        names = bundle.namelist()
        text = PdfReader(io.BytesIO(bundle.read(names[0]))).pages[0].extract_text()
    assert len(names) == 2
    assert "What it may cost you" in text and "Nothing: the update is free." in text and "Northwind" in text


def test_a_notice_must_say_all_three_things_and_name_its_audience():
    with pytest.raises(ValueError):
        NoticeCreate(**{**TEXT, "likely_cost": ""})
    assert [e.field for e in rules.audience_errors(Audience.service, [], [])] == ["services"]
    assert [e.field for e in rules.audience_errors(Audience.listed, [], [])] == ["subscriber_ids"]


def test_a_list_naming_an_unknown_subscriber_is_refused(engine, clock):
    with Session(engine) as session, pytest.raises(Invalid) as refused:
        service.create(
            session, actor=ACTOR, now=clock.now(), data=NoticeCreate(**TEXT, audience="listed", subscriber_ids=[99])
        )
    assert refused.value.errors[0].field == "subscriber_ids"


def test_without_a_mail_server_everyone_gets_a_letter(engine, clock, settings):
    add_profile(engine, clock.now())
    add_subscribers(engine, clock.now(), PEOPLE)
    notice_id = create(engine, clock.now())
    service.send(engine, actor=ACTOR, now=clock.now(), settings=settings, notice_id=notice_id)
    with Session(engine) as session:
        assert service.public(session, service.get_notice(session, notice_id)).letters == 4
