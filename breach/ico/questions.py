"""The question sheet: a filing's answers in the order of the ICO's online PECR breach form, which follows
611/2013 Annex I item by item, so each can be copied across. Pure: snapshot in, rows out.

A blank answer is "not provided" (never "None stated"), so what was left empty is visible as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from breach.presenters import CATEGORY_LABELS, CIRCUMSTANCE_LABELS, STAGE_LABELS
from provider.clock import LONDON, ensure_utc

NOT_PROVIDED = "not provided"
NOT_YET_KNOWN = "not yet known"


@dataclass(frozen=True)
class Question:
    number: str  # Annex I item, "1" … "17"
    question: str
    answer: str
    provided: bool


@dataclass(frozen=True)
class Section:
    title: str
    questions: list[Question]


def when(value: str | None) -> str | None:
    """'Tue 27 Oct 2026 10:00 GMT (10:00 UTC)' from an ISO-8601 instant; None stays None (not yet known)."""
    if not value:
        return None
    instant = ensure_utc(datetime.fromisoformat(value))
    local = instant.astimezone(LONDON)
    return f"{local:%a %d %b %Y %H:%M} {local.tzname()} ({instant:%H:%M} UTC)"


def answer(value: Any) -> str:
    """The text to print for an answer; blank prints "not provided"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return NOT_PROVIDED
    return str(value)


def _q(number: str, question: str, value: Any) -> Question:
    text = answer(value)
    return Question(number, question, text, text != NOT_PROVIDED)


def _when(value: str | None, estimate: bool = False) -> str | None:
    words = when(value)
    return f"{words} (estimate)" if words and estimate else words


def individuals_answer(breach: dict[str, Any], gaps: dict[str, Any] | None = None) -> str | None:
    """The number concerned, "(estimate)" flagged; "not yet known" when a gap says so."""
    number = breach.get("individuals_affected")
    if number is None:
        return NOT_YET_KNOWN if (gaps or {}).get("individuals_affected") else None
    return f"{number:,}" + (" (estimate)" if breach.get("individuals_is_estimate") else "")


def _customer_notice(snapshot: dict[str, Any]) -> str | None:
    notice = snapshot.get("customer_notice") or {}
    return notice.get("text") or snapshot.get("breach", {}).get("customer_notification_summary")


SECTION_1 = (
    ("1", "Name of the provider"),
    ("2", "Identity and contact details of the data protection officer or other contact point"),
    ("3", "Is this a first or second notification?"),
    ("4a", "Date and time of the incident"),
    ("4b", "Date and time of detection of the incident"),
    ("5", "Circumstances of the personal data breach"),
    ("6", "Nature and content of the personal data concerned"),
    ("7", "Technical and organisational measures applied to the affected personal data"),
    ("8", "Relevant use of other providers"),
)
SECTION_2 = (
    ("9", "Summary of the incident (physical location and storage media)"),
    ("10", "Number of subscribers or individuals concerned"),
    ("11", "Potential consequences and adverse effects on subscribers or individuals"),
    ("12", "Measures taken to mitigate possible adverse effects"),
    ("13", "Content of the notification to subscribers or individuals"),
    ("14", "Means of communication used"),
    ("15", "Number of subscribers or individuals notified"),
    ("16", "Breach involving subscribers or individuals in other countries"),
    ("17", "Notification of other competent authorities"),
)


def _contact(provider: dict[str, Any]) -> str:
    names = ("contact_name", "contact_role", "contact_email", "contact_phone")
    return ", ".join(provider[name] for name in names if provider.get(name))


def _section_1_answers(provider: dict[str, Any], breach: dict[str, Any], stage: str | None) -> list[Any]:
    circumstance = CIRCUMSTANCE_LABELS.get(breach.get("circumstance"), breach.get("circumstance"))
    if breach.get("circumstance_detail"):
        circumstance = f"{circumstance}: {breach['circumstance_detail']}"
    return [
        provider.get("legal_name"),
        _contact(provider),
        STAGE_LABELS.get(stage, stage),
        _when(breach.get("occurred_at"), bool(breach.get("occurred_is_estimate"))),
        _when(breach.get("detected_at")),
        circumstance,
        _data(breach),
        breach.get("protection_measures"),
        breach.get("other_providers"),
    ]


def _section_2_answers(snapshot: dict[str, Any], breach: dict[str, Any]) -> list[Any]:
    notice = snapshot.get("customer_notice") or {}
    return [
        _summary(breach),
        individuals_answer(breach, snapshot.get("gaps")),
        breach.get("likely_consequences"),
        breach.get("mitigation_measures"),
        _customer_notice(snapshot),
        notice.get("means"),
        notice.get("notified"),
        breach.get("other_countries"),
        breach.get("other_authorities"),
    ]


def question_sheet(snapshot: dict[str, Any]) -> list[Section]:
    """Sections and numbered questions (Annex I items 1–17) with the filed answers."""
    provider, breach, filing = snapshot.get("provider", {}), snapshot.get("breach", {}), snapshot.get("filing", {})
    first = _section_1_answers(provider, breach, filing.get("stage"))
    further = _section_2_answers(snapshot, breach)
    sections = [
        Section("Section 1: initial information", [_q(n, q, a) for (n, q), a in zip(SECTION_1, first, strict=True)]),
        Section("Section 2: further information", [_q(n, q, a) for (n, q), a in zip(SECTION_2, further, strict=True)]),
    ]
    if filing.get("delay_reasons"):
        sections.append(Section("Reasons for the delay", [_q("", "Reasons for the delay", filing["delay_reasons"])]))
    return sections


def _data(breach: dict[str, Any]) -> str | None:
    categories = ", ".join(CATEGORY_LABELS.get(c, c) for c in breach.get("data_categories") or [])
    parts = [part for part in (breach.get("data_description"), categories and f"Categories: {categories}") if part]
    return "\n".join(parts) or None


def _summary(breach: dict[str, Any]) -> str | None:
    parts = [part for part in (breach.get("summary"), breach.get("location_and_media")) if part]
    return "\n".join(parts) or None
