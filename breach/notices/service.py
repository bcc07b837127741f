"""Customer-notice use cases: assess, decide, word the notice, publish a media notice, summarise.

The wording is versioned text on the core (provider.wording, purpose CUSTOMER_NOTICE, one text per
breach); this module checks the Annex II content rules and reads versions back as NoticeTemplate.

Each function loads, applies breach.notices.rules, writes and audits in the caller's transaction; the
route commits. Recipients, generation and sending (the bulk paths) are in breach.notices.bulk.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from breach.ico.models import FilingSubmission
from breach.models import Breach, Filing
from breach.notices import plain, rules
from breach.notices.assessments import current_assessment
from breach.notices.models import (
    BatchPublic,
    NoticeBatch,
    NoticeMedia,
    NoticeRecipient,
    NoticesOverview,
    NoticeTemplate,
    TemplateInput,
)
from provider.clock import london
from provider.errors import Conflict, Invalid, NotFound
from provider.profile.models import ProfileBase
from provider.profile.service import find_profile
from provider.security import audit
from provider.security.actor import Actor
from provider.wording import service as wording_service
from provider.wording.models import WordingVersion
from provider.wording.rules import Purpose

TEMPLATE_FIELDS = tuple(TemplateInput.model_fields)
CUSTOMER_NOTICE = Purpose(
    name="breach.customer_notice",
    label="customer breach notice (611/2013 Annex II)",
    parts=TEMPLATE_FIELDS,
    owner_kind="breach",
)


def get_breach(session: Session, breach_id: int) -> Breach:
    breach = session.get(Breach, breach_id)
    if breach is None:
        raise NotFound(f"breach {breach_id} does not exist")
    return breach


def local_date(moment: datetime) -> str:
    local = london(moment)
    return f"{local.day} {local:%B %Y}"


def provider_snapshot(session: Session) -> dict[str, str]:
    """The provider's identity as every notice prints it (611/2013 Annex II: name and contact point)."""
    profile = find_profile(session)
    if profile is None:
        raise Conflict(
            "the provider profile has not been set up: an administrator must fill it in before notices can be produced"
        )
    return {name: getattr(profile, name) for name in ProfileBase.model_fields}


# --- wording (provider.wording, one text per breach) ----------------------------------------------------


def template_versions(session: Session, breach_id: int) -> list[NoticeTemplate]:
    versions = wording_service.versions_of(session, purpose=CUSTOMER_NOTICE, owner_kind="breach", owner_id=breach_id)
    return [as_template(version) for version in versions]


def current_template(session: Session, breach_id: int) -> NoticeTemplate | None:
    versions = template_versions(session, breach_id)
    return versions[0] if versions else None


def as_template(version: WordingVersion) -> NoticeTemplate:
    return wording_service.as_model(NoticeTemplate, version, TEMPLATE_FIELDS)


def version_fields(session: Session, version_id: int) -> dict[str, str]:
    """The wording a batch, recipient or media notice was made from (their `template_id`)."""
    return template_fields(as_template(wording_service.get_version(session, version_id)))


def template_fields(template: NoticeTemplate | TemplateInput) -> dict[str, str]:
    return {name: getattr(template, name) for name in TEMPLATE_FIELDS}


def draft_template(session: Session, breach_id: int) -> TemplateInput:
    """The latest version, or a first draft in plain language (breach.notices.plain) from the breach's
    categories, the decision and the provider profile; the ICO's technical text is not copied in."""
    breach = get_breach(session, breach_id)
    latest = current_template(session, breach_id)
    if latest is not None:
        return TemplateInput(**template_fields(latest))
    profile = find_profile(session)
    contact = ""
    if profile is not None:
        contact = (
            f"{profile.contact_name}, {profile.contact_role}\nE-mail: {profile.contact_email}\n"
            f"Telephone: {profile.contact_phone}\n{profile.address}"
        )
    when = ""
    if breach.occurred_at is not None:
        when = ("On or about " if breach.occurred_is_estimate else "On ") + local_date(breach.occurred_at)
    assessment = current_assessment(session, breach_id)
    found = list(assessment.consequences) if assessment else []
    categories = [str(c) for c in breach.data_categories or []] + (list(assessment.natures) if assessment else [])
    return TemplateInput(
        subject="Important: a personal data breach affecting your information",
        provider_name=(profile.trading_name or profile.legal_name) if profile else "",
        contact_details=contact,
        summary=plain.what_happened(str(breach.circumstance)),
        estimated_date=when,
        data_nature=plain.data_involved(dict.fromkeys(categories)),
        likely_consequences=plain.consequences(found),
        circumstances=f"We found out about it on {local_date(breach.detected_at)}." if breach.detected_at else "",
        provider_measures=plain.provider_measures(
            remedied=bool((breach.mitigation_measures or "").strip()), ico=_ico_notification(session, breach_id)
        ),
        customer_measures=plain.customer_measures(found + categories),
    )


def _ico_notification(session: Session, breach_id: int) -> str:
    """ "submitted" when a filing of the breach was submitted to the ICO, "filed" when one was only made, else
    "none" (see plain.ICO_WORDS)."""
    filed = session.execute(
        select(func.count(Filing.id), func.count(FilingSubmission.id))
        .select_from(Filing)
        .outerjoin(FilingSubmission, FilingSubmission.filing_id == Filing.id)
        .where(Filing.breach_id == breach_id)
    ).one()
    return "submitted" if filed[1] else "filed" if filed[0] else "none"


def save_template(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    breach_id: int,
    data: TemplateInput,
) -> NoticeTemplate:
    """Save the wording: edits an unused latest version in place, otherwise creates the next version
    (provider.wording audits the save)."""
    get_breach(session, breach_id)
    values = {name: str(getattr(data, name)).strip() for name in TEMPLATE_FIELDS}
    errors = rules.check_content(values, required=TEMPLATE_FIELDS)
    if errors:
        raise Invalid("; ".join(f"{e.field}: {e.reason}" for e in errors), errors=errors)
    version = wording_service.save(
        session, actor=actor, now=now, purpose=CUSTOMER_NOTICE, owner_kind="breach", owner_id=breach_id, parts=values
    )
    return as_template(version)


# --- media notice and the ICO Section 2 summary -------------------------------------------------------------


def latest_media_notice(session: Session, breach_id: int) -> NoticeMedia | None:
    return session.execute(
        select(NoticeMedia).where(NoticeMedia.breach_id == breach_id).order_by(NoticeMedia.id.desc()).limit(1)
    ).scalar_one_or_none()


def recipient_counts(session: Session, breach_id: int) -> dict[tuple[str, str], int]:
    rows = session.execute(
        select(NoticeRecipient.channel, NoticeRecipient.status, func.count())
        .where(NoticeRecipient.breach_id == breach_id)
        .group_by(NoticeRecipient.channel, NoticeRecipient.status)
    ).all()
    return {(str(channel), str(status)): count for channel, status, count in rows}


def refresh_customer_summary(session: Session, *, actor: Actor, now: datetime, breach_id: int) -> str:
    """Write the content, means and number of customer notifications (ICO form Section 2), audited."""
    breach = get_breach(session, breach_id)
    versions = [
        (template.version, template.content_sha256)
        for template in reversed(template_versions(session, breach_id))
        if template.first_used_at is not None
    ]
    media = session.execute(
        select(func.count(), func.max(NoticeMedia.created_at)).where(NoticeMedia.breach_id == breach_id)
    ).one()
    text = rules.customer_summary(
        recipient_counts(session, breach_id),
        versions,
        media_count=media[0],
        media_date=local_date(media[1]) if media[1] else "",
    )
    if text != breach.customer_notification_summary:
        before = {"customer_notification_summary": breach.customer_notification_summary}
        breach.customer_notification_summary, breach.updated_at = text, now
        session.add(breach)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="breach.customer_summary_updated",
            entity_type="breach",
            entity_id=breach_id,
            now=now,
            before=before,
            after={"customer_notification_summary": text},
        )
    return text


def batches(session: Session, breach_id: int) -> list[tuple[NoticeBatch, int]]:
    return [
        (batch, version)
        for batch, version in session.execute(
            select(NoticeBatch, WordingVersion.version)
            .join(WordingVersion, WordingVersion.id == NoticeBatch.template_id)
            .where(NoticeBatch.breach_id == breach_id)
            .order_by(NoticeBatch.sequence.desc())
        ).all()
    ]


def overview(session: Session, breach_id: int) -> NoticesOverview:
    breach = get_breach(session, breach_id)
    assessment = current_assessment(session, breach_id)
    template = current_template(session, breach_id)
    counts = recipient_counts(session, breach_id)
    by_status: dict[str, int] = {}
    by_channel: dict[str, int] = {}
    for (channel, status), count in counts.items():
        by_status[status] = by_status.get(status, 0) + count
        by_channel[channel] = by_channel.get(channel, 0) + count
    runs = [
        BatchPublic(**batch.model_dump(), template_version=version) for batch, version in batches(session, breach_id)
    ]
    return NoticesOverview(
        breach_id=breach_id,
        outcome=assessment.outcome if assessment else None,
        template_version=template.version if template else None,
        recipients=by_status,
        channels=by_channel,
        batches=runs,
        customer_notification_summary=breach.customer_notification_summary,
    )
