"""Pure helpers for finding subscribers fast at millions of rows.

Names are searched through `name_key`: lower-case, accents folded, only letters, digits and single
spaces. Such keys sort the same way under every collation a server may use for ordinary letters,
so a prefix search becomes an index range `key >= prefix AND key < upper(prefix)` (with LIKE as a
guard), and paging is keyset paging on `(name_key, id)`: each page starts after the last row of the
previous one, so page 20,000 costs what page 1 costs. No OFFSET, no COUNT(*) per request.
"""

from __future__ import annotations

import base64
import binascii
import json
import unicodedata
from dataclasses import dataclass

NAME_KEY_LENGTH = 200
CURSOR_MAX_LENGTH = 400


# ASCII characters that are neither letters, digits nor spaces: dropped from keys.
_ASCII_DROPPED = {code: None for code in range(128) if not chr(code).isalnum() and not chr(code).isspace()}


def name_key(name: str) -> str:
    """'  Zoë  O'Brien-Smith ' -> 'zoe obriensmith' (used for both stored keys and search input)."""
    if name.isascii():  # the common case, about ten times faster than the general one below
        return " ".join(name.lower().translate(_ASCII_DROPPED).split())[:NAME_KEY_LENGTH].rstrip()
    folded = unicodedata.normalize("NFKD", name.casefold())
    kept: list[str] = []
    for char in folded:
        if unicodedata.combining(char):
            continue
        if char.isalnum():
            kept.append(char)
        elif char.isspace() and kept and kept[-1] != " ":
            kept.append(" ")
    return "".join(kept).strip()[:NAME_KEY_LENGTH].rstrip()


def _next_char(char: str) -> str | None:
    """The character after `char` among key characters, or None when it is the last ('z')."""
    if char == "9":
        return "a"
    if char == "z":
        return None
    return chr(ord(char) + 1)


def prefix_upper_bound(prefix: str) -> str | None:
    """Smallest key greater than every key starting with `prefix`; None when there is none."""
    stem = prefix
    while stem:
        following = _next_char(stem[-1])
        if following is not None:
            return stem[:-1] + following
        stem = stem[:-1]
    return None


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class Cursor:
    """Position after (or before) a row in (name_key, id) order."""

    name_key: str
    id: int


class BadCursor(ValueError):
    pass


def encode_cursor(cursor: Cursor) -> str:
    raw = json.dumps([cursor.name_key, cursor.id], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(text: str) -> Cursor:
    """Parse a cursor from a client; anything malformed raises BadCursor (never a 500)."""
    if not text or len(text) > CURSOR_MAX_LENGTH:
        raise BadCursor("not a valid cursor")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        key, row_id = json.loads(raw.decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError) as error:
        raise BadCursor("not a valid cursor") from error
    if not isinstance(key, str) or not isinstance(row_id, int) or isinstance(row_id, bool):
        raise BadCursor("not a valid cursor")
    if not 0 <= row_id < 2**63 or name_key(key) != key:  # every real key is its own key
        raise BadCursor("not a valid cursor")
    return Cursor(key, row_id)
