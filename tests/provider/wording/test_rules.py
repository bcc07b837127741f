"""The pure rules of versioned wording: the digest, edits in place, material changes."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from provider.wording import rules
from provider.wording.rules import HashScheme, SaveAction

NOTICE = rules.Purpose(name="test.notice", label="test notice", parts=("subject", "body"), owner_kind="case")
PARTS = {"subject": "Your data", "body": "Zoë, we lost a tape."}
USED = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@dataclass
class Stored:
    content_sha256: str
    hash_scheme: HashScheme = HashScheme.canonical_json
    first_used_at: datetime | None = None
    material_change: bool = False
    material_change_note: str = ""


def test_the_digest_is_the_sha256_of_the_canonical_json_of_the_parts():
    expected = hashlib.sha256('{"body":"Zoë, we lost a tape.","subject":"Your data"}'.encode()).hexdigest()
    assert rules.content_hash(PARTS) == expected
    assert rules.content_hash(dict(reversed(PARTS.items()))) == expected


def test_the_digest_breach_notices_were_stored_with_still_verifies():
    legacy = hashlib.sha256(json.dumps(PARTS, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    assert rules.verifies(PARTS, HashScheme.sorted_spaced_json, legacy)
    assert not rules.verifies(PARTS, HashScheme.canonical_json, legacy)  # the two forms differ: the scheme matters


def test_a_draft_is_edited_in_place_and_a_used_version_never_is():
    draft = Stored(rules.content_hash(PARTS))
    changed = PARTS | {"body": "Corrected."}
    assert rules.save_action(draft, changed, material_change=False, note="") is SaveAction.edit_in_place
    used = Stored(rules.content_hash(PARTS), first_used_at=USED)
    assert rules.save_action(used, changed, material_change=False, note="") is SaveAction.new_version
    assert rules.save_action(None, PARTS, material_change=False, note="") is SaveAction.new_version


def test_saving_the_same_content_again_changes_nothing_even_under_the_old_digest_scheme():
    legacy = Stored(rules.content_hash(PARTS, HashScheme.sorted_spaced_json), HashScheme.sorted_spaced_json, USED)
    assert rules.save_action(legacy, dict(PARTS), material_change=False, note="") is SaveAction.unchanged


def test_flagging_a_draft_as_a_material_change_edits_it_even_when_its_words_stay():
    draft = Stored(rules.content_hash(PARTS))
    action = rules.save_action(draft, PARTS, material_change=True, note="new purpose added")
    assert action is SaveAction.edit_in_place


def test_a_material_change_says_what_changed_and_is_never_a_first_version():
    assert [e.field for e in rules.material_change_errors(version_number=2, material_change=True, note=" ")] == [
        "material_change_note"
    ]
    first = rules.material_change_errors(version_number=1, material_change=True, note="everything")
    assert [e.field for e in first] == ["material_change"]
    assert rules.material_change_errors(version_number=3, material_change=False, note="") == []


def test_a_consent_under_an_earlier_version_stands_until_a_later_version_is_material():
    history = [(1, False), (2, False), (3, False), (4, True)]
    assert not rules.changed_materially_since(history[:3], seen_version=2)
    assert rules.changed_materially_since(history, seen_version=2)
    assert not rules.changed_materially_since(history, seen_version=4)


def test_a_text_has_exactly_its_purposes_parts_and_owner():
    errors = rules.part_errors(NOTICE, {"subject": "x", "footer": "y"})
    assert [(e.field, e.reason) for e in errors] == [
        ("body", "required in a test notice"),
        ("footer", "not a part of a test notice"),
    ]
    assert rules.owner_errors(NOTICE, "case", 7) == []
    assert [e.field for e in rules.owner_errors(NOTICE, None, None)] == ["owner_kind"]
    assert [e.field for e in rules.owner_errors(NOTICE, "case", None)] == ["owner_id"]
    provider_wide = rules.Purpose(name="test.standing", label="standing notice", parts=("body",))
    assert rules.owner_errors(provider_wide, None, None) == []
