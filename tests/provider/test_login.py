"""Signing in and out through the forms: sessions, CSRF and lock-out."""

from __future__ import annotations

from tests.conftest import TEST_PASSWORD, csrf_from, make_user, sign_in


def test_pages_redirect_to_login_without_a_session(client):
    response = client.get("/")
    assert response.status_code == 303
    assert response.headers["location"] == "/login"


def test_sign_in_sets_an_httponly_samesite_cookie_and_opens_the_dashboard(client, engine, clock):
    make_user(engine, clock, "auditor", "alice")
    page = client.get("/login")
    response = client.post(
        "/login", data={"username": "alice", "password": TEST_PASSWORD, "csrf_token": csrf_from(page.text)}
    )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "pecr_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert client.get("/").status_code == 200


def test_login_without_csrf_token_is_refused(client, engine, clock):
    make_user(engine, clock, "auditor", "alice")
    client.get("/login")
    response = client.post("/login", data={"username": "alice", "password": TEST_PASSWORD})
    assert response.status_code == 403


def test_wrong_password_keeps_the_username_and_names_the_problem(client, engine, clock):
    make_user(engine, clock, "auditor", "alice")
    page = client.get("/login")
    response = client.post(
        "/login", data={"username": "alice", "password": "wrong-password-123", "csrf_token": csrf_from(page.text)}
    )
    assert response.status_code == 401
    assert "There is a problem" in response.text
    assert 'value="alice"' in response.text


def test_account_locks_after_repeated_failures_even_with_the_right_password(client, engine, clock):
    make_user(engine, clock, "auditor", "alice")
    token = csrf_from(client.get("/login").text)
    for _ in range(5):
        client.post("/login", data={"username": "alice", "password": "wrong-password-123", "csrf_token": token})
    response = client.post("/login", data={"username": "alice", "password": TEST_PASSWORD, "csrf_token": token})
    assert response.status_code == 401
    assert "locked" in response.text
    clock.advance(minutes=16)
    assert (
        client.post("/login", data={"username": "alice", "password": TEST_PASSWORD, "csrf_token": token}).status_code
        == 303
    )


def test_sign_out_ends_the_session_on_the_server(client, engine, clock):
    make_user(engine, clock, "auditor", "alice")
    sign_in(client, "alice")
    old_cookie = client.cookies.get("pecr_session")
    token = csrf_from(client.get("/").text)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    client.cookies.set("pecr_session", old_cookie)
    assert client.get("/").status_code == 303
