"""Pure helpers for finding subscribers fast at millions of rows.

Names are ordered by `name_key`: lower-case, accents folded, only letters, digits and single
spaces. Paging is keyset paging on `(name_key, id)`: each page starts after the last row of the
previous one, so page 20,000 costs what page 1 costs. No OFFSET, no COUNT(*) per request.

Names are *found* by word: `name_words` gives the words a name is found by (each word of the key,
plus the parts of a hyphenated or otherwise joined word, so "Bowes-Lyon" is found by "lyon"), and
`query_words` the words a search needs, each of which must begin some word of the name. A word
prefix is an index range `word >= prefix AND word < upper(prefix)` (with LIKE as a guard). The first
word of a name needs no index of its own: it begins with a prefix exactly when the whole key does,
which the `(name_key, id)` index answers, so the word table holds only `indexed_words` — about half
of all words, which keeps bulk loads nearly as fast as before the word search.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
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


# Apostrophes join the parts of a word (O'Brien is "obrien", never "o" and "brien"); any other
# character that is neither letter, digit, space nor combining mark separates words for the index.
_APOSTROPHES = "'\u2019\u02bc"
_ASCII_SEPARATORS = {code: " " for code in _ASCII_DROPPED if chr(code) not in _APOSTROPHES}
_ASCII_SEPARATOR = re.compile("[" + re.escape("".join(chr(code) for code in _ASCII_SEPARATORS)) + "]")


def _separated(name: str) -> str:
    """`name` with word-joining punctuation (hyphens, slashes, full stops, &) turned into spaces."""
    if name.isascii():
        return name.translate(_ASCII_SEPARATORS)
    return "".join(" " if _is_separator(char) else char for char in name)


def _is_separator(char: str) -> bool:
    if char.isalnum() or char.isspace() or char in _APOSTROPHES:
        return False
    return not unicodedata.category(char).startswith("M")


def name_words(name: str, key: str | None = None) -> list[str]:
    """The distinct words a name is found by: "Zoë O'Brien-Smith" -> ['obrien', 'obriensmith', 'smith', 'zoe'].

    `key` is the name's `name_key` when the caller has it already (bulk loads).
    """
    words = (name_key(name) if key is None else key).split()
    if not _joined(name):  # most names: the words of the key are all there is
        return sorted(set(words)) if len(words) > 1 else words
    return sorted(set(words) | set(name_key(_separated(name)).split()))


def _joined(name: str) -> bool:
    """Whether punctuation joins words of `name` (checked cheaply: bulk loads ask once per subscriber)."""
    return _ASCII_SEPARATOR.search(name) is not None if name.isascii() else _separated(name) != name


def indexed_words(name: str, key: str | None = None) -> list[str]:
    """The words of `name_words` the word table holds: all but the first word of the key and the words
    that begin it, which the key's own index finds. "Zoë O'Brien-Smith" -> ['obrien', 'obriensmith', 'smith'].

    Migration 0006 fills the table with this function: changing what it returns needs a migration that
    rebuilds subscriber_name_word, or existing subscribers stop being found by the changed words."""
    key = name_key(name) if key is None else key
    first, _, rest = key.partition(" ")
    if _joined(name):
        candidates = name_words(name, key)
    elif rest:
        candidates = rest.split()
        if len(candidates) == 1:  # "Jane Smith": the shape of nine names in ten, so kept quick
            return [] if first.startswith(rest) else candidates
    else:
        return []
    return sorted({word for word in candidates if not first.startswith(word)})


def query_words(query: str) -> list[str]:
    """The words a search needs, longest (usually the most selective) first.

    A word that begins another word of the query adds nothing ("smi smith" needs only "smith"), since
    one word of the name may satisfy both, so it is dropped.
    """
    words = sorted(set(name_key(query).split()), key=lambda word: (-len(word), word))
    kept: list[str] = []
    for word in words:
        if not any(longer.startswith(word) for longer in kept):
            kept.append(word)
    return kept


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
