"""Evidence digests: canonical JSON and SHA-256, so what was sent or shown can be proven later.

A stored document (an ICO filing, a monthly log, a customer letter) keeps the SHA-256 of its exact
bytes; a structured value (the named parts of a wording version, a data snapshot) is hashed over its
canonical JSON, so the same value gives the same digest on every machine, backend and Python version.

Canonical JSON, as produced by `canonical_json`:
- objects have string keys only, sorted by Unicode code point; no key appears twice;
- no insignificant whitespace: "," between members and items, ":" between key and value;
- strings are written as themselves, unescaped except `"`, `\\` and the control characters
  U+0000-U+001F (as \\b \\f \\n \\r \\t, otherwise \\u00XX), and the text is encoded as UTF-8;
- integers in decimal; finite floats in Python's shortest round-trip form (NaN and infinities are
  refused); true, false and null;
- an aware datetime is converted to UTC and written as an ISO 8601 string with the offset "+00:00",
  seconds always, microseconds only when not zero: "2026-03-10T12:00:00+00:00",
  "2026-03-10T12:00:00.250000+00:00" (the form the audit trail's summaries use); a naive datetime is
  refused rather than guessed;
- a date is "YYYY-MM-DD"; an enum member is written as its value;
- lists and tuples are arrays in their order; a set is an array sorted by each item's canonical JSON;
- anything else (bytes, Decimal, objects) is refused with TypeError: evidence holds plain data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from provider.clock import ensure_utc

FILE_BLOCK_BYTES = 1 << 20


def _plain(value: Any) -> Any:
    """The value as JSON's own types (dict, list, str, int, float, bool, None)."""
    if isinstance(value, Enum):
        return _plain(value.value)
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, datetime):
        return ensure_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return _plain_object(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted((_plain(item) for item in value), key=canonical_json)
    raise TypeError(f"{type(value).__name__} is not plain data: it has no canonical JSON form")


def _plain_object(value: Mapping[Any, Any]) -> dict[str, Any]:
    plain: dict[str, Any] = {}
    for key, item in value.items():
        name = key.value if isinstance(key, Enum) else key
        if not isinstance(name, str):
            raise TypeError(f"object keys must be strings, not {type(key).__name__} ({key!r})")
        if name in plain:
            raise ValueError(f"the key {name!r} appears twice")
        plain[name] = _plain(item)
    return plain


def canonical_json(value: Any) -> str:
    """`value` as canonical JSON text (see the module docstring for the exact form)."""
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical_bytes(value: Any) -> bytes:
    """Canonical JSON encoded as UTF-8: the bytes a content digest covers."""
    return canonical_json(value).encode("utf-8")


def sha256(data: bytes | str) -> str:
    """Lower-case hex SHA-256 of bytes, or of text encoded as UTF-8."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def content_sha256(value: Any) -> str:
    """SHA-256 of the canonical JSON of a structured value."""
    return sha256(canonical_bytes(value))


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks so a large import never sits in memory."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(FILE_BLOCK_BYTES), b""):
            digest.update(block)
    return digest.hexdigest()
