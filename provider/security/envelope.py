"""Envelope encryption, the primitive any domain's data keys share: AES-256-GCM throughout.

A data key is random and stored only wrapped: encrypted under a key derived from PECR_MASTER_KEY with
HKDF for the owning domain's `purpose` (`provider.security.crypto.derive_key`), with the data key's name as
associated data, so a wrapped key cannot be passed off as another. A field is sealed as nonce (12 bytes) ‖
ciphertext ‖ tag, with the field's name as associated data, so a value cannot be moved to another field
unnoticed. Destroying a data key makes every copy of what it sealed, backups included, unreadable.

`traffic.keys` implements the same scheme for its day keys (purpose "traffic.data-keys"); this module
gives the provider-level domains (billing's call list) the scheme without depending on traffic.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from provider.security.crypto import derive_key

NONCE_BYTES = 12


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def fingerprint(master_key: str, purpose: str) -> str:
    """Names the master key a data key is wrapped by, without revealing it."""
    return hmac.new(derive_key(master_key, f"{purpose}.key-id"), b"fingerprint", hashlib.sha256).hexdigest()[:32]


def wrap(master_key: str, purpose: str, name: str, key: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(derive_key(master_key, purpose)).encrypt(nonce, key, name.encode())


def unwrap(master_key: str, purpose: str, name: str, wrapped: bytes) -> bytes:
    try:
        return AESGCM(derive_key(master_key, purpose)).decrypt(
            wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], name.encode()
        )
    except InvalidTag as error:
        raise ValueError(f"data key {name}: wrong master key or altered value") from error


def seal(cipher: AESGCM, field: bytes, plaintext: str) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + cipher.encrypt(nonce, plaintext.encode(), field)


def open_sealed(cipher: AESGCM, field: bytes, blob: bytes) -> str:
    """The plaintext of `seal`; ValueError if the blob was altered or sealed under another key or field."""
    try:
        return cipher.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], field).decode()
    except InvalidTag as error:
        raise ValueError("cannot decrypt: wrong data key, wrong field or altered value") from error
