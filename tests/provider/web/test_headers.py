"""Security headers on every response, HSTS only over HTTPS from a trusted proxy, no parameters in
database errors, and a /healthz that tells anonymous callers only up or down."""

from __future__ import annotations

import logging
import re
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import text

from provider.db.engine import make_engine
from provider.scheduler import lease
from provider.settings import Settings
from provider.web.app import create_app

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = [p for p in ROOT.glob("**/templates/**/*.html") if ".venv" not in p.parts]


def _assert_security_headers(response: httpx.Response, *, cached: bool = False) -> None:
    headers = response.headers
    policy = headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")
    if not cached:
        assert headers["cache-control"] == "no-store", response.request.url


def test_every_kind_of_response_carries_the_security_headers(client, signed_in):
    for response in (
        client.get("/login"),
        client.get("/"),  # a redirect
        client.get("/healthz"),
        client.get("/api/v1/breaches"),  # a 401 problem
        client.get("/no-such-page"),
    ):
        _assert_security_headers(response)
    _assert_security_headers(client.get("/static/pecr.css"), cached=True)
    auditor = signed_in("auditor")
    for path in ("/", "/audit", "/audit.csv", "/breaches", "/docs", "/account"):
        response = auditor.get(path)
        assert response.status_code == 200, path
        _assert_security_headers(response)


def test_even_an_unexpected_error_carries_the_headers(app):
    def broken() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/api/v1/test-broken", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/test-broken")
    assert response.status_code == 500
    _assert_security_headers(response)


def test_hsts_only_over_https(app):
    with TestClient(app, base_url="http://testserver") as plain:
        assert "strict-transport-security" not in plain.get("/login").headers
    with TestClient(app, base_url="https://testserver") as secure:
        assert secure.get("/login").headers["strict-transport-security"].startswith("max-age=")


def test_templates_have_no_inline_script_or_style():
    assert TEMPLATES
    inline = re.compile(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE)
    found = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in TEMPLATES for m in inline.finditer(p.read_text())]
    assert found == [], "the Content-Security-Policy would block these"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(app, trusted: str):
    config = uvicorn.Config(
        app, host="127.0.0.1", port=_free_port(), proxy_headers=True, forwarded_allow_ips=trusted, log_level="error"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    return server, thread, f"http://127.0.0.1:{config.port}"


@pytest.mark.parametrize(("trusted", "believed"), [("10.9.8.7", False), ("127.0.0.1", True)])
def test_forwarded_https_is_believed_only_from_a_configured_proxy(sqlite_engine, clock, trusted, believed):
    settings = Settings(env="test", secret_key="test-secret-key-for-pecr", forwarded_allow_ips=trusted)
    server, thread, base = _serve(create_app(settings=settings, clock=clock, engine=sqlite_engine), trusted)
    try:
        response = httpx.get(f"{base}/login", headers={"X-Forwarded-Proto": "https"})
    finally:
        server.should_exit = True
        thread.join(10)
    assert response.status_code == 200
    assert ("strict-transport-security" in response.headers) is believed


def test_pecr_serve_hands_the_trusted_proxies_to_uvicorn(monkeypatch, sqlite_engine):
    from typer.testing import CliRunner

    from provider.console import app as pecr
    from provider.console import bootstrap, context

    seen: dict[str, object] = {}
    settings = Settings(env="test", secret_key="test-secret-key-for-pecr", forwarded_allow_ips="10.0.3.0/24")
    monkeypatch.setattr(uvicorn, "run", lambda _app, **options: seen.update(options))
    monkeypatch.setattr(bootstrap, "prepare", lambda *_args, **_kwargs: None)
    monkeypatch.setattr(context, "settings", lambda: settings)
    monkeypatch.setattr(context, "engine", lambda: sqlite_engine)
    result = CliRunner().invoke(pecr, ["serve", "--no-demo", "--no-scheduler"])
    assert result.exit_code == 0, result.output
    assert seen["forwarded_allow_ips"] == "10.0.3.0/24" and seen["proxy_headers"] is True


def test_database_errors_never_log_bound_parameters_or_row_values(app, engine, caplog):
    secret = "07700 900123 Jane Q Subscriber"

    def failing_insert() -> None:
        with engine.begin() as connection:  # NOT NULL violated: PostgreSQL echoes the row in its message
            connection.execute(text("INSERT INTO user_account (username) VALUES (:name)"), {"name": secret})

    app.add_api_route("/api/v1/test-failing-insert", failing_insert)
    with TestClient(app, raise_server_exceptions=False) as client, caplog.at_level(logging.DEBUG):
        response = client.get("/api/v1/test-failing-insert")
    assert response.status_code == 500 and secret not in response.text
    assert caplog.records, "the error is logged"
    formatter = logging.Formatter("%(message)s")
    logged = "\n".join(formatter.format(record) for record in caplog.records)
    assert "user_account" in logged, "the statement is logged, so the error can be found"
    assert secret not in logged
    assert make_engine("sqlite://").hide_parameters


def test_anonymous_healthz_says_only_up_or_down(client, signed_in, engine, clock):
    lease.acquire(engine, holder="scheduler:db-host-7:4242:abc", now=clock.now(), lease_seconds=30)
    anonymous = client.get("/healthz")
    assert anonymous.status_code == 200 and anonymous.json() == {"status": "ok"}
    assert "db-host-7" not in anonymous.text and "4242" not in anonymous.text
    staff = signed_in("auditor").get("/healthz").json()
    assert staff["scheduler"]["leader"] == "scheduler:db-host-7:4242:abc"


def test_healthz_down_is_a_bare_503(settings, clock, caplog):
    dead = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none", connect_timeout=1)
    with TestClient(create_app(settings=settings, clock=clock, engine=dead)) as client, caplog.at_level(logging.ERROR):
        response = client.get("/healthz")
    assert response.status_code == 503 and response.json() == {"status": "unavailable"}
