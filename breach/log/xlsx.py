"""The monthly breach log as an .xlsx workbook beside the CSV and PDF: the same columns, with real date
cells (London wall-clock times, the zone named in the header, since a spreadsheet cell holds no zone) and
real number cells for counts. Pure: a `BreachLog` in, bytes out.
"""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Font

from breach.log.documents import (
    CSV_COLUMNS,
    ICO_DUE,
    NIL_REFERENCE,
    ORIGINAL_DUE,
    _safe,
    nil_return_text,
    provenance,
    row_cells,
)
from breach.log.models import BreachLog, LogRow
from provider.clock import london

DATE_FORMAT = "yyyy-mm-dd hh:mm"
DATE_COLUMNS = {
    "Date of breach": "occurred_at",
    "Date detected": "detected_at",
    "Date aware": "aware_at",
    ICO_DUE: "ico_due_at",
    ORIGINAL_DUE: "ico_original_due_at",
    "Date notified to ICO": "initial_notified_at",
    "Second notification to ICO": "second_notified_at",
    "Follow-up notification to ICO": "follow_up_notified_at",
}
NUMBER_COLUMNS = {"Individuals affected": "individuals_affected"}
EXTRA_NUMBERS = (("Customers notified (count)", "customers_sent"), ("Customers selected (count)", "customers_total"))


def _wall(value: datetime | None) -> datetime | None:
    """The London wall-clock time without its zone (what a spreadsheet cell can hold)."""
    return london(value).replace(tzinfo=None) if value is not None else None


def _header() -> list[str]:
    names = [f"{name} (Europe/London)" if name in DATE_COLUMNS else name for name in CSV_COLUMNS]
    return names + [label for label, _ in EXTRA_NUMBERS]


def _cells(log: BreachLog, row: LogRow) -> list[object]:
    text = row_cells(row) | provenance(log)
    provider = [log.provider.get("legal_name", ""), log.provider.get("ico_registration_number", ""), log.period]
    values: list[object] = list(provider)
    for column in CSV_COLUMNS[3:]:
        if column in DATE_COLUMNS:
            values.append(_wall(getattr(row, DATE_COLUMNS[column])))
        elif column in NUMBER_COLUMNS:
            values.append(getattr(row, NUMBER_COLUMNS[column]))
        else:
            values.append(_safe(text[column]))
    return values + [getattr(row, name) for _, name in EXTRA_NUMBERS]


def render_xlsx(log: BreachLog) -> bytes:
    """One sheet "Breach log": a header, then one line per breach (or a NIL RETURN line)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Breach log"
    sheet.append(_header())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    if not log.rows:
        nil = {"Breach reference": NIL_REFERENCE, "Nature of breach": nil_return_text(log), **provenance(log)}
        provider = [log.provider.get("legal_name", ""), log.provider.get("ico_registration_number", ""), log.period]
        sheet.append(provider + [nil.get(column, "") for column in CSV_COLUMNS[3:]])
    for row in log.rows:
        sheet.append(_cells(log, row))
    for name in DATE_COLUMNS:
        index = CSV_COLUMNS.index(name) + 1
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            cell.number_format = DATE_FORMAT
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
