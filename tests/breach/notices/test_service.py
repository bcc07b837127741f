"""Assessment decisions on the obligation, template versions, recipients, generation, sending, media notice."""

from __future__ import annotations

import email
import email.policy
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session

from breach import obligations
from breach.models import Breach, ObligationKind
from breach.notices import archive, assessments, bulk, media, recipients, sending, service
from breach.notices.models import AssessmentInput, NoticeRecipient
from provider.deadlines.models import Obligation
from provider.errors import Conflict, Invalid
from provider.settings import Settings
from tests.breach.notices.conftest import add_line_user, add_subscriber, pdf_text, wording
from tests.conftest import TESTER

NOTIFY = AssessmentInput(
    natures=["location_data", "itemised_call_lists"],
    circumstances=["stolen"],
    rationale="Unencrypted tape with call records stolen",
)


def prepare(session: Session, breach: Breach, clock, assessment: AssessmentInput = NOTIFY) -> None:
    assessments.record_assessment(session, actor=TESTER, now=clock.now(), breach_id=breach.id, data=assessment)
    service.save_template(session, actor=TESTER, now=clock.now(), breach_id=breach.id, data=wording())
    session.commit()


def generate(engine, session: Session, breach: Breach, clock, chunk_size: int = 1000):
    batch = bulk.start_generation(session, actor=TESTER, now=clock.now(), breach_id=breach.id)
    session.commit()
    return bulk.run_generation(engine, batch_id=batch.id, clock=clock, actor=TESTER, chunk_size=chunk_size)


def obligation(session: Session, breach: Breach) -> Obligation:
    return session.execute(
        select(Obligation).where(
            obligations.of_breaches([breach.id]), Obligation.kind == ObligationKind.customer_notice_decision
        )
    ).scalar_one()


def test_marketing_in_the_wording_is_refused_naming_field_and_word(engine, breach, clock):
    with Session(engine) as session, pytest.raises(Invalid) as refused:
        service.save_template(
            session,
            actor=TESTER,
            now=clock.now(),
            breach_id=breach.id,
            data=wording(provider_measures="As an apology, enjoy a free trial of Northwind TV."),
        )
    assert [(e.field, '"free trial"' in e.reason) for e in refused.value.errors] == [("provider_measures", True)]


def test_editing_used_wording_creates_version_2_and_earlier_recipients_keep_version_1(engine, breach, clock):
    with Session(engine, expire_on_commit=False) as session:
        add_subscriber(session, "Ann Smith", "ACC-1", numbers=("+447700900001",))
        prepare(session, breach, clock)
        recipients.add_recipients(
            session, actor=TESTER, now=clock.now(), breach_id=breach.id, account_references=[("line 1", "ACC-1")]
        )
        session.commit()
        generate(engine, session, breach, clock)
        v2 = service.save_template(
            session,
            actor=TESTER,
            now=clock.now(),
            breach_id=breach.id,
            data=wording(summary="Updated: the tape was stolen on 7 March."),
        )
        session.commit()
        assert v2.version == 2
        v1 = next(t for t in service.template_versions(session, breach.id) if t.version == 1)
        assert v1.summary == "A backup tape holding call records was stolen."
        recipient = session.execute(select(NoticeRecipient)).scalar_one()
        assert recipient.template_id == v1.id
        _, letter, _ = bulk.regenerate(session, recipient.id)
        assert "Updated:" not in pdf_text(letter)


def test_editing_unused_wording_keeps_its_version(engine, breach, clock):
    with Session(engine) as session:
        service.save_template(session, actor=TESTER, now=clock.now(), breach_id=breach.id, data=wording())
        again = service.save_template(
            session, actor=TESTER, now=clock.now(), breach_id=breach.id, data=wording(summary="Corrected before use.")
        )
        assert again.version == 1 and again.summary == "Corrected before use."


def test_csv_with_an_unknown_reference_adds_nothing_and_names_the_line(engine, breach, clock):
    with Session(engine) as session:
        add_subscriber(session, "Ann Smith", "ACC-1")
        add_subscriber(session, "Bob Jones", "ACC-2")
        rows = recipients.parse_csv("account_reference\nACC-1\nACC-404\nACC-2\n")
        with pytest.raises(Invalid) as refused:
            recipients.add_recipients(
                session, actor=TESTER, now=clock.now(), breach_id=breach.id, account_references=rows
            )
        assert [(e.field, "ACC-404" in e.reason) for e in refused.value.errors] == [("line 3", True)]
        session.rollback()
        assert session.execute(select(NoticeRecipient)).first() is None


def test_lines_choose_their_subscriber_once_and_only_the_named_lines(engine, breach, clock):
    with Session(engine) as session:
        add_subscriber(session, "Ann Smith", "ACC-1", numbers=("+447700900001", "+447700900002", "+447700900003"))
        result = recipients.add_recipients(
            session,
            actor=TESTER,
            now=clock.now(),
            breach_id=breach.id,
            line_numbers=[("line 1", "07700 900001"), ("line 2", "+447700900002")],
        )
        again = recipients.add_recipients(
            session, actor=TESTER, now=clock.now(), breach_id=breach.id, subscriber_ids=[("item 1", "1")]
        )
        session.commit()
        assert (result.subscribers_added, again.already_present, again.total_recipients) == (1, 1, 1)
        snapshot = session.execute(select(NoticeRecipient.snapshot)).scalar_one()
        assert snapshot["lines"] == "07700 900001, 07700 900002"


def test_a_named_user_with_an_email_is_told_too_and_sees_only_their_line(engine, breach, clock):
    with Session(engine, expire_on_commit=False) as session:
        add_subscriber(
            session, "Acme Widgets Ltd", "ACC-CORP", kind="corporate", numbers=("+447700900011", "+447700900012")
        )
        add_line_user(session, "+447700900011", "Dev Patel", "dev.patel@acme.example")
        add_line_user(session, "+447700900012", "Kim Lee", "07700 900555")  # phone only: reported, not added
        prepare(session, breach, clock)
        result = recipients.add_recipients(
            session, actor=TESTER, now=clock.now(), breach_id=breach.id, account_references=[("item 1", "ACC-CORP")]
        )
        session.commit()
        assert (result.subscribers_added, result.users_added, result.users_without_email) == (1, 1, 1)
        generate(engine, session, breach, clock)
        rows = session.execute(select(NoticeRecipient).order_by(NoticeRecipient.id)).scalars().all()
        company, user = (pdf_text(bulk.regenerate(session, r.id)[1]) for r in rows)
        assert "Dear Acme Widgets Ltd," in company and "ACC-CORP" in company
        assert "Dear Dev Patel," in user and "07700 900011" in user
        assert "ACC-CORP" not in user and "07700 900012" not in user
        assert (rows[0].channel, rows[1].channel) == ("post", "email")


def test_generation_in_batches_gives_one_distinct_letter_per_recipient(sqlite_engine, clock):
    from tests.breach.notices.conftest import add_breach, add_many_subscribers, add_profile

    engine = sqlite_engine
    with Session(engine, expire_on_commit=False) as session:
        add_profile(session)
        breach = add_breach(session)
        ids = add_many_subscribers(session, 2500)
        prepare(session, breach, clock)
        recipients.add_recipients(
            session,
            actor=TESTER,
            now=clock.now(),
            breach_id=breach.id,
            subscriber_ids=recipients.labelled(ids, "subscriber_ids"),
        )
        session.commit()
        seen: list[tuple[int, int]] = []
        batch = bulk.start_generation(session, actor=TESTER, now=clock.now(), breach_id=breach.id)
        session.commit()
        done = bulk.run_generation(
            engine,
            batch_id=batch.id,
            clock=clock,
            actor=TESTER,
            chunk_size=1000,
            progress=lambda generated, total: seen.append((generated, total)),
        )
        assert seen == [(1000, 2500), (2000, 2500), (2500, 2500)]
        assert (done.generated, done.total, done.status) == (2500, 2500, "generated")
        hashes = session.execute(select(NoticeRecipient.pdf_sha256, NoticeRecipient.status)).all()
        assert len({h for h, _ in hashes}) == 2500 and {s for _, s in hashes} == {"generated"}
        last = session.execute(select(NoticeRecipient).order_by(NoticeRecipient.id.desc()).limit(1)).scalar_one()
        recipient, letter, body = bulk.regenerate(session, last.id)
        assert "Customer 002500" in pdf_text(letter) and "Dear Customer 002500," in body
        breach_row = session.get(Breach, breach.id)
        session.refresh(breach_row)
        assert "By post: 2500 letters produced" in breach_row.customer_notification_summary


def test_regenerating_from_the_snapshot_gives_the_same_sha256_and_tampering_is_detected(engine, breach, clock):
    with Session(engine, expire_on_commit=False) as session:
        add_subscriber(session, "Ann Smith", "ACC-1", numbers=("+447700900001",))
        prepare(session, breach, clock)
        recipients.add_recipients(
            session, actor=TESTER, now=clock.now(), breach_id=breach.id, account_references=[("item 1", "ACC-1")]
        )
        session.commit()
        generate(engine, session, breach, clock)
        recipient = session.execute(select(NoticeRecipient)).scalar_one()
        clock.advance(days=3)  # a later day must not change the rebuilt letter
        _, letter, _ = bulk.regenerate(session, recipient.id)
        from provider.evidence import sha256

        assert sha256(letter) == recipient.pdf_sha256
        recipient.snapshot = recipient.snapshot | {"name": "Someone Else"}
        session.add(recipient)
        session.commit()
        with pytest.raises(Conflict):
            bulk.regenerate(session, recipient.id)


def _smtp(sink) -> Settings:
    return Settings(
        env="test",
        smtp_host=sink.host,
        smtp_port=sink.port,
        smtp_starttls=False,
        smtp_sender="breach@northwind.example",
    )


def test_sending_by_smtp_records_sent_and_bounced_per_recipient(engine, breach, clock, smtp_sink):
    with Session(engine, expire_on_commit=False) as session:
        add_subscriber(session, "Ann Smith", "ACC-1", email="ann@example.test")
        add_subscriber(session, "Bob Jones", "ACC-2", email="bounce@example.test")
        add_subscriber(session, "Cat Brown", "ACC-3")  # no e-mail: a letter
        prepare(session, breach, clock)
        recipients.add_recipients(
            session,
            actor=TESTER,
            now=clock.now(),
            breach_id=breach.id,
            account_references=recipients.labelled(["ACC-1", "ACC-2", "ACC-3"], "refs"),
        )
        session.commit()
        generate(engine, session, breach, clock)
        result = sending.send(engine, settings=_smtp(smtp_sink), clock=clock, actor=TESTER, breach_id=breach.id)
        assert (result.sent, result.bounced, result.failed) == (1, 1, 0)
        statuses = dict(
            session.execute(select(NoticeRecipient.snapshot, NoticeRecipient.status)).all()
            and [(r.snapshot["name"], r.status) for r in session.execute(select(NoticeRecipient)).scalars()]
        )
        assert statuses == {"Ann Smith": "sent", "Bob Jones": "bounced", "Cat Brown": "generated"}
        assert len(smtp_sink.messages) == 1 and smtp_sink.messages[0].recipients == ["ann@example.test"]
        # Plain text and HTML, nothing attached (a notice warning of scams must not itself carry a file),
        # with Date, Message-ID and the provider as the From display name.
        message = email.message_from_bytes(smtp_sink.messages[0].data, policy=email.policy.default)
        assert message.get_content_type() == "multipart/alternative"
        assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
        assert not list(message.iter_attachments())
        assert "Dear Ann Smith," in message.get_body(("plain",)).get_content()
        assert message["Date"] and message["Message-ID"].startswith("<BR-2026-0001-N")
        assert message["From"].startswith("Northwind <")
        summary = session.get(Breach, breach.id)
        session.refresh(summary)
        assert "By e-mail: 1 sent, 1 bounced" in summary.customer_notification_summary


def test_sending_without_smtp_is_refused_and_letters_remain_downloadable(engine, breach, clock):
    with Session(engine, expire_on_commit=False) as session:
        add_subscriber(session, "Ann Smith", "ACC-1", email="ann@example.test")
        prepare(session, breach, clock)
        recipients.add_recipients(
            session, actor=TESTER, now=clock.now(), breach_id=breach.id, account_references=[("item 1", "ACC-1")]
        )
        session.commit()
        generate(engine, session, breach, clock)
        with pytest.raises(Conflict, match="not configured"):
            sending.send(engine, settings=Settings(env="test"), clock=clock, actor=TESTER, breach_id=breach.id)
        assert session.execute(select(NoticeRecipient.status)).scalar_one() == "generated"
        session.commit()  # SQLite: release the write lock before the download opens its own sessions
        import zipfile

        content = b"".join(archive.letters_zip(engine, breach.id))
        names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        assert names == ["email/notice-1.pdf"]


def test_sending_before_the_ico_agreed_delay_ends_is_refused(engine, breach, clock, smtp_sink):
    delayed = NOTIFY.model_copy(
        update={
            "delay_agreed": True,
            "delay_ico_reference": "ICO/77",
            "delay_agreed_on": date(2026, 3, 10),
            "delay_until": datetime(2026, 3, 14, 12, 0, tzinfo=UTC),
        }
    )
    with Session(engine, expire_on_commit=False) as session:
        add_subscriber(session, "Ann Smith", "ACC-1", email="ann@example.test")
        prepare(session, breach, clock, delayed)
        recipients.add_recipients(
            session, actor=TESTER, now=clock.now(), breach_id=breach.id, account_references=[("item 1", "ACC-1")]
        )
        session.commit()
        generate(engine, session, breach, clock)
        with pytest.raises(Conflict, match="ICO/77"):
            sending.send(engine, settings=_smtp(smtp_sink), clock=clock, actor=TESTER, breach_id=breach.id)
        clock.advance(timedelta(days=5))
        assert sending.send(engine, settings=_smtp(smtp_sink), clock=clock, actor=TESTER, breach_id=breach.id).sent == 1


def test_no_generation_when_the_decision_is_not_to_notify(engine, breach, clock):
    with Session(engine) as session:
        add_subscriber(session, "Ann Smith", "ACC-1")
        prepare(session, breach, clock, AssessmentInput(natures=["financial"], rationale="destroyed, not disclosed"))
        recipients.add_recipients(
            session, actor=TESTER, now=clock.now(), breach_id=breach.id, account_references=[("item 1", "ACC-1")]
        )
        with pytest.raises(Conflict, match="no notices are due"):
            bulk.start_generation(session, actor=TESTER, now=clock.now(), breach_id=breach.id)


def test_media_notice_has_provider_details_and_no_personal_data(engine, breach, clock):
    with Session(engine, expire_on_commit=False) as session:
        add_subscriber(session, "Ann Smith", "ACC-1", numbers=("+447700900001",))
        prepare(session, breach, clock)
        recipients.add_recipients(
            session, actor=TESTER, now=clock.now(), breach_id=breach.id, account_references=[("item 1", "ACC-1")]
        )
        notice = media.create_media_notice(session, actor=TESTER, now=clock.now(), breach_id=breach.id)
        session.commit()
        text = pdf_text(notice.pdf_bytes)
        assert "Northwind Telecom Ltd" in text and "Z7654321" in text and "dpo@northwind.example" in text
        assert "Ann Smith" not in text and "ACC-1" not in text and "07700 900001" not in text
        assert "{name}" not in text and "{lines}" not in text
        assert "Public media notice issued" in session.get(Breach, breach.id).customer_notification_summary


def test_an_interrupted_generation_resumes_where_it_stopped(engine, breach, clock):
    with Session(engine, expire_on_commit=False) as session:
        for number in range(3):
            add_subscriber(session, f"Person {number}", f"ACC-{number}")
        prepare(session, breach, clock)
        recipients.add_recipients(
            session,
            actor=TESTER,
            now=clock.now(),
            breach_id=breach.id,
            account_references=recipients.labelled(["ACC-0", "ACC-1", "ACC-2"], "refs"),
        )
        batch = bulk.start_generation(session, actor=TESTER, now=clock.now(), breach_id=breach.id)
        session.commit()

        def crash(generated: int, total: int) -> None:
            raise RuntimeError("process killed")

        with pytest.raises(RuntimeError):
            bulk.run_generation(engine, batch_id=batch.id, clock=clock, actor=TESTER, chunk_size=1, progress=crash)
        statuses = session.execute(select(NoticeRecipient.status).order_by(NoticeRecipient.id)).scalars().all()
        assert statuses == ["generated", "pending", "pending"]
        session.commit()
        done = bulk.run_generation(engine, batch_id=batch.id, clock=clock, actor=TESTER, chunk_size=1)
        assert (done.generated, done.status) == (3, "generated")
