"""What an ICO notification of each stage must hold, as pure functions (611/2013 Art 2 and Annex I; PECR
reg 5A as amended by DUAA for the reasons a late notification gives). See `shared/rules.md` §1.

Every missing item is reported at once, not just the first, so the form's checklist and the API's 422
list the same things; the provider's name and contact point come from the provider profile.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import Any

from breach.models import FilingStage, Regime
from breach.rules import is_blank
from provider.clock import ensure_utc
from provider.errors import FieldError

PROFILE_FIELDS = (
    ("legal_name", "the provider's name (Annex I Section 1)"),
    ("contact_name", "the DPO or contact point (Annex I Section 1)"),
    ("contact_email", "the contact point's e-mail address"),
    ("contact_phone", "the contact point's telephone number"),
)
SECTION_1_TEXT = (
    ("data_description", "the nature and content of the personal data concerned"),
    ("protection_measures", "the technical and organisational measures applied to the affected data"),
    ("other_providers", 'the relevant use of other providers (answer "none" if there was none)'),
)
SECTION_2_TEXT = (
    ("summary", "a summary of the incident"),
    ("location_and_media", "the physical location of the breach and the storage media involved"),
    ("likely_consequences", "the potential consequences and adverse effects on individuals"),
    ("mitigation_measures", "the measures taken to mitigate possible adverse effects"),
    (
        "customer_notification_summary",
        "the content, means and number of customer notifications, or what is not yet decided and when it will be",
    ),
)


def missing_fields(breach: Any, profile: Any | None, stage: FilingStage | str) -> list[FieldError]:
    """Every item the filing of `stage` needs and does not have (not just the first), per 611/2013 Annex I.

    Section 1 (every stage): provider name and contact point (from the provider profile; no profile is
    itself a missing field), date and time of the incident (an estimate, flagged, is accepted), of
    detection, the circumstances (with detail when "other"), nature and content of the data (description
    and at least one category), the protection measures applied, and the use of other providers ("none"
    is an answer; blank is not). Section 2 (second and follow-up) adds the summary, location and media,
    number of individuals (an estimate, flagged, is accepted), consequences, mitigation and customer
    notifications. Cross-border aspects are optional in both.
    """
    errors = _profile_errors(profile)
    errors += _section_1_errors(breach)
    if FilingStage(stage) is not FilingStage.initial:
        errors += _section_2_errors(breach)
    return errors


def required_fields(stage: FilingStage | str) -> list[FieldError]:
    """Everything a filing of `stage` needs: what `missing_fields` reports when nothing is filled in."""
    blank_breach = SimpleNamespace(
        occurred_at=None,
        detected_at=None,
        circumstance="",
        circumstance_detail="",
        data_categories=[],
        individuals_affected=None,
        **{name: "" for name, _ in SECTION_1_TEXT + SECTION_2_TEXT},
    )
    blank_profile = SimpleNamespace(**{name: "" for name, _ in PROFILE_FIELDS})
    return missing_fields(blank_breach, blank_profile, stage)


def _profile_errors(profile: Any | None) -> list[FieldError]:
    if profile is None:
        return [FieldError("provider_profile", "the provider profile (name and contact point) has not been set up")]
    return [
        FieldError(f"provider.{name}", f"missing: {reason}")
        for name, reason in PROFILE_FIELDS
        if is_blank(getattr(profile, name, None))
    ]


def _section_1_errors(breach: Any) -> list[FieldError]:
    errors = []
    if breach.occurred_at is None:
        errors.append(
            FieldError("occurred_at", "missing: the date and time of the incident (or an estimate, marked as one)")
        )
    if breach.detected_at is None:
        errors.append(FieldError("detected_at", "missing: the date and time the breach was detected"))
    if is_blank(breach.circumstance):
        errors.append(FieldError("circumstance", "missing: the circumstances (loss, theft, copying…)"))
    elif str(breach.circumstance) == "other" and is_blank(breach.circumstance_detail):
        errors.append(FieldError("circumstance_detail", "missing: describe the circumstances when 'other'"))
    if not breach.data_categories:
        errors.append(FieldError("data_categories", "missing: at least one category of personal data"))
    errors += [
        FieldError(name, f"missing: {reason}") for name, reason in SECTION_1_TEXT if is_blank(getattr(breach, name))
    ]
    return errors


def _section_2_errors(breach: Any) -> list[FieldError]:
    errors = [
        FieldError(name, f"missing: {reason}") for name, reason in SECTION_2_TEXT if is_blank(getattr(breach, name))
    ]
    if breach.individuals_affected is None:
        errors.insert(
            2,
            FieldError(
                "individuals_affected",
                "missing: the number of individuals concerned (an estimate, marked as one, is accepted)",
            ),
        )
    return errors


def delay_errors(*, late: bool, delay_reasons: str, regime: Regime) -> list[FieldError]:
    """A notification after its statutory deadline must say why (DUAA: reasons for the delay; 611/2013 Art
    2(3): a reasoned justification)."""
    if not late or not is_blank(delay_reasons):
        return []
    wording = (
        "the reasons for the delay (DUAA)"
        if Regime(regime) is Regime.duaa
        else "a reasoned justification for the delay (611/2013 Art 2(3))"
    )
    return [FieldError("delay_reasons", f"required: the statutory deadline has passed, so give {wording}")]


def submission_errors(
    *,
    submitted_at: datetime,
    filed_at: datetime,
    now: datetime,
    late: bool,
    delay_reasons: str,
    regime: Regime,
) -> list[FieldError]:
    """Every problem with a recorded submission time, at once.

    The time is entered by the person who submitted (to the minute, as a form gives it): it may not lie in
    the future, nor before the document existed (the minute the filing was made counts, since the form has no
    seconds). A submission after the statutory deadline needs the reasons for the delay, unless the filing
    already gave them."""
    submitted, filed, now = ensure_utc(submitted_at), ensure_utc(filed_at), ensure_utc(now)
    errors = []
    if submitted > now:
        errors.append(FieldError("submitted_at", "is in the future: record the time it was actually submitted"))
    if submitted < filed.replace(second=0, microsecond=0):
        errors.append(
            FieldError(
                "submitted_at", "is before the document existed: it cannot have been submitted before it was made"
            )
        )
    errors += delay_errors(late=late, delay_reasons=delay_reasons, regime=regime)
    return errors
