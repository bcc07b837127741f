"""LIKE patterns built from what a person typed: `%`, `_` and the escape character itself match
literally, so a search for "50%_off" finds exactly that. Use with `escape=LIKE_ESCAPE`."""

from __future__ import annotations

LIKE_ESCAPE = "\\"


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_pattern(text: str) -> str:
    """Matches any value containing `text`."""
    return f"%{like_escape(text)}%"


def prefix_pattern(text: str) -> str:
    """Matches any value starting with `text`."""
    return f"{like_escape(text)}%"
