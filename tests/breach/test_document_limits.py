"""Every PDF renders every text field at its maximum length at once, in full, with 'Page x of y' on every
page and the document's own metadata: the ICO filing, a customer letter, the media notice, the breach log."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest

from breach.documents import footer_lines, render_ico_notification
from breach.log.documents import render_pdf
from breach.log.models import BreachLog, LogRow
from breach.models import BreachCreate
from breach.notices import documents
from breach.notices.models import TemplateInput
from provider.evidence import content_sha256
from provider.profile.models import ProfileBase
from provider.subscribers.models import SubscriberBase
from tests.breach.test_documents import snapshot
from tests.support.maxtext import long_text, max_length, page_texts, pdf_pages, squeezed

KINDS = ("words", "run")  # and "lines" (10,000 characters as 1,250 short lines) for the filing: slow


def _every_page_numbered(content: bytes) -> None:
    texts = page_texts(content)
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in text, number


def _provider_at_max() -> dict[str, str]:
    return {
        name: long_text(f"P{name}", max_length(ProfileBase, name) or 100)
        for name in ProfileBase.model_fields
        if name != "website"
    } | {"website": ""}


@pytest.mark.parametrize("kind", (*KINDS, "lines"))
def test_an_ico_filing_with_every_answer_at_its_maximum_length_renders_in_full(kind):
    data = snapshot()
    texts = {}
    for name, value in data["breach"].items():
        if isinstance(value, str) and name in BreachCreate.model_fields and not name.endswith("_at"):
            limit = max_length(BreachCreate, name)
            if limit and name not in ("circumstance", "regime", "status", "aware_recorded_by", "aware_evidence"):
                texts[name] = data["breach"][name] = long_text(f"M{name}", limit, kind if limit > 1000 else "words")
    data["filing"]["delay_reasons"] = texts["delay_reasons"] = long_text("Mdelay", 10_000, kind)
    data["provider"] = _provider_at_max()
    content = render_ico_notification(data)
    pages, text, reader = pdf_pages(content, footer_lines(data))
    assert pages > 10
    for name, value in texts.items():
        assert squeezed(value) in text, name
    _every_page_numbered(content)
    assert reader.metadata.creation_date == datetime(2026, 10, 27, 11, 15, tzinfo=UTC)
    assert "BR-2026-0042" in reader.metadata.title and reader.metadata.author.startswith("Plegal_name")


def test_each_page_of_a_filing_names_reference_stage_filing_number_and_the_snapshots_sha256():
    data = snapshot()
    data["breach"]["summary"] = long_text("S", 10_000)
    _, _, reader = pdf_pages(render_ico_notification(data))
    digest = content_sha256(data)
    assert footer_lines(data)[1].endswith(digest)
    for page in reader.pages:
        page_text = page.extract_text()
        assert "BR-2026-0042 · Initial notification (first notification) · filing 1" in page_text
        assert digest in squeezed(page_text)


def test_the_creation_time_is_the_filings_and_the_same_snapshot_still_gives_the_same_bytes():
    first, second = render_ico_notification(snapshot()), render_ico_notification(copy.deepcopy(snapshot()))
    assert first == second
    later = render_ico_notification(snapshot(filed_at="2026-11-02T08:00:00+00:00"))
    assert pdf_pages(later)[2].metadata.creation_date == datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
    assert pdf_pages(first)[2].metadata.creation_date.year == 2026  # not reportlab's 1 January 2000


def _fields_at_max(kind: str) -> dict[str, str]:
    fields = {}
    for name in TemplateInput.model_fields:
        limit = max_length(TemplateInput, name)
        fields[name] = long_text(f"T{name}", limit, kind if limit > 1000 else "words")
    fields["greeting"] = "{salutation}, " + fields["greeting"][:150]
    return fields


def _recipient_at_max() -> dict[str, str]:
    return {
        "name": "Mrs " + long_text("Rname", max_length(SubscriberBase, "name") - 4),
        "kind": "individual",
        "address": long_text("Raddress", max_length(SubscriberBase, "address")),
        "email": "",
        "account_reference": long_text("Racc", max_length(SubscriberBase, "account_reference")).replace(" ", "-"),
        "lines": "0117 496 0000, 07700 900123",
    }


@pytest.mark.parametrize("kind", KINDS)
def test_a_letter_with_every_field_at_its_maximum_length_renders_in_full(kind):
    fields, recipient = _fields_at_max(kind), _recipient_at_max()
    batch = {
        "provider": _provider_at_max(),
        "letter_date": "2 December 2026",
        "breach_reference": "BR-2026-0001",
        "created_at": "2026-12-02T10:00:00+00:00",
    }
    content = documents.letter_pdf(fields, batch, recipient, "BR-2026-0001-N7")
    footer = f"{fields['provider_name']} · our reference BR-2026-0001-N7 · 2 December 2026"
    pages, text, reader = pdf_pages(content, [footer])
    assert pages > 5
    for name in documents.SECTIONS:
        assert squeezed(fields[name[0]]) in text, name
    for name in ("address", "account_reference"):
        assert squeezed(recipient[name]) in text, name
    assert squeezed(recipient["name"]) in text
    _every_page_numbered(content)
    assert reader.metadata.creation_date == datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("kind", KINDS)
def test_the_media_notice_with_every_field_at_its_maximum_length_renders_in_full(kind):
    fields = _fields_at_max(kind)
    snap = {
        "provider": _provider_at_max(),
        "breach_reference": "BR-2026-0001",
        "notice_date": "2 December 2026",
        "created_at": "2026-12-02T10:00:00+00:00",
    }
    content = documents.media_notice_pdf(fields, snap)
    footer = f"{fields['provider_name']} · public notice BR-2026-0001-PUBLIC · 2 December 2026"
    pages, text, reader = pdf_pages(content, [footer])
    for name, _ in documents.SECTIONS:
        assert squeezed(fields[name]) in text, name
    _every_page_numbered(content)


LOG_TEXTS = (
    "circumstance_detail",
    "summary",
    "location_and_media",
    "data_description",
    "likely_consequences",
    "mitigation_measures",
    "protection_measures",
    "other_providers",
    "cross_border",
    "delay_reasons",
    "customer_notice_rationale",
    "customer_notification_summary",
)


def _log_row(number: int, kind: str) -> LogRow:
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    return LogRow(
        breach_id=number,
        reference=f"BR-2026-{number:04d}",
        title=long_text(f"L{number}title", 200),
        status="open",
        detected_at=now,
        aware_at=now,
        regime="DUAA",
        circumstance="theft",
        data_categories=["traffic_data"],
        customer_notice_decision="notify",
        **{name: long_text(f"L{number}{name}", 10_000, kind) for name in LOG_TEXTS},
    )


@pytest.mark.parametrize("kind", KINDS)
def test_the_breach_log_with_every_field_at_its_maximum_length_renders_in_full(kind):
    rows = [_log_row(number, kind) for number in (1, 2)]
    log = BreachLog(
        period="2026-03",
        label="March 2026",
        period_start=datetime(2026, 3, 1, tzinfo=UTC),
        period_end=datetime(2026, 4, 1, tzinfo=UTC),
        provider=_provider_at_max(),
        rows=rows,
    )
    content = render_pdf(log)
    pages, text, reader = pdf_pages(content, ["Breach log 2026-03 · Breach log March 2026"])
    for row in rows:
        for name in LOG_TEXTS:
            assert squeezed(getattr(row, name)) in text, (row.reference, name)
    _every_page_numbered(content)
