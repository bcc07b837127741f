"""Killed jobs (issue 7): a customer-notice generation and a send killed with SIGKILL half-way, in a child
process, then resumed, end in the same state as an uninterrupted run: every letter generated with the
hashes an uninterrupted run gives, each e-mail sent once, counts consistent, and the audit chain intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session

from breach.notices import bulk, recipients, sending
from breach.notices.models import NoticeBatch, NoticeRecipient
from provider.security.audit import verify_chain
from provider.wording.models import WordingServed
from tests.breach.notices.conftest import add_many_subscribers
from tests.breach.notices.test_service import _smtp, prepare
from tests.conftest import TESTER
from tests.support.smtp_sink import SmtpSink

ROOT = Path(__file__).resolve().parents[3]
RUNNER = """
import sys
from datetime import datetime
from provider.clock import FrozenClock
from provider.db.engine import make_engine
from provider.security.actor import system_actor
from provider.settings import Settings
from breach.notices import bulk, sending

url, job, ident, now = sys.argv[1], sys.argv[2], int(sys.argv[3]), datetime.fromisoformat(sys.argv[4])
engine, clock, actor = make_engine(url), FrozenClock(now), system_actor("tests")
if job == "generate":
    bulk.run_generation(engine, batch_id=ident, clock=clock, actor=actor, chunk_size=5)
else:
    settings = Settings(env="test", smtp_host="127.0.0.1", smtp_port=int(sys.argv[5]), smtp_starttls=False,
                        smtp_sender="breach@northwind.example")
    sending.run_sending(engine, settings=settings, clock=clock, actor=actor, breach_id=ident, chunk_size=10)
"""


def _child(engine, *args: str) -> subprocess.Popen:
    url = engine.url.render_as_string(hide_password=False)
    return subprocess.Popen([sys.executable, "-c", RUNNER, url, *args], cwd=ROOT, env=os.environ.copy())


def _kill_when(process: subprocess.Popen, ready, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert process.poll() is None, "the job ended before it could be killed half-way"
        assert time.monotonic() < deadline, "the job did not get half-way in time"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def _state(engine, breach_id: int) -> tuple[Counter, dict[int, tuple[str, str]]]:
    with Session(engine) as session:
        rows = session.execute(
            select(
                NoticeRecipient.id, NoticeRecipient.status, NoticeRecipient.pdf_sha256, NoticeRecipient.email_sha256
            ).where(NoticeRecipient.breach_id == breach_id)
        ).all()
    return Counter(row.status for row in rows), {row.id: (row.pdf_sha256, row.email_sha256) for row in rows}


def _expected_hashes(engine, batch_id: int) -> dict[int, tuple[str, str]]:
    """What an uninterrupted run stores: each recipient's letter and e-mail rendered from the same inputs."""
    batch, fields = bulk.load_batch(engine, batch_id)
    with Session(engine) as session:
        rows = session.execute(
            select(NoticeRecipient.id, NoticeRecipient.snapshot).where(NoticeRecipient.batch_id == batch_id)
        ).all()
    return {
        item["rid"]: (item["pdf"], item["body"])
        for item in bulk.render_hashes(fields, batch.snapshot, [(row.id, row.snapshot) for row in rows])
    }


def _setup(engine, breach, clock, count: int, with_email: bool) -> int:
    with Session(engine, expire_on_commit=False) as session:
        add_many_subscribers(session, count, with_email=with_email)
        prepare(session, breach, clock)
        recipients.add_recipients(
            session,
            actor=TESTER,
            now=clock.now(),
            breach_id=breach.id,
            account_references=recipients.labelled([f"ACC-{i:06d}" for i in range(1, count + 1)], "refs"),
        )
        batch = bulk.start_generation(session, actor=TESTER, now=clock.now(), breach_id=breach.id)
        session.commit()
        return batch.id


def _generated_count(engine, batch_id: int) -> int:
    with Session(engine) as session:
        return session.get(NoticeBatch, batch_id).generated


def test_a_generation_killed_half_way_resumes_to_the_state_of_an_uninterrupted_run(engine, breach, clock):
    batch_id = _setup(engine, breach, clock, 60, with_email=False)
    child = _child(engine, "generate", str(batch_id), clock.now().isoformat())
    _kill_when(child, lambda: 15 <= _generated_count(engine, batch_id))
    counts, _ = _state(engine, breach.id)
    assert counts["pending"] > 0, "killed before the end: some letters are still to be made"
    bulk.run_generation(engine, batch_id=batch_id, clock=clock, actor=TESTER, chunk_size=7)
    counts, hashes = _state(engine, breach.id)
    assert counts == Counter({"generated": 60})
    assert hashes == _expected_hashes(engine, batch_id)  # no letter missing, none different
    with Session(engine) as session:
        batch = session.get(NoticeBatch, batch_id)
        assert (batch.status, batch.generated, batch.total) == ("generated", 60, 60)
        assert verify_chain(session).intact
    letters = sum(1 for ids in bulk.letter_ids(engine, breach.id, None) for _ in ids)
    assert letters == 60


class _StallingSink(SmtpSink):
    """Accepts `stall_after` messages, then makes the next MAIL wait: the send is half-way and every
    message accepted so far has been answered (so recorded) — the moment the test kills it."""

    stall_after: int = 0
    stalled: threading.Event | None = None
    release: threading.Event | None = None

    def accepts_mail(self) -> bool:
        if self.stalled is not None and len(self.messages) >= self.stall_after and not self.release.is_set():
            self.stalled.set()
            self.release.wait(timeout=60)
            return False
        return True


def test_a_send_killed_half_way_resumes_without_duplicates_or_gaps(engine, breach, clock):
    batch_id = _setup(engine, breach, clock, 40, with_email=True)
    bulk.run_generation(engine, batch_id=batch_id, clock=clock, actor=TESTER)
    sink = _StallingSink()
    sink.stall_after, sink.stalled, sink.release = 15, threading.Event(), threading.Event()
    sink.start()
    try:
        with Session(engine) as session:
            sending.start_sending(session, actor=TESTER, now=clock.now(), settings=_smtp(sink), breach_id=breach.id)
            session.commit()
        child = _child(engine, "send", str(breach.id), clock.now().isoformat(), str(sink.port))
        _kill_when(child, sink.stalled.is_set)
        sink.release.set()
        counts, _ = _state(engine, breach.id)
        assert counts["sent"] == 15 and counts["sending"] > 0  # part of a claimed chunk in flight
        later = clock.now() + sending.STALE_CLAIM + timedelta(minutes=1)
        with Session(engine) as session:
            sending.resume_sending(session, actor=TESTER, now=later, settings=_smtp(sink), breach_id=breach.id)
            session.commit()
        clock.advance(sending.STALE_CLAIM + timedelta(minutes=1))
        result = sending.run_sending(engine, settings=_smtp(sink), clock=clock, actor=TESTER, breach_id=breach.id)
    finally:
        sink.stop()
    assert result.sent == 25
    sent_to = Counter(address for message in sink.messages for address in message.recipients)
    assert len(sent_to) == 40 and set(sent_to.values()) == {1}, "every customer e-mailed exactly once"
    counts, _ = _state(engine, breach.id)
    assert counts == Counter({"sent": 40})
    with Session(engine) as session:
        assert session.execute(select(func.count()).select_from(WordingServed)).scalar_one() == 40
        assert session.get(NoticeBatch, batch_id).status == "sent"
        assert verify_chain(session).intact
