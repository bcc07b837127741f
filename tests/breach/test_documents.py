"""The ICO notification PDF: every submitted value and the provider's details are on it, laid out like the
ICO's form, with London times and zone names; identical snapshots give identical bytes."""

from __future__ import annotations

import copy
import io
import re
from pathlib import Path
from typing import Any

import pypdfium2
from pypdf import PdfReader

from breach.documents import render_ico_notification

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

PROVIDER = {
    "legal_name": "Northwind Telecom Limited",
    "trading_name": "Northwind Mobile",
    "address": "1 Exchange Street, Leeds LS1 1AA",
    "ico_registration_number": "Z1234567",
    "contact_name": "Dana Scully",
    "contact_role": "Data Protection Officer",
    "contact_email": "dpo@northwind.test",
    "contact_phone": "0113 496 0000",
}


def snapshot(**filing_overrides: Any) -> dict[str, Any]:
    breach = {
        "reference": "BR-2026-0042",
        "title": "Call records copied by a former contractor",
        "circumstance": "copying",
        "circumstance_detail": "Export script run from a retained VPN account",
        "occurred_at": "2026-10-23T21:00:00+00:00",
        "occurred_is_estimate": True,
        "detected_at": "2026-10-24T08:05:00+00:00",
        "aware_at": "2026-10-24T09:20:00+00:00",
        "aware_recorded_by": "Fox Mulder",
        "aware_evidence": "SIEM alert 7781 and export log",
        "awareness_justification": "",
        "regime": "DUAA",
        "data_categories": ["traffic_data", "itemised_call_lists"],
        "data_description": "Call detail records: calling and called numbers, times and durations",
        "individuals_affected": 12450,
        "individuals_is_estimate": True,
        "summary": "A former contractor's VPN account was used to export call detail records",
        "location_and_media": "Billing data warehouse, Leeds data centre; CSV files on an external host",
        "protection_measures": "Role-based access; VPN accounts reviewed quarterly",
        "encryption_details": "Warehouse encrypted at rest (AES-256); export was in clear text",
        "mitigation_measures": "Account disabled, host taken down, passwords rotated",
        "likely_consequences": "Disclosure of calling patterns; risk of targeted fraud calls",
        "other_providers": "none",
        "cross_border": "Export host located in the Netherlands",
        "customer_notification_summary": "Dedicated e-mail and letter to 12,450 subscribers on 28 October",
        "status": "open",
        "ico_reference": "ENQ0012345",
        "created_at": "2026-10-24T09:30:00+00:00",
    }
    filing = {
        "stage": "initial",
        "sequence": 1,
        "filed_at": "2026-10-27T11:15:00+00:00",
        "filed_by": "breach-manager",
        "late": True,
        "late_by_seconds": 4500,
        "delay_reasons": "Forensic imaging of the host took longer than planned",
        "ico_reference": "ENQ0012345",
        "supersedes_sequence": None,
        "statutory_due_at": "2026-10-27T10:00:00+00:00",
        "regime": "DUAA",
    }
    filing.update(filing_overrides)
    return {"provider": dict(PROVIDER), "breach": breach, "filing": filing, "timezone": "Europe/London"}


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def squashed(value: str) -> str:
    return re.sub(r"\s+", " ", value)


def test_every_submitted_value_and_the_providers_details_appear_in_the_pdf():
    data = snapshot()
    content = pdf_text(render_ico_notification(data))
    breach_texts = [
        v
        for k, v in data["breach"].items()
        if isinstance(v, str)
        and v
        and k
        not in (
            "occurred_at",
            "detected_at",
            "aware_at",
            "created_at",
            "circumstance",
            "status",
            "aware_recorded_by",
            "aware_evidence",
        )
    ]
    for value in list(PROVIDER.values()) + breach_texts + [data["filing"]["delay_reasons"]]:
        assert squashed(value) in content, value
    for label in (
        "Traffic data",
        "Itemised call lists",
        "Copying",
        "12,450 (estimate)",
        "Section 1",
        "Section 2",
        "Reasons for delay",
        "Personal data breach notification",
        "PECR regulation 5A",
        "Initial notification (first notification)",
    ):
        assert label in content, label


def test_times_are_printed_on_london_clocks_with_the_zone_name():
    content = pdf_text(render_ico_notification(snapshot()))
    assert "Sat 24 Oct 2026 10:20 BST (09:20 UTC)" in content  # awareness, before the change
    assert "Tue 27 Oct 2026 10:00 GMT (10:00 UTC)" in content  # statutory deadline, after it
    assert "Tue 27 Oct 2026 11:15 GMT (11:15 UTC)" in content  # filed at
    assert "Fri 23 Oct 2026 22:00 BST (21:00 UTC) (estimate)" in content  # incident time, flagged estimate
    assert "1 h 15 min after the statutory deadline" in content


def test_a_second_notification_without_statutory_hours_says_so_and_has_no_delay_section():
    data = snapshot(
        stage="second",
        sequence=2,
        late=False,
        late_by_seconds=None,
        delay_reasons="",
        statutory_due_at=None,
        supersedes_sequence=None,
    )
    content = pdf_text(render_ico_notification(data))
    assert "Second notification" in content and "No statutory hours" in content
    assert "Reasons for delay" not in content


def test_an_amendment_names_the_filing_it_supersedes_and_unknown_items_are_marked():
    data = snapshot(sequence=3, supersedes_sequence=1, late=False, late_by_seconds=0, delay_reasons="")
    data["breach"]["summary"] = ""
    content = pdf_text(render_ico_notification(data))
    assert "Filing 1 (this filing supersedes it)" in content
    assert "not provided" in content and "None stated" not in content  # Annex I: a blank is "not provided"


def test_a_gap_prints_its_reason_and_expected_date_and_changes_are_listed():
    data = snapshot(sequence=2, supersedes_sequence=None, late=False, late_by_seconds=0, delay_reasons="")
    data["breach"]["mitigation_measures"] = ""
    data["gaps"] = {"mitigation_measures": {"reason": "Supplier report awaited", "expected": "2026-03-20"}}
    data["changes"] = {
        "since_sequence": 1,
        "items": [{"field": "breach.summary", "label": "Summary of the incident", "before": "", "after": "Bills"}],
    }
    content = pdf_text(render_ico_notification(data))
    assert "Not yet known: Supplier report awaited (expected by 2026-03-20)" in content
    assert "What changed since filing 1" in content and "Before: not provided" in content


def test_markup_in_user_text_is_printed_not_interpreted():
    data = snapshot()
    data["breach"]["summary"] = "<b>bold</b> & <font size=40>big</font>"
    assert "<b>bold</b> & <font size=40>big</font>" in pdf_text(render_ico_notification(data))


def test_identical_snapshots_give_identical_bytes():
    assert render_ico_notification(snapshot()) == render_ico_notification(copy.deepcopy(snapshot()))


def test_page_one_renders_to_png_for_a_visual_check():
    content = render_ico_notification(snapshot())
    document = pypdfium2.PdfDocument(content)
    assert len(document) >= 1
    image = document[0].render(scale=1.5).to_pil()
    ARTIFACTS.mkdir(exist_ok=True)
    image.save(ARTIFACTS / "ico-notification.png")
    assert image.size[0] > 800
