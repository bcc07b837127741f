"""Envelope encryption of identifying fields: AES-256-GCM data keys per UTC day, wrapped by the master key.

Each day's data key is random, stored only wrapped (AES-GCM under a key derived from PECR_MASTER_KEY with
HKDF, `provider.security.crypto.derive_key`, the key's name as associated data), in the key store: files
outside the database (`provider.security.keystore`, PECR_KEY_STORE). A field is encrypted as nonce (12 bytes) ‖
ciphertext ‖ tag, with the field's name as associated data, so a value cannot be moved to another field
unnoticed. The keyed hash of a number (HMAC-SHA256) uses one more random key, "lookup", wrapped and stored
the same way (never destroyed), so rotating the master key changes neither ciphertext nor hashes.

Destroying a day's key (once no record of that day remains) deletes its file: every copy of that day's
ciphertext, database backups included, is then unreadable, and a day with records but no key file reads
as destroyed (`KeyDestroyed`); `traffic.key_locks` keeps the sweep from destroying a key an import is
still writing with. Rotating the master key re-wraps each key file in place: records are not
touched. A Keyring reads each key once, so an import touches the store once per day, not per row.
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
from sqlmodel import Session

from provider.security.crypto import derive_key
from provider.security.keystore import DAY_PREFIX, KeyStore, StoredKey, stamp
from provider.settings import get_settings
from provider.subscribers.phone import matching_form

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


class KeyStoreMissing(RuntimeError):
    """The look-up key is not in the key store although records hashed with it exist: the key store is not
    the one these records were written with (not mounted, or not restored). A new key would silently make
    every stored number unfindable, so nothing is written."""


def configured_store() -> KeyStore:
    return KeyStore(get_settings().key_store)


class Keyring:
    """The data keys one transaction uses, created on first need and unwrapped once."""

    def __init__(
        self, session: Session, master_key: str, now: datetime | None = None, store: KeyStore | None = None
    ) -> None:
        self.session, self.master_key, self.now = session, master_key, now
        self.store = store or configured_store()
        self._fingerprint = fingerprint(master_key)
        self._ciphers: dict[date, AESGCM] = {}
        self._wrapped: dict[str, bytes] = {}  # each key as wrapped in its file when first used, by name
        self._lookup: bytes | None = None
        self._hasher: tuple[Any, Any] | None = None

    def _ensure(self, name: str) -> bytes:
        stored = self.store.read(name)
        if stored is None:
            # A day whose key was destroyed and of which a record arrived later gets a new key, never the old.
            key = AESGCM.generate_key(bit_length=256)
            wanted = StoredKey(name, wrap(self.master_key, name, key), self._fingerprint, stamp(self.now))
            stored = self.store.create(wanted)  # another process's key, if it made the day's first
            if stored is wanted:
                self._wrapped[name] = stored.wrapped
                return key
        self._wrapped[name] = stored.wrapped
        return unwrap(self.master_key, name, stored.wrapped)

    def cipher(self, day: date) -> AESGCM:
        if day not in self._ciphers:
            self._ciphers[day] = AESGCM(self._ensure(day_name(day)))
        return self._ciphers[day]

    def wrapped_keys(self, days: set[date]) -> dict[date, bytes]:
        """The wrapped bytes of each day's key this keyring encrypted with, for the writer to check that
        each is still its day's key (`traffic.key_locks.hold_days`)."""
        return {day: self._wrapped[day_name(day)] for day in days}

    def lookup_key(self) -> bytes:
        if self._lookup is None:
            if self.store.read(LOOKUP) is None and _hashed_records(self.session):
                raise KeyStoreMissing(f"the look-up key is missing from the key store {self.store.path}")
            self._lookup = self._ensure(LOOKUP)
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
            step.update(matching_form(number).encode())
            last.update(step.digest())
            found.append(last.hexdigest())
        return found

    def number_hash(self, number: str) -> str:
        """HMAC-SHA256 (RFC 2104) of the number's matching form (`phone.matching_form`: E.164 where it can
        be read as a number, so `07700 900123` and `+447700900123` hash alike), from the two keyed SHA-256
        states copied per number: the same digest as `hmac.new(key, form, sha256)`, without hmac's
        Python-level copy on every call."""
        if self._hasher is None:
            key = self.lookup_key().ljust(64, b"\0")  # 32 bytes: shorter than SHA-256's block, so padded
            self._hasher = (
                hashlib.sha256(bytes(byte ^ 0x36 for byte in key)),
                hashlib.sha256(bytes(byte ^ 0x5C for byte in key)),
            )
        inner, outer = self._hasher[0].copy(), self._hasher[1].copy()
        inner.update(matching_form(number).encode())
        outer.update(inner.digest())
        return outer.hexdigest()

    def existing_number_hash(self, number: str) -> str | None:
        """`number_hash` for a look-up: None while there is no look-up key (never makes one)."""
        if self._lookup is None:
            stored = self.store.read(LOOKUP)
            if stored is None:
                return None
            self._lookup = unwrap(self.master_key, LOOKUP, stored.wrapped)
        return self.number_hash(number)

    def reader(self, day: date) -> AESGCM:
        """The cipher to read a day's fields; KeyDestroyed when the key is gone (never a new key)."""
        if day not in self._ciphers:
            stored = self.store.read(day_name(day))
            if stored is None:
                raise KeyDestroyed(f"the data key of {day} was destroyed")
            self._wrapped[stored.name] = stored.wrapped
            self._ciphers[day] = AESGCM(unwrap(self.master_key, stored.name, stored.wrapped))
        return self._ciphers[day]


def _hashed_records(session: Session) -> bool:
    return (
        session.execute(text("SELECT 1 FROM traffic_record WHERE other_party_hash IS NOT NULL LIMIT 1")).first()
        is not None
    )


def rotate_master_key(*, old_master_key: str, new_master_key: str, store: KeyStore | None = None) -> int:
    """Re-wrap every key file wrapped by the old master key under the new one, each replaced in one step;
    returns how many. Keys already under the new master key are left as they are, so a re-run after an
    interruption is safe."""
    store = store or configured_store()
    new_fingerprint, old_fingerprint = fingerprint(new_master_key), fingerprint(old_master_key)
    rewrapped = 0
    for name in store.names():
        if name != LOOKUP and not name.startswith(DAY_PREFIX):
            continue  # another domain's key (the call list's bill periods): re-wrapped by its own command
        stored = store.read(name)
        if stored is None or stored.master_fingerprint != old_fingerprint:
            continue
        key = unwrap(old_master_key, name, stored.wrapped)
        store.replace(StoredKey(name, wrap(new_master_key, name, key), new_fingerprint, stored.created_at))
        rewrapped += 1
    return rewrapped
