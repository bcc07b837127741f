"""Served records are written in bulk, in the caller's transaction, and serving uses the version."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from provider.wording import bulk, rules, service
from provider.wording.models import PersonKind, ServedChannel, WordingServed, WordingVersion
from tests.conftest import TESTER

NOTICE = rules.Purpose(name="test.notice", label="test notice", parts=("body",), owner_kind="case")


def _version(session: Session, clock) -> int:
    version = service.save(
        session, actor=TESTER, now=clock.now(), purpose=NOTICE, owner_kind="case", owner_id=1, parts={"body": "Hi"}
    )
    session.commit()
    return version.id


def test_a_notice_batch_served_to_twelve_thousand_people_is_written_in_batches(engine, clock):
    with Session(engine) as session:
        version_id = _version(session, clock)
        people = (
            bulk.Person(PersonKind.subscriber if n % 3 else PersonKind.line_user, n, f"BR-1-N{n}")
            for n in range(1, 12_001)
        )
        written = bulk.record_served(
            session,
            version_id=version_id,
            channel=ServedChannel.post,
            served_at=clock.now(),
            people=people,
            served_in="test_batch",
            served_in_id=4,
            batch_size=5000,
        )
        session.commit()
        assert written == 12_000
        assert session.execute(select(func.count()).select_from(WordingServed)).scalar_one() == 12_000
        last = session.execute(select(WordingServed).order_by(WordingServed.id.desc()).limit(1)).scalar_one()
        assert (last.version_id, last.person_kind, last.person_id, last.person_reference) == (
            version_id,
            "line_user",
            12_000,
            "BR-1-N12000",
        )
        assert (last.channel, last.served_at, last.served_in, last.served_in_id) == (
            "post",
            clock.now(),
            "test_batch",
            4,
        )
        assert session.get(WordingVersion, version_id).first_used_at == clock.now()


def test_served_records_roll_back_with_the_callers_transaction(engine, clock):
    with Session(engine) as session:
        version_id = _version(session, clock)
        bulk.record_served(
            session,
            version_id=version_id,
            channel=ServedChannel.email,
            served_at=clock.now(),
            people=[bulk.Person(PersonKind.subscriber, 1, "ref")],
        )
        session.rollback()
        assert session.execute(select(func.count()).select_from(WordingServed)).scalar_one() == 0
        assert session.get(WordingVersion, version_id).first_used_at is None


def test_serving_nobody_writes_nothing_and_leaves_the_version_a_draft(engine, clock):
    with Session(engine) as session:
        version_id = _version(session, clock)
        served = bulk.record_served(
            session, version_id=version_id, channel=ServedChannel.email, served_at=clock.now(), people=[]
        )
        session.commit()
        assert served == 0 and session.get(WordingVersion, version_id).first_used_at is None
