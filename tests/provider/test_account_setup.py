"""First sign-in: an initial password must be changed, administrators are asked for (or, where the
setting requires it, made to set up) two-step verification before any other page opens."""

from __future__ import annotations

import re

import pyotp
from fastapi.testclient import TestClient
from sqlmodel import Session

from provider.console.bootstrap import ensure_first_admin
from provider.security import accounts
from provider.settings import Settings
from provider.web.app import create_app
from tests.conftest import TESTER, csrf_from, make_user, sign_in

NEW_PASSWORD = "my own chosen password 42"


def change_own_password(client: TestClient, current: str, new: str = NEW_PASSWORD) -> None:
    token = csrf_from(client.get("/account").text)
    response = client.post(
        "/account/password",
        data={"current_password": current, "new_password": new, "confirm_password": new, "csrf_token": token},
    )
    assert response.status_code == 303, response.text


def _initial_account(engine, clock, role: str = "agent", username: str = "erin") -> str:
    initial = "initial password from the admin"
    with Session(engine, expire_on_commit=False) as session:
        accounts.create_user(
            session, actor=TESTER, now=clock.now(), username=username, password=initial, role=role,
            must_change_password=True,
        )  # fmt: skip
        session.commit()
    return initial


def test_an_initial_password_opens_only_the_account_page_until_changed(client, engine, clock):
    initial = _initial_account(engine, clock)
    page = client.get("/login")
    response = client.post("/login", data={"username": "erin", "password": initial, "csrf_token": csrf_from(page.text)})
    assert response.status_code == 303 and response.headers["location"] == "/account"
    for path in ("/", "/breaches", "/subscribers", "/docs", "/openapi.json"):
        blocked = client.get(path)
        assert blocked.status_code == 303 and blocked.headers["location"] == "/account", path
    page = client.get("/account")
    assert page.status_code == 200 and 'id="setup-pending"' in page.text
    change_own_password(client, initial)
    assert client.get("/").status_code == 200
    with Session(engine) as session:
        assert not accounts.get_by_username(session, "erin").must_change_password


def test_a_password_an_administrator_sets_is_an_initial_one(signed_in, app, engine, clock):
    make_user(engine, clock, "agent", "fred")
    admin = signed_in("admin", "root")
    token = csrf_from(admin.get("/admin/users").text)
    with Session(engine) as session:
        fred = accounts.get_by_username(session, "fred")
    reset = admin.post(
        f"/admin/users/{fred.id}/password", data={"password": "reset by the admin 1", "csrf_token": token}
    )
    assert reset.status_code == 303
    with TestClient(app, follow_redirects=False) as client:
        sign_in(client, "fred", "reset by the admin 1")
        assert client.get("/").headers["location"] == "/account"


def test_an_account_created_in_the_admin_form_must_change_its_password(signed_in, engine):
    admin = signed_in("admin", "root")
    token = csrf_from(admin.get("/admin/users/new").text)
    form = {"username": "gina", "role": "agent", "password": "initial password 123", "csrf_token": token}
    assert admin.post("/admin/users", data=form).status_code == 303
    with Session(engine) as session:
        assert accounts.get_by_username(session, "gina").must_change_password


def test_the_first_administrator_changes_the_printed_password_and_is_asked_for_mfa(client, engine, clock):
    username, password = ensure_first_admin(engine, clock)
    page = client.get("/login")
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": csrf_from(page.text)}
    )
    assert response.headers["location"] == "/account"
    assert client.get("/").headers["location"] == "/account"
    change_own_password(client, password)
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/account").text)})
    page = client.get("/login")
    again = client.post(
        "/login", data={"username": username, "password": NEW_PASSWORD, "csrf_token": csrf_from(page.text)}
    )
    assert again.headers["location"] == "/account", "an administrator without MFA is asked to set it up"
    assert "two-step verification" in client.get("/account").text
    assert client.get("/").status_code == 200, "asked, not forced, where the setting is off"


def _required_app(engine, clock):
    settings = Settings(
        env="test", secret_key="test-secret-key-for-pecr", master_key="test-master-key-for-pecr", require_admin_mfa=True
    )
    return create_app(settings=settings, clock=clock, engine=engine)


def test_required_admin_mfa_opens_nothing_until_it_is_set_up(engine, clock):
    make_user(engine, clock, "admin", "root")
    make_user(engine, clock, "auditor", "ida")
    with TestClient(_required_app(engine, clock), follow_redirects=False) as client:
        sign_in(client, "root")
        for path in ("/", "/admin/users", "/admin/tokens", "/audit"):
            assert client.get(path).headers["location"] == "/account", path
        start = client.post("/account/mfa/start", data={"csrf_token": csrf_from(client.get("/account").text)})
        seed = re.search(r'id="totp-secret">([A-Z2-7]+)<', start.text).group(1)
        sealed = re.search(r'name="enrolment" value="([^"]+)"', start.text).group(1)
        code = pyotp.TOTP(seed).at(clock.now())
        confirmed = client.post(
            "/account/mfa/confirm", data={"enrolment": sealed, "code": code, "csrf_token": csrf_from(start.text)}
        )
        assert confirmed.status_code == 303
        assert client.get("/admin/users").status_code == 200
    with TestClient(_required_app(engine, clock), follow_redirects=False) as auditor:
        sign_in(auditor, "ida")
        assert auditor.get("/").status_code == 200, "the requirement is for administrators only"


def test_admin_mfa_is_required_in_production_by_default(tmp_path):
    (tmp_path / "keys").mkdir(mode=0o700)
    secrets = {"secret_key": "a-private-secret-key-1234", "master_key": "a-private-master-key-1234",
               "key_store": str(tmp_path / "keys")}  # fmt: skip
    production = Settings(env="production", **secrets)
    assert production.admin_mfa_required
    assert not Settings(env="development").admin_mfa_required
    assert not Settings(env="production", require_admin_mfa=False, **secrets).admin_mfa_required
