"""The log's CSV and PDF, read back: every breach, its facts, effects and remedial action, the provider."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from pypdf import PdfReader

from breach.log import documents, rules
from breach.log.models import BreachLog, LogRow
from tests.breach.log.factories import PROFILE, pdf_text


def _row(reference: str, **extra: object) -> LogRow:
    values: dict[str, object] = {
        "breach_id": 1,
        "reference": reference,
        "title": f"Title of {reference}",
        "status": "open",
        "detected_at": datetime(2026, 3, 2, 8, 0, tzinfo=UTC),
        "aware_at": datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        "regime": "DUAA",
        "circumstance": "misdirection",
    }
    values.update(extra)
    return LogRow(**values)


def _log(rows: list[LogRow], period: str = "2026-03") -> BreachLog:
    start, end = rules.period_bounds(period)
    return BreachLog(
        period=period,
        label=rules.period_label(period),
        period_start=start,
        period_end=end,
        provider=dict(PROFILE),
        rows=rows,
    )


FIRST = _row(
    "BR-2026-0007",
    summary="Itemised bills for 40 lines were e-mailed to another business customer",
    likely_consequences="Distress; exposure of called numbers",
    mitigation_measures="Recipient deleted the e-mail and confirmed in writing",
    individuals_affected=40,
    data_categories=["itemised_call_lists"],
    ico_due_at=datetime(2026, 3, 5, 10, 0, tzinfo=UTC),
    initial_notified_at=datetime(2026, 3, 5, 12, 0, tzinfo=UTC),
    notified_late_by_seconds=7200,
    delay_reasons="Supplier report arrived late",
    customer_notice_decision="notify",
)
SECOND = _row(
    "BR-2026-0008",
    breach_id=2,
    circumstance="theft",
    summary="A laptop holding a customer export was stolen",
    likely_consequences="Possible identity fraud",
    mitigation_measures="Remote wipe issued",
    individuals_affected=1200,
    individuals_is_estimate=True,
)


def _csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_csv_has_the_template_columns_and_one_line_per_breach_with_its_facts_and_the_provider():
    rows = _csv(documents.render_csv(_log([FIRST, SECOND])))
    assert [row["Breach reference"] for row in rows] == ["BR-2026-0007", "BR-2026-0008"]
    first = rows[0]
    assert first["Provider"] == "Northwind Telecom Ltd" and first["ICO registration number"] == "Z9876543"
    assert first["Facts (summary)"] == FIRST.summary
    assert first["Consequences (effects)"] == FIRST.likely_consequences
    assert first["Remedial action taken"] == FIRST.mitigation_measures
    assert first["Date aware"] == "2026-03-02 09:00 GMT"
    assert first["Date notified to ICO"] == "2026-03-05 12:00 GMT"
    assert first["Notified late?"] == "Yes, 2 h late"
    assert first["Reasons for delay"] == "Supplier report arrived late"
    assert first["Customers notified?"] == "Yes: likely to adversely affect, customers to be notified"
    assert first["Individuals affected"] == "40"
    assert rows[1]["Individuals affected"] == "1200 (estimate)"
    assert rows[1]["Notified late?"] == "Not yet notified"


def test_csv_times_are_london_time_with_the_zone_named():
    summer = _row("BR-S", aware_at=datetime(2026, 3, 31, 23, 30, tzinfo=UTC))
    (row,) = _csv(documents.render_csv(_log([summer], "2026-04")))
    assert row["Date aware"] == "2026-04-01 00:30 BST"


def test_the_nil_return_csv_has_a_header_and_one_marked_line():
    content = documents.render_csv(_log([], "2026-02"))
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert lines[0] == list(documents.CSV_COLUMNS)
    assert len(lines) == 2
    row = dict(zip(lines[0], lines[1], strict=True))
    assert row["Breach reference"] == "NIL RETURN"
    assert row["Nature of breach"] == "Nil return — no personal data breaches in February 2026"
    assert row["Provider"] == "Northwind Telecom Ltd"


def test_a_cell_that_looks_like_a_spreadsheet_formula_is_written_as_text():
    hostile = _row("BR-X", summary='=HYPERLINK("http://evil.example","click")', mitigation_measures="+1 call")
    (row,) = _csv(documents.render_csv(_log([hostile])))
    assert row["Facts (summary)"].startswith("'=")
    assert row["Remedial action taken"] == "'+1 call"


def test_the_pdf_names_the_provider_and_every_breach_with_its_facts_effects_and_remedial_action():
    text = pdf_text(documents.render_pdf(_log([FIRST, SECOND])))
    for expected in (
        "Personal data breach log — March 2026",
        "Northwind Telecom Ltd",
        "Z9876543",
        "dpo@northwind.example",
        "BR-2026-0007",
        "BR-2026-0008",
        FIRST.summary,
        SECOND.summary,
        FIRST.likely_consequences,
        SECOND.mitigation_measures,
        "Supplier report arrived late",
    ):
        assert expected in text, expected
    assert "Nil return" not in text


def test_the_nil_return_pdf_says_so_and_names_the_provider():
    text = pdf_text(documents.render_pdf(_log([], "2026-02")))
    assert "Nil return — no personal data breaches in February 2026" in text
    assert "Northwind Telecom Ltd" in text


def test_the_pdf_is_landscape_and_repeatable_byte_for_byte():
    log = _log([FIRST, SECOND])
    content = documents.render_pdf(log)
    assert content == documents.render_pdf(log)
    box = PdfReader(io.BytesIO(content)).pages[0].mediabox
    assert box.width > box.height


def test_very_long_text_still_renders_and_is_printed_in_full_in_the_details():
    long_text = ("word " * 2500).strip() + " END-OF-TEXT"
    unbroken = "x" * 3000
    content = documents.render_pdf(
        _log([_row("BR-LONG", summary=long_text, mitigation_measures=unbroken, circumstance_detail="line\n" * 400)])
    )
    text = pdf_text(content)
    assert "END-OF-TEXT" in text and "BR-LONG" in text
