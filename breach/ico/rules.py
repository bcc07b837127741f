"""What an ICO notification of each stage must hold, as pure functions (611/2013 Art 2 and Annex I; PECR
reg 5A as amended by DUAA for the reasons a late notification gives). See `shared/rules.md` §1.

Every missing item is reported at once, not just the first, so the form's checklist and the API's 422
list the same things; the provider's name and contact point come from the provider profile.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
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


AMENDMENT = "amendment"


def stage_options(filed_stages: Iterable[FilingStage | str]) -> list[str]:
    """What the stage picker offers, given the stages already filed: the initial notification until one is
    filed; after it, the next stage (second, then follow-up) or an amendment, never "initial" again."""
    filed = {FilingStage(stage) for stage in filed_stages}
    if FilingStage.initial not in filed:
        return [FilingStage.initial.value]
    following = FilingStage.follow_up if FilingStage.second in filed else FilingStage.second
    return [following.value, AMENDMENT]


def amendment_lateness(late: bool, late_by_seconds: int | None, submitted_late_by: int | None) -> int | None:
    """How late the filing being amended was (its submission's lateness first, else its own), carried onto
    the amendment so it says it amends a late notification; None when it was on time."""
    if submitted_late_by:
        return submitted_late_by
    return late_by_seconds if late and late_by_seconds else None


# --- filing with gaps (611/2013 Art 2(3); DUAA: information in phases) -------------------------------------

SECTION_2_FIELDS = ("summary", "location_and_media", "individuals_affected") + tuple(
    name for name, _ in SECTION_2_TEXT if name not in ("summary", "location_and_media")
)
# The number of people may simply be "not yet known": a reason is enough, no expected date.
DATE_OPTIONAL_GAPS = frozenset({"individuals_affected"})


def gap_errors(
    missing: list[FieldError], gaps: dict[str, Any] | None, stage: FilingStage | str, today: date
) -> tuple[list[FieldError], dict[str, Any]]:
    """Which missing items still refuse a filing, and the gaps accepted in their place.

    A second or follow-up notification may be filed while Section 2 items are missing if each has a reason
    and the date it is expected (not before `today`); the number of individuals needs only a reason ("not
    yet known"). Anything else missing, or a gap without its reason or date, is refused naming the item.
    Gaps for items that are not missing are dropped (the answer itself is filed)."""
    gaps = gaps or {}
    if FilingStage(stage) is FilingStage.initial:
        return missing, {}
    remaining, accepted = [], {}
    for error in missing:
        gap = gaps.get(error.field)
        if error.field not in SECTION_2_FIELDS:
            remaining.append(error)
            continue
        problem = _gap_problem(error.field, gap, today)
        if problem:
            remaining.append(FieldError(error.field, f"{error.reason}; {problem}"))
        else:
            accepted[error.field] = {"reason": str(gap["reason"]).strip(), "expected": _iso(gap.get("expected"))}
    return remaining, accepted


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, date) else (value or None)


def _gap_problem(field: str, gap: Any, today: date) -> str:
    if not gap or is_blank(gap.get("reason")):
        return "or, to file without it, give the reason it is not yet available and the date it is expected"
    expected = gap.get("expected")
    if isinstance(expected, str) and expected:
        try:
            expected = date.fromisoformat(expected)
        except ValueError:
            return "the expected date is not a date"
    if expected is None or expected == "":
        return "" if field in DATE_OPTIONAL_GAPS else "give the date it is expected"
    if expected < today:
        return "the expected date has already passed"
    return ""


def _or_none(value: Any) -> Any:
    """Blank text and absent are the same answer; 0 and False are answers."""
    return None if is_blank(value) else value


def snapshot_changes(before: dict[str, Any], after: dict[str, Any], labels: dict[str, str]) -> list[dict[str, Any]]:
    """What changed between two filings' snapshots, field by field (breach facts and the provider block), in
    the order of `labels`; unchanged and unlabelled fields are left out."""
    changes = []
    for part in ("breach", "provider"):
        old, new = before.get(part, {}), after.get(part, {})
        for name, label in labels.items():
            if name in old or name in new:
                if _or_none(old.get(name)) != _or_none(new.get(name)):
                    changes.append(
                        {"field": f"{part}.{name}", "label": label, "before": old.get(name), "after": new.get(name)}
                    )
    return changes
