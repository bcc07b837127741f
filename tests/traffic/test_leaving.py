"""Leavers through the services: what a leave keeps (billing, disputes, holds) and ends (consented
retention), named users removed, and final erasure refused while anything is kept, done after the sweep."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

import traffic.leavers  # noqa: F401  (registers traffic's keeper, as the composition roots do)
from provider.errors import Conflict
from provider.security.audit import verify_chain
from provider.subscribers import service as subscribers
from provider.subscribers.leaving import erasure, service
from provider.subscribers.leaving.models import LeaveCreate, SubscriberErasureReceipt
from provider.subscribers.models import Line, LineUser, LineUserCreate, Subscriber, SubscriberNameWord
from tests.traffic.conftest import ACTOR, LINE_A, LINE_B, give_consent
from traffic.models import RetentionClass, RetentionHold, TrafficRecord
from traffic.retention import service as retention
from traffic.retention.models import BillUpdate, HoldCreate
from traffic.rules import RetentionPolicy
from traffic.sweep import sweep

PORTED = LeaveCreate(reason="ported_out")


def _import(import_file, tmp_path, rows):
    path = tmp_path / "r.ndjson"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    report = import_file(path)
    assert report.bad_lines == 0, report.errors
    return report


def _call(source: str, line: str = LINE_A, bill_ref: str = "", service_name: str = "", user_id=None) -> dict:
    row = {"source_record_id": source, "kind": "call", "direction": "outgoing", "line": line,
           "start_at": "2026-03-01T10:00:00Z", "duration_seconds": 60}  # fmt: skip
    row |= {"bill_ref": bill_ref} if bill_ref else {}
    row |= {"consented_service": service_name} if service_name else {}
    row |= {"user_id": user_id} if user_id else {}
    return row


def _classes(session: Session) -> dict[str, tuple[str, datetime]]:
    rows = session.exec(select(TrafficRecord)).all()
    return {r.source_record_id: (r.retention_class.value, r.retain_until) for r in rows}


def _kept(engine, subscriber_id: int, now: datetime, line_ids=None) -> dict[str, tuple[str, int]]:
    with Session(engine) as session:
        summary = service.summary(session, subscriber_id=subscriber_id, now=now, line_ids=line_ids)
    return {k.what: (k.why, k.records) for k in summary.kept}


def test_a_line_leaving_keeps_unbilled_traffic_until_the_bill_rule_and_ends_consented(
    tmp_path, engine, world, import_file, clock
):
    give_consent(engine, datetime(2026, 2, 1, tzinfo=UTC), world, service="marketing")
    _import(import_file, tmp_path, [_call("B1", bill_ref="BILL-1"), _call("M1", service_name="marketing")])
    with Session(engine) as session:
        before = _classes(session)
        assert before["M1"][0] == "consented" and before["M1"][1] > clock.now()
        line = service.leave_line(session, actor=ACTOR, now=clock.now(), line_id=world.line_a, data=PORTED)
        session.commit()
        assert line.left_at == clock.now() and line.left_reason == "ported_out"
        after = _classes(session)
    assert after["B1"] == before["B1"]  # unbilled: kept as the bill rule says, 12 months after
    assert after["M1"][1] == clock.now()  # consent cannot outlive the relationship: due at the next sweep
    kept = _kept(engine, world.subscriber_id, clock.now())
    assert kept["traffic records, billing"] == ("unbilled: kept for the bill it will be on", 1)


def test_a_disputed_bill_keeps_the_leavers_records_until_resolved(tmp_path, engine, world, import_file, clock):
    _import(import_file, tmp_path, [_call("B1", bill_ref="BILL-2")])
    with Session(engine) as session:
        retention.set_bill_status(
            session, bill_ref="BILL-2", data=BillUpdate(status="disputed", issued_at="2026-03-05T00:00:00Z"),
            actor=ACTOR, now=clock.now(), policy=RetentionPolicy(),
        )  # fmt: skip
        service.leave_subscriber(session, actor=ACTOR, now=clock.now(), subscriber_id=world.subscriber_id, data=PORTED)
        session.commit()
        assert _classes(session)["B1"][1].year == 2032  # six years while disputed, unchanged by the leave
    why, count = _kept(engine, world.subscriber_id, clock.now())["traffic records, billing"]
    assert count == 1 and why.startswith("bill disputed")


def test_a_hold_keeps_a_leaver_and_blocks_erasure_naming_its_reference(tmp_path, engine, world, import_file, clock):
    _import(import_file, tmp_path, [_call("T1")])  # transmission only: goes at its usual time
    with Session(engine) as session:
        retention.create_hold(
            session, data=HoldCreate(basis="court_order", reference="CO/9", line_id=world.line_b,
                                     ends_at=datetime(2026, 9, 1, tzinfo=UTC)), actor=ACTOR, now=clock.now(),
        )  # fmt: skip
        service.leave_subscriber(session, actor=ACTOR, now=clock.now(), subscriber_id=world.subscriber_id, data=PORTED)
        session.commit()
    later = clock.now() + timedelta(days=2)
    sweep(engine, now=later)
    with Session(engine) as session, pytest.raises(Conflict) as refused:
        service.erase_subscriber(session, actor=ACTOR, now=later, subscriber_id=world.subscriber_id)
    assert "CO/9" in str(refused.value) and "court order" in str(refused.value)
    assert "retention hold" in _kept(engine, world.subscriber_id, later)


def test_one_line_of_a_corporate_subscriber_leaves_and_the_others_stay_open(engine, world, clock):
    with Session(engine) as session:
        ceased = LeaveCreate(reason="ceased")
        service.leave_line(session, actor=ACTOR, now=clock.now(), line_id=world.line_a, data=ceased)
        session.commit()
        assert session.get(LineUser, world.user_id).removed_at == clock.now()  # its users leave with it
        with pytest.raises(Conflict, match="left on 10 Mar 2026 \\(ceased\\)"):
            subscribers.add_line_user(session, actor=ACTOR, now=clock.now(), line_id=world.line_a,
                                      data=LineUserCreate(name="New Person"))  # fmt: skip
        session.rollback()
        user = subscribers.add_line_user(session, actor=ACTOR, now=clock.now(), line_id=world.line_b,
                                         data=LineUserCreate(name="Still Here"))  # fmt: skip
        session.commit()
        assert user.id and session.get(Subscriber, world.subscriber_id).left_at is None
        with pytest.raises(Conflict, match="already left"):
            service.leave_line(session, actor=ACTOR, now=clock.now(), line_id=world.line_a, data=PORTED)


def test_a_leave_in_the_future_is_refused(engine, world, clock):
    from provider.errors import Invalid

    with Session(engine) as session, pytest.raises(Invalid, match="left_at: may not be in the future"):
        service.leave_line(session, actor=ACTOR, now=clock.now(), line_id=world.line_a,
                           data=LeaveCreate(reason="ceased", left_at="2026-03-11T00:00:00Z"))  # fmt: skip


def test_removing_a_named_user_ends_their_consents_effect_and_not_the_subscribers(
    tmp_path, engine, world, import_file, clock
):
    give_consent(engine, datetime(2026, 2, 1, tzinfo=UTC), world, service="marketing", user_id=world.user_id)
    give_consent(engine, datetime(2026, 2, 1, tzinfo=UTC), world, service="marketing")
    _import(import_file, tmp_path, [_call("U1", service_name="marketing", user_id=world.user_id),
                                    _call("S1", service_name="marketing")])  # fmt: skip
    with Session(engine) as session:
        assert {v[0] for v in _classes(session).values()} == {"consented"}
        service.remove_user(session, actor=ACTOR, now=clock.now(), line_id=world.line_a, user_id=world.user_id)
        session.commit()
        after = _classes(session)
    assert after["U1"][0] == "transmission" and after["U1"][1] <= clock.now()
    assert after["S1"][0] == "consented"  # the subscriber's own consent still stands


def test_erasure_is_refused_while_records_are_kept_and_done_by_the_sweep_after(
    tmp_path, engine, world, import_file, clock
):
    _import(import_file, tmp_path, [_call("B1", bill_ref="BILL-3", line=LINE_B)])
    with Session(engine) as session:
        with pytest.raises(Conflict, match="has not left"):
            service.erase_subscriber(session, actor=ACTOR, now=clock.now(), subscriber_id=world.subscriber_id)
        service.leave_subscriber(session, actor=ACTOR, now=clock.now(), subscriber_id=world.subscriber_id, data=PORTED)
        session.commit()
        with pytest.raises(Conflict, match="traffic records, billing \\(1\\) kept: unbilled"):
            service.erase_subscriber(session, actor=ACTOR, now=clock.now(), subscriber_id=world.subscriber_id)
        assert erasure.sweep(session, actor=ACTOR, now=clock.now()) == 0
    later = datetime(2027, 3, 2, tzinfo=UTC)  # past the unbilled record's 12 months
    sweep(engine, now=later)
    with Session(engine) as session:
        assert erasure.sweep(session, actor=ACTOR, now=later) == 1
        assert erasure.sweep(session, actor=ACTOR, now=later) == 0  # idempotent
        subscriber = session.get(Subscriber, world.subscriber_id)
        assert (subscriber.name, subscriber.address, subscriber.erased_at) == ("(erased)", "(erased)", later)
        assert subscriber.account_reference == f"erased-{world.subscriber_id}"
        numbers = {line.number for line in session.exec(select(Line))}
        assert numbers == {f"#{world.line_a}", f"#{world.line_b}"}
        assert session.exec(select(LineUser)).all() == []
        assert session.exec(select(SubscriberNameWord)).all() == []
        receipt = session.exec(select(SubscriberErasureReceipt)).one()
        assert (receipt.trigger, receipt.lines_erased, receipt.users_erased) == ("sweep", 2, 1)
        assert len(receipt.ids_hash) == 64 and "Ann" not in receipt.model_dump_json()
        assert verify_chain(session).intact


def test_erasure_on_request_once_nothing_is_kept_writes_a_receipt_and_the_chain_verifies(engine, world, clock):
    with Session(engine) as session:
        service.leave_subscriber(session, actor=ACTOR, now=clock.now(), subscriber_id=world.subscriber_id, data=PORTED)
        receipt = service.erase_subscriber(session, actor=ACTOR, now=clock.now(), subscriber_id=world.subscriber_id)
        session.commit()
        assert receipt.trigger == "request" and receipt.lines_erased == 2
        summary = service.summary(session, subscriber_id=world.subscriber_id, now=clock.now())
        assert summary.refusals == ["already erased on 10 Mar 2026"] and len(summary.receipts) == 1
        assert verify_chain(session).intact
        assert session.exec(select(RetentionHold)).all() == []
        assert RetentionClass.billing  # the classes are traffic's own (imported only to name them)


def test_a_leaver_and_a_removed_user_can_give_no_new_consent_but_the_job_sweeps_them(engine, world, clock):
    from provider.scheduler.registry import JobContext, get
    from provider.settings import Settings
    from traffic.consent import service as consents
    from traffic.consent.models import ConsentCreate

    wanted = {"data_kind": "traffic", "purpose": "marketing", "version_id": 1, "method": "web"}
    with Session(engine) as session:
        service.remove_user(session, actor=ACTOR, now=clock.now(), line_id=world.line_a, user_id=world.user_id)
        subscriber = session.get(Subscriber, world.subscriber_id)
        with pytest.raises(Conflict, match="named user was removed"):
            consents.capture(session, actor=ACTOR, now=clock.now(), subscriber=subscriber,
                             data=ConsentCreate(**wanted, user_id=world.user_id))  # fmt: skip
        service.leave_subscriber(session, actor=ACTOR, now=clock.now(), subscriber_id=world.subscriber_id, data=PORTED)
        with pytest.raises(Conflict, match="subscriber .* left on 10 Mar 2026 \\(ported out\\)"):
            consents.capture(session, actor=ACTOR, now=clock.now(), subscriber=subscriber,
                             data=ConsentCreate(**wanted))  # fmt: skip
        session.commit()
    import provider.subscribers.leaving.jobs  # noqa: F401  (registers the job, as the scheduler's catalogue does)

    job = get("subscribers.leaver_erasure")
    context = JobContext(engine=engine, clock=clock, settings=Settings())
    assert job.func(context) == 1 and job.func(context) == 0


def test_a_left_line_takes_no_new_caller_id_settings(engine, world, clock):
    from provider.line_identification import service as line_identification
    from provider.line_identification.models import CliSettingsUpdate

    change = CliSettingsUpdate(withhold_all=True, requested_by="Ann Example", channel="phone")
    with Session(engine) as session:
        service.leave_line(session, actor=ACTOR, now=clock.now(), line_id=world.line_a, data=PORTED)
        with pytest.raises(Conflict, match="takes no new consents or changes to its settings"):
            line_identification.update_settings(
                session, actor=ACTOR, now=clock.now(), line_id=world.line_a, data=change
            )
        assert line_identification.update_settings(
            session, actor=ACTOR, now=clock.now(), line_id=world.line_b, data=change
        ).withhold_all
