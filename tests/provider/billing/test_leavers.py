"""Billing's keeper: a leaver's itemised call list keeps it while the bill can be challenged (or a hold
covers a call); its erasure takes the call list and the itemisation history, counted in the receipt."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, select

from provider.billing import service as billing
from provider.billing.models import BillCall, ChoiceUpdate, ItemisedBillChoice
from provider.settings import Settings
from provider.subscribers import service as subscribers
from provider.subscribers.leaving import erasure
from tests.provider.subscribers.leavers import ACTOR, erase, kept, leave, make_subscriber, refusal
from traffic.models import HoldBasis, RetentionHold


def _call(subscriber_id: int, number: str, ref: str, retain_until: datetime, started_at: datetime) -> BillCall:
    return BillCall(
        subscriber_id=subscriber_id, line_number=number, source_ref=ref, started_at=started_at, period="2026-02",
        called_number_enc=b"sealed", category="voice", retain_until=retain_until,
    )  # fmt: skip


def _with_calls(session: Session, now: datetime, retain_until: datetime):
    leaver = make_subscriber(session, now)
    subscriber = subscribers.get_subscriber(session, leaver.subscriber_id)
    billing.record_choice(
        session, actor=ACTOR, now=now, subscriber=subscriber, change=ChoiceUpdate(itemised=False, channel="phone"),
        settings=Settings(),
    )  # fmt: skip
    started = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)
    session.add(_call(leaver.subscriber_id, leaver.number_a, "C1", retain_until, started))
    session.add(_call(leaver.subscriber_id, leaver.number_b, "C2", now - timedelta(days=1), started))  # past it
    session.commit()
    return leaver


def test_a_leaver_with_a_challengeable_call_list_is_kept_until_its_last_call_then_erased_with_it(session, clock):
    now = clock.now()
    until = now + timedelta(days=30)
    leaver = _with_calls(session, now, until)
    other = _with_calls(session, now, until)  # another subscriber's list must stay whole
    leave(session, now, leaver)
    reason = refusal(session, now, leaver)
    assert "itemised call list (1) kept: the itemised bill made from it can still be challenged" in reason
    assert kept(session, now, leaver)["itemised call list"][1:] == (1, until)
    assert kept(session, now, leaver, line_ids=[leaver.line_b]) == {}  # line B's call is past its retention
    assert erasure.sweep(session, actor=ACTOR, now=now) == 0

    later = until + timedelta(seconds=1)
    receipt = erase(session, later, leaver)
    assert receipt.counts["billing.calls"] == 2 and receipt.counts["billing.itemised_choices"] == 1
    assert session.exec(select(BillCall).where(BillCall.subscriber_id == leaver.subscriber_id)).all() == []
    assert (
        session.exec(select(ItemisedBillChoice).where(ItemisedBillChoice.subscriber_id == leaver.subscriber_id)).all()
        == []
    )
    assert len(session.exec(select(BillCall).where(BillCall.subscriber_id == other.subscriber_id)).all()) == 2


def test_a_hold_over_a_leavers_past_calls_keeps_it_and_the_sweep_erases_it_once_released(session, clock):
    now = clock.now()
    leaver = _with_calls(session, now, now - timedelta(days=2))  # both calls past their retention
    hold = RetentionHold(
        basis=HoldBasis.court_order,
        reference="CO/77",
        date_from=date(2026, 2, 1),
        date_to=date(2026, 2, 28),
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=60),
        created_at=now,
    )  # fmt: skip  (a date range only: traffic's keeper, which looks at subscriber and line holds, is silent)
    session.add(hold)
    session.commit()
    leave(session, now, leaver)
    assert "itemised call list, held (2) kept: past its retention but covered by a traffic retention hold" in refusal(
        session, now, leaver
    )
    hold.released_at = now
    session.add(hold)
    session.commit()
    assert erasure.sweep(session, actor=ACTOR, now=now) == 1
    receipt = session.exec(select(erasure.SubscriberErasureReceipt)).one()
    assert receipt.counts["billing.calls"] == 2 and receipt.counts["subscribers_in_batch"] == 1
