"""The provider profile: service, API and page; every change audited with before and after."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from provider.errors import Invalid, NotFound
from provider.profile import service
from provider.profile.models import ProfileUpdate
from provider.security.models import AuditEvent
from tests.conftest import START, TESTER, csrf_from

PROFILE = {
    "legal_name": "Northwind Telecom Ltd",
    "trading_name": "Northwind",
    "address": "1 Cable Street, Leeds LS1 1AA",
    "ico_registration_number": "z1234567",
    "contact_name": "Priya Shah",
    "contact_role": "Data Protection Officer",
    "contact_email": "dpo@northwind.example",
    "contact_phone": "0113 496 0000",
    "website": "https://northwind.example",
}


def _save(session: Session, **changes: str):
    profile = service.update_profile(session, actor=TESTER, now=START, data=ProfileUpdate(**{**PROFILE, **changes}))
    session.commit()
    return profile


def test_get_profile_is_not_found_until_set_up(session):
    with pytest.raises(NotFound):
        service.get_profile(session)


def test_update_creates_then_changes_the_profile_and_audits_before_and_after(session):
    _save(session)
    assert service.get_profile(session).ico_registration_number == "Z1234567", "normalised to upper case"
    _save(session, contact_name="Tom Reed")
    events = list(
        session.exec(select(AuditEvent).where(AuditEvent.action == "provider.profile_updated").order_by(AuditEvent.id))
    )
    assert len(events) == 2
    assert events[0].before is None and json.loads(events[0].after)["contact_name"] == "Priya Shah"
    assert json.loads(events[1].before)["contact_name"] == "Priya Shah"
    assert json.loads(events[1].after)["contact_name"] == "Tom Reed"


def test_saving_the_same_profile_again_records_nothing(session):
    _save(session)
    _save(session)
    count = len(list(session.exec(select(AuditEvent).where(AuditEvent.action == "provider.profile_updated"))))
    assert count == 1


def test_blank_required_fields_are_named(session):
    with pytest.raises(Invalid) as raised:
        _save(session, legal_name="   ", contact_name=" ")
    assert {e.field for e in raised.value.errors} == {"legal_name", "contact_name"}


def test_api_reads_404_then_admin_replaces_and_anyone_with_provider_read_reads(api_client):
    reader = api_client("agent")
    missing = reader.get("/api/v1/provider-profile")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    put = api_client("admin").put("/api/v1/provider-profile", json=PROFILE)
    assert put.status_code == 200 and put.json()["ico_registration_number"] == "Z1234567"
    body = reader.get("/api/v1/provider-profile").json()
    assert body["legal_name"] == "Northwind Telecom Ltd" and "updated_at" in body


def test_api_validation_names_the_field_and_reason(api_client):
    response = api_client("admin").put(
        "/api/v1/provider-profile", json={**PROFILE, "contact_email": "nobody", "ico_registration_number": "Z-1"}
    )
    assert response.status_code == 422
    fields = {error["field"]: error["reason"] for error in response.json()["errors"]}
    assert "contact_email" in fields and "ico_registration_number" in fields
    assert "letters and digits" in fields["ico_registration_number"]


def test_only_admin_may_replace_the_profile(api_client):
    assert api_client("compliance_officer").put("/api/v1/provider-profile", json=PROFILE).status_code == 403
    scoped_admin = api_client("admin", scopes=["provider:read"])
    assert scoped_admin.put("/api/v1/provider-profile", json=PROFILE).status_code == 403


def test_page_shows_the_profile_to_readers_without_an_edit_form(signed_in, session):
    _save(session)
    agent = signed_in("agent", "carol")
    page = agent.get("/admin/profile")
    assert page.status_code == 200
    assert "Northwind Telecom Ltd" in page.text and 'action="/admin/profile"' not in page.text
    token = csrf_from(page.text)
    assert agent.post("/admin/profile", data={**PROFILE, "csrf_token": token}).status_code == 403


def test_admin_saves_the_profile_through_the_form(signed_in, session):
    admin = signed_in("admin", "root")
    page = admin.get("/admin/profile")
    assert "Not set up yet" in page.text
    response = admin.post("/admin/profile", data={**PROFILE, "csrf_token": csrf_from(page.text)})
    assert response.status_code == 303
    assert "Priya Shah" in admin.get("/admin/profile").text
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "provider.profile_updated")).one()
    assert event.actor_name == "root"


def test_form_errors_name_each_field_and_keep_the_input(signed_in, session):
    admin = signed_in("admin", "root")
    token = csrf_from(admin.get("/admin/profile").text)
    response = admin.post(
        "/admin/profile",
        data={**PROFILE, "legal_name": "", "contact_email": "not-an-email", "website": "w" * 201, "csrf_token": token},
    )
    assert response.status_code == 422
    assert "There is a problem" in response.text
    assert 'href="#legal_name"' in response.text and 'href="#contact_email"' in response.text
    assert 'href="#website"' in response.text
    assert 'value="not-an-email"' in response.text and 'value="Priya Shah"' in response.text
    with pytest.raises(NotFound):
        service.get_profile(session)
