"""The media notice's own wording (611/2013 Art 3(7)): what the public reads when the people affected
cannot all be told one by one.

It is a text of its own on the versioned-wording core (purpose MEDIA_NOTICE, one per breach), not the
customer letter with its personal sentences cut out: a public notice speaks to everyone ("customers whose
lines ..."), so staff word it for that. Until they do, the product proposes one made from the customer
wording with every sentence that names a person left out (documents.public_text), and a media notice made
before any is saved uses that proposal, saying so in its snapshot. The content rules are the customer
notice's (every Annex II section, no marketing, every character printable), and no personal placeholder.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, Session, SQLModel

from breach.notices import documents, rules, service
from breach.notices.models import NoticeMedia
from provider import evidence
from provider.errors import Conflict, FieldError, Invalid
from provider.security import audit
from provider.security.actor import Actor
from provider.text import Line, Lines
from provider.wording import service as wording_service
from provider.wording.models import WordingVersion
from provider.wording.rules import Purpose

LONG_TEXT = 20_000


class MediaWordingInput(SQLModel):
    """The public notice's wording: a headline and the Annex II sections, naming nobody."""

    headline: Line = Field(default="", max_length=200)
    provider_name: Line = Field(default="", max_length=200)
    contact_details: Lines = Field(default="", max_length=2000)
    summary: Lines = Field(default="", max_length=LONG_TEXT)
    estimated_date: Line = Field(default="", max_length=200)
    data_nature: Lines = Field(default="", max_length=LONG_TEXT)
    likely_consequences: Lines = Field(default="", max_length=LONG_TEXT)
    circumstances: Lines = Field(default="", max_length=LONG_TEXT)
    provider_measures: Lines = Field(default="", max_length=LONG_TEXT)
    customer_measures: Lines = Field(default="", max_length=LONG_TEXT)


class MediaWordingPublic(MediaWordingInput):
    id: int
    version: int
    content_sha256: str
    created_by: str
    created_at: datetime
    first_used_at: datetime | None


MEDIA_FIELDS = tuple(MediaWordingInput.model_fields)
MEDIA_NOTICE = Purpose(
    name="breach.media_notice",
    label="public (media) notice of a breach (611/2013 Art 3(7))",
    parts=MEDIA_FIELDS,
    owner_kind="breach",
)


def _public(version: WordingVersion) -> MediaWordingPublic:
    return wording_service.as_model(MediaWordingPublic, version, MEDIA_FIELDS)


def versions(session: Session, breach_id: int) -> list[MediaWordingPublic]:
    found = wording_service.versions_of(session, purpose=MEDIA_NOTICE, owner_kind="breach", owner_id=breach_id)
    return [_public(version) for version in found]


def current(session: Session, breach_id: int) -> MediaWordingPublic | None:
    found = versions(session, breach_id)
    return found[0] if found else None


def proposed(session: Session, breach_id: int) -> MediaWordingInput:
    """The saved wording, else one made from the customer wording (saved, else the product's draft)."""
    saved = current(session, breach_id)
    if saved is not None:
        return MediaWordingInput.model_validate(saved.model_dump(include=set(MEDIA_FIELDS)))
    customer = service.current_template(session, breach_id) or service.draft_template(session, breach_id)
    fields = service.template_fields(customer)
    # The letter's subject speaks to one customer ("your information"); a public headline names the provider.
    provider = fields.get("provider_name", "")
    return MediaWordingInput.model_construct(
        headline=f"Public notice of a personal data breach at {provider}"
        if provider
        else "Public notice of a personal data breach",
        **{name: documents.public_text(fields.get(name, "")) for name in MEDIA_FIELDS if name != "headline"},
    )


def _errors(values: dict[str, str]) -> list[FieldError]:
    errors = rules.check_content(values, required=MEDIA_FIELDS)
    for name, value in values.items():
        named = [p for p in rules.PERSONAL_PLACEHOLDERS if "{" + p + "}" in value]
        if named:
            errors.append(FieldError(name, "a public notice names nobody: remove {" + named[0] + "}"))
    return errors


def save(
    session: Session, *, actor: Actor, now: datetime, breach_id: int, data: MediaWordingInput
) -> MediaWordingPublic:
    """Save the public wording: an unused latest version is edited in place, else the next one is made."""
    service.get_breach(session, breach_id)
    values = {name: str(getattr(data, name)).strip() for name in MEDIA_FIELDS}
    errors = _errors(values)
    if errors:
        raise Invalid("; ".join(f"{e.field}: {e.reason}" for e in errors), errors=errors)
    version = wording_service.save(
        session, actor=actor, now=now, purpose=MEDIA_NOTICE, owner_kind="breach", owner_id=breach_id, parts=values
    )
    return _public(version)


def wording_for_notice(session: Session, breach_id: int) -> tuple[int, dict[str, str], str]:
    """(wording version id, fields for documents.media_notice_pdf, where the wording came from) for a new
    media notice: the saved public wording, else the customer wording made public."""
    saved = current(session, breach_id)
    if saved is not None:
        fields = {name: getattr(saved, name) for name in MEDIA_FIELDS}
        return saved.id, fields | {"subject": fields["headline"]}, f"public wording v{saved.version}"
    template = service.current_template(session, breach_id)
    if template is None:
        raise Conflict("write the notice wording first: the media notice is made from it")
    return template.id, service.template_fields(template), f"customer wording v{template.version}, made public"


def create_media_notice(session: Session, *, actor: Actor, now: datetime, breach_id: int) -> NoticeMedia:
    """611/2013 Art 3(7): a public notice from the current wording, for people who cannot be identified."""
    breach = service.get_breach(session, breach_id)
    version_id, fields, source = wording_for_notice(session, breach_id)
    version = wording_service.get_version(session, version_id)
    snapshot = {
        "provider": service.provider_snapshot(session),
        "breach_reference": breach.reference,
        "notice_date": service.local_date(now),
        "created_at": now.isoformat(),
        "template_version": version.version,
        "wording": source,
    }
    content = documents.media_notice_pdf(fields, snapshot)
    media = NoticeMedia(
        breach_id=breach_id,
        template_id=version_id,
        snapshot=snapshot,
        pdf_sha256=evidence.sha256(content),
        pdf_bytes=content,
        created_by=actor.name,
        created_at=now,
    )
    wording_service.mark_used(session, version_id=version_id, now=now)
    session.add(media)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="breach.media_notice_created",
        entity_type="breach_notice_media",
        entity_id=media.id,
        now=now,
        after={
            "breach_id": breach_id,
            "sha256": media.pdf_sha256,
            "template_version": version.version,
            "wording": source,
        },
    )
    service.refresh_customer_summary(session, actor=actor, now=now, breach_id=breach_id)
    return media
