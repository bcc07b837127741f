"""The monthly breach log as the ICO receives it: a CSV laid out like the ICO's spreadsheet template,
and a landscape PDF. Pure: a `BreachLog` in, bytes out; the same log always gives the same bytes.

An empty month is an explicit nil return in both documents, never an empty file: the ICO asks for a
nil return when there were no breaches.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from datetime import datetime

from reportlab.platypus import Flowable, Paragraph

from breach.log.models import BreachLog, LogRow
from breach.models import ObligationKind
from breach.notices.presenters import OUTCOME_LOG_ANSWERS
from breach.presenters import CATEGORY_LABELS, CIRCUMSTANCE_LABELS, STATUS_LABELS, due_heading
from provider.clock import london
from provider.durations import describe_duration
from provider.notices import pdf

# The log's ICO deadline is the "notify the ICO" obligation, under the name the pages give it.
ICO_DUE = due_heading(ObligationKind.ico_notification)
ORIGINAL_DUE = "Original ICO deadline (before an approved correction of the times)"
CSV_COLUMNS = (
    "Provider",
    "ICO registration number",
    "Log month",
    "Breach reference",
    "ICO case reference",
    "Title",
    "Date of breach",
    "Date detected",
    "Date aware",
    "Regime",
    ICO_DUE,
    ORIGINAL_DUE,
    "Date notified to ICO",
    "Second notification to ICO",
    "Follow-up notification to ICO",
    "Notified late?",
    "Reasons for delay",
    "Nature of breach",
    "Facts (summary)",
    "Location and storage media",
    "Personal data concerned",
    "Individuals affected",
    "Consequences (effects)",
    "Remedial action taken",
    "Protection measures",
    "Customers notified?",
    "Customer notification details",
    "Other providers and cross-border",
    "Status",
    "Provisional?",
    "Produced",
)
NIL_REFERENCE = "NIL RETURN"
GRID_CELL_CHARACTERS = 300  # keeps every summary row shorter than a page; the full text follows in Details
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def nil_return_text(log: BreachLog) -> str:
    return f"Nil return — no personal data breaches in {log.label}"


def when(value: datetime | None, estimate: bool = False) -> str:
    """Local (Europe/London) time with its zone name: '2026-03-10 14:00 GMT'."""
    if value is None:
        return ""
    local = london(value)
    return local.strftime("%Y-%m-%d %H:%M ") + (local.tzname() or "") + (" (estimate)" if estimate else "")


def lateness(row: LogRow) -> str:
    if row.notified_late_by_seconds is None:
        due = f" (due {when(row.ico_due_at)})" if row.ico_due_at else ""
        return f"Not yet notified{due}"
    if row.notified_late_by_seconds > 0:
        return f"Yes, {describe_duration(row.notified_late_by_seconds)} late"
    return "No"


def humanise(value: str) -> str:
    return value.replace("_", " ").capitalize()


def _label(labels: Mapping[str, str], value: str) -> str:
    """The breach's own label for an enum value; a value this version does not know, made readable."""
    return labels.get(value) or humanise(value)


def customers_notified(row: LogRow) -> str:
    """What was actually sent ("120 of 125 notified, first … last …"), else the decision so far."""
    if row.customers_total:
        sent = f"{row.customers_sent:,} of {row.customers_total:,} notified"
        if row.customers_first_sent_at:
            sent += f" (first {when(row.customers_first_sent_at)}, last {when(row.customers_last_sent_at)})"
        return sent
    if not row.customer_notice_decision:
        return "Not yet decided"
    decided = f" (decided {when(row.customer_notice_decided_at)})" if row.customer_notice_decided_at else ""
    label = OUTCOME_LOG_ANSWERS.get(row.customer_notice_decision) or humanise(row.customer_notice_decision)
    return label + decided


def individuals(row: LogRow) -> str:
    if row.individuals_affected is None:
        return "Not yet known"
    return f"{row.individuals_affected}{' (estimate)' if row.individuals_is_estimate else ''}"


def _joined(*parts: str) -> str:
    return "\n".join(part.strip() for part in parts if part and part.strip())


def row_cells(row: LogRow) -> dict[str, str]:
    """Every column of one breach, as text (shared by the CSV and the PDF's detail section)."""
    return {
        "Breach reference": row.reference,
        "ICO case reference": row.ico_reference or "",
        "Title": row.title,
        "Date of breach": when(row.occurred_at, row.occurred_is_estimate) or "Not yet known",
        "Date detected": when(row.detected_at),
        "Date aware": when(row.aware_at),
        "Regime": row.regime,
        ICO_DUE: _joined(when(row.ico_due_at), "" if row.ico_deadline_statutory else "(internal target)"),
        ORIGINAL_DUE: when(row.ico_original_due_at),
        "Date notified to ICO": when(row.initial_notified_at),
        "Second notification to ICO": when(row.second_notified_at),
        "Follow-up notification to ICO": when(row.follow_up_notified_at),
        "Notified late?": lateness(row),
        "Reasons for delay": row.delay_reasons,
        "Nature of breach": _joined(_label(CIRCUMSTANCE_LABELS, row.circumstance), row.circumstance_detail),
        "Facts (summary)": row.summary,
        "Location and storage media": row.location_and_media,
        "Personal data concerned": _joined(
            ", ".join(_label(CATEGORY_LABELS, c) for c in row.data_categories), row.data_description
        ),
        "Individuals affected": individuals(row),
        "Consequences (effects)": row.likely_consequences,
        "Remedial action taken": row.mitigation_measures,
        "Protection measures": row.protection_measures,
        "Customers notified?": customers_notified(row),
        "Customer notification details": _joined(row.customer_notice_rationale, row.customer_notification_summary),
        "Other providers and cross-border": _joined(row.other_providers, row.cross_border),
        "Status": _label(STATUS_LABELS, row.status),
    }


def provenance(log: BreachLog) -> dict[str, str]:
    """The two columns every export carries: whether the month was still open, and who produced it when."""
    produced = f"{when(log.produced_at)} by {log.produced_by}" if log.produced_at else ""
    return {"Provisional?": PROVISIONAL_TEXT if log.provisional else "No", "Produced": produced}


PROVISIONAL_TEXT = "Yes: the month is still open, so breaches may still be added"


def _safe(value: str) -> str:
    """Defuse spreadsheet formulas: a cell starting with = + - @ is shown as text, never evaluated."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def render_csv(log: BreachLog) -> bytes:
    """UTF-8 with a byte-order mark (so spreadsheets read the accents), one header, one line per breach;
    a month without breaches has one line marked NIL RETURN."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    provider = [log.provider.get("legal_name", ""), log.provider.get("ico_registration_number", ""), log.period]
    if not log.rows:
        nil = {"Breach reference": NIL_REFERENCE, "Nature of breach": nil_return_text(log), **provenance(log)}
        writer.writerow(provider + [nil.get(column, "") for column in CSV_COLUMNS[3:]])
    for row in log.rows:
        cells = row_cells(row) | provenance(log)
        writer.writerow([_safe(value) for value in provider + [cells[column] for column in CSV_COLUMNS[3:]]])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- PDF -------------------------------------------------------------------------------------------

GRID_HEADER = (
    "Reference",
    "Dates",
    "ICO notification",
    "Nature of breach and data",
    "Individuals",
    "Effects",
    "Remedial action",
    "Customers notified?",
)
GRID_WIDTHS_MM = (24, 44, 44, 50, 20, 25, 25, 25)  # 257 mm: landscape A4 inside 20 mm margins
DETAIL_FIELDS = tuple(column for column in CSV_COLUMNS[5:-2] if column != "Title")


def _cell(value: str) -> str:
    """One line of bounded length, with long unbroken runs split so they wrap inside narrow columns."""
    flat = " ".join(value.split())
    if len(flat) > GRID_CELL_CHARACTERS:
        flat = flat[:GRID_CELL_CHARACTERS].rstrip() + "… (see details)"
    return re.sub(r"(\S{24})", r"\1 ", flat)


def _grid_row(row: LogRow, cells: dict[str, str]) -> list[str]:
    dates = _joined(
        f"Occurred: {cells['Date of breach']}", f"Detected: {cells['Date detected']}", f"Aware: {cells['Date aware']}"
    )
    ico = _joined(
        f"Due: {when(row.ico_due_at) or 'none recorded'}",
        f"Originally due: {when(row.ico_original_due_at)} (before a correction)" if row.ico_original_due_at else "",
        f"Notified: {cells['Date notified to ICO'] or 'not yet'}",
        f"Late: {cells['Notified late?']}",
    )
    nature = _joined(_cell(cells["Nature of breach"]), _cell(cells["Personal data concerned"]))
    return [
        _joined(row.reference, f"ICO: {row.ico_reference}" if row.ico_reference else ""),
        dates,
        ico,
        nature,
        cells["Individuals affected"],
        _cell(cells["Consequences (effects)"]),
        _cell(cells["Remedial action taken"]),
        _cell(cells["Customers notified?"]),
    ]


def _details(rows: Iterable[LogRow]) -> list[Flowable]:
    """Full text of every field; paragraphs (not table cells) so any length splits across pages."""
    story: list[Flowable] = [pdf.heading("Details")]
    for row in rows:
        cells = row_cells(row)
        story.append(pdf.heading(f"{row.reference} — {row.title}"))
        for label in DETAIL_FIELDS:
            story.append(Paragraph(label, pdf.STYLES["label"]))
            story.append(pdf.text(cells[label]))
    return story


def _stamp(log: BreachLog) -> list[Flowable]:
    lines = []
    if log.provisional:
        lines.append(pdf.heading(f"PROVISIONAL: {log.label} is still open, so breaches may still be added"))
    if log.produced_at:
        lines.append(pdf.text(f"Produced {when(log.produced_at)} by {log.produced_by}.", "small"))
    return lines


def render_pdf(log: BreachLog) -> bytes:
    start_local = london(log.period_start).strftime("%d %B %Y")
    story: list[Flowable] = [
        pdf.title(f"Personal data breach log — {log.label}"),
        pdf.text(
            f"PECR regulation 5A(8): the facts of each personal data breach, its effects and the remedial "
            f"action taken. Breaches are listed in the month the provider became aware of them "
            f"(Europe/London); this log covers {log.label}, from {start_local}."
        ),
        *_stamp(log),
        pdf.heading("Provider"),
        pdf.provider_block(log.provider),
        pdf.spacer(),
    ]
    if not log.rows:
        story += [pdf.heading("Nil return"), pdf.text(nil_return_text(log) + ".")]
    else:
        story += [
            pdf.heading(f"Summary: {len(log.rows)} breach{'es' if len(log.rows) != 1 else ''}"),
            pdf.grid(GRID_HEADER, [_grid_row(row, row_cells(row)) for row in log.rows], GRID_WIDTHS_MM),
        ]
        story += _details(log.rows)
    return pdf.build(
        story,
        document_title=f"Breach log {log.label}",
        reference=f"Breach log {log.period}",
        author=log.provider.get("legal_name") or "pecr",
        landscape_pages=True,
    )
