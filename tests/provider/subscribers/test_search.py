"""Search keys, prefix ranges and cursors: the pure parts of the fast list."""

from __future__ import annotations

import pytest

from provider.subscribers.search import (
    BadCursor,
    Cursor,
    decode_cursor,
    encode_cursor,
    name_key,
    prefix_upper_bound,
)


def test_name_key_folds_case_accents_and_punctuation():
    assert name_key("  Zoë  O'Brien-Smith ") == "zoe obriensmith"
    assert name_key("ÓSÚILLEABHÁIN") == "osuilleabhain"
    assert name_key("!!!") == ""


@pytest.mark.parametrize(
    ("prefix", "upper"),
    [
        ("abc", "abd"),
        ("abz", "ac"),
        ("zz", None),
        ("ab9", "aba"),
        ("smith j", "smith k"),
    ],
)
def test_prefix_upper_bound_is_the_smallest_key_after_every_match(prefix, upper):
    assert prefix_upper_bound(prefix) == upper


def test_every_key_with_the_prefix_sorts_inside_the_range():
    keys = ["abz", "abzzz", "abz 9", "ac", "aby", "abz0"]
    upper = prefix_upper_bound("abz")
    inside = [k for k in keys if "abz" <= k < upper]
    assert sorted(inside) == sorted(k for k in keys if k.startswith("abz"))


def test_cursor_round_trips():
    cursor = Cursor("o brien", 123456)
    assert decode_cursor(encode_cursor(cursor)) == cursor


@pytest.mark.parametrize(
    "text",
    ["", "!!!", "bm90IGpzb24", encode_cursor(Cursor("x", 1))[:-2] + "@@", "WyJ4IiwgLTFd", "WyJ4IiwgdHJ1ZV0", "x" * 500],
)
def test_tampered_cursors_are_refused(text):
    with pytest.raises(BadCursor):
        decode_cursor(text)


def test_the_ascii_fast_path_gives_the_same_keys_as_the_general_path():
    import random
    import unicodedata

    def general(name):
        kept = []
        for char in unicodedata.normalize("NFKD", name.casefold()):
            if unicodedata.combining(char):
                continue
            if char.isalnum():
                kept.append(char)
            elif char.isspace() and kept and kept[-1] != " ":
                kept.append(" ")
        return "".join(kept).strip()[:200].rstrip()

    rng = random.Random(7)
    samples = ["".join(chr(rng.randrange(128)) for _ in range(rng.randrange(40))) for _ in range(20_000)]
    samples += ["a" * 199 + "  b", "ab " * 100, "\tTab\nNew\x00Line"]
    assert [name_key(s) for s in samples] == [general(s) for s in samples]
