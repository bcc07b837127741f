"""/admin/users: administrators manage staff accounts; nobody else can."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from provider.security.models import AuditEvent, User
from tests.conftest import TEST_PASSWORD, csrf_from, make_user, sign_in
from tests.provider.test_account_setup import change_own_password

INITIAL_PASSWORD = "first day password 1"


def _user(engine, username: str) -> User:
    with Session(engine) as session:
        return session.exec(select(User).where(User.username == username)).one()


def _post(client: TestClient, url: str, data: dict[str, str]):
    token = csrf_from(client.get("/admin/users").text)
    return client.post(url, data={**data, "csrf_token": token})


def _create(client: TestClient, **overrides: str):
    data = {
        "username": "dave",
        "full_name": "Dave Jones",
        "email": "dave@example.co.uk",
        "role": "agent",
        "password": INITIAL_PASSWORD,
    }
    return _post(client, "/admin/users", {**data, **overrides})


def test_admin_lists_every_account(signed_in, engine, clock):
    make_user(engine, clock, "auditor", "erin")
    admin = signed_in("admin", "root")
    page = admin.get("/admin/users")
    assert page.status_code == 200
    assert "erin" in page.text and "root" in page.text and "auditor" in page.text


def test_admin_creates_an_account_that_can_sign_in(signed_in, app, engine):
    admin = signed_in("admin", "root")
    response = _create(admin)
    assert response.status_code == 303
    user = _user(engine, "dave")
    assert response.headers["location"] == f"/admin/users/{user.id}"
    assert (user.role, user.full_name, user.is_active) == ("agent", "Dave Jones", True)
    assert user.email == "dave@example.co.uk"
    with TestClient(app, follow_redirects=False) as dave:
        sign_in(dave, "dave", INITIAL_PASSWORD)
        assert dave.get("/").headers["location"] == "/account", "an initial password is changed first"
        change_own_password(dave, INITIAL_PASSWORD)
        assert dave.get("/").status_code == 200
    with Session(engine) as session:
        event = session.exec(
            select(AuditEvent).where(AuditEvent.action == "account.created", AuditEvent.entity_id == str(user.id))
        ).one()
        assert event.actor_name == "root"


def test_create_form_names_each_problem_and_keeps_the_input(signed_in):
    admin = signed_in("admin", "root")
    response = _create(admin, username="Dave Jones!", email="not-an-address")
    assert response.status_code == 422
    assert "There is a problem" in response.text
    assert 'value="Dave Jones!"' in response.text and 'value="Dave Jones"' in response.text
    assert "not-an-address" in response.text
    short = _create(admin, password="short")
    assert short.status_code == 422 and "at least 12 characters" in short.text
    bad_role = _create(admin, role="superuser")
    assert bad_role.status_code == 422 and "must be one of" in bad_role.text


def test_a_duplicate_username_is_refused_on_the_form(signed_in, engine, clock):
    make_user(engine, clock, "agent", "dave")
    admin = signed_in("admin", "root")
    response = _create(admin, username="DAVE")
    assert response.status_code == 422 and "already exists" in response.text


def test_changing_a_role_changes_what_the_person_may_open(signed_in, app, engine, clock):
    make_user(engine, clock, "agent", "dave")
    admin = signed_in("admin", "root")
    with TestClient(app, follow_redirects=False) as dave:
        sign_in(dave, "dave")
        assert dave.get("/audit").status_code == 403
        user = _user(engine, "dave")
        response = _post(admin, f"/admin/users/{user.id}", {"full_name": "Dave J", "email": "", "role": "auditor"})
        assert response.status_code == 303
        assert dave.get("/audit").status_code == 200, "the role is read on every request"
    with Session(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "account.updated")).one()
        assert '"role":"agent"' in event.before and '"role":"auditor"' in event.after


def test_disabling_ends_sessions_and_tokens_at_once_and_enabling_restores_sign_in(
    signed_in,
    api_client,
    app,
    engine,
    clock,
):
    admin = signed_in("admin", "root")
    dave = signed_in("agent", "dave")
    assert dave.get("/").status_code == 200
    user = _user(engine, "dave")
    assert _post(admin, f"/admin/users/{user.id}/active", {"active": "no"}).status_code == 303
    assert dave.get("/").status_code == 303
    assert not _user(engine, "dave").is_active
    with TestClient(app, follow_redirects=False) as again:
        token = csrf_from(again.get("/login").text)
        refused = again.post("/login", data={"username": "dave", "password": TEST_PASSWORD, "csrf_token": token})
        assert refused.status_code == 401
        assert _post(admin, f"/admin/users/{user.id}/active", {"active": "yes"}).status_code == 303
        sign_in(again, "dave")


def test_a_disabled_users_token_stops_working(signed_in, api_client, engine):
    admin = signed_in("admin", "root")
    token_client = api_client("admin", username="integration")
    assert token_client.get("/api/v1/users").status_code == 200
    user = _user(engine, "integration")
    _post(admin, f"/admin/users/{user.id}/active", {"active": "no"})
    assert token_client.get("/api/v1/users").status_code == 401


def test_the_last_active_administrator_cannot_be_demoted_or_disabled(signed_in, engine, clock):
    admin = signed_in("admin", "root")
    root = _user(engine, "root")
    demote = _post(admin, f"/admin/users/{root.id}", {"full_name": "", "email": "", "role": "auditor"})
    assert demote.status_code == 422 and "last active administrator" in demote.text
    assert _user(engine, "root").role == "admin"
    make_user(engine, clock, "admin", "second")
    second = _user(engine, "second")
    assert _post(admin, f"/admin/users/{second.id}/active", {"active": "no"}).status_code == 303
    disable_self = _post(admin, f"/admin/users/{root.id}/active", {"active": "no"})
    assert disable_self.status_code == 422
    assert _user(engine, "root").is_active


def test_admin_sets_a_new_password_and_resets_two_step_verification(signed_in, app, engine, clock):
    make_user(engine, clock, "agent", "dave")
    with Session(engine) as session:
        user = session.exec(select(User).where(User.username == "dave")).one()
        user.totp_enabled, user.totp_secret_encrypted = True, "encrypted-seed"
        session.add(user)
        session.commit()
        user_id = user.id
    admin = signed_in("admin", "root")
    assert _post(admin, f"/admin/users/{user_id}/password", {"password": "short"}).status_code == 422
    assert _post(admin, f"/admin/users/{user_id}/password", {"password": INITIAL_PASSWORD}).status_code == 303
    assert _post(admin, f"/admin/users/{user_id}/mfa-reset", {}).status_code == 303
    reset = _user(engine, "dave")
    assert not reset.totp_enabled and reset.totp_secret_encrypted is None
    with TestClient(app, follow_redirects=False) as dave:
        sign_in(dave, "dave", INITIAL_PASSWORD)
        assert dave.get("/").headers["location"] == "/account", "an initial password is changed first"
        change_own_password(dave, INITIAL_PASSWORD)
        assert dave.get("/").status_code == 200


def test_unknown_account_is_a_404_page(signed_in):
    admin = signed_in("admin", "root")
    assert admin.get("/admin/users/999999").status_code == 404
    assert admin.get(f"/admin/users/{2**70}").status_code == 422


def test_other_roles_cannot_open_or_post_to_account_administration(signed_in, engine, clock):
    target = make_user(engine, clock, "agent", "dave")
    for role in ("compliance_officer", "breach_manager", "agent", "auditor"):
        client = signed_in(role, f"{role}-person")
        assert client.get("/admin/users").status_code == 403
        token = csrf_from(client.get("/account").text)
        response = client.post(f"/admin/users/{target.id}", data={"role": "admin", "csrf_token": token})
        assert response.status_code == 403
    assert _user(engine, "dave").role == "agent"


def test_users_api_lists_accounts_without_secrets(api_client, engine, clock):
    make_user(engine, clock, "auditor", "erin")
    response = api_client("admin").get("/api/v1/users")
    assert response.status_code == 200
    erin = next(item for item in response.json() if item["username"] == "erin")
    assert erin["role"] == "auditor" and erin["mfa_enabled"] is False
    assert "password_hash" not in erin and "totp_secret_encrypted" not in erin
    assert api_client("admin").get(f"/api/v1/users/{erin['id']}").json()["username"] == "erin"
    assert api_client("compliance_officer").get("/api/v1/users").status_code == 403
