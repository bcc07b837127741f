"""The ICO notification PDF (PECR reg 5A; 611/2013 Annex I), rendered from a filing's snapshot. Pure.

Data in, bytes out: the same snapshot always gives the same bytes (reportlab invariant mode), so the
stored SHA-256 can be re-derived from the stored snapshot. The layout follows the ICO's PECR breach
notification form: who is notifying, whether first or second, Section 1 (initial information),
Section 2 (further information), and reasons for delay when late. Times are printed on London wall
clocks with the zone abbreviation (GMT/BST) and the UTC instant beside them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from breach import rules
from breach.ico import questions
from breach.ico.questions import when
from breach.presenters import CATEGORY_LABELS, CIRCUMSTANCE_LABELS, STAGE_LABELS, due_heading
from provider.clock import ensure_utc
from provider.durations import describe_duration
from provider.evidence import content_sha256
from provider.notices import fonts, pdf

DOCUMENT_TITLE = "Personal data breach notification — PECR regulation 5A"
REGIME_TEXT = {
    "611/2013": "Commission Regulation (EU) No 611/2013 (awareness before 20 August 2025): initial notification "
    "within 24 hours of detection where feasible; second notification within 3 days of the initial.",
    "DUAA": "PECR regulation 5A as amended by the Data (Use and Access) Act 2025 (awareness on or after "
    "20 August 2025): without undue delay and, where feasible, within 72 hours of becoming aware; "
    "reasons must be given for any later notification.",
}
NO_STATUTORY_HOURS = {
    "611/2013": "No fixed hours for this notification: the remaining information as soon as possible "
    "(611/2013 Art 2(3)).",
    "DUAA": "No statutory hours for this notification: further information in phases without undue further "
    "delay (DUAA).",
}


def stage_title(stage: str | None) -> str | None:
    """The ICO form's name for the stage: 'Initial notification (first notification)'."""
    label = STAGE_LABELS.get(stage, stage)
    return f"{label} (first notification)" if stage == "initial" else label


def _flagged(value: Any, estimate: bool) -> Any:
    if value is None or value == "":
        return None
    return f"{value} (estimate)" if estimate else value


def _original_rows(original: dict[str, Any]) -> list[tuple[str, Any]]:
    """The statutory deadline as it stood before an approved correction of the breach's times."""
    due = original.get("ico_notification")
    return [("Original statutory deadline (before an approved correction of the times)", when(due))] if due else []


def _about(
    filing: dict[str, Any], breach: dict[str, Any], snapshot_original: dict[str, Any] | None = None
) -> list[tuple[str, Any]]:
    regime = filing.get("regime") or breach.get("regime")
    due = when(filing.get("statutory_due_at")) or NO_STATUTORY_HOURS.get(regime, "No statutory hours")
    if filing.get("late"):
        late_by = describe_duration(filing.get("late_by_seconds") or 0, days_in_full=True, always_minutes=True)
        lateness = f"Yes: {late_by} after the statutory deadline"
    else:
        lateness = "No" if filing.get("statutory_due_at") else "Not applicable"
    rows = [
        ("Notification", stage_title(filing.get("stage"))),
        ("Our breach reference", breach.get("reference")),
        ("ICO reference", filing.get("ico_reference") or "Not yet given by the ICO"),
        ("Filing number", str(filing.get("sequence"))),
    ]
    if filing.get("supersedes_sequence"):
        rows.append(("Amends", f"Filing {filing['supersedes_sequence']} (this filing supersedes it)"))
    rows += [
        ("Filed at", when(filing.get("filed_at"))),
        *_original_rows(snapshot_original or {}),
        ("Filed by", filing.get("filed_by")),
        (_due_heading(filing), due),
        ("Filed after the deadline?", lateness),
        ("Rules applied", f"{regime}: {REGIME_TEXT.get(regime, '')}".strip()),
    ]
    return rows


def _due_heading(filing: dict[str, Any]) -> str:
    """The statutory deadline under its obligation's one name ("Notify the ICO by"): the first obligation a
    filing of the stage meets is the statutory one (rules.kinds_met_by); a stage with none keeps the plain
    heading."""
    met = rules.kinds_met_by(filing["stage"]) if filing.get("statutory_due_at") and filing.get("stage") else ()
    return f"{due_heading(met[0])} (statutory deadline)" if met else "Statutory deadline"


def _section_1(breach: dict[str, Any]) -> list[tuple[str, Any]]:
    circumstance = CIRCUMSTANCE_LABELS.get(breach.get("circumstance"), breach.get("circumstance"))
    if breach.get("circumstance_detail"):
        circumstance = f"{circumstance}: {breach['circumstance_detail']}"
    categories = ", ".join(CATEGORY_LABELS.get(c, c) for c in breach.get("data_categories") or [])
    rows = [
        (
            "Date and time of the incident",
            _flagged(when(breach.get("occurred_at")), bool(breach.get("occurred_is_estimate"))),
        ),
        ("Date and time of detection", when(breach.get("detected_at"))),
        ("Date and time the provider became aware", when(breach.get("aware_at"))),
    ]
    if breach.get("awareness_justification"):
        rows.append(("Why awareness differs from detection", breach["awareness_justification"]))
    rows += [
        ("Circumstances of the breach", circumstance),
        ("Nature and content of the personal data", breach.get("data_description")),
        ("Categories of personal data", categories),
        ("Technical and organisational measures applied to the data", breach.get("protection_measures")),
        ("Encryption or other unintelligibility measures", breach.get("encryption_details")),
        ("Relevant use of other providers", breach.get("other_providers")),
    ]
    return rows


def _provided(rows: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """A blank answer prints "not provided" (Annex I answers are never silently empty)."""
    return [(label, questions.answer(value)) for label, value in rows]


def _gap_words(gap: dict[str, Any]) -> str:
    expected = gap.get("expected")
    return f"Not yet known: {gap.get('reason')}" + (f" (expected by {expected})" if expected else "")


def _with_gaps(rows: list[tuple[str, Any]], names: list[str], gaps: dict[str, Any]) -> list[tuple[str, Any]]:
    """Section 2 rows, a missing item filed with a gap saying why and when it is expected."""
    return [
        (label, _gap_words(gaps[name]) if name in gaps and questions.answer(value) == questions.NOT_PROVIDED else value)
        for (label, value), name in zip(rows, names, strict=True)
    ]


def _changes(snapshot: dict[str, Any]) -> list[Any]:
    changes = snapshot.get("changes")
    if not changes:
        return []
    rows = [
        (item["label"], f"Before: {questions.answer(item['before'])}\nNow: {questions.answer(item['after'])}")
        for item in changes.get("items", [])
    ]
    title = f"What changed since filing {changes.get('since_sequence')}"
    return [pdf.heading(title), pdf.field_table(rows) if rows else pdf.text("Nothing changed in the recorded facts.")]


def _section_2_named(snapshot: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(field, label, answer) per Section 2 item; items 13-15 from the attached customer notice, 16 and 17
    as separate answers (an older snapshot's single cross-border answer is still printed when present)."""
    breach, notice = snapshot["breach"], snapshot.get("customer_notice") or {}
    individuals = breach.get("individuals_affected")
    number = f"{individuals:,}" if individuals is not None else None
    get = breach.get
    rows = [
        ("summary", "Summary of the incident", get("summary")),
        ("location_and_media", "Physical location and storage media", get("location_and_media")),
        (
            "individuals_affected",
            "Number of subscribers or individuals concerned",
            _flagged(number, bool(get("individuals_is_estimate"))),
        ),
        ("likely_consequences", "Potential consequences and adverse effects", get("likely_consequences")),
        ("mitigation_measures", "Measures taken to mitigate possible adverse effects", get("mitigation_measures")),
        (
            "customer_notification_summary",
            "Customer notifications: content, means and number",
            get("customer_notification_summary"),
        ),
    ]
    if notice:
        rows += [
            ("", "Content of the customer notification (item 13)", f"Wording version {notice.get('version')}, below"),
            ("", "Means of communication used (item 14)", notice.get("means")),
            ("", "Number of subscribers or individuals notified (item 15)", notice.get("notified")),
        ]
    rows += [
        ("other_countries", "Subscribers or individuals in other countries (item 16)", get("other_countries")),
        ("other_authorities", "Other competent authorities notified (item 17)", get("other_authorities")),
    ]
    if get("cross_border"):
        rows.append(("cross_border", "Cross-border aspects", get("cross_border")))
    return rows


def _section_2_rows(snapshot: dict[str, Any]) -> list[tuple[str, Any]]:
    named = _section_2_named(snapshot)
    rows = [(label, value) for _name, label, value in named]
    return _provided(_with_gaps(rows, [name for name, _label, _value in named], snapshot.get("gaps") or {}))


def _attached_notice(snapshot: dict[str, Any]) -> list[Any]:
    notice = snapshot.get("customer_notice")
    if not notice:
        return []
    heading = f"Customer notification wording (item 13), version {notice.get('version')}"
    return [pdf.heading(heading), pdf.text(notice.get("text")), pdf.text(f"SHA-256 {notice.get('sha256')}", "small")]


DRAFT_WATERMARK = "DRAFT \u2013 not submitted"


def render_ico_notification(snapshot: dict[str, Any], *, draft: bool = False) -> bytes:
    """Lay the snapshot out like the ICO's PECR breach notification form (Section 1, Section 2, reasons
    for delay), times in Europe/London with the zone name."""
    provider, breach, filing = snapshot["provider"], snapshot["breach"], snapshot["filing"]
    story = [
        pdf.title(DOCUMENT_TITLE),
        pdf.text(f"{stage_title(filing.get('stage'))} · {breach.get('title', '')}"),
        pdf.text(
            f"Times are shown on {snapshot.get('timezone', 'Europe/London')} clocks with the zone (GMT or "
            "BST) and, in brackets, in UTC. Items not yet known are marked as such.",
            "small",
        ),
        *([pdf.text(f"{DRAFT_WATERMARK}: a preview, not stored and not sent.", "small")] if draft else []),
        pdf.spacer(),
        pdf.heading("About this notification"),
        pdf.field_table(_about(filing, breach, snapshot.get("original_due"))),
        pdf.heading("Service provider and contact point"),
        pdf.provider_block(provider),
        pdf.heading("Section 1 — Initial information (611/2013 Annex I)"),
        pdf.field_table(_provided(_section_1(breach))),
        pdf.heading("Section 2 — Further information (611/2013 Annex I)"),
        pdf.field_table(_section_2_rows(snapshot)),
        *_attached_notice(snapshot),
        *_changes(snapshot),
    ]
    if filing.get("late") or filing.get("delay_reasons"):
        story += [pdf.heading("Reasons for delay"), pdf.text(filing.get("delay_reasons"))]
    story += [
        pdf.spacer(),
        pdf.text(
            f"Generated by the provider's PECR compliance system from the data recorded at filing. The SHA-256 of "
            f"this document is stored with filing {filing.get('sequence')} of breach {breach.get('reference')}.",
            "small",
        ),
    ]
    filed_at = filing.get("filed_at")
    return pdf.build(
        story,
        document_title=f"{DOCUMENT_TITLE}: {breach.get('reference')} filing {filing.get('sequence')}",
        reference=str(breach.get("reference")),
        author=str(provider.get("legal_name") or "pecr"),
        watermark=DRAFT_WATERMARK if draft else "",
        created_at=ensure_utc(datetime.fromisoformat(filed_at)) if filed_at else None,
        footer=footer_lines(snapshot),
    )


def undrawable_fields(snapshot: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """(field, characters) for each text of the snapshot that holds characters no installed font can
    print (provider.notices.fonts): the person filing is told before the notification is made."""
    found = []
    for part in ("provider", "breach", "filing"):
        for name, value in snapshot.get(part, {}).items():
            if isinstance(value, str) and (missing := fonts.undrawable([value])):
                found.append((name, missing))
    return found


def footer_lines(snapshot: dict[str, Any]) -> list[str]:
    """Every page: breach reference, stage, filing number, and the SHA-256 of the snapshot it was made from
    (canonical JSON, provider.evidence), so a single printed page can be tied to its stored record."""
    breach, filing = snapshot["breach"], snapshot["filing"]
    return [
        f"{breach.get('reference')} · {stage_title(filing.get('stage'))} · filing {filing.get('sequence')}",
        f"Snapshot SHA-256 {content_sha256(snapshot)}",
    ]
