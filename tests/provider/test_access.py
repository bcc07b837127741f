"""Access control across the whole app, by walking every route: sign-in, CSRF, roles and token scopes.

Routes are discovered from the app, never listed here, so a route added later is covered the day it
is added. Path parameters are filled with 1; the checks under test run before any lookup by id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from provider.security.roles import ROLE_PERMISSIONS, Permission, Role
from tests.conftest import csrf_from
from tests.provider.route_walk import PUBLIC, TOKEN_OR_SESSION, Endpoint, endpoints, required_permissions

PROBLEM_JSON = "application/problem+json"
NON_ADMIN_ROLES = (Role.auditor, Role.agent, Role.breach_manager, Role.compliance_officer)


def _send(client: TestClient, endpoint: Endpoint, csrf_token: str | None = None, value: object = 1):
    data = {"csrf_token": csrf_token} if csrf_token is not None else None
    return client.request(endpoint.method, endpoint.url(value), data=data if endpoint.unsafe else None)


def _report(failures: list[str]) -> None:
    assert not failures, "\n" + "\n".join(failures)


def _role_lacking(permissions: set[Permission]) -> Role | None:
    """A role that lacks at least one of `permissions` (every role reads the provider profile, for one)."""
    return next((role for role in NON_ADMIN_ROLES if not permissions <= ROLE_PERMISSIONS[role]), None)


@pytest.fixture
def role_sessions(signed_in) -> Iterator[Callable[[Role], tuple[TestClient, str]]]:
    """role -> (signed-in client, its CSRF token), one account per role, made on first use."""
    opened: dict[Role, tuple[TestClient, str]] = {}

    def _for(role: Role) -> tuple[TestClient, str]:
        if role not in opened:
            client = signed_in(role, f"walk-{role.value}")
            opened[role] = (client, csrf_from(client.get("/account").text))
        return opened[role]

    yield _for


def test_the_walk_finds_the_routes_it_must_cover(app):
    found = {str(endpoint) for endpoint in endpoints(app)}
    assert {
        "GET /admin/users",
        "POST /admin/tokens",
        "PUT /api/v1/provider-profile",
        "GET /audit.csv",
        "GET /openapi.json",
        "GET /docs",
        "POST /account/mfa/confirm",
    } <= found


def test_without_a_session_or_token_every_route_but_health_and_login_is_refused(client):
    anonymous_csrf = csrf_from(client.get("/login").text)
    failures = []
    for endpoint in endpoints(client.app):
        if (endpoint.method, endpoint.path) in PUBLIC:
            continue
        response = _send(client, endpoint, anonymous_csrf)
        if endpoint.is_api:
            if response.status_code != 401 or response.headers.get("content-type") != PROBLEM_JSON:
                failures.append(f"{endpoint}: {response.status_code} {response.headers.get('content-type')}")
        elif response.status_code != 303 or response.headers.get("location") != "/login":
            failures.append(f"{endpoint}: {response.status_code} -> {response.headers.get('location')}")
    _report(failures)


def test_public_routes_really_are_open(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/login").status_code == 200
    assert client.get("/login/mfa").status_code == 200
    assert client.get("/static/pecr.css").status_code == 200
    assert client.get("/caller-id").status_code == 200


def test_a_bad_bearer_token_is_refused_on_every_api_route(app):
    with TestClient(app, headers={"Authorization": "Bearer pecr_not-a-real-token"}) as client:
        statuses = {str(e): client.request(e.method, e.url()).status_code for e in endpoints(app) if e.is_api}
    _report([f"{endpoint}: {status}" for endpoint, status in statuses.items() if status != 401])


def test_a_token_never_opens_a_page_and_a_session_never_drives_the_api(app, api_client, role_sessions):
    token_client = api_client("admin")
    session_client, csrf_token = role_sessions(Role.admin)
    failures = []
    for endpoint in endpoints(app):
        if (endpoint.method, endpoint.path) in PUBLIC:
            continue
        if endpoint.is_api:
            status = _send(session_client, endpoint).status_code
            if status != 401:
                failures.append(f"{endpoint} with a session cookie: {status}")
        elif endpoint.method == "GET" and (endpoint.method, endpoint.path) not in TOKEN_OR_SESSION:
            response = token_client.get(endpoint.url())
            if response.status_code != 303 or response.headers.get("location") != "/login":
                failures.append(f"{endpoint} with a bearer token: {response.status_code}")
    _report(failures)


def test_every_form_post_without_the_csrf_token_is_refused_even_when_signed_in(role_sessions, signed_in):
    admin, _ = role_sessions(Role.admin)
    other = signed_in(Role.admin, "other-admin")
    foreign_token = csrf_from(other.get("/account").text)
    failures = []
    for endpoint in endpoints(admin.app):
        if endpoint.is_api or not endpoint.unsafe:
            continue
        for label, token in (("no token", None), ("another session's token", foreign_token)):
            status = _send(admin, endpoint, token).status_code
            if status != 403:
                failures.append(f"{endpoint} with {label}: {status}")
    _report(failures)


def test_every_page_refuses_a_role_without_its_permission(app, role_sessions):
    failures, checked = [], 0
    for endpoint in endpoints(app):
        permissions = required_permissions(endpoint)
        role = _role_lacking(permissions)
        if endpoint.is_api or role is None:
            continue
        client, csrf_token = role_sessions(role)
        status = _send(client, endpoint, csrf_token).status_code
        checked += 1
        if status != 403:
            failures.append(f"{endpoint} as {role.value} (needs {sorted(permissions)}): {status}")
    _report(failures)
    assert checked >= 10


def test_every_api_route_refuses_a_token_whose_scopes_leave_out_its_permission(app, api_client):
    clients: dict[frozenset[Permission], TestClient] = {}
    failures = []
    for endpoint in endpoints(app):
        permissions = frozenset(required_permissions(endpoint))
        if not endpoint.is_api or not permissions:
            continue
        if permissions not in clients:
            scopes = [p.value for p in Permission if p not in permissions]
            clients[permissions] = api_client("admin", scopes=scopes, username=f"scoped-{len(clients)}")
        response = _send(clients[permissions], endpoint)
        if response.status_code != 403 or response.headers.get("content-type") != PROBLEM_JSON:
            failures.append(f"{endpoint} without {sorted(permissions)}: {response.status_code}")
    _report(failures)


def test_scopes_narrow_a_role_and_never_widen_it(app, api_client):
    """An auditor's token that names every scope still cannot write anything."""
    auditor = api_client("auditor", scopes=[p.value for p in Permission])
    failures, checked = [], 0
    for endpoint in endpoints(app):
        permissions = required_permissions(endpoint)
        if not endpoint.is_api or not permissions or permissions <= ROLE_PERMISSIONS[Role.auditor]:
            continue
        checked += 1
        status = _send(auditor, endpoint).status_code
        if status != 403:
            failures.append(f"{endpoint} (needs {sorted(permissions)}): {status}")
    _report(failures)
    assert checked >= 3


def test_permitted_callers_get_past_the_check_on_every_read_route(app, api_client, role_sessions):
    """The other half of the matrix: a role that has the permission is not refused (nor crashes)."""
    token = api_client("admin")
    admin, _ = role_sessions(Role.admin)
    failures = []
    for endpoint in endpoints(app):
        if endpoint.method != "GET" or (endpoint.method, endpoint.path) in PUBLIC:
            continue
        response = (token if endpoint.is_api else admin).get(endpoint.url())
        sent_to_login = response.status_code == 303 and response.headers.get("location") == "/login"
        if response.status_code in (401, 403) or response.status_code >= 500 or sent_to_login:
            failures.append(f"{endpoint}: {response.status_code}")
    _report(failures)


def test_named_cases_of_the_role_matrix(role_sessions, api_client, engine, clock):
    auditor, auditor_csrf = role_sessions(Role.auditor)
    new_user = {"username": "eve", "role": "admin", "password": "a long enough password", "csrf_token": auditor_csrf}
    assert auditor.post("/admin/users", data=new_user).status_code == 403
    assert auditor.post("/admin/profile", data={"legal_name": "X", "csrf_token": auditor_csrf}).status_code == 403
    agent, _ = role_sessions(Role.agent)
    assert agent.get("/admin/users").status_code == 403
    assert agent.get("/audit").status_code == 403
    reader = api_client("admin", scopes=["subscribers:read"])
    assert reader.put("/api/v1/provider-profile", json={}).status_code == 403
    assert reader.post("/api/v1/tokens/1/revoke").status_code == 403
    widened = api_client("auditor", scopes=["admin", "audit:read"])
    assert widened.get("/api/v1/audit-events").status_code == 200
    assert widened.put("/api/v1/provider-profile", json={}).status_code == 403
    assert widened.get("/api/v1/users").status_code == 403


def test_docs_and_openapi_need_sign_in_and_load_nothing_from_elsewhere(client, role_sessions, api_client, app):
    assert client.get("/docs").headers["location"] == "/login"
    assert client.get("/openapi.json").headers["location"] == "/login"
    agent, _ = role_sessions(Role.agent)
    docs = agent.get("/docs")
    assert docs.status_code == 200
    assert "/api/v1/provider-profile" in docs.text and "ProfileUpdate" in docs.text
    assert "<script" not in docs.text and "cdn" not in docs.text.lower()
    assert agent.get("/openapi.json").json()["paths"]
    assert api_client("auditor").get("/openapi.json").status_code == 200, "integrators' tools may use a token"
    with TestClient(app, headers={"Authorization": "Bearer pecr_wrong"}) as bad:
        assert bad.get("/openapi.json").status_code == 401
    assert "/api/v1/audit-events" in app.openapi()["paths"]
