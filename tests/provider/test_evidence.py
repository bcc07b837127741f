"""Canonical JSON and SHA-256 for evidence: one exact form, the same digest everywhere."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum

import pytest

from provider import evidence
from provider.security import audit


class Colour(StrEnum):
    red = "red"


def test_keys_are_sorted_and_there_is_no_whitespace_between_tokens():
    assert evidence.canonical_json({"b": [1, 2], "a": {"d": None, "c": True}}) == '{"a":{"c":true,"d":null},"b":[1,2]}'


def test_text_is_utf8_unescaped_except_quotes_backslashes_and_control_characters():
    text = evidence.canonical_json({"name": 'Zoë "Ł" \\ tab\there\n'})
    assert text == '{"name":"Zoë \\"Ł\\" \\\\ tab\\there\\n"}'
    assert evidence.canonical_bytes({"name": "Zoë"}) == '{"name":"Zoë"}'.encode()


def test_keys_sort_by_code_point_so_capitals_come_before_lower_case_and_accents_after():
    assert evidence.canonical_json({"é": 1, "b": 2, "B": 3}) == '{"B":3,"b":2,"é":1}'


def test_a_datetime_is_written_in_utc_whatever_zone_it_came_in():
    bst = timezone(timedelta(hours=1))
    moment = datetime(2026, 7, 1, 13, 30, tzinfo=bst)
    assert evidence.canonical_json({"at": moment}) == '{"at":"2026-07-01T12:30:00+00:00"}'
    precise = datetime(2026, 7, 1, 12, 30, 0, 250000, tzinfo=UTC)
    assert evidence.canonical_json([precise, date(2026, 7, 1)]) == '["2026-07-01T12:30:00.250000+00:00","2026-07-01"]'


def test_a_naive_datetime_is_refused_rather_than_guessed():
    with pytest.raises(ValueError, match="naive"):
        evidence.canonical_json({"at": datetime(2026, 7, 1, 12, 30)})  # noqa: DTZ001


def test_enums_are_their_values_and_sets_are_sorted():
    assert evidence.canonical_json({Colour.red: Colour.red, "set": {"b", "a"}}) == '{"red":"red","set":["a","b"]}'


@pytest.mark.parametrize("value", [b"bytes", object(), {1: "integer key"}, float("nan"), float("inf")])
def test_what_is_not_plain_data_is_refused(value):
    with pytest.raises((TypeError, ValueError)):
        evidence.canonical_json(value)


def test_the_same_content_has_the_same_digest_whatever_order_it_was_built_in():
    first = evidence.content_sha256({"subject": "Breach", "summary": "Tape stolen"})
    second = evidence.content_sha256({"summary": "Tape stolen", "subject": "Breach"})
    assert first == second == hashlib.sha256(b'{"subject":"Breach","summary":"Tape stolen"}').hexdigest()


def test_sha256_of_text_is_the_sha256_of_its_utf8_bytes():
    assert evidence.sha256("Zoë") == hashlib.sha256("Zoë".encode()).hexdigest()
    assert evidence.sha256(b"\x00\xff") == hashlib.sha256(b"\x00\xff").hexdigest()


def test_a_file_is_hashed_in_blocks_to_the_digest_of_its_bytes(tmp_path):
    path = tmp_path / "import.csv"
    content = b"x" * (evidence.FILE_BLOCK_BYTES + 7)
    path.write_bytes(content)
    assert evidence.file_sha256(path) == hashlib.sha256(content).hexdigest()


def test_canonical_json_is_the_form_of_the_audit_trail_summaries():
    summary = {"at": datetime(2026, 3, 10, 12, 0, tzinfo=UTC), "outcome": Colour.red, "count": 3, "nested": {"z": 1}}
    assert evidence.canonical_json(summary) == audit.summary(summary)
    assert json.loads(evidence.canonical_json(summary))["at"] == "2026-03-10T12:00:00+00:00"
