"""The media notice's own wording: proposed from the customer wording without personal sentences, saved as
versions of its own, refused with a personal placeholder or marketing, and used by the media notice."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from breach.notices import media, service
from provider.errors import Invalid
from tests.breach.notices.conftest import pdf_text, wording
from tests.breach.notices.test_service import TESTER, prepare
from tests.conftest import csrf_from

PUBLIC = media.MediaWordingInput(
    headline="Northwind Telecom: call records of some customers were stolen",
    provider_name="Northwind Telecom",
    contact_details="Data Protection Officer, dpo@northwind.example, 0117 496 0999",
    summary="Customers whose lines are listed on the back-up tape may be affected.",
    estimated_date="On or about 1 March 2026",
    data_nature="Itemised call lists of some customers.",
    likely_consequences="Someone could learn whom those customers called and when.",
    circumstances="A back-up tape was stolen from a courier.",
    provider_measures="We have told the ICO and changed couriers.",
    customer_measures="Be wary of calls about this breach that ask for your details.",
)


def test_the_proposal_leaves_out_every_sentence_that_names_a_person(engine, breach, clock):
    with Session(engine) as session:
        prepare(session, breach, clock)
        customer = wording(summary="Dear {name}, your account {account_reference} was on it. A tape was stolen.")
        service.save_template(session, actor=TESTER, now=clock.now(), breach_id=breach.id, data=customer)
        proposed = media.proposed(session, breach.id)
    assert proposed.summary == "A tape was stolen."
    assert proposed.headline == f"Public notice of a personal data breach at {customer.provider_name}"
    assert "{" not in " ".join(proposed.model_dump().values())


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("summary", "Dear {name}, a tape was stolen.", "names nobody: remove {name}"),
        ("customer_measures", "Upgrade to our Secure plan with 50% off.", "call to buy"),
        ("data_nature", "", "required"),
    ],
)
def test_a_personal_placeholder_marketing_or_a_blank_section_is_refused(engine, breach, clock, field, value, reason):
    with Session(engine) as session:
        with pytest.raises(Invalid) as refused:
            media.save(
                session,
                actor=TESTER,
                now=clock.now(),
                breach_id=breach.id,
                data=PUBLIC.model_copy(update={field: value}),
            )
        assert [e.field for e in refused.value.errors] == [field]
        assert reason in refused.value.errors[0].reason
        assert media.versions(session, breach.id) == []


def test_the_media_notice_prints_the_public_wording_and_records_its_version(engine, breach, clock):
    with Session(engine, expire_on_commit=False) as session:
        prepare(session, breach, clock)
        before = media.create_media_notice(session, actor=TESTER, now=clock.now(), breach_id=breach.id)
        saved = media.save(session, actor=TESTER, now=clock.now(), breach_id=breach.id, data=PUBLIC)
        after = media.create_media_notice(session, actor=TESTER, now=clock.now(), breach_id=breach.id)
        session.commit()
    assert before.snapshot["wording"].startswith("customer wording v1")
    assert after.snapshot["wording"] == "public wording v1" and after.template_id == saved.id
    text = " ".join(pdf_text(after.pdf_bytes).split())
    assert "Customers whose lines are listed on the back-up tape may be affected." in text
    assert "call records of some customers were stolen" in text
    assert "Customers whose lines are listed" not in " ".join(pdf_text(before.pdf_bytes).split())


def test_the_public_wording_over_the_api_and_the_page(signed_in, api_client, breach):
    client = api_client("breach_manager")
    assert client.get(f"/api/v1/breaches/{breach.id}/notices/media-wording").json() == []
    created = client.post(f"/api/v1/breaches/{breach.id}/notices/media-wording", json=PUBLIC.model_dump())
    assert created.status_code == 201 and created.json()["version"] == 1
    bad = client.post(
        f"/api/v1/breaches/{breach.id}/notices/media-wording", json=PUBLIC.model_dump() | {"summary": "Hi {salutation}"}
    )
    assert bad.status_code == 422 and "summary" in bad.text
    browser = signed_in("breach_manager")
    page = browser.get(f"/breaches/{breach.id}/notices/media-wording")
    assert page.status_code == 200, page.text[:2000]
    assert "Customers whose lines are listed" in page.text
    form = PUBLIC.model_dump() | {"headline": "Public notice: stolen call records", "csrf_token": csrf_from(page.text)}
    saved = browser.post(f"/breaches/{breach.id}/notices/media-wording", data=form)
    assert saved.status_code == 303
    versions = client.get(f"/api/v1/breaches/{breach.id}/notices/media-wording").json()
    assert versions[0]["headline"] == "Public notice: stolen call records"
    refused = browser.post(f"/breaches/{breach.id}/notices/media-wording", data=form | {"summary": "Dear {name},"})
    assert refused.status_code == 422 and "remove {name}" in refused.text and "Dear {name}," in refused.text
