"""Secrets at rest: argon2id password hashes, token digests only, and nothing secret in the audit trail."""

from __future__ import annotations

import re

import pyotp
from sqlalchemy import text
from sqlmodel import Session, select

from provider.security.models import ApiToken, User
from tests.conftest import TEST_PASSWORD, csrf_from, make_user

ADMIN_CHOSEN_PASSWORD = "initial password for dave"


def _all_audit_text(engine) -> str:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT actor_name, action, entity_id, before, after FROM audit_event"))
        return "\n".join(" ".join(str(value) for value in row) for row in rows)


def test_password_hashes_are_argon2id(engine, clock):
    user = make_user(engine, clock, "agent", "carol")
    assert user.password_hash.startswith("$argon2id$")
    assert TEST_PASSWORD not in user.password_hash


def test_tokens_and_passwords_and_totp_seeds_never_reach_the_audit_trail_or_the_token_table(
    signed_in,
    engine,
    clock,
):
    admin = signed_in("admin", "root")
    token = csrf_from(admin.get("/admin/users").text)
    created = admin.post(
        "/admin/users",
        data={"username": "dave", "role": "compliance_officer", "password": ADMIN_CHOSEN_PASSWORD, "csrf_token": token},
    )
    assert created.status_code == 303
    with Session(engine) as session:
        dave = session.exec(select(User).where(User.username == "dave")).one()
    page = admin.post(
        "/admin/tokens",
        data={"user_id": str(dave.id), "name": "billing", "scopes": ["audit:read"], "csrf_token": token},
    )
    secret = re.search(r'id="token-secret">(pecr_[^<]+)<', page.text).group(1)

    carol = signed_in("agent", "carol")
    enrol = carol.post("/account/mfa/start", data={"csrf_token": csrf_from(carol.get("/account").text)})
    seed = re.search(r'id="totp-secret">([A-Z2-7]+)<', enrol.text).group(1)
    sealed = re.search(r'name="enrolment" value="([^"]+)"', enrol.text).group(1)
    confirmed = carol.post(
        "/account/mfa/confirm",
        data={"enrolment": sealed, "code": pyotp.TOTP(seed).at(clock.now()), "csrf_token": csrf_from(enrol.text)},
    )
    assert confirmed.status_code == 303

    trail = _all_audit_text(engine)
    assert "account.created" in trail and "token.created" in trail and "account.mfa_enabled" in trail
    for secret_value in (ADMIN_CHOSEN_PASSWORD, TEST_PASSWORD, secret, seed, secret[12:]):
        assert secret_value not in trail
    with engine.connect() as connection:
        token_row = " ".join(str(v) for v in connection.execute(text("SELECT * FROM api_token")).all())
        user_rows = " ".join(str(v) for v in connection.execute(text("SELECT * FROM user_account")).all())
    assert secret not in token_row and secret[12:] not in token_row
    assert seed not in user_rows and ADMIN_CHOSEN_PASSWORD not in user_rows


def test_a_stored_token_is_its_sha256_digest(api_client, engine):
    client = api_client("auditor")
    secret = client.headers["authorization"].removeprefix("Bearer ")
    with Session(engine) as session:
        row = session.exec(select(ApiToken)).one()
    assert len(row.token_hash) == 64 and secret not in row.token_hash and row.token_prefix == secret[:12]
