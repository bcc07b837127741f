"""Concurrent writers never fork the audit chain: the head row serialises them."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlmodel import Session

from provider.security import audit
from provider.security.actor import system_actor

WRITERS = 4
EVENTS_EACH = 15


def test_parallel_appends_form_one_unbroken_chain(engine):
    failures: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for number in range(EVENTS_EACH):
                with Session(engine) as session:
                    audit.record(
                        session,
                        actor=system_actor(f"writer-{worker}"),
                        action="test.appended",
                        entity_type="test",
                        entity_id=f"{worker}-{number}",
                        now=datetime(2026, 3, 1, tzinfo=UTC),
                        after={"n": number},
                    )
                    session.commit()
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    with Session(engine) as session:
        report = audit.verify_chain(session)
    assert report.intact, report.problem
    assert report.events_checked == WRITERS * EVENTS_EACH


def test_secret_looking_keys_never_reach_the_summary():
    text = audit.summary(
        {
            "username": "ann",
            "password": "hunter2hunter2",
            "api_token": "pecr_x",
            "nested": {"totp_secret": "ABC", "role": "admin"},
        }
    )
    assert "hunter2" not in text and "pecr_x" not in text and "ABC" not in text
    assert '"role":"admin"' in text
