"""The call list's nightly erasure respects traffic retention holds as traffic's own sweep does: a call an
active hold covers (its subscriber, its line, its UTC day; an IPA notice only within 12 months) stays
past its retain-until; released, ended or non-matching holds spare nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, select

from provider.billing import bulk
from provider.billing.models import BillCall
from provider.security.actor import system_actor
from tests.provider.subscribers.leavers import make_subscriber
from traffic.models import HoldBasis, RetentionHold


def _call(subscriber_id: int, number: str, ref: str, started_at: datetime, now: datetime) -> BillCall:
    return BillCall(
        subscriber_id=subscriber_id, line_number=number, source_ref=ref, started_at=started_at,
        period=f"{started_at:%Y-%m}", called_number_enc=b"sealed", category="voice",
        retain_until=now - timedelta(days=1),
    )  # fmt: skip


def _hold(now: datetime, reference: str, **covers) -> RetentionHold:
    fields = {"basis": HoldBasis.court_order, "starts_at": now - timedelta(days=5), "ends_at": now + timedelta(days=30)}
    return RetentionHold(reference=reference, created_at=now, **(fields | covers))


def test_the_call_list_erasure_spares_exactly_the_calls_an_active_hold_covers(engine, clock):
    now = clock.now()
    with Session(engine) as session:
        held, ipa, ended = (make_subscriber(session, now) for _ in range(3))
        day = datetime(2026, 2, 10, 23, 30, tzinfo=UTC)
        session.add_all([
            _call(held.subscriber_id, held.number_a, "in-range", day, now),
            _call(held.subscriber_id, held.number_a, "next-day", day + timedelta(hours=1), now),  # 11 Feb UTC
            _call(held.subscriber_id, held.number_b, "other-line", day, now),
            _call(ipa.subscriber_id, ipa.number_a, "recent", datetime(2026, 1, 5, tzinfo=UTC), now),
            _call(ipa.subscriber_id, ipa.number_a, "too-old", datetime(2025, 2, 1, tzinfo=UTC), now),
            _call(ended.subscriber_id, ended.number_a, "ended", day, now),
            _call(ended.subscriber_id, ended.number_b, "released", day, now),
        ])  # fmt: skip
        session.add_all([
            _hold(now, "CO/1", line_id=held.line_a, date_from=date(2026, 2, 10), date_to=date(2026, 2, 10)),
            _hold(now, "IPA/1", basis=HoldBasis.ipa_retention_notice, subscriber_id=ipa.subscriber_id),
            _hold(now, "CO/2", subscriber_id=ended.subscriber_id, ends_at=now - timedelta(seconds=1)),
            _hold(now, "CO/3", line_id=ended.line_b, released_at=now - timedelta(days=1)),
            _hold(now, "CO/4", subscriber_id=held.subscriber_id, starts_at=now + timedelta(days=1)),  # not yet
        ])  # fmt: skip
        session.commit()
    result = bulk.erase_expired_calls(engine, actor=system_actor("tests"), now=now, batch=2)
    with Session(engine) as session:
        left = sorted(session.exec(select(BillCall.source_ref)).all())
    assert left == ["in-range", "recent"]
    assert result.rows == 5
    released_later = bulk.erase_expired_calls(engine, actor=system_actor("tests"), now=now + timedelta(days=31))
    assert released_later.rows == 2  # the holds ended: nothing spares them any more
