"""Field encryption with keys derived from the master key, and keyed hashes for look-ups.

Secrets such as TOTP seeds are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under a key derived
from PECR_MASTER_KEY with HKDF, one derived key per purpose, so a leaked database is not a leaked seed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def derive_key(master_key: str, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"pecr", info=purpose.encode("utf-8")).derive(
        master_key.encode("utf-8")
    )


class FieldCipher:
    def __init__(self, master_key: str, purpose: str) -> None:
        self._fernet = Fernet(base64.urlsafe_b64encode(derive_key(master_key, purpose)))

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken as error:
            raise ValueError("cannot decrypt: wrong master key or altered value") from error


def new_secret_token(prefix: str = "", nbytes: int = 32) -> str:
    return prefix + secrets.token_urlsafe(nbytes)


def token_digest(token: str) -> str:
    """SHA-256 of a high-entropy random token: enough to store it without the token itself."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def keyed_digest(secret_key: str, value: str) -> str:
    return hmac.new(secret_key.encode("utf-8"), value.encode("utf-8"), hashlib.sha256).hexdigest()
