"""Lock-out under concurrency, one refusal message for every account, and disabling that sticks.

The parallel tests slow each check down a little, so on code that reads the failure count, checks,
and then writes it back, the 40 requests overlap and more than the limit are checked.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pyotp
from fastapi.testclient import TestClient
from sqlmodel import Session

from provider.security import accounts, mfa, passwords
from provider.security.actor import Actor, ActorKind
from provider.security.models import User
from provider.security.roles import Role, permissions_for
from provider.settings import Settings
from tests.conftest import TEST_PASSWORD, TESTER, csrf_from, make_user, sign_in

PARALLEL = 40
LIMIT = 5


def _in_parallel(count: int, attempt) -> list[object]:
    barrier = threading.Barrier(count)

    def run(_index: int) -> object:
        barrier.wait()
        return attempt()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_parallel_wrong_passwords_check_exactly_the_limit(engine, clock, monkeypatch):
    make_user(engine, clock, "auditor", "alice")
    checked: list[str] = []
    real_verify = passwords.verify_password

    def counting_verify(password_hash: str | None, password: str) -> bool:
        if password_hash is not None:  # a check against the account's own hash, not the timing dummy
            checked.append(password)
            time.sleep(0.05)
        return real_verify(password_hash, password)

    monkeypatch.setattr(accounts, "verify_password", counting_verify)

    def attempt() -> str:
        with Session(engine, expire_on_commit=False) as session:
            result = accounts.authenticate(
                session, username="alice", password="wrong-password-123", now=clock.now(), max_failures=LIMIT,
                lockout_minutes=15,
            )  # fmt: skip
            session.commit()
            return result.reason

    reasons = _in_parallel(PARALLEL, attempt)
    assert len(checked) == LIMIT, f"{len(checked)} passwords checked against a limit of {LIMIT}"
    assert reasons.count("locked") == PARALLEL - LIMIT
    with Session(engine) as session:
        user = accounts.get_by_username(session, "alice")
        assert user.locked_until is not None and user.locked_until > clock.now()
        right = accounts.authenticate(
            session, username="alice", password=TEST_PASSWORD, now=clock.now(), max_failures=LIMIT, lockout_minutes=15
        )
        assert not right.ok, "the right password does not open a locked account"


def _mfa_user(engine, clock, settings: Settings) -> tuple[int, str]:
    user = make_user(engine, clock, "auditor", "bob")
    seed = mfa.new_seed()
    with Session(engine, expire_on_commit=False) as session:
        user = session.get(User, user.id)
        assert mfa.enable(
            session, actor=TESTER, user=user, seed=seed, code=pyotp.TOTP(seed).at(clock.now()), now=clock.now(),
            settings=settings,
        )  # fmt: skip
        session.commit()
    return user.id, seed


def test_parallel_wrong_codes_check_exactly_the_limit(engine, clock, settings, monkeypatch):
    user_id, seed = _mfa_user(engine, clock, settings)
    clock.advance(minutes=2)  # past the step used to enrol
    checked: list[str] = []
    real_step = mfa.matching_step

    def counting_step(seed_value: str, code: str, now):
        checked.append(code)
        time.sleep(0.05)
        return real_step(seed_value, code, now)

    monkeypatch.setattr(mfa, "matching_step", counting_step)
    wrong = "000000" if pyotp.TOTP(seed).at(clock.now()) != "000000" else "111111"

    def attempt() -> bool:
        with Session(engine, expire_on_commit=False) as session:
            ok = mfa.verify_login_code(
                session, user=session.get(User, user_id), code=wrong, now=clock.now(), settings=settings
            )
            session.commit()
            return ok

    results = _in_parallel(PARALLEL, attempt)
    assert not any(results)
    assert len(checked) == LIMIT, f"{len(checked)} codes checked against a limit of {LIMIT}"
    with Session(engine) as session:
        good = pyotp.TOTP(seed).at(clock.now())
        assert not mfa.verify_login_code(
            session, user=session.get(User, user_id), code=good, now=clock.now(), settings=settings
        )


def test_a_code_sent_twice_at_once_is_accepted_once(engine, clock, settings):
    user_id, seed = _mfa_user(engine, clock, settings)
    clock.advance(minutes=2)
    good = pyotp.TOTP(seed).at(clock.now())

    def attempt() -> bool:
        with Session(engine, expire_on_commit=False) as session:
            ok = mfa.verify_login_code(
                session, user=session.get(User, user_id), code=good, now=clock.now(), settings=settings
            )
            session.commit()
            return ok

    assert _in_parallel(4, attempt).count(True) == 1


def _refusal(client, username: str, password: str = "wrong-password-123") -> str:
    token = csrf_from(client.get("/login").text)
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert response.status_code == 401
    return response.text.replace(f'value="{username}"', 'value=""')


def test_the_refusal_is_the_same_for_unknown_known_and_locked_accounts(client, engine, clock):
    make_user(engine, clock, "auditor", "alice")
    unknown = [_refusal(client, "nobody-here") for _ in range(LIMIT + 1)]
    known = [_refusal(client, "alice") for _ in range(LIMIT + 1)]
    locked_with_right_password = _refusal(client, "alice", TEST_PASSWORD)
    assert len(set(unknown + known + [locked_with_right_password])) == 1, "the answer tells accounts apart"


def test_disabling_an_account_ends_its_sessions_for_good(signed_in, engine, clock, app):
    admin = signed_in("admin", "root")
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as carol:
        make_user(engine, clock, "auditor", "carol")
        sign_in(carol, "carol")
        assert carol.get("/").status_code == 200
        with Session(engine, expire_on_commit=False) as session:
            user = accounts.get_by_username(session, "carol")
            actor = accounts.get_by_username(session, "root")
            root = Actor(
                ActorKind.user, "root", user_id=actor.id, role=Role.admin, permissions=permissions_for(Role.admin)
            )
            accounts.update_user(session, actor=root, now=clock.now(), user=user, is_active=False)
            session.commit()
            assert carol.get("/").status_code == 303
            accounts.update_user(session, actor=root, now=clock.now(), user=user, is_active=True)
            session.commit()
        assert carol.get("/").status_code == 303, "re-enabling the account brought the old session back"
        assert carol.get("/").headers["location"] == "/login"
        sign_in(carol, "carol")
        assert carol.get("/").status_code == 200, "a new sign-in works once re-enabled"
    assert admin.get("/").status_code == 200


def test_a_disabled_account_gets_the_same_refusal(client, engine, clock):
    make_user(engine, clock, "auditor", "dave")
    expected = _refusal(client, "nobody-here")
    with Session(engine, expire_on_commit=False) as session:
        user = accounts.get_by_username(session, "dave")
        user.is_active = False
        session.add(user)
        session.commit()
    assert _refusal(client, "dave", TEST_PASSWORD) == expected
