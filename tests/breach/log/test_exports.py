"""The monthly log's exports: the ICO reference in the PDF, customers notified from what was sent (n of m,
first and last), a provisional month said so, who produced it and when, and an .xlsx with real cells."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from openpyxl import load_workbook

from breach.log import documents, rules
from breach.log.models import BreachLog, LogRow
from breach.log.xlsx import render_xlsx
from tests.breach.log.factories import pdf_text

START = datetime(2026, 2, 28, 23, 0, tzinfo=UTC)  # 1 March 00:00 GMT
END = datetime(2026, 3, 31, 23, 0, tzinfo=UTC)  # 1 April 00:00 BST: the month ends across the clock change
PRODUCED = datetime(2026, 4, 2, 9, 15, tzinfo=UTC)


def _log(**extra) -> BreachLog:
    row = LogRow(
        breach_id=1,
        reference="BR-2026-0007",
        title="Misdirected bills",
        status="open",
        ico_reference="ENQ0012345",
        detected_at=datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
        aware_at=datetime(2026, 3, 29, 1, 30, tzinfo=UTC),  # 02:30 BST, just after the spring change
        regime="DUAA",
        circumstance="misdirection",
        individuals_affected=1250,
        mitigation_measures="Recalled",
        initial_notified_at=datetime(2026, 3, 30, 9, 0, tzinfo=UTC),
        customers_total=125,
        customers_sent=120,
        customers_first_sent_at=datetime(2026, 3, 30, 10, 0, tzinfo=UTC),
        customers_last_sent_at=datetime(2026, 3, 31, 16, 0, tzinfo=UTC),
    )
    values = {
        "period": "2026-03",
        "label": "March 2026",
        "period_start": START,
        "period_end": END,
        "provider": {"legal_name": "Northwind", "ico_registration_number": "Z1234567"},
        "rows": [row],
        **extra,
    }
    return BreachLog(**values)


def test_the_pdf_names_the_ico_reference_customers_sent_and_who_produced_it():
    log = _log(produced_at=PRODUCED, produced_by="Dana Hughes", provisional=True)
    text = pdf_text(documents.render_pdf(log))
    assert "ENQ0012345" in text
    assert "120 of 125 notified (first 2026-03-30 11:00 BST, last 2026-03-31 17:00 BST)" in " ".join(text.split())
    assert "PROVISIONAL" in text and "Produced 2026-04-02 10:15 BST by Dana Hughes" in text
    csv = documents.render_csv(log).decode("utf-8-sig")
    assert "Yes: the month is still open" in csv and "2026-04-02 10:15 BST by Dana Hughes" in csv


def test_an_open_month_is_provisional_until_its_london_midnight():
    assert rules.is_provisional(END, datetime(2026, 3, 31, 22, 59, tzinfo=UTC))  # 23:59 BST on the 31st
    assert not rules.is_provisional(END, END)
    assert not rules.is_provisional(END, None)


def test_the_xlsx_has_real_date_and_number_cells_on_london_clocks():
    book = load_workbook(io.BytesIO(render_xlsx(_log(produced_at=PRODUCED, produced_by="Dana"))))
    sheet = book["Breach log"]
    header = [cell.value for cell in sheet[1]]
    values = dict(zip(header, [cell for cell in sheet[2]], strict=True))
    aware = values["Date aware (Europe/London)"]
    wall = datetime(2026, 3, 29, 2, 30, tzinfo=UTC).replace(tzinfo=None)  # 01:30 UTC is 02:30 BST
    assert aware.value == wall and aware.number_format == "yyyy-mm-dd hh:mm"
    assert values["Individuals affected"].value == 1250 and values["Customers notified (count)"].value == 120
    assert values["Produced"].value.endswith("by Dana")


def test_a_nil_return_xlsx_still_says_nil_return():
    sheet = load_workbook(io.BytesIO(render_xlsx(_log(rows=[]))))["Breach log"]
    assert any(cell.value == documents.NIL_REFERENCE for cell in sheet[2])
