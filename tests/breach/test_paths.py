"""The breach pages' typed paths: /breaches/log is never read as a breach id, whatever the route order."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from breach import service
from breach import views as breach_views
from breach.log import views as log_views
from breach.models import BreachCreate
from provider.web.problems import install_handlers
from tests.conftest import TESTER


def test_the_breach_pages_included_before_the_log_pages_still_serve_the_log(app, signed_in, engine, clock):
    """app.py used to include the log's router first so 'log' was never taken for an id; typed ids
    (`{breach_id:int}`) make the order irrelevant, so here the breach pages come first."""
    with Session(engine, expire_on_commit=False) as session:
        breach = service.create_breach(
            session,
            actor=TESTER,
            now=clock.now(),
            data=BreachCreate(
                title="Order of routes",
                circumstance="loss",
                detected_at=datetime(2026, 3, 4, 9, tzinfo=UTC),
                aware_at=datetime(2026, 3, 4, 10, tzinfo=UTC),
            ),
        )
        session.commit()
    reversed_order = FastAPI()
    reversed_order.state = app.state
    install_handlers(reversed_order)
    reversed_order.include_router(breach_views.router)
    reversed_order.include_router(log_views.router)
    signed = signed_in("auditor")
    with TestClient(reversed_order, base_url="http://testserver", follow_redirects=False) as client:
        client.cookies.update(signed.cookies)
        log = client.get("/breaches/log?month=2026-03")
        assert log.status_code == 200 and "Breach log: March 2026" in log.text
        assert "Order of routes" in log.text
        assert client.get(f"/breaches/{breach.id}").status_code == 200
        assert client.get("/breaches/log/submissions/1/document.pdf").status_code == 404
