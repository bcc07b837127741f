"""Directory information notices to individuals not yet informed: letters and e-mails in batches, each
serving recorded on the wording core and starting the opt-out period; refused e-mails stay uninformed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import Session

from directories import notices, rules, service
from directories.models import DirectoryNoticeBatch
from provider.profile.models import ProviderProfile
from provider.subscribers.models import Subscriber
from tests.breach.notices.conftest import PROFILE
from tests.conftest import START, TESTER
from tests.support.smtp_sink import SmtpSink


@pytest.fixture
def smtp_sink():
    sink = SmtpSink(refuse_containing="bounce").start()
    yield sink
    sink.stop()


def _with_email(session: Session, line, address: str) -> None:
    subscriber = session.get(Subscriber, line.subscriber_id)
    subscriber.email = address
    session.add(subscriber)
    session.commit()


def test_notices_reach_every_uninformed_individual_once_and_start_their_opt_out_period(
    session, engine, settings, make_line, serve, smtp_sink, tmp_path: Path
):
    session.add(ProviderProfile(id=1, updated_at=START, **PROFILE))
    session.commit()
    by_post = [make_line(name=f"Post Person{index}") for index in range(3)]
    by_mail = make_line(name="Mail Person")
    _with_email(session, by_mail, "mail.person@example.com")
    bounced = make_line(name="Bounce Person")
    _with_email(session, bounced, "bounce@example.com")
    already = make_line(name="Told Before")
    serve(already, START - timedelta(days=3))
    corporate = make_line("corporate", name="Acme Ltd")
    mail_settings = settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": smtp_sink.port, "smtp_starttls": False}
    )
    assert not session.in_transaction(), "test session holds the SQLite write lock"
    seen: list[int] = []
    done = notices.serve_uninformed(
        engine, actor=TESTER, now=START, settings=mail_settings, out_dir=tmp_path, batch_size=2, advance=seen.append
    )
    assert (done.letters, done.emails, len(done.batches)) == (3, 1, 3)
    assert seen == sorted(seen) and seen[-1] == 4
    assert [m.recipients for m in smtp_sink.messages] == [["mail.person@example.com"]]
    for line in by_post:  # a letter serves once staff confirm it was posted
        assert service.first_informed_at(session, line.subscriber_id) is None
    assert notices.record_posted(session, actor=TESTER, now=START) == 3
    session.commit()
    for line in (*by_post, by_mail):
        assert service.first_informed_at(session, line.subscriber_id) == START
    assert service.first_informed_at(session, bounced.subscriber_id) is None
    assert service.first_informed_at(session, already.subscriber_id) == START - timedelta(days=3)
    assert service.first_informed_at(session, corporate.subscriber_id) is None
    decided = service.choice_public(session, line=by_post[0], now=START + timedelta(days=27), wait_days=28)
    assert not decided.listed  # informed, but the opt-out period has only begun
    assert service.choice_public(session, line=by_post[0], now=START + timedelta(days=28), wait_days=28).listed
    batches = session.query(DirectoryNoticeBatch).order_by(DirectoryNoticeBatch.id).all()
    letters = [document for batch in batches for document in batch.documents]
    assert sum(document["letters"] for document in letters) == 3
    text = PdfReader(tmp_path / letters[0]["file"]).pages[0].extract_text()
    assert "reverse search" in text.lower() and "Post Person0" in text
    session.commit()
    again = notices.serve_uninformed(engine, actor=TESTER, now=START, settings=mail_settings, out_dir=tmp_path)
    assert (again.letters, again.emails) == (0, 0)  # the bounced address is tried, refused again
    assert rules.informed_cutoff(START, 28) == START - timedelta(days=28)


def test_notices_need_the_saved_notice_and_the_provider_profile(engine, settings, make_line, tmp_path: Path):
    from provider.errors import Conflict

    make_line()
    with pytest.raises(Conflict, match="notice"):
        notices.serve_uninformed(engine, actor=TESTER, now=START, settings=settings, out_dir=tmp_path)


def test_a_letter_starts_the_opt_out_period_when_posted_not_when_generated(
    session, engine, settings, make_line, notice, tmp_path: Path
):
    session.add(ProviderProfile(id=1, updated_at=START, **PROFILE))
    session.commit()
    line = make_line()
    made = notices.serve_uninformed(engine, actor=TESTER, now=START, settings=settings, out_dir=tmp_path)
    assert made.letters == 1
    assert not service.choice_public(session, line=line, now=START + timedelta(days=40), wait_days=28).listed
    session.commit()
    again = notices.serve_uninformed(engine, actor=TESTER, now=START, settings=settings, out_dir=tmp_path)
    assert again.letters == 0  # a letter is waiting for the post: no second one
    posted_at = START + timedelta(days=3)
    assert notices.record_posted(session, actor=TESTER, now=posted_at, batch_id=made.batches[0]) == 1
    session.commit()
    assert notices.record_posted(session, actor=TESTER, now=posted_at + timedelta(days=1)) == 0  # not twice
    assert service.first_informed_at(session, line.subscriber_id) == posted_at
    assert not service.choice_public(session, line=line, now=posted_at + timedelta(days=27), wait_days=28).listed
    assert service.choice_public(session, line=line, now=posted_at + timedelta(days=28), wait_days=28).listed
    batch = session.get(DirectoryNoticeBatch, made.batches[0])
    assert (batch.posted_at, batch.posted_by) == (posted_at, TESTER.name)


def test_pecr_directory_letters_posted_records_them_and_names_an_unknown_batch(tmp_path: Path):
    from tests.provider.test_console import run_pecr

    database = f"sqlite:///{tmp_path / 'pecr.db'}"
    assert run_pecr("db", "upgrade", database_url=database).returncode == 0
    done = run_pecr("directory", "letters-posted", database_url=database)
    assert done.returncode == 0 and "recorded 0 letters as posted" in done.stderr
    unknown = run_pecr("directory", "letters-posted", "--batch", "7", database_url=database)
    assert unknown.returncode == 1 and "does not exist" in unknown.stderr


def test_a_notice_e_mail_comes_from_the_provider_with_html_and_a_message_id_from_its_reference(
    session, engine, settings, make_line, notice, smtp_sink, tmp_path: Path
):
    session.add(ProviderProfile(id=1, updated_at=START, **PROFILE))
    session.commit()
    line = make_line(name="Ann <Green>")
    _with_email(session, line, "ann@example.com")
    mail_settings = settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": smtp_sink.port, "smtp_starttls": False}
    )
    done = notices.serve_uninformed(engine, actor=TESTER, now=START, settings=mail_settings, out_dir=tmp_path)
    assert done.emails == 1
    message = smtp_sink.messages[0].message
    assert message["From"] == f"{PROFILE['trading_name']} <{mail_settings.smtp_sender}>"
    reference = f"DN-{done.batches[0]}-{line.subscriber_id}"
    assert message["Message-ID"] == f"<{reference}.v{notice.id}@{mail_settings.smtp_sender.rpartition('@')[2]}>"
    assert message.get_content_type() == "multipart/alternative"
    plain, rich = (part.get_payload(decode=True).decode() for part in message.get_payload())
    assert "Reverse search" in plain and reference in plain
    assert "<h2>Reverse search</h2>" in rich and "Ann &lt;Green&gt;" in rich and "<Green>" not in rich


def test_the_notice_page_lists_letters_waiting_and_records_them_posted(
    signed_in, session, engine, settings, make_line, notice, tmp_path: Path
):
    from tests.conftest import csrf_from

    session.add(ProviderProfile(id=1, updated_at=START, **PROFILE))
    session.commit()
    line = make_line()
    made = notices.serve_uninformed(engine, actor=TESTER, now=START, settings=settings, out_dir=tmp_path)
    client = signed_in("compliance_officer")
    page = client.get("/directory/notice").text
    assert f'id="letters-batch-{made.batches[0]}"' in page
    token = csrf_from(page)
    bad = client.post("/directory/notice/letters-posted", data={"batch_id": "9" * 40, "csrf_token": token})
    assert bad.status_code == 422 and "Choose the batch" in bad.text
    unknown = client.post("/directory/notice/letters-posted", data={"batch_id": "999", "csrf_token": token})
    assert unknown.status_code in (404, 422) and "does not exist" in unknown.text
    done = client.post("/directory/notice/letters-posted", data={"batch_id": str(made.batches[0]), "csrf_token": token})
    assert done.status_code == 303
    assert service.first_informed_at(session, line.subscriber_id) is not None
    assert f'id="letters-batch-{made.batches[0]}"' not in client.get("/directory/notice").text
