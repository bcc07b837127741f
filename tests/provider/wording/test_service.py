"""Versioned wording on a real database: versions, freezing on first use, material changes, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from provider.errors import Conflict, Invalid
from provider.security.models import AuditEvent
from provider.wording import rules, service
from provider.wording.models import WordingText, WordingVersion
from tests.conftest import TESTER

NOTICE = rules.Purpose(name="test.notice", label="test notice", parts=("subject", "body"), owner_kind="case")
STANDING = rules.Purpose(name="test.standing", label="standing notice", parts=("body",))
PARTS = {"subject": "Your data", "body": "We lost a tape."}


def save(session: Session, clock, parts=PARTS, owner_id: int = 7, **flags) -> WordingVersion:
    return service.save(
        session,
        actor=TESTER,
        now=clock.now(),
        purpose=NOTICE,
        owner_kind="case",
        owner_id=owner_id,
        parts=parts,
        **flags,
    )


def test_a_first_save_makes_version_1_with_the_canonical_digest(session, clock):
    version = save(session, clock)
    session.commit()
    assert (version.version, version.hash_scheme, version.first_used_at) == (1, "canonical_json", None)
    assert version.content_sha256 == rules.content_hash(PARTS)
    text = session.get(WordingText, version.text_id)
    assert (text.purpose, text.owner_kind, text.owner_id) == ("test.notice", "case", 7)
    event = session.execute(select(AuditEvent).where(AuditEvent.action == "wording.version_saved")).scalar_one()
    assert version.content_sha256 in event.after and '"owner_id":7' in event.after


def test_an_unused_version_is_edited_in_place(session, clock):
    first = save(session, clock)
    clock.advance(minutes=5)
    again = save(session, clock, PARTS | {"body": "We lost a backup tape."})
    session.commit()
    assert again.id == first.id and again.version == 1 and again.parts["body"] == "We lost a backup tape."
    assert again.updated_at == clock.now() and again.created_at == clock.now() - timedelta(minutes=5)


def test_once_used_a_version_is_frozen_and_an_edit_makes_the_next(session, clock):
    first = save(session, clock)
    service.mark_used(session, version_id=first.id, now=clock.now())
    session.commit()
    digest = first.content_sha256
    second = save(session, clock, PARTS | {"body": "Updated."})
    session.commit()
    session.refresh(first)
    assert second.version == 2 and first.parts == PARTS and first.content_sha256 == digest
    assert [v.version for v in service.versions(session, text_id=first.text_id)] == [2, 1]


def test_saving_the_same_wording_again_writes_nothing(session, clock):
    first = save(session, clock)
    service.mark_used(session, version_id=first.id, now=clock.now())
    assert save(session, clock, dict(PARTS)).id == first.id
    session.commit()
    assert session.execute(select(func.count()).select_from(WordingVersion)).scalar_one() == 1
    assert session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == 1


def test_the_first_use_stays_the_first(session, clock):
    version = save(session, clock)
    first_use = clock.now()
    service.mark_used(session, version_id=version.id, now=first_use)
    clock.advance(days=2)
    service.mark_used(session, version_id=version.id, now=clock.now())
    session.commit()
    session.refresh(version)
    assert version.first_used_at == first_use


def test_no_code_path_can_rewrite_or_delete_a_used_version(engine, clock):
    with Session(engine) as session:
        version = save(session, clock)
        service.mark_used(session, version_id=version.id, now=clock.now())
        session.commit()
        version.parts = {"subject": "Rewritten", "body": "after the fact"}
        session.add(version)
        with pytest.raises(Conflict, match="cannot change"):
            session.flush()
        session.rollback()
        with pytest.raises(Conflict, match="cannot be deleted"):
            session.delete(session.get(WordingVersion, version.id))
            session.flush()
        session.rollback()
        assert session.get(WordingVersion, version.id).parts == PARTS


def test_a_material_change_is_recorded_with_its_note(session, clock):
    first = save(session, clock)
    service.mark_used(session, version_id=first.id, now=clock.now())
    second = save(
        session,
        clock,
        PARTS | {"body": "We also lost location data."},
        material_change=True,
        material_change_note="location data added: everyone must be told again",
    )
    session.commit()
    session.refresh(second)
    assert (second.version, second.material_change) == (2, True)
    assert second.material_change_note == "location data added: everyone must be told again"
    history = [(v.version, v.material_change) for v in service.versions(session, text_id=first.text_id)]
    assert rules.changed_materially_since(history, seen_version=1)


def test_a_first_version_cannot_be_a_material_change_and_a_material_change_needs_a_note(session, clock):
    with pytest.raises(Invalid) as refused:
        save(session, clock, material_change=True, material_change_note="new")
    assert [e.field for e in refused.value.errors] == ["material_change"]
    session.rollback()
    first = save(session, clock)
    service.mark_used(session, version_id=first.id, now=clock.now())
    with pytest.raises(Invalid) as refused:
        save(session, clock, PARTS | {"body": "Changed."}, material_change=True)
    assert [e.field for e in refused.value.errors] == ["material_change_note"]


def test_parts_must_be_the_purposes_parts(session, clock):
    with pytest.raises(Invalid) as refused:
        save(session, clock, {"subject": "Only a subject"})
    assert [e.field for e in refused.value.errors] == ["body"]


def test_each_owner_has_its_own_text_and_a_provider_wide_text_is_one(session, clock):
    save(session, clock, owner_id=7)
    save(session, clock, owner_id=8)
    for _ in range(2):
        service.save(session, actor=TESTER, now=clock.now(), purpose=STANDING, parts={"body": "We keep call records."})
    session.commit()
    texts = session.execute(select(WordingText.purpose, WordingText.owner_id).order_by(WordingText.id)).all()
    assert [tuple(t) for t in texts] == [("test.notice", 7), ("test.notice", 8), ("test.standing", None)]
    assert len(service.versions_of(session, purpose=STANDING)) == 1
    assert [v.version for v in service.versions_of(session, purpose=NOTICE, owner_kind="case", owner_id=8)] == [1]
