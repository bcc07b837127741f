"""A customer notice that reaches a person is recorded as served on the core wording (provider.wording):
an e-mail when the mail server accepted it, a letter when staff record it as posted."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from breach.notices import bulk, recipients, sending
from breach.notices.models import NoticeBatch, NoticeRecipient
from provider.wording.models import WordingServed, WordingVersion
from tests.breach.notices.conftest import add_line_user, add_subscriber
from tests.breach.notices.test_service import _smtp, generate, prepare
from tests.conftest import TESTER


def _served(session: Session) -> list[tuple]:
    rows = session.execute(select(WordingServed).order_by(WordingServed.person_kind, WordingServed.person_id)).scalars()
    return [(r.person_kind, r.person_id, r.person_reference, r.channel, r.served_in, r.served_in_id) for r in rows]


def test_an_emailed_notice_is_served_when_sent_and_a_bounce_is_not(engine, breach, clock, smtp_sink):
    with Session(engine, expire_on_commit=False) as session:
        ann = add_subscriber(session, "Ann Smith", "ACC-1", email="ann@example.test", numbers=("+447700900001",))
        add_subscriber(session, "Bob Jones", "ACC-2", email="bounce@example.test")
        dev = add_line_user(session, "+447700900001", "Dev Patel", "dev.patel@acme.example")
        prepare(session, breach, clock)
        recipients.add_recipients(
            session,
            actor=TESTER,
            now=clock.now(),
            breach_id=breach.id,
            account_references=recipients.labelled(["ACC-1", "ACC-2"], "refs"),
        )
        session.commit()
        batch = generate(engine, session, breach, clock)
        assert _served(session) == []  # generated is not served
        session.commit()  # SQLite: release the write lock before the send opens its own sessions
        clock.advance(minutes=10)
        sending.send(engine, settings=_smtp(smtp_sink), clock=clock, actor=TESTER, breach_id=breach.id)
        ids = dict(session.execute(select(NoticeRecipient.recipient_key, NoticeRecipient.id)).all())
        assert _served(session) == [
            ("line_user", dev.id, f"BR-2026-0001-N{ids[f'u:{dev.id}']}", "email", "breach_notice_batch", batch.id),
            ("subscriber", ann.id, f"BR-2026-0001-N{ids[f's:{ann.id}']}", "email", "breach_notice_batch", batch.id),
        ]
        served = session.execute(select(WordingServed)).scalars().first()
        assert served.served_at == clock.now()
        assert served.version_id == session.get(NoticeBatch, batch.id).template_id
        assert session.get(WordingVersion, served.version_id).version == 1


def test_a_letter_is_served_when_recorded_as_posted_not_when_generated(engine, breach, clock):
    with Session(engine, expire_on_commit=False) as session:
        cat = add_subscriber(session, "Cat Brown", "ACC-3")
        prepare(session, breach, clock)
        recipients.add_recipients(
            session, actor=TESTER, now=clock.now(), breach_id=breach.id, account_references=[("item 1", "ACC-3")]
        )
        session.commit()
        batch = generate(engine, session, breach, clock)
        assert _served(session) == []
        clock.advance(days=1)
        assert bulk.record_posted(session, actor=TESTER, now=clock.now(), breach_id=breach.id) == 1
        session.commit()
        recipient = session.execute(select(NoticeRecipient)).scalar_one()
        assert _served(session) == [
            ("subscriber", cat.id, f"BR-2026-0001-N{recipient.id}", "post", "breach_notice_batch", batch.id)
        ]
        assert session.execute(select(WordingServed.served_at)).scalar_one() == clock.now() == recipient.sent_at
        assert bulk.record_posted(session, actor=TESTER, now=clock.now(), breach_id=breach.id) == 0
        assert len(_served(session)) == 1  # posting again serves nobody twice


def test_posting_many_letters_records_each_once_in_chunks(sqlite_engine, clock, monkeypatch):
    from tests.breach.notices.conftest import add_breach, add_many_subscribers, add_profile

    monkeypatch.setattr(bulk, "POST_CHUNK", 400)
    with Session(sqlite_engine, expire_on_commit=False) as session:
        add_profile(session)
        breach = add_breach(session)
        ids = add_many_subscribers(session, 1000)
        prepare(session, breach, clock)
        recipients.add_recipients(
            session,
            actor=TESTER,
            now=clock.now(),
            breach_id=breach.id,
            subscriber_ids=recipients.labelled(ids, "subscriber_ids"),
        )
        session.commit()
        generate(sqlite_engine, session, breach, clock)
        assert bulk.record_posted(session, actor=TESTER, now=clock.now(), breach_id=breach.id) == 1000
        session.commit()
        people = session.execute(select(WordingServed.person_id)).scalars().all()
        assert sorted(people) == ids
