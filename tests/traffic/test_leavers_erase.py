"""Traffic's erasure step: once a leaver is erased, the consent history of the subscriber and of its named
users and the privacy switches of its lines go, counted in the receipt; the records of notices served
stay without whom they were served to; another subscriber's are untouched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from directories import service as directories
from provider.subscribers.leaving import service
from provider.subscribers.leaving.models import LeaveCreate
from provider.wording import bulk as wording_bulk
from provider.wording.models import PersonKind, ServedChannel, WordingServed
from tests.directories.conftest import NOTICE_TEXT
from tests.provider.subscribers.leavers import make_subscriber
from tests.traffic.conftest import ACTOR, give_consent
from traffic.consent.models import ConsentEvent, PrivacySwitch


def _switch(line_id: int, now: datetime) -> PrivacySwitch:
    return PrivacySwitch(
        line_id=line_id, starts_at=now, ends_at=now + timedelta(hours=1), set_by="tests", created_at=now
    )


def test_erasure_takes_the_consents_and_privacy_switches_and_unnames_the_notices_served(engine, world, clock):
    now = clock.now()
    give_consent(engine, datetime(2026, 2, 1, tzinfo=UTC), world, service="marketing")
    give_consent(engine, datetime(2026, 2, 1, tzinfo=UTC), world, service="marketing", user_id=world.user_id)
    with Session(engine) as session:
        other = make_subscriber(session, now)
        notice = directories.save_notice(session, actor=ACTOR, now=now, parts=NOTICE_TEXT)
        people = [
            wording_bulk.Person(PersonKind.subscriber, world.subscriber_id),
            wording_bulk.Person(PersonKind.line_user, world.user_id),
            wording_bulk.Person(PersonKind.subscriber, other.subscriber_id),
        ]
        wording_bulk.record_served(
            session, version_id=notice.id, channel=ServedChannel.post, served_at=now, people=people
        )
        session.add_all([_switch(world.line_a, now), _switch(world.line_b, now), _switch(other.line_a, now)])
        session.commit()
        service.leave_subscriber(session, actor=ACTOR, now=now, subscriber_id=world.subscriber_id,
                                 data=LeaveCreate(reason="ceased"))  # fmt: skip
        receipt = service.erase_subscriber(session, actor=ACTOR, now=now, subscriber_id=world.subscriber_id)
        session.commit()
        assert receipt.counts["traffic.consents"] == 2 and receipt.counts["traffic.privacy_switches"] == 2
        assert receipt.counts["subscribers.wording_served_unnamed"] == 2
        assert session.exec(select(ConsentEvent)).all() == []
        assert [s.line_id for s in session.exec(select(PrivacySwitch))] == [other.line_a]
        served = sorted(session.exec(select(WordingServed.person_id)).all(), key=lambda person: person or 0)
        assert served == [None, None, other.subscriber_id]
