"""The jobs page, "run now", the jobs API, /healthz and the scheduler embedded in the app."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from provider.scheduler import lease, runs
from provider.scheduler.models import RunOutcome
from provider.settings import Settings
from provider.web.app import create_app
from tests.conftest import csrf_from

SUMMER = datetime(2026, 7, 1, 12, 20, tzinfo=UTC)


def _row_for(html: str, job_id: str) -> str:
    start = html.index(f'id="job-{job_id}"')
    return html[start : html.index("</tr>", start)]


def test_jobs_page_lists_each_job_with_next_run_in_london_time_and_the_lease_holder(signed_in, engine, clock):
    clock.set(SUMMER)
    lease.acquire(engine, holder="scheduler:host-a:4242:abc", now=clock.now() - timedelta(seconds=5), lease_seconds=30)
    at = clock.now() - timedelta(minutes=20)
    run_id = runs.claim(engine, job_id="provider.expired_sessions", scheduled_for=at, now=at, runner="x")
    runs.finish(engine, run_id=run_id, now=at + timedelta(seconds=2.5), outcome=RunOutcome.success, rows_touched=4)
    page = signed_in("auditor").get("/admin/jobs")
    assert page.status_code == 200
    row = _row_for(page.text, "provider.expired_sessions")
    assert "every 1 hour" in row
    assert "01 Jul 2026 14:00 BST" in row  # next run 13:00 UTC, shown in London time
    assert "success" in row and "4 rows" in row and "2.5 s" in row
    assert "scheduler:host-a:4242:abc" in page.text and "live" in page.text
    assert "01 Jul 2026 13:19 BST" in page.text  # last heartbeat
    assert "Run now" not in page.text  # auditors read, they do not run


def test_jobs_page_needs_the_jobs_read_permission(signed_in):
    assert signed_in("agent").get("/admin/jobs").status_code == 403


def test_run_now_runs_the_job_records_the_run_and_says_how_it_went(signed_in, engine):
    admin = signed_in("admin", "root")
    page = admin.get("/admin/jobs")
    assert "Run now" in page.text
    response = admin.post("/admin/jobs/provider.expired_sessions/run", data={"csrf_token": csrf_from(page.text)})
    assert response.status_code == 303
    assert "provider.expired_sessions: success" in admin.get("/admin/jobs").text
    [run] = runs.recent(engine, job_id="provider.expired_sessions")
    assert (run.outcome, run.requested_by) == ("success", "root")


def test_run_now_is_refused_without_permission_csrf_or_a_known_job(signed_in):
    auditor = signed_in("auditor")
    token = csrf_from(auditor.get("/admin/jobs").text)
    assert auditor.post("/admin/jobs/provider.expired_sessions/run", data={"csrf_token": token}).status_code == 403
    admin = signed_in("admin", "root")
    token = csrf_from(admin.get("/admin/jobs").text)
    assert admin.post("/admin/jobs/provider.expired_sessions/run", data={}).status_code == 403
    assert admin.post("/admin/jobs/no.such.job/run", data={"csrf_token": token}).status_code == 404
    assert admin.post(f"/admin/jobs/{'x' * 101}/run", data={"csrf_token": token}).status_code == 422


def test_jobs_api_lists_jobs_with_next_run_and_the_run_history(api_client, engine, clock):
    at = clock.now()
    for job_id, outcome in (("provider.expired_sessions", RunOutcome.success), ("demo.other", RunOutcome.failed)):
        run_id = runs.claim(engine, job_id=job_id, scheduled_for=at, now=at, runner="x")
        runs.finish(engine, run_id=run_id, now=at, outcome=outcome, rows_touched=1)
    client = api_client("auditor", ["jobs:read"])
    jobs = {job["id"]: job for job in client.get("/api/v1/jobs").json()}
    housekeeping = jobs["provider.expired_sessions"]
    assert housekeeping["next_run_at"] == "2026-03-10T12:00:00Z"
    assert housekeeping["last_run"]["outcome"] == "success"
    history = client.get("/api/v1/job-runs", params={"outcome": "failed"}).json()
    assert [run["job_id"] for run in history] == ["demo.other"]
    assert client.get("/api/v1/job-runs", params={"job_id": "y" * 101}).status_code == 422
    assert client.get("/api/v1/job-runs", params={"outcome": "exploded"}).status_code == 422


def test_jobs_api_needs_the_jobs_read_scope(api_client):
    assert api_client("auditor", ["audit:read"]).get("/api/v1/jobs").status_code == 403


def test_healthz_names_the_lease_holder(signed_in, engine, clock):
    client = signed_in("auditor")
    assert client.get("/healthz").json()["scheduler"] is None
    lease.acquire(engine, holder="scheduler:host-a:4242:abc", now=clock.now(), lease_seconds=30)
    scheduler = client.get("/healthz").json()["scheduler"]
    assert scheduler["leader"] == "scheduler:host-a:4242:abc"
    assert scheduler["healthy"] is True
    clock.advance(seconds=31)
    assert client.get("/healthz").json()["scheduler"]["healthy"] is False


@pytest.mark.slow
def test_embedded_scheduler_takes_the_lease_with_the_app_and_releases_it_at_shutdown(sqlite_engine, clock):
    settings = Settings(env="test", database_url="sqlite://", secret_key="test-secret-key-for-pecr")
    application = create_app(settings=settings, clock=clock, engine=sqlite_engine, embed_scheduler=True)
    with TestClient(application):
        deadline = time.monotonic() + 5
        # No lease row exists until the scheduler's first heartbeat, which a loaded machine delays.
        while not (lease.describe(sqlite_engine, clock.now()) or {}).get("healthy") and time.monotonic() < deadline:
            time.sleep(0.05)
        scheduler = lease.describe(sqlite_engine, clock.now())
        assert scheduler["healthy"] is True and scheduler["leader"].startswith("embedded:")
    assert lease.describe(sqlite_engine, clock.now())["healthy"] is False  # released, not left to expire
