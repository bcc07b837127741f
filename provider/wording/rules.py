"""The rules of versioned wording, as pure functions: its digest, when an edit may change a version in
place, and what a material change is and asks for.

A version is used from the moment a person could have been shown it (a notice batch generated from
it, a public notice made from it, a record of it being served). From then on it is evidence: what a
person was told must be provable byte for byte, so a used version never changes; a later edit makes
the next version. A version nobody has been shown yet is a draft, and saving edits it in place.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from provider import evidence
from provider.errors import FieldError

MAX_NOTE = 2000


class HashScheme(StrEnum):
    """How a version's `content_sha256` was computed, so every stored digest can be checked again."""

    # SHA-256 of provider.evidence.canonical_json(parts): every version saved through this package.
    canonical_json = "canonical_json"
    # SHA-256 of JSON with sorted keys, ", " and ": " separators and UTF-8 left unescaped (Python's
    # json.dumps(parts, sort_keys=True, ensure_ascii=False)): how customer breach notices were hashed
    # before their wording moved here. Kept so those digests, cited in ICO filings, still verify;
    # never chosen for a new version.
    sorted_spaced_json = "sorted_spaced_json"


class SaveAction(StrEnum):
    unchanged = "unchanged"  # same content as the latest version: nothing is written
    edit_in_place = "edit_in_place"  # the latest version is a draft nobody has been shown
    new_version = "new_version"  # there is no version yet, or the latest has been used


@dataclass(frozen=True)
class Purpose:
    """What a domain registers for one kind of text, e.g. breach customer notices.

    `name` is stored on every text ("breach.customer_notice"); `parts` are the names of its parts, all
    required, none other allowed; `owner_kind` names what each text belongs to ("breach"), or is None
    for a provider-wide text (one per provider, such as a standing information notice).
    """

    name: str
    label: str
    parts: tuple[str, ...]
    owner_kind: str | None = None


class VersionState(Protocol):
    """What the rules read from a stored version."""

    content_sha256: str
    hash_scheme: HashScheme
    first_used_at: datetime | None
    material_change: bool
    material_change_note: str


def content_hash(parts: Mapping[str, Any], scheme: HashScheme = HashScheme.canonical_json) -> str:
    if scheme is HashScheme.sorted_spaced_json:
        return hashlib.sha256(json.dumps(dict(parts), sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
    return evidence.content_sha256(parts)


def verifies(parts: Mapping[str, Any], scheme: HashScheme, digest: str) -> bool:
    """Whether stored parts still hash to the digest stored with them."""
    return content_hash(parts, scheme) == digest


def is_used(first_used_at: datetime | None) -> bool:
    return first_used_at is not None


def save_action(
    latest: VersionState | None, parts: Mapping[str, Any], *, material_change: bool, note: str
) -> SaveAction:
    """Saving `parts` as the text's wording: leave it, edit the draft in place, or add a version."""
    if latest is None:
        return SaveAction.new_version
    same_content = verifies(parts, latest.hash_scheme, latest.content_sha256)
    if is_used(latest.first_used_at):
        return SaveAction.unchanged if same_content else SaveAction.new_version
    same_flag = (latest.material_change, latest.material_change_note) == (material_change, note)
    return SaveAction.unchanged if same_content and same_flag else SaveAction.edit_in_place


def next_version_number(latest_number: int | None) -> int:
    return (latest_number or 0) + 1


def part_errors(purpose: Purpose, parts: Mapping[str, Any]) -> list[FieldError]:
    """Every registered part present, nothing unregistered: the text's shape is the purpose's."""
    errors = [FieldError(name, f"required in a {purpose.label}") for name in purpose.parts if name not in parts]
    errors += [
        FieldError(name, f"not a part of a {purpose.label}") for name in sorted(parts) if name not in purpose.parts
    ]
    return errors


def owner_errors(purpose: Purpose, owner_kind: str | None, owner_id: int | None) -> list[FieldError]:
    """A text belongs to what its purpose says: one owner of that kind, or nobody (provider-wide)."""
    if owner_kind != purpose.owner_kind:
        expected = purpose.owner_kind or "no owner (provider-wide)"
        return [FieldError("owner_kind", f"a {purpose.label} belongs to {expected}, not {owner_kind or 'none'}")]
    if (owner_kind is None) != (owner_id is None):
        return [FieldError("owner_id", "an owner kind needs an owner id, and a provider-wide text has neither")]
    return []


def material_change_errors(*, version_number: int, material_change: bool, note: str) -> list[FieldError]:
    """A material change is one that people shown an earlier version must be told of again (or asked
    again, for a consent); so it says what changed, and a first version cannot be one."""
    errors: list[FieldError] = []
    if len(note) > MAX_NOTE:
        errors.append(FieldError("material_change_note", f"at most {MAX_NOTE} characters"))
    if not material_change:
        return errors
    if version_number == 1:
        errors.append(FieldError("material_change", "a first version has no earlier version to differ from"))
    if not note.strip():
        errors.append(
            FieldError("material_change_note", "say what changed materially, for the people shown an earlier version")
        )
    return errors


def changed_materially_since(history: Iterable[tuple[int, bool]], seen_version: int) -> bool:
    """Whether a version after the one a person was shown is a material change: (version, material) pairs.

    A consent given under version 2 still stands under version 4 when neither 3 nor 4 is material.
    """
    return any(material for version, material in history if version > seen_version)
