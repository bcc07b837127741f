"""The one form layer: sentences that name the field by its label, summary links that land on the
input, aria attributes, the "Error:" title, input kept, and the one date-time input.

The first half reads forms directly; the second drives real pages of the app, so the macros, the
layer and the routes are proved together.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from enum import StrEnum
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from pydantic import BaseModel, Field, field_validator
from pydantic_core import PydanticCustomError
from sqlmodel import Session, select

from provider.errors import Conflict, FieldError, Invalid
from provider.security import accounts
from provider.security.models import User
from provider.web.forms import FormInvalid, PageForm, submit
from tests.conftest import TESTER, csrf_from

LONDON = ZoneInfo("Europe/London")
RAW_PYDANTIC = ("String should", "Input should", "Field required", "Value error", "valid integer")


class Kind(StrEnum):
    individual = "individual"
    corporate = "corporate"


class Sample(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    kind: Kind
    people: int = Field(ge=0, le=1000)
    code: str = Field(default="", pattern=r"^[A-Z]*$")
    phone: str = ""

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        if value and not value.isdigit():
            raise PydanticCustomError("phone_number", "not a valid UK number")
        return value


SAMPLE = PageForm(
    labels={"title": "Title", "kind": "Kind", "people": "Number of people", "code": "ICO code", "phone": "Phone"},
    choices=("kind",),
    missing={"kind": "Choose whether the subscriber is an individual or a company"},
)


def _messages(values: dict) -> dict[str, str]:
    with pytest.raises(FormInvalid) as raised:
        SAMPLE.parse(Sample, values)
    return {error.field: error.message for error in raised.value.errors}


def test_every_validation_error_is_a_sentence_naming_the_label_never_pydantic_text():
    messages = _messages({"title": "x" * 201, "kind": "alien", "people": "lots", "code": "abc", "phone": "0x"})
    assert messages == {
        "title": "Title must be 200 characters or fewer",
        "kind": "Choose the kind from the list",
        "people": "Number of people must be a whole number",
        "code": "ICO code is not in the right format",
        "phone": "Phone: not a valid UK number",
    }
    for message in messages.values():
        assert not any(raw in message for raw in RAW_PYDANTIC), message


def test_missing_fields_use_the_forms_own_sentence_or_enter_the_label():
    messages = _messages({"title": "", "people": 2000})
    assert messages["title"] == "Enter the title"
    assert messages["kind"] == "Choose whether the subscriber is an individual or a company"
    assert messages["people"] == "Number of people must be 1000 or less"


def test_errors_link_to_the_field_and_renames_map_a_schema_location_to_the_forms_field():
    form = PageForm(labels={"line_number": "First line number"}, renames={"lines.0.number": "line_number"})
    error = form.reason("lines.0.number", "not a valid UK number")
    assert (error.field, error.anchor, error.message) == (
        "line_number",
        "line_number",
        "First line number: not a valid UK number",
    )


def test_a_service_refusal_names_the_label_and_one_without_a_field_goes_to_the_summary_only():
    errors = SAMPLE.from_domain(Invalid("x", errors=[FieldError("title", "is already used")]))
    assert [(e.field, e.message, e.anchor) for e in errors] == [("title", "Title: is already used", "title")]
    (whole,) = SAMPLE.from_domain(Conflict("e-mail sending is not configured"))
    assert (whole.field, whole.anchor, whole.message) == ("", "", "e-mail sending is not configured")


# --- the date-time input --------------------------------------------------------------------------

WHEN = PageForm(labels={"at": "When it was detected", "day": "Date the ICO agreed"})


def _typed(day: str, month: str, year: str, time: str) -> dict[str, str]:
    return {"at-day": day, "at-month": month, "at-year": year, "at-time": time}


def _read(values: dict, **options):
    reading = WHEN.read(values)
    return reading.datetime("at", LONDON, **options), reading


def test_day_month_and_year_boxes_are_read_day_first_in_the_configured_zone():
    value, reading = _read(_typed("3", "4", "2026", "14:30"))
    assert not reading.errors
    assert value == datetime(2026, 4, 3, 13, 30, tzinfo=UTC)  # 3 April, 14:30 BST; never 4 March
    assert _read(_typed("03", "Apr", "2026", "1430"))[0] == value


def test_a_time_in_the_skipped_march_hour_is_refused_with_a_sentence_on_the_time_box():
    value, reading = _read(_typed("29", "3", "2026", "01:30"))
    (error,) = reading.errors
    assert value is None and error.anchor == "at-time"
    assert error.message.startswith("When it was detected: 01:30 on 29 March 2026 does not exist in Europe/London")


def test_the_repeated_october_hour_is_read_as_summer_time_unless_it_was_shown_unchanged():
    first, _ = _read(_typed("25", "10", "2026", "01:30"))
    assert first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 01:30 BST, the first 01:30
    stored = datetime(2026, 10, 25, 1, 30, 17, tzinfo=UTC)  # the second 01:30 (GMT), with seconds
    kept, _ = _read(_typed("25", "10", "2026", "01:30"), shown=stored)
    assert kept == stored
    changed, _ = _read(_typed("25", "10", "2026", "01:31"), shown=stored)
    assert changed == datetime(2026, 10, 25, 0, 31, tzinfo=UTC)


def test_a_missing_or_wrong_box_is_named_and_the_link_lands_on_that_box():
    _, reading = _read(_typed("3", "", "2026", ""))
    assert [(e.message, e.anchor) for e in reading.errors] == [
        ("When it was detected must include a month and time", "at-month")
    ]
    _, reading = _read(_typed("31", "4", "2026", "10:00"))
    assert [(e.message, e.anchor) for e in reading.errors] == [("When it was detected must be a real date", "at")]
    _, reading = _read(_typed("1", "4", "2026", "2pm"))
    assert reading.errors[0].anchor == "at-time" and "24-hour clock" in reading.errors[0].message


def test_empty_boxes_are_no_value_unless_required_and_one_iso_text_still_works():
    assert _read(_typed("", "", "", ""))[0] is None
    _, reading = _read(_typed("", "", "", ""), required=True)
    assert reading.errors[0].message == "Enter the date and time for when it was detected"
    values = {"at": "2026-07-01T09:30"}
    value, reading = _read(values)
    assert value == datetime(2026, 7, 1, 8, 30, tzinfo=UTC) and not reading.errors
    assert values["at-day"] == "1" and values["at-time"] == "09:30", "shown again in the boxes"


def test_a_date_reads_day_month_year_or_iso_and_refuses_day_first_slashes_as_one_text():
    reading = WHEN.read({"day-day": "10", "day-month": "3", "day-year": "2026"})
    assert reading.date("day") == date(2026, 3, 10)
    assert WHEN.read({"day": "2026-03-10"}).date("day") == date(2026, 3, 10)
    refused = WHEN.read({"day": "10/03/2026"})
    assert refused.date("day") is None and refused.errors[0].anchor == "day"


# --- submit: rollback, re-render, commit, redirect ------------------------------------------------


def _account(session: Session, username: str, clock) -> User:
    return accounts.create_user(
        session, actor=TESTER, now=clock.now(), username=username, password="a" * 20, role="agent"
    )


def test_submit_commits_and_answers_on_success_and_rolls_back_on_any_problem(sqlite_engine, clock):
    form = PageForm(labels={"username": "Username"}, unplaced="username")
    with Session(sqlite_engine) as session:
        done = submit(
            session,
            form,
            action=lambda: _account(session, "kept", clock),
            on_error=lambda errors, status: pytest.fail(f"{errors} {status}"),
            success=lambda user: f"created {user.username}",
        )
        assert done == "created kept"

        def refused() -> User:
            _account(session, "dropped", clock)
            raise form.invalid("username", "Enter another username")

        shown = submit(session, form, action=refused, on_error=lambda errors, status: (errors, status), success=str)
        assert shown[1] == 422 and shown[0][0].message == "Enter another username"
        conflict = submit(
            session,
            form,
            action=lambda: _account(session, "kept", clock),
            on_error=lambda errors, status: (errors, status),
            success=str,
        )
        assert conflict[1] == 409 and "already exists" in conflict[0][0].message
    with Session(sqlite_engine) as session:
        names = set(session.exec(select(User.username)))
    assert "kept" in names and "dropped" not in names


# --- through the pages ----------------------------------------------------------------------------


class _Page(HTMLParser):
    """The ids of the page's form controls, and the summary's link targets."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: dict[str, dict[str, str]] = {}
        self.summary_links: list[str] = []
        self._in_summary = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "div" and "error-summary" in found.get("class", "").split() and found.get("role") == "alert":
            self._in_summary = 1
        elif tag == "div" and self._in_summary:
            self._in_summary += 1
        if tag in ("input", "select", "textarea", "button") and "id" in found:
            self.controls[found["id"]] = found
        if tag == "a" and self._in_summary and found.get("href", "").startswith("#"):
            self.summary_links.append(found["href"][1:])

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._in_summary:
            self._in_summary -= 1


def _page(html: str) -> _Page:
    parsed = _Page()
    parsed.feed(html)
    return parsed


def _post(client, url: str, data: dict):
    return client.post(url, data={**data, "csrf_token": csrf_from(client.get(url).text)})


def _assert_links_land_on_inputs(html: str) -> _Page:
    page = _page(html)
    assert page.summary_links, "no linked error in the summary"
    missing = [target for target in page.summary_links if target not in page.controls]
    assert not missing, f"summary links without a form control of that id: {missing}"
    return page


def test_a_refused_breach_form_titles_the_page_links_each_error_and_marks_the_fields(signed_in, clock):
    clock.set(datetime(2026, 7, 1, 12, tzinfo=UTC))
    client = signed_in("breach_manager")
    response = _post(
        client,
        "/breaches/new",
        {
            "title": "",
            "circumstance": "theft",
            "detected_at-day": "1",
            "detected_at-month": "",
            "detected_at-year": "2026",
            "detected_at-time": "09:00",
            "aware_at-day": "29",
            "aware_at-month": "3",
            "aware_at-year": "2026",
            "aware_at-time": "01:30",
            "data_categories": ["financial", "not-a-category"],
            "summary": "Zoë Ångström-Øvergård 山田太郎",
        },
    )
    assert response.status_code == 422
    html = response.text
    assert re.search(r"<title>Error: Record a breach", html)
    page = _assert_links_land_on_inputs(html)
    assert {"title", "detected_at-month", "aware_at-time", "data_categories"} <= set(page.summary_links)
    title = page.controls["title"]
    assert title["aria-invalid"] == "true" and title["aria-describedby"] == "title-hint title-error"
    assert page.controls["detected_at-month"]["aria-invalid"] == "true"
    assert page.controls["data_categories"]["type"] == "checkbox", "a group's link lands on its first box"
    assert "Enter a short title for the breach" in html and "When it was detected must include a month" in html
    assert "does not exist in Europe/London" in html
    assert "Choose the categories of personal data from the list" in html
    assert not any(raw in html for raw in RAW_PYDANTIC)
    assert "Zoë Ångström-Øvergård 山田太郎</textarea>" in html, "input kept"
    assert page.controls["detected_at"]["value"] == "1" and page.controls["aware_at-time"]["value"] == "01:30"
    assert "UK time (Europe/London)" in html


def test_a_page_without_errors_has_no_error_title(signed_in):
    assert "<title>Record a breach" in signed_in("breach_manager").get("/breaches/new").text


@pytest.mark.parametrize(
    ("role", "url", "data"),
    [
        ("agent", "/subscribers/new", {"kind": "individual", "name": " ", "address": "", "account_reference": ""}),
        ("admin", "/admin/profile", {"legal_name": "", "contact_email": "nope"}),
        ("admin", "/admin/users/new", {"username": "x", "role": "superuser", "password": "short"}),
        ("compliance_officer", "/account", {}),
    ],
)
def test_every_summary_link_of_these_forms_lands_on_a_form_control(signed_in, role, url, data):
    client = signed_in(role)
    target = {"/admin/users/new": "/admin/users", "/account": "/account/password"}.get(url, url)
    token = csrf_from(client.get(url).text)
    response = client.post(target, data={**data, "csrf_token": token})
    assert response.status_code == 422, response.text
    assert "<title>Error: " in response.text
    _assert_links_land_on_inputs(response.text)


def test_a_checkbox_groups_error_links_to_its_first_box_on_the_tokens_page(signed_in, engine, clock):
    from tests.conftest import make_user

    reader = make_user(engine, clock, "auditor", "reader")
    client = signed_in("admin", "root")
    response = _post(client, "/admin/tokens", {"user_id": str(reader.id), "name": "x", "scopes": ["breach:write"]})
    page = _assert_links_land_on_inputs(response.text)
    assert page.summary_links == ["scopes"] and page.controls["scopes"]["type"] == "checkbox"
    assert 'value="breach:write" checked' in response.text


def test_get_filter_forms_keep_their_query_string_and_read_the_boxes_too(signed_in, clock):
    clock.set(datetime(2026, 7, 1, 12, tzinfo=UTC))
    client = signed_in("auditor")
    assert client.get("/breaches?due_before=2026-03-31").status_code == 200
    boxes = client.get("/breaches", params={"due_before-day": "31", "due_before-month": "3", "due_before-year": "2026"})
    assert boxes.status_code == 200 and _page(boxes.text).controls["due_before"]["value"] == "31"
    wrong = client.get("/breaches", params={"due_before-day": "31", "due_before-month": "2", "due_before-year": "2026"})
    assert wrong.status_code == 422
    _assert_links_land_on_inputs(wrong.text)
    assert client.get("/breaches/log?month=2026-03").status_code == 200
    assert client.get("/breaches/log", params={"month-month": "3", "month-year": "2026"}).status_code == 200
