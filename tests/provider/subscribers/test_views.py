"""The subscriber pages: list and search, forms that keep input on error, panels, and roles."""

from __future__ import annotations

import re

from jinja2 import DictLoader

from provider.security.roles import Permission
from provider.subscribers.panels import SubscriberPanel, register_panel
from tests.conftest import csrf_from

FORM = {
    "kind": "individual",
    "name": "Ann Example",
    "address": "1 High Street, Leeds LS1 1AA",
    "email": "ann@example.com",
    "phone": "",
    "account_reference": "ACC-1",
    "line_number": "07700 900123",
    "line_service": "mobile",
}


def _post(client, url, data):
    token = csrf_from(client.get(url).text)
    return client.post(url, data={**data, "csrf_token": token})


def _create(client, **changes):
    response = _post(client, "/subscribers/new", {**FORM, **changes})
    assert response.status_code == 303, response.text
    return response.headers["location"]


def test_an_agent_creates_a_subscriber_with_a_first_line(signed_in):
    agent = signed_in("agent")
    location = _create(agent)
    assert re.fullmatch(r"/subscribers/\d+", location)
    page = agent.get(location)
    assert "Ann Example" in page.text and "07700 900123" in page.text and "+447700900123" in page.text
    assert "Subscriber created." in page.text


def test_an_invalid_number_names_the_field_and_keeps_the_input(signed_in):
    agent = signed_in("agent")
    response = _post(agent, "/subscribers/new", {**FORM, "line_number": "0770 12", "name": "Keep Me"})
    assert response.status_code == 422
    assert "There is a problem" in response.text
    assert "First line number: not a valid UK number" in response.text
    assert 'href="#line_number"' in response.text
    assert 'value="0770 12"' in response.text and 'value="Keep Me"' in response.text
    assert "1 High Street, Leeds LS1 1AA</textarea>" in response.text


def test_every_bad_field_is_listed_at_once(signed_in):
    agent = signed_in("agent")
    response = _post(agent, "/subscribers/new", {**FORM, "name": " ", "email": "nope", "kind": "alien"})
    assert response.status_code == 422
    for text in ("Enter the name", "E-mail: not a valid e-mail address", "Choose the kind from the list"):
        assert text in response.text


def test_a_duplicate_account_reference_is_shown_on_the_form(signed_in):
    agent = signed_in("agent")
    _create(agent)
    response = _post(agent, "/subscribers/new", {**FORM, "line_number": "", "name": "Second"})
    assert response.status_code == 409
    assert "Account reference: already used by subscriber" in response.text
    assert 'value="Second"' in response.text


def test_edit_add_line_edit_line_and_add_a_named_user(signed_in):
    agent = signed_in("agent")
    location = _create(agent, line_number="")
    assert (
        _post(agent, f"{location}/edit", {**FORM, "name": "Ann Changed", "phone": "020 7946 0999"}).status_code == 303
    )
    assert _post(agent, f"{location}/lines/new", {"number": "0113 496 0001", "service": "fixed"}).status_code == 303
    page = agent.get(location).text
    line_id = re.search(r"/lines/(\d+)/edit", page).group(1)
    assert (
        _post(agent, f"{location}/lines/{line_id}/edit", {"number": "0113 496 0002", "service": "voip"}).status_code
        == 303
    )
    assert (
        _post(
            agent,
            f"{location}/lines/{line_id}/users/new",
            {"name": "Ben Lodger", "relationship": "lodger", "contact": ""},
        ).status_code
        == 303
    )
    page = agent.get(location).text
    assert "Ann Changed" in page and "0113 496 0002" in page and "voip" in page
    assert "Ben Lodger" in page and "lodger" in page and "020 7946 0999" in page


def test_a_bad_line_form_keeps_the_input(signed_in):
    agent = signed_in("agent")
    location = _create(agent, line_number="")
    response = _post(agent, f"{location}/lines/new", {"number": "999", "service": "fax"})
    assert response.status_code == 422
    assert "Number: not a valid UK number" in response.text and 'value="999"' in response.text
    assert "Choose the service from the list" in response.text


def test_the_list_searches_and_pages_by_cursor(signed_in, add_subscriber):
    agent = signed_in("agent")
    for index in range(53):
        add_subscriber(f"P-{index}", name=f"Person {index:02d}")
    first = agent.get("/subscribers")
    assert first.status_code == 200 and "Person 00" in first.text and "Person 50" not in first.text
    next_link = re.search(r'href="(/subscribers\?after=[^"]+)" rel="next"', first.text).group(1)
    second = agent.get(next_link.replace("&amp;", "&"))
    assert "Person 50" in second.text and "Person 49" not in second.text and 'rel="prev"' in second.text
    found = agent.get("/subscribers", params={"q": "P-7"})
    assert "Person 07" in found.text and "exact match" in found.text and "Person 08" not in found.text
    assert agent.get("/subscribers", params={"after": "garbage"}).status_code == 200


def test_other_packages_add_panels_to_the_subscriber_page(app, signed_in):
    app.state.templates.env.loader.loaders.append(DictLoader({"test/panel.html": "<p>lines seen: {{ data }}</p>"}))
    register_panel(
        app,
        SubscriberPanel(
            "Test panel",
            "test/panel.html",
            lambda *, lines, **_: len(lines),
            Permission.subscribers_read,
        ),
    )
    register_panel(app, SubscriberPanel("Admin only", "test/panel.html", lambda **_: 0, Permission.admin))
    agent = signed_in("agent")
    page = agent.get(_create(agent)).text
    assert "Test panel" in page and "lines seen: 1" in page
    assert "Admin only" not in page


def test_an_auditor_can_read_but_not_change(signed_in):
    agent, auditor = signed_in("agent"), signed_in("auditor", "the-auditor")
    location = _create(agent)
    assert auditor.get("/subscribers").status_code == 200
    page = auditor.get(location)
    assert page.status_code == 200 and "Edit details" not in page.text
    assert auditor.get("/subscribers/new").status_code == 403
    token = csrf_from(page.text)
    assert auditor.post(f"{location}/edit", data={**FORM, "csrf_token": token}).status_code == 403
    assert auditor.post("/subscribers/new", data={**FORM, "csrf_token": token}).status_code == 403


def test_a_form_without_its_csrf_token_is_refused(signed_in):
    agent = signed_in("agent")
    assert agent.post("/subscribers/new", data=FORM).status_code == 403


def test_the_nav_links_to_subscribers_only_for_those_who_may_read_them(signed_in):
    assert 'href="/subscribers"' in signed_in("auditor").get("/").text


def test_a_line_of_another_subscriber_is_not_found_under_this_one(signed_in):
    agent = signed_in("agent")
    first = _create(agent)
    second = _create(agent, account_reference="ACC-2", line_number="07700 900124")
    line_id = re.search(r"/lines/(\d+)/edit", agent.get(first).text).group(1)
    assert agent.get(f"{second}/lines/{line_id}/edit").status_code == 404
