"""Versioned wording use cases: find or create a text, save its wording, mark a version used.

Each function works in the caller's transaction (the caller commits). Saving follows
provider.wording.rules: the same content again changes nothing; a draft nobody has been shown is
edited in place; a used version is never changed and saving makes the next version. Every save that
writes is audited here, so no domain can forget to. Recording that a version was served to people is
set-based and lives in provider.wording.bulk.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session

from provider.errors import Invalid, NotFound
from provider.security import audit
from provider.security.actor import Actor
from provider.wording import rules
from provider.wording.models import WordingText, WordingVersion


def find_text(
    session: Session, *, purpose: rules.Purpose, owner_kind: str | None = None, owner_id: int | None = None
) -> WordingText | None:
    owner = (
        WordingText.owner_kind.is_(None)
        if owner_kind is None
        else (WordingText.owner_kind == owner_kind) & (WordingText.owner_id == owner_id)
    )
    return session.execute(select(WordingText).where(WordingText.purpose == purpose.name, owner)).scalar_one_or_none()


def ensure_text(
    session: Session,
    *,
    purpose: rules.Purpose,
    now: datetime,
    owner_kind: str | None = None,
    owner_id: int | None = None,
) -> WordingText:
    """The text of this purpose and owner, created when it does not exist yet."""
    _refuse(rules.owner_errors(purpose, owner_kind, owner_id))
    found = find_text(session, purpose=purpose, owner_kind=owner_kind, owner_id=owner_id)
    if found is not None:
        return found
    created = WordingText(purpose=purpose.name, owner_kind=owner_kind, owner_id=owner_id, created_at=now)
    session.add(created)
    session.flush()
    return created


def versions(session: Session, *, text_id: int) -> list[WordingVersion]:
    """Every version of a text, newest first."""
    return list(
        session.execute(
            select(WordingVersion).where(WordingVersion.text_id == text_id).order_by(WordingVersion.version.desc())
        ).scalars()
    )


def versions_of(
    session: Session, *, purpose: rules.Purpose, owner_kind: str | None = None, owner_id: int | None = None
) -> list[WordingVersion]:
    """Every version of the text of this purpose and owner, newest first (none when it has no text)."""
    found = find_text(session, purpose=purpose, owner_kind=owner_kind, owner_id=owner_id)
    return versions(session, text_id=found.id) if found is not None else []


def latest_version(session: Session, *, text_id: int) -> WordingVersion | None:
    return session.execute(
        select(WordingVersion).where(WordingVersion.text_id == text_id).order_by(WordingVersion.version.desc()).limit(1)
    ).scalar_one_or_none()


VERSION_FIELDS = ("id", "version", "content_sha256", "created_by", "created_at", "updated_at", "first_used_at")


def as_model(model: type[Any], version: WordingVersion, parts: tuple[str, ...]) -> Any:
    """A version read back as a domain's schema: its own fields the model has, then its parts by name.

    Built without validation: stored wording stays readable if the input bounds are tightened later."""
    values = {name: getattr(version, name) for name in VERSION_FIELDS if name in model.model_fields}
    return model.model_construct(**values, **{name: version.parts.get(name, "") for name in parts})


def get_version(session: Session, version_id: int) -> WordingVersion:
    version = session.get(WordingVersion, version_id)
    if version is None:
        raise NotFound(f"wording version {version_id} does not exist")
    return version


def save(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    purpose: rules.Purpose,
    parts: Mapping[str, Any],
    owner_kind: str | None = None,
    owner_id: int | None = None,
    material_change: bool = False,
    material_change_note: str = "",
) -> WordingVersion:
    """Save the wording of a text; returns the version that now holds it (new, edited or unchanged)."""
    _refuse(rules.part_errors(purpose, parts))
    text = ensure_text(session, purpose=purpose, now=now, owner_kind=owner_kind, owner_id=owner_id)
    latest = latest_version(session, text_id=text.id)
    action = rules.save_action(latest, parts, material_change=material_change, note=material_change_note)
    if action is rules.SaveAction.unchanged:
        return latest
    number = (
        latest.version
        if action is rules.SaveAction.edit_in_place
        else rules.next_version_number(latest.version if latest else None)
    )
    _refuse(
        rules.material_change_errors(version_number=number, material_change=material_change, note=material_change_note)
    )
    before = {"version": latest.version, "sha256": latest.content_sha256} if latest else None
    values = {
        "parts": dict(parts),
        "content_sha256": rules.content_hash(parts),
        "hash_scheme": rules.HashScheme.canonical_json,
        "material_change": material_change,
        "material_change_note": material_change_note,
        "updated_at": now,
    }
    if action is rules.SaveAction.edit_in_place:
        version = latest
        for name, value in values.items():
            setattr(version, name, value)
    else:
        version = WordingVersion(text_id=text.id, version=number, created_by=actor.name, created_at=now, **values)
    session.add(version)
    session.flush()
    _audit_save(session, actor=actor, now=now, text=text, version=version, before=before)
    return version


def _audit_save(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    text: WordingText,
    version: WordingVersion,
    before: dict[str, Any] | None,
) -> None:
    audit.record(
        session,
        actor=actor,
        action="wording.version_saved",
        entity_type="wording_version",
        entity_id=version.id,
        now=now,
        before=before,
        after={
            "purpose": text.purpose,
            "owner_kind": text.owner_kind,
            "owner_id": text.owner_id,
            "version": version.version,
            "sha256": version.content_sha256,
            "material_change": version.material_change,
        },
    )


def mark_used(session: Session, *, version_id: int, now: datetime) -> None:
    """From now on the version is frozen; the first use stays the first (a later call changes nothing)."""
    session.execute(
        update(WordingVersion)
        .where(WordingVersion.id == version_id, WordingVersion.first_used_at.is_(None))
        .values(first_used_at=now)
    )


def _refuse(errors: list) -> None:
    if errors:
        raise Invalid("; ".join(f"{e.field}: {e.reason}" for e in errors), errors=errors)
