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
