"""Annex I items 13, 16 and 17 as asked: the customer-notice wording itself travels with the filing, other
countries and other authorities are separate answers, and a blank answer prints "not provided"."""

from __future__ import annotations

from breach import service
from breach.models import BreachUpdate
from breach.notices import service as notices
from breach.notices.models import TemplateInput
from tests.breach.test_documents import pdf_text
from tests.breach.test_service import SECTION_1, add_profile, create
from tests.conftest import START, TESTER

WORDING = {
    "subject": "About your account",
    "greeting": "Dear {name},",
    "provider_name": "Northwind Telecom",
    "contact_details": "0800 000 000",
    "summary": "A bill was sent to the wrong address.",
    "estimated_date": "1 March 2026",
    "data_nature": "Your name and address",
    "likely_consequences": "Little risk",
    "circumstances": "Misdirected post",
    "provider_measures": "We recalled the letter",
    "customer_measures": "Watch for unexpected post",
}


def test_the_customer_notice_wording_is_attached_and_items_16_and_17_are_separate(session):
    add_profile(session)
    breach = create(session, **SECTION_1)
    notices.save_template(session, actor=TESTER, now=START, breach_id=breach.id, data=TemplateInput(**WORDING))
    service.update_breach(
        session, actor=TESTER, now=START, breach_id=breach.id, data=BreachUpdate(other_countries="Ireland: 3 people")
    )
    filing = service.file_notification(session, actor=TESTER, now=START, breach_id=breach.id, stage="initial")
    notice = filing.snapshot["customer_notice"]
    assert notice["version"] == 1 and "We recalled the letter" in notice["text"] and len(notice["sha256"]) == 64
    assert notice["notified"] is None  # nothing was sent yet: not taken from the decision
    content = pdf_text(bytes(filing.pdf_bytes))
    assert "We recalled the letter" in content and "Customer notification wording (item 13)" in content
    assert "in other countries (item 16)" in content and "Ireland: 3 people" in content
    assert "Other competent authorities notified (item 17)" in content
    after_17 = content.split("(item 17)", 1)[1]
    assert after_17.lstrip().startswith("not provided")
    assert "None stated" not in content
