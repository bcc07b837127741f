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

from breach.presenters import CATEGORY_LABELS, CIRCUMSTANCE_LABELS, STAGE_LABELS
from provider.clock import LONDON, ensure_utc
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


def when(value: str | None) -> str | None:
    """'Tue 27 Oct 2026 10:00 GMT (10:00 UTC)' from an ISO-8601 instant; None stays None (not yet known)."""
    if not value:
        return None
    instant = ensure_utc(datetime.fromisoformat(value))
    local = instant.astimezone(LONDON)
    return f"{local:%a %d %b %Y %H:%M} {local.tzname()} ({instant:%H:%M} UTC)"


def _flagged(value: Any, estimate: bool) -> Any:
    if value is None or value == "":
        return None
    return f"{value} (estimate)" if estimate else value


def _about(filing: dict[str, Any], breach: dict[str, Any]) -> list[tuple[str, Any]]:
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
        ("Filed by", filing.get("filed_by")),
        ("Statutory deadline", due),
        ("Filed after the deadline?", lateness),
        ("Rules applied", f"{regime}: {REGIME_TEXT.get(regime, '')}".strip()),
    ]
    return rows


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


def _section_2(breach: dict[str, Any]) -> list[tuple[str, Any]]:
    individuals = breach.get("individuals_affected")
    return [
        ("Summary of the incident", breach.get("summary")),
        ("Physical location and storage media", breach.get("location_and_media")),
        (
            "Number of subscribers or individuals concerned",
            _flagged(
                f"{individuals:,}" if individuals is not None else None, bool(breach.get("individuals_is_estimate"))
            ),
        ),
        ("Potential consequences and adverse effects", breach.get("likely_consequences")),
        ("Measures taken to mitigate possible adverse effects", breach.get("mitigation_measures")),
        ("Customer notifications: content, means and number", breach.get("customer_notification_summary")),
        ("Cross-border aspects", breach.get("cross_border") or "None stated"),
    ]


def render_ico_notification(snapshot: dict[str, Any]) -> bytes:
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
        pdf.spacer(),
        pdf.heading("About this notification"),
        pdf.field_table(_about(filing, breach)),
        pdf.heading("Service provider and contact point"),
        pdf.provider_block(provider),
        pdf.heading("Section 1 — Initial information (611/2013 Annex I)"),
        pdf.field_table(_section_1(breach)),
        pdf.heading("Section 2 — Further information (611/2013 Annex I)"),
        pdf.field_table(_section_2(breach)),
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
