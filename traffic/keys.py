"""Envelope encryption of identifying fields: AES-256-GCM data keys per UTC day, wrapped by the master key.

Each day's data key is random, stored only wrapped (AES-GCM under a key derived from PECR_MASTER_KEY with
HKDF, `provider.security.crypto.derive_key`, the key's name as associated data). A field is encrypted as
nonce (12 bytes) ‖ ciphertext ‖ tag, with the field's name as associated data, so a value cannot be moved
to another field unnoticed. The keyed hash of a number (HMAC-SHA256) uses one more random key, "lookup",
wrapped the same way, so rotating the master key changes neither ciphertext nor hashes.

Destroying a day's key (once no record of that day remains) makes every copy of that day's ciphertext,
backups included, unreadable. Rotating the master key unwraps each key with the old master key and wraps
it with the new one: records are not touched.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from datetime import date, datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import text
from sqlmodel import Session, select

from provider.db.bulk import driver_value
from provider.security.crypto import derive_key
from traffic.models import DataKey

LOOKUP = "lookup"
NONCE_BYTES = 12


class KeyDestroyed(LookupError):
    """The day's data key was destroyed: its ciphertext can no longer be read."""


def fingerprint(master_key: str) -> str:
    """Names the master key a data key is wrapped by, without revealing it."""
    return hmac.new(derive_key(master_key, "traffic.key-id"), b"fingerprint", hashlib.sha256).hexdigest()[:32]


def _kek(master_key: str) -> AESGCM:
    return AESGCM(derive_key(master_key, "traffic.data-keys"))


def wrap(master_key: str, name: str, key: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + _kek(master_key).encrypt(nonce, key, name.encode())


def unwrap(master_key: str, name: str, wrapped: bytes) -> bytes:
    try:
        return _kek(master_key).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], name.encode())
    except InvalidTag as error:
        raise ValueError(f"data key {name}: wrong master key or altered value") from error


def _stamp(session: Session, moment: datetime) -> datetime:
    return driver_value(session, DataKey.__table__.c.created_at, moment)


def day_name(day: date) -> str:
    return f"day:{day.isoformat()}"


class Nonces:
    """Random 96-bit nonces drawn from the OS a thousand at a time: one system call per thousand fields
    instead of one per field (each nonce is still fresh random bytes, never reused)."""

    def __init__(self, per_draw: int = 1000) -> None:
        self._size = NONCE_BYTES * per_draw
        self._pool, self._at = b"", 0

    def take(self) -> bytes:
        if self._at >= len(self._pool):
            self._pool, self._at = os.urandom(self._size), 0
        nonce = self._pool[self._at : self._at + NONCE_BYTES]
        self._at += NONCE_BYTES
        return nonce


def nonces(count: int) -> list[bytes]:
    """`count` fresh random nonces from one system call, for a column of fields."""
    pool = os.urandom(NONCE_BYTES * count)
    return [pool[at : at + NONCE_BYTES] for at in range(0, len(pool), NONCE_BYTES)]


def encrypt(cipher: AESGCM, field: bytes, plaintext: str, nonces: Nonces | None = None) -> bytes:
    nonce = nonces.take() if nonces is not None else os.urandom(NONCE_BYTES)
    return nonce + cipher.encrypt(nonce, plaintext.encode(), field)


def decrypt(cipher: AESGCM, field: bytes, blob: bytes) -> str:
    return cipher.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], field).decode()


class Keyring:
    """The data keys one transaction uses, created on first need and unwrapped once."""

    def __init__(self, session: Session, master_key: str, now: datetime | None = None) -> None:
        self.session, self.master_key, self.now = session, master_key, now
        self._fingerprint = fingerprint(master_key)
        self._ciphers: dict[date, AESGCM] = {}
        self._lookup: bytes | None = None
        self._hasher: tuple[Any, Any] | None = None

    def _ensure(self, name: str, day: date | None) -> bytes:
        row = self.session.exec(select(DataKey).where(DataKey.name == name)).first()
        if row is not None and row.wrapped_key is not None:
            return unwrap(self.master_key, name, row.wrapped_key)
        key = AESGCM.generate_key(bit_length=256)
        wrapped = wrap(self.master_key, name, key)
        if row is not None:  # destroyed, and a record of that day arrived later: a new key, never the old
            row.wrapped_key, row.destroyed_at, row.master_fingerprint = wrapped, None, self._fingerprint
            self.session.add(row)
            self.session.flush()
            return key
        inserted = self.session.execute(
            text(
                "INSERT INTO traffic_data_key (name, day, wrapped_key, master_fingerprint, created_at) "
                "VALUES (:name, :day, :wrapped, :fp, :now) ON CONFLICT (name) DO NOTHING"
            ),
            {
                "name": name,
                "day": day,
                "wrapped": wrapped,
                "fp": self._fingerprint,
                "now": _stamp(self.session, self.now),
            },
        )
        if inserted.rowcount == 0:  # another importer made it first
            return self._ensure(name, day)
        return key

    def cipher(self, day: date) -> AESGCM:
        if day not in self._ciphers:
            self._ciphers[day] = AESGCM(self._ensure(day_name(day), day))
        return self._ciphers[day]

    def lookup_key(self) -> bytes:
        if self._lookup is None:
            self._lookup = self._ensure(LOOKUP, None)
        return self._lookup

    def number_hashes(self, numbers: list[str | None]) -> list[str | None]:
        """`number_hash` of each number of a column (None stays None), the keyed states copied inline."""
        self.number_hash("")  # makes the two keyed states
        inner, outer = self._hasher
        found = []
        for number in numbers:
            if number is None:
                found.append(None)
                continue
            step, last = inner.copy(), outer.copy()
            step.update(number.encode())
            last.update(step.digest())
            found.append(last.hexdigest())
        return found

    def number_hash(self, number: str) -> str:
        """HMAC-SHA256 (RFC 2104) from the two keyed SHA-256 states, copied per number: the same digest as
        `hmac.new(key, number, sha256)`, without hmac's Python-level copy on every call."""
        if self._hasher is None:
            key = self.lookup_key().ljust(64, b"\0")  # 32 bytes: shorter than SHA-256's block, so padded
            self._hasher = (
                hashlib.sha256(bytes(byte ^ 0x36 for byte in key)),
                hashlib.sha256(bytes(byte ^ 0x5C for byte in key)),
            )
        inner, outer = self._hasher[0].copy(), self._hasher[1].copy()
        inner.update(number.encode())
        outer.update(inner.digest())
        return outer.hexdigest()

    def reader(self, day: date) -> AESGCM:
        """The cipher to read a day's fields; KeyDestroyed when the key is gone (never a new key)."""
        if day not in self._ciphers:
            row = self.session.exec(select(DataKey).where(DataKey.name == day_name(day))).first()
            if row is None or row.wrapped_key is None:
                raise KeyDestroyed(f"the data key of {day} was destroyed")
            self._ciphers[day] = AESGCM(unwrap(self.master_key, row.name, row.wrapped_key))
        return self._ciphers[day]


def destroy_unused_keys(session: Session, now: datetime, before: date) -> int:
    """Destroy the key of every day before `before` of which no traffic or location record remains."""
    result = session.execute(
        text(
            "UPDATE traffic_data_key SET wrapped_key = NULL, destroyed_at = :now "
            "WHERE day IS NOT NULL AND day < :before AND wrapped_key IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM traffic_record r WHERE r.day = traffic_data_key.day) "
            "AND NOT EXISTS (SELECT 1 FROM location_record l WHERE l.day = traffic_data_key.day)"
        ),
        {"now": _stamp(session, now), "before": before},
    )
    return result.rowcount


def rotate_master_key(session: Session, *, old_master_key: str, new_master_key: str, now: datetime) -> int:
    """Re-wrap every live data key wrapped by the old master key under the new one; returns how many.
    Keys already under the new master key are left as they are, so a re-run after an interruption is safe."""
    new_fingerprint, old_fingerprint = fingerprint(new_master_key), fingerprint(old_master_key)
    rows = session.exec(
        select(DataKey).where(DataKey.wrapped_key.is_not(None), DataKey.master_fingerprint == old_fingerprint)
    ).all()
    for row in rows:
        key = unwrap(old_master_key, row.name, row.wrapped_key)
        row.wrapped_key, row.master_fingerprint, row.rewrapped_at = (
            wrap(new_master_key, row.name, key),
            new_fingerprint,
            now,
        )
        session.add(row)
    session.flush()
    return len(rows)
