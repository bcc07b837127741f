"""Emergency-alert data (reg 16A) is erased by its deadline by the scheduler, not up to a day late by the
nightly sweep; other classes are left to the nightly sweep."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import Session, select

from provider.scheduler.registry import JobContext, get
from provider.settings import Settings
from tests.conftest import START
from tests.traffic.conftest import ACTOR, LINE_B
from traffic.jobs import erase_alert_data
from traffic.models import ErasureReceipt, LocationRecord
from traffic.retention import service
from traffic.retention.models import AlertUpdate

DEADLINE = START + timedelta(hours=48)  # a test alert whose period ended at START


def _records(engine) -> list[str]:
    with Session(engine) as session:
        return sorted(r.source_record_id for r in session.exec(select(LocationRecord)))


def test_alert_data_is_erased_before_its_deadline_and_nothing_else(engine, world, clock, import_file, tmp_path):
    with Session(engine) as session:
        service.set_alert(session, alert_ref="EA-T", data=AlertUpdate(test=True, period_end=START), actor=ACTOR,
                          now=START)  # fmt: skip
        session.commit()
    rows = [
        {"record_type": "location", "source_record_id": "ALERT", "line": LINE_B, "observed_at": "2026-03-10T11:00:00Z",
         "cell_id": "234-15-1-1", "source": "emergency_alert", "alert_ref": "EA-T"},
        {"record_type": "location", "source_record_id": "PLAIN", "line": LINE_B, "observed_at": "2026-03-01T11:00:00Z",
         "cell_id": "234-15-1-1", "source": "network"},  # long past its retain-until: the nightly sweep's
    ]  # fmt: skip
    path = tmp_path / "a.ndjson"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert import_file(path).written == 2
    spec = get("traffic.alert_erasure")
    assert spec.trigger == "interval" and timedelta(**spec.trigger_args) <= timedelta(minutes=15)
    context = JobContext(engine=engine, clock=clock, settings=Settings())

    clock.set(DEADLINE - timedelta(hours=1))
    assert erase_alert_data(context) == 0
    assert _records(engine) == ["ALERT", "PLAIN"]
    with Session(engine) as session:
        assert session.exec(select(ErasureReceipt)).first() is None  # an idle run leaves no receipt

    clock.set(DEADLINE - timedelta(minutes=15))  # the last run before the deadline erases it
    assert erase_alert_data(context) == 1
    assert _records(engine) == ["PLAIN"]
    with Session(engine) as session:
        receipt = session.exec(select(ErasureReceipt)).one()
        assert receipt.status == "complete" and json.loads(receipt.counts) == {"location.emergency_alert": 1}
        assert receipt.cutoff > DEADLINE - timedelta(minutes=15)
    assert erase_alert_data(context) == 0
