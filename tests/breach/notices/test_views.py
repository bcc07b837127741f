"""The customer-notice pages: forms keep input and name errors; generate shows progress; downloads."""

from __future__ import annotations

from sqlmodel import Session

from tests.breach.notices.conftest import add_subscriber, wording
from tests.conftest import csrf_from


def test_assessment_without_rationale_is_refused_with_the_input_kept(signed_in, breach):
    browser = signed_in("breach_manager")
    page = browser.get(f"/breaches/{breach.id}/notices/assessment")
    assert page.status_code == 200
    response = browser.post(
        f"/breaches/{breach.id}/notices/assessment",
        data={
            "csrf_token": csrf_from(page.text),
            "natures": ["location_data", "email_data"],
            "circumstances": "stolen",
            "delay_agreed": "on",
            "delay_ico_reference": "ICO/9",
            "delay_until": "2026-03-29 01:30",
            "rationale": "",
        },
    )
    assert response.status_code == 422
    assert "There is a problem" in response.text and "record why this decision was made" in response.text
    assert "give the date the ICO agreed the delay" in response.text
    assert "does not exist in Europe/London" in response.text  # 01:30 on the spring clock-change night
    assert 'value="location_data" checked' in response.text and 'value="email_data" checked' in response.text
    assert 'value="ICO/9"' in response.text


def test_a_decision_from_the_form_is_shown_on_the_overview(signed_in, breach):
    browser = signed_in("breach_manager")
    token = csrf_from(browser.get(f"/breaches/{breach.id}/notices/assessment").text)
    response = browser.post(
        f"/breaches/{breach.id}/notices/assessment",
        data={
            "csrf_token": token,
            "exemption_claimed": "on",
            "datasets.0.dataset": "tape",
            "datasets.0.algorithm": "AES-256-GCM",
            "datasets.0.key_management": "HSM",
            "datasets.0.key_compromised": "no",
            "datasets.0.key_guessable": "no",
            "natures": "location_data",
            "circumstances": "stolen",
            "rationale": "Encrypted tape",
        },
    )
    assert response.status_code == 303
    overview = browser.get(f"/breaches/{breach.id}/notices")
    assert "No notice: data unintelligible" in overview.text


def test_marketing_in_the_wording_form_is_refused_naming_the_word(signed_in, breach):
    browser = signed_in("breach_manager")
    page = browser.get(f"/breaches/{breach.id}/notices/template")
    # Drafted in plain language from the breach's categories, not the technical text written for the ICO.
    assert "Some of our records were stolen." in page.text
    assert "A backup tape holding call records was stolen" not in page.text
    data = wording(customer_measures="Upgrade to our Secure plan with 50% off.").model_dump()
    response = browser.post(f"/breaches/{breach.id}/notices/template", data=data | {"csrf_token": csrf_from(page.text)})
    assert response.status_code == 422
    assert "a call to buy (&#34;Upgrade to&#34;)" in response.text or 'a call to buy ("Upgrade to")' in response.text
    assert "Upgrade to our Secure plan" in response.text


def test_csv_upload_with_an_unknown_reference_names_the_line_and_adds_nothing(signed_in, breach, engine):
    with Session(engine) as session:
        add_subscriber(session, "Ann Smith", "ACC-1")
    browser = signed_in("breach_manager")
    token = csrf_from(browser.get(f"/breaches/{breach.id}/notices/recipients").text)
    response = browser.post(
        f"/breaches/{breach.id}/notices/recipients",
        data={"csrf_token": token, "csv_identifier": "account_reference"},
        files={"csv": ("refs.csv", b"account_reference\nACC-1\nNOPE-7\n", "text/csv")},
    )
    assert response.status_code == 422
    assert "csv line 3" in response.text and "NOPE-7" in response.text
    assert "0 recipients chosen so far" in response.text


def test_generate_from_the_page_shows_progress_and_send_without_smtp_explains(signed_in, api_client, breach, engine):
    with Session(engine) as session:
        add_subscriber(session, "Ann Smith", "ACC-1", email="ann@example.test")
    api = api_client("breach_manager")
    api.post(
        f"/api/v1/breaches/{breach.id}/assessment",
        json={"consequences": ["identity_theft_or_fraud"], "rationale": "bank details"},
    )
    api.post(f"/api/v1/breaches/{breach.id}/notices/template", json=wording().model_dump())
    browser = signed_in("breach_manager")
    token = csrf_from(browser.get(f"/breaches/{breach.id}/notices/recipients").text)
    browser.post(f"/breaches/{breach.id}/notices/recipients", data={"csrf_token": token, "account_references": "ACC-1"})
    assert browser.post(f"/breaches/{breach.id}/notices/generate", data={"csrf_token": token}).status_code == 303
    overview = browser.get(f"/breaches/{breach.id}/notices")
    assert "1 / 1" in overview.text and 'id="count-generated">1<' in overview.text
    refused = browser.post(f"/breaches/{breach.id}/notices/send", data={"csrf_token": token})
    assert refused.status_code == 409 and "not configured" in refused.text
    letters = browser.get(f"/breaches/{breach.id}/notices/letters.zip")
    assert letters.status_code == 200 and letters.content[:2] == b"PK"
    assert browser.post(f"/breaches/{breach.id}/notices/media", data={"csrf_token": token}).status_code == 303
    media = browser.get(f"/breaches/{breach.id}/notices/media.pdf")
    assert media.headers["content-type"] == "application/pdf"


def test_an_auditor_can_read_but_not_act(signed_in, breach):
    browser = signed_in("auditor")
    page = browser.get(f"/breaches/{breach.id}/notices")
    assert page.status_code == 200 and "Generate notices" not in page.text
    assert (
        browser.post(f"/breaches/{breach.id}/notices/generate", data={"csrf_token": csrf_from(page.text)}).status_code
        == 403
    )
