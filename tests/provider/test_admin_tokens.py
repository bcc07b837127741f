"""/admin/tokens: a token's secret is shown once, stored only as a digest, scoped, and revocable."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from provider.security.crypto import token_digest
from provider.security.models import ApiToken
from tests.conftest import csrf_from, make_user


def _post(client: TestClient, url: str, data: dict[str, object]):
    token = csrf_from(client.get("/admin/tokens").text)
    return client.post(url, data={**data, "csrf_token": token})


def _secret(html: str) -> str:
    match = re.search(r'id="token-secret">(pecr_[^<]+)<', html)
    assert match, "no token secret on the page"
    return match.group(1)


def _create(admin: TestClient, user_id: int, name: str = "billing-system", scopes: list[str] | None = None):
    return _post(admin, "/admin/tokens", {"user_id": str(user_id), "name": name, "scopes": scopes or []})


def test_created_token_secret_is_on_the_response_page_only_and_works(signed_in, app, engine, clock):
    billing = make_user(engine, clock, "compliance_officer", "billing")
    admin = signed_in("admin", "root")
    response = _create(admin, billing.id, scopes=["subscribers:read"])
    assert response.status_code == 200, "rendered in place: no redirect that could carry the secret"
    assert response.headers["cache-control"] == "no-store"
    secret = _secret(response.text)
    assert secret not in " ".join(response.headers.get_list("set-cookie"))
    with TestClient(app, headers={"Authorization": f"Bearer {secret}"}) as system:
        assert system.get("/api/v1/provider-profile").status_code == 403, "scoped to subscribers:read only"
    listing = admin.get("/admin/tokens").text
    assert secret not in listing and secret[:12] in listing and "billing-system" in listing


def test_token_is_stored_as_a_digest_only(signed_in, engine, clock):
    billing = make_user(engine, clock, "compliance_officer", "billing")
    admin = signed_in("admin", "root")
    secret = _secret(_create(admin, billing.id, scopes=["subscribers:read"]).text)
    with Session(engine) as session:
        row = session.exec(select(ApiToken).where(ApiToken.user_id == billing.id)).one()
        assert row.token_hash == token_digest(secret)
        stored = " ".join(str(value) for value in row.model_dump().values())
    assert secret not in stored


def test_scopes_beyond_the_users_role_are_refused_with_the_reason(signed_in, engine, clock):
    reader = make_user(engine, clock, "auditor", "reader")
    admin = signed_in("admin", "root")
    response = _create(admin, reader.id, scopes=["audit:read", "breach:write"])
    assert response.status_code == 422
    assert "does not have: breach:write" in response.text
    assert re.search(r'value="audit:read" checked', response.text), "the ticked boxes stay ticked"
    with Session(engine) as session:
        assert session.exec(select(ApiToken)).first() is None


def test_unknown_scope_and_missing_account_are_form_errors(signed_in, engine, clock):
    admin = signed_in("admin", "root")
    assert _create(admin, 999999).status_code == 422
    reader = make_user(engine, clock, "auditor", "reader")
    assert _create(admin, reader.id, scopes=["everything"]).status_code == 422
    assert _create(admin, reader.id, name="   ").status_code == 422


def test_revoked_token_is_refused_and_shown_as_revoked(signed_in, app, engine, clock):
    billing = make_user(engine, clock, "compliance_officer", "billing")
    admin = signed_in("admin", "root")
    secret = _secret(_create(admin, billing.id, scopes=["audit:read"]).text)
    with TestClient(app, headers={"Authorization": f"Bearer {secret}"}) as system:
        assert system.get("/api/v1/audit-events").status_code == 200
        with Session(engine) as session:
            token_id = session.exec(select(ApiToken.id)).one()
        response = _post(admin, f"/admin/tokens/{token_id}/revoke", {})
        assert response.status_code == 303 and secret not in response.headers["location"]
        assert system.get("/api/v1/audit-events").status_code == 401
    assert "tag bad" in admin.get("/admin/tokens").text


def test_tokens_api_lists_without_secrets_and_revokes(api_client, engine, clock):
    admin = api_client("admin")
    listing = admin.get("/api/v1/tokens")
    assert listing.status_code == 200
    entry = listing.json()[0]
    assert set(entry) == {"id", "user_id", "name", "prefix", "scopes", "created_at", "last_used_at", "revoked_at"}
    own_id = entry["id"]
    revoked = admin.post(f"/api/v1/tokens/{own_id}/revoke")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert admin.get("/api/v1/tokens").status_code == 401, "it revoked itself"
    assert api_client("admin").post("/api/v1/tokens/999999/revoke").status_code == 404


def test_only_administrators_reach_token_pages(signed_in):
    for role in ("compliance_officer", "auditor", "agent"):
        client = signed_in(role, f"{role}-person")
        assert client.get("/admin/tokens").status_code == 403


def test_a_token_with_no_scope_ticked_is_refused_plainly(signed_in, engine, clock):
    billing = make_user(engine, clock, "compliance_officer", "billing")
    admin = signed_in("admin", "root")
    response = _create(admin, billing.id, scopes=[])
    assert response.status_code == 422
    assert "tick at least one scope" in response.text
    with Session(engine) as session:
        assert session.exec(select(ApiToken)).all() == []


def test_scopes_of_modules_not_built_are_neither_offered_nor_accepted(signed_in, engine, clock):
    billing = make_user(engine, clock, "compliance_officer", "billing")
    admin = signed_in("admin", "root")
    page = admin.get("/admin/tokens").text
    offered = set(re.findall(r'name="scopes" value="([^"]+)"', page))
    assert {"breach:read", "subscribers:write", "audit:read", "jobs:read", "traffic:read", "lines:write"} <= offered
    refused = _create(admin, billing.id, scopes=["telepathy:read"])
    assert refused.status_code == 422 and "telepathy:read" in refused.text
