"""/account: changing your own password, and two-step verification from enrolment to sign-in."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from provider.security.models import AuditEvent, User
from tests.conftest import TEST_PASSWORD, csrf_from, make_user, sign_in

NEW_PASSWORD = "a much longer new passphrase"


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert match, f"no hidden field {name}"
    return match.group(1)


def _user(engine, username: str) -> User:
    with Session(engine) as session:
        return session.exec(select(User).where(User.username == username)).one()


def _post(client: TestClient, url: str, data: dict[str, str]):
    token = csrf_from(client.get("/account").text)
    return client.post(url, data={**data, "csrf_token": token})


def _start_enrolment(client: TestClient) -> tuple[str, str, str]:
    page = _post(client, "/account/mfa/start", {})
    assert page.status_code == 200
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.text).group(1)
    return secret, _hidden(page.text, "enrolment"), page.text


def _enrol(client: TestClient, clock) -> str:
    secret, sealed, _ = _start_enrolment(client)
    code = pyotp.TOTP(secret).at(clock.now())
    response = _post(client, "/account/mfa/confirm", {"enrolment": sealed, "code": code})
    assert response.status_code == 303, response.text
    return secret


def test_account_page_shows_who_is_signed_in(signed_in):
    client = signed_in("agent", "carol")
    page = client.get("/account")
    assert page.status_code == 200
    assert "carol" in page.text and "agent" in page.text


def test_password_change_needs_the_current_password_and_keeps_the_old_one_on_failure(signed_in, app, engine):
    client = signed_in("agent", "carol")
    response = _post(
        client,
        "/account/password",
        {"current_password": "not my password", "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert response.status_code == 422
    assert "current password is not correct" in response.text
    with TestClient(app, follow_redirects=False) as fresh:
        sign_in(fresh, "carol", TEST_PASSWORD)


def test_new_password_must_be_twelve_characters_and_typed_twice_alike(signed_in):
    client = signed_in("agent", "carol")
    short = _post(
        client,
        "/account/password",
        {"current_password": TEST_PASSWORD, "new_password": "elevenchars", "confirm_password": "elevenchars"},
    )
    assert short.status_code == 422 and "at least 12 characters" in short.text
    twelve = "twelve chars"
    mismatch = _post(
        client,
        "/account/password",
        {"current_password": TEST_PASSWORD, "new_password": twelve, "confirm_password": twelve + "!"},
    )
    assert mismatch.status_code == 422 and "do not match" in mismatch.text


def test_password_change_takes_effect_is_audited_and_ends_other_sessions(signed_in, app, engine):
    client = signed_in("agent", "carol")
    with TestClient(app, follow_redirects=False) as other_device:
        sign_in(other_device, "carol")
        assert other_device.get("/").status_code == 200
        response = _post(
            client,
            "/account/password",
            {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
        )
        assert response.status_code == 303
        assert client.get("/account").status_code == 200, "the session that changed it stays signed in"
        assert other_device.get("/").status_code == 303, "other sessions are signed out"
    with TestClient(app, follow_redirects=False) as fresh:
        token = csrf_from(fresh.get("/login").text)
        old = fresh.post("/login", data={"username": "carol", "password": TEST_PASSWORD, "csrf_token": token})
        assert old.status_code == 401
        sign_in(fresh, "carol", NEW_PASSWORD)
    with Session(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "account.password_changed")).one()
        assert event.actor_name == "carol"
        assert NEW_PASSWORD not in (event.after or "") and TEST_PASSWORD not in (event.after or "")


def test_enrolment_shows_the_secret_and_a_qr_code_but_stores_nothing_until_confirmed(signed_in, engine):
    client = signed_in("agent", "carol")
    secret, sealed, html = _start_enrolment(client)
    assert "<svg" in html
    assert secret not in sealed, "the pending seed travels encrypted"
    user = _user(engine, "carol")
    assert user.totp_secret_encrypted is None and not user.totp_enabled


def test_wrong_code_keeps_mfa_off_and_does_not_show_the_secret_again(signed_in, engine, clock):
    client = signed_in("agent", "carol")
    secret, sealed, _ = _start_enrolment(client)
    wrong = pyotp.TOTP(secret).at(clock.now() - timedelta(minutes=5))
    response = _post(client, "/account/mfa/confirm", {"enrolment": sealed, "code": wrong})
    assert response.status_code == 422
    assert "not correct" in response.text and secret not in response.text
    assert not _user(engine, "carol").totp_enabled
    retry = _post(
        client,
        "/account/mfa/confirm",
        {"enrolment": _hidden(response.text, "enrolment"), "code": pyotp.TOTP(secret).at(clock.now())},
    )
    assert retry.status_code == 303


def test_enrolment_expires_after_ten_minutes_of_the_injected_clock(signed_in, engine, clock):
    client = signed_in("agent", "carol")
    secret, sealed, _ = _start_enrolment(client)
    clock.advance(minutes=11)
    response = _post(client, "/account/mfa/confirm", {"enrolment": sealed, "code": pyotp.TOTP(secret).at(clock.now())})
    assert response.status_code == 422 and "expired" in response.text
    assert not _user(engine, "carol").totp_enabled


def test_an_enrolment_field_cannot_be_replayed_by_another_user_or_altered(signed_in, engine, clock):
    carol = signed_in("agent", "carol")
    secret, sealed, _ = _start_enrolment(carol)
    mallory = signed_in("agent", "mallory")
    code = pyotp.TOTP(secret).at(clock.now())
    assert _post(mallory, "/account/mfa/confirm", {"enrolment": sealed, "code": code}).status_code == 422
    altered = sealed[:-6] + ("A" if sealed[-6] != "A" else "B") + sealed[-5:]
    assert _post(carol, "/account/mfa/confirm", {"enrolment": altered, "code": code}).status_code == 422
    assert not _user(engine, "mallory").totp_enabled and not _user(engine, "carol").totp_enabled


def test_full_flow_enrol_sign_in_with_a_code_then_disable(signed_in, app, engine, clock):
    client = signed_in("agent", "carol")
    secret = _enrol(client, clock)
    assert client.get("/account").status_code == 200, "the enrolling session stays signed in"
    user = _user(engine, "carol")
    assert user.totp_enabled and secret not in (user.totp_secret_encrypted or "")
    clock.advance(seconds=30)  # the enrolment code has been used; sign-in needs the next one
    with TestClient(app, follow_redirects=False) as fresh:
        token = csrf_from(fresh.get("/login").text)
        first = fresh.post("/login", data={"username": "carol", "password": TEST_PASSWORD, "csrf_token": token})
        assert first.headers["location"] == "/login/mfa"
        assert fresh.get("/").headers["location"] == "/login/mfa", "no page opens before the second factor"
        token = csrf_from(fresh.get("/login/mfa").text)
        stale = pyotp.TOTP(secret).at(clock.now() - timedelta(minutes=2))
        assert fresh.post("/login/mfa", data={"code": stale, "csrf_token": token}).status_code == 401
        good = fresh.post("/login/mfa", data={"code": pyotp.TOTP(secret).at(clock.now()), "csrf_token": token})
        assert good.status_code == 303 and fresh.get("/").status_code == 200
    refused = _post(client, "/account/mfa/disable", {"code": "000000"})
    assert refused.status_code == 422 and _user(engine, "carol").totp_enabled
    clock.advance(seconds=30)
    done = _post(client, "/account/mfa/disable", {"code": pyotp.TOTP(secret).at(clock.now())})
    assert done.status_code == 303
    user = _user(engine, "carol")
    assert not user.totp_enabled and user.totp_secret_encrypted is None
    with Session(engine) as session:
        actions = [e.action for e in session.exec(select(AuditEvent).where(AuditEvent.entity_id == str(user.id)))]
    assert "account.mfa_enabled" in actions and "account.mfa_disabled" in actions


def test_the_secret_never_appears_in_a_redirect_or_cookie(signed_in, clock):
    client = signed_in("agent", "carol")
    secret, sealed, _ = _start_enrolment(client)
    response = _post(client, "/account/mfa/confirm", {"enrolment": sealed, "code": pyotp.TOTP(secret).at(clock.now())})
    exposed = response.headers.get("location", "") + " ".join(response.headers.get_list("set-cookie"))
    assert secret not in exposed and sealed not in exposed


def test_a_second_enrolment_is_refused_while_mfa_is_on(signed_in, engine, clock):
    client = signed_in("agent", "carol")
    _enrol(client, clock)
    response = _post(client, "/account/mfa/start", {})
    assert response.status_code == 303 and response.headers["location"] == "/account"


def test_account_pages_need_a_session(client, engine, clock):
    make_user(engine, clock, "agent", "carol")
    assert client.get("/account").headers["location"] == "/login"


def test_a_totp_code_is_accepted_only_once(engine, clock, settings):
    """A code seen over someone's shoulder must not open a second session within its 30 seconds."""
    import pyotp
    from sqlmodel import Session

    from provider.security import mfa
    from provider.security.actor import system_actor
    from provider.security.models import User
    from tests.conftest import make_user

    user = make_user(engine, clock, "auditor", "replayed")
    seed = mfa.new_seed()
    with Session(engine, expire_on_commit=False) as session:
        stored = session.get(User, user.id)
        assert mfa.enable(
            session,
            actor=system_actor("tests"),
            user=stored,
            seed=seed,
            code=pyotp.TOTP(seed).at(clock.now()),
            now=clock.now(),
            settings=settings,
        )
        session.commit()
        clock.advance(seconds=31)
        code = pyotp.TOTP(seed).at(clock.now())
        assert mfa.verify_login_code(session, user=stored, code=code, now=clock.now(), settings=settings)
        assert not mfa.verify_login_code(session, user=stored, code=code, now=clock.now(), settings=settings)


def test_an_admin_setting_a_password_ends_that_persons_sessions(signed_in, engine, clock):
    from tests.conftest import csrf_from

    victim = signed_in("agent", "forgetful")
    assert victim.get("/subscribers").status_code == 200
    admin = signed_in("admin", "boss")
    page = admin.get("/admin/users")
    user_id = _user_id(engine, "forgetful")
    response = admin.post(
        f"/admin/users/{user_id}/password",
        data={"password": "a brand new long password", "csrf_token": csrf_from(page.text)},
    )
    assert response.status_code == 303
    assert victim.get("/subscribers").status_code == 303


def _user_id(engine, username):
    from sqlmodel import Session, select

    from provider.security.models import User

    with Session(engine) as session:
        return session.exec(select(User.id).where(User.username == username)).one()
