"""The one text type of the core: what a person can type, never control characters.

PostgreSQL refuses NUL in text, and NUL with the other control characters makes documents, exports and
logs unreadable, while SQLite would store them. Every schema and form field of text uses `Line` (one
line: no tab or line break) or `Lines` (multi-line: tab, line feed and carriage return allowed), so such
input is a 422 naming the field on every backend alike. The rule is a native pattern constraint, so it
stacks with `max_length` and appears in the OpenAPI for clients to see; lone surrogates are already
refused by the string type itself. `explain` turns the pattern's generic message into plain words.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import StringConstraints

LINE_PATTERN = r"^[^\u0000-\u001f\u007f-\u009f]*$"
LINES_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
_FORBIDDEN = {
    LINE_PATTERN: re.compile(r"[\x00-\x1f\x7f-\x9f]"),
    LINES_PATTERN: re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"),
}

Line = Annotated[str, StringConstraints(pattern=LINE_PATTERN)]
Lines = Annotated[str, StringConstraints(pattern=LINES_PATTERN)]


def _describe(character: str) -> str:
    if character == "\x00":
        return "a NUL character"
    if character in "\t\n\r":
        return "a tab or line break (this field is a single line)"
    return f"an invisible control character (U+{ord(character):04X})"


def find_forbidden(value: str, *, multiline: bool = False) -> str | None:
    """What is wrong with `value` in words, or None: for text that does not come through a schema
    (CSV cells, query words)."""
    found = _FORBIDDEN[LINES_PATTERN if multiline else LINE_PATTERN].search(value)
    return f"must not contain {_describe(found.group())}" if found else None


def explain(error: dict[str, Any]) -> str | None:
    """Plain words for a pydantic error raised by `Line` or `Lines`; None for any other error."""
    if error.get("type") != "string_pattern_mismatch":
        return None
    pattern = (error.get("ctx") or {}).get("pattern")
    value = error.get("input")
    if pattern not in _FORBIDDEN or not isinstance(value, str):
        return None
    return find_forbidden(value, multiline=pattern == LINES_PATTERN)
