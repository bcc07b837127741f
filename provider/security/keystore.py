"""The wrapped data keys, one file each, in a directory outside the database (PECR_KEY_STORE).

Why outside: a database backup must not hold the keys that read it. With the keys here, destroying a day's
key (deleting its file) leaves that day's ciphertext unreadable in every copy of the database, backups
included; the key store is backed up on its own schedule, on another volume (deploy/README.md).

A file holds one key wrapped by the master key (never the key itself) as JSON: its name, the fingerprint
of the master key that wraps it, the wrapped bytes (base64) and when it was made. Every write is atomic
and durable: the content goes to a temporary file that is fsynced, then
- a new key is *linked* to its name (`os.link` fails if the name exists), so two processes creating the
  same day's key agree on one: the loser reads the winner's file, never half of one;
- a re-wrapped key *replaces* its file (`os.replace`);
and the directory is fsynced after each link, replace and delete, so the change survives a power cut.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

SUFFIX = ".key"
DAY_PREFIX = "day:"
PERIOD_PREFIX = "billing-period:"  # the call list's bill-period keys (provider.billing.keys)
PREFIXES = (DAY_PREFIX, PERIOD_PREFIX)  # the names with a colon, which `file_name` writes as a dash


@dataclass(frozen=True)
class StoredKey:
    name: str
    wrapped: bytes
    master_fingerprint: str
    created_at: str


def file_name(name: str) -> str:
    """`day:2026-03-05` → `day-2026-03-05.key`, `billing-period:2026-11` → `billing-period-2026-11.key` (no
    colon: some file systems refuse it)."""
    return name.replace(":", "-") + SUFFIX


def name_of(file: str) -> str:
    """The key name of a file of the store: `file_name` undone."""
    stem = file.removesuffix(SUFFIX)
    for prefix in PREFIXES:
        if stem.startswith(written := prefix.replace(":", "-")):
            return prefix + stem.removeprefix(written)
    return stem


def day_of(file: str) -> date | None:
    stem = file.removesuffix(SUFFIX)
    if not file.endswith(SUFFIX) or not stem.startswith("day-"):
        return None
    try:
        return date.fromisoformat(stem.removeprefix("day-"))
    except ValueError:
        return None


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class KeyStore:
    """The directory of key files; made (mode 0700) on the first write if missing."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def _file(self, name: str) -> Path:
        return self.path / file_name(name)

    def read(self, name: str) -> StoredKey | None:
        try:
            content = json.loads(self._file(name).read_bytes())
        except FileNotFoundError:
            return None
        return StoredKey(
            name=content["name"],
            wrapped=base64.b64decode(content["wrapped_key"]),
            master_fingerprint=content["master_fingerprint"],
            created_at=content["created_at"],
        )

    def _temporary(self, key: StoredKey) -> Path:
        self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = self.path / f".{file_name(key.name)}.{secrets.token_hex(8)}.tmp"
        content = json.dumps(
            {
                "name": key.name,
                "master_fingerprint": key.master_fingerprint,
                "wrapped_key": base64.b64encode(key.wrapped).decode(),
                "created_at": key.created_at,
            }
        ).encode()
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(descriptor, content)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        return temporary

    def create(self, key: StoredKey) -> StoredKey:
        """Store a new key under its name, unless one is there already: returns the key now stored (the
        other process's, if it won)."""
        temporary = self._temporary(key)
        try:
            os.link(temporary, self._file(key.name))
        except FileExistsError:
            return self.read(key.name) or self.create(key)  # the winner's; or, deleted meanwhile, try again
        finally:
            temporary.unlink()
        _fsync_directory(self.path)
        return key

    def replace(self, key: StoredKey) -> None:
        """Put a key's new wrapping in place of the old one, in one step."""
        os.replace(self._temporary(key), self._file(key.name))
        _fsync_directory(self.path)

    def delete(self, name: str) -> bool:
        try:
            self._file(name).unlink()
        except FileNotFoundError:
            return False
        _fsync_directory(self.path)
        return True

    def names(self, prefix: str | None = None) -> list[str]:
        """Every stored key's name in order of its file, or only those starting with `prefix` (one of
        PREFIXES, or a name without a colon)."""
        if not self.path.is_dir():
            return []
        files = sorted(p.name for p in self.path.iterdir() if p.name.endswith(SUFFIX) and not p.name.startswith("."))
        names = [name_of(file) for file in files]
        return names if prefix is None else [name for name in names if name.startswith(prefix)]

    def days(self) -> list[date]:
        if not self.path.is_dir():
            return []
        return sorted(day for p in self.path.iterdir() if (day := day_of(p.name)) is not None)


def stamp(moment: datetime | None) -> str:
    return moment.isoformat() if moment is not None else ""
