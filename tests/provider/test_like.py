"""LIKE patterns from typed text match the text literally on both backends (provider.db.like)."""

from __future__ import annotations

from sqlalchemy import literal, select

from provider.db.like import LIKE_ESCAPE, contains_pattern, like_escape, prefix_pattern


def _matches(session, value: str, pattern: str) -> bool:
    return bool(session.execute(select(literal(value).like(pattern, escape=LIKE_ESCAPE))).scalar_one())


def test_wildcards_and_the_escape_character_typed_by_a_person_match_only_themselves(session):
    assert _matches(session, "save 50%_off now", contains_pattern("50%_off"))
    assert not _matches(session, "save 50 percent off now", contains_pattern("50%_off"))
    assert not _matches(session, "save 50%Xoff now", contains_pattern("50%_off"))
    assert _matches(session, "C:\\new", prefix_pattern("C:\\"))
    assert not _matches(session, "Cx new", prefix_pattern("C\\"))


def test_a_prefix_pattern_matches_the_start_only(session):
    assert _matches(session, "smith", prefix_pattern("smi"))
    assert not _matches(session, "goldsmith", prefix_pattern("smi"))
    assert _matches(session, "goldsmith", contains_pattern("smi"))


def test_escaping_doubles_the_escape_character_first():
    assert like_escape("a\\%_b") == "a\\\\\\%\\_b"
