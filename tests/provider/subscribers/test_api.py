"""The JSON API: create, read, update, cursor paging, 409 duplicates, roles and scopes."""

from __future__ import annotations

from sqlmodel import Session, select

from provider.security.models import AuditEvent

NEW = {
    "kind": "individual",
    "name": "Ann Example",
    "address": "1 High Street, Leeds LS1 1AA",
    "email": "ann@example.com",
    "phone": "",
    "account_reference": "ACC-1",
    "lines": [{"number": "07700 900123", "service": "mobile"}],
}


def _create(client, **changes):
    response = client.post("/api/v1/subscribers", json={**NEW, **changes})
    assert response.status_code == 201, response.text
    return response.json()


def test_create_read_and_update_a_subscriber(api_client):
    client = api_client("agent")
    created = _create(client)
    assert created["lines"][0]["number"] == "+447700900123"
    assert created["created_at"].endswith("Z") or created["created_at"].endswith("+00:00")
    read = client.get(f"/api/v1/subscribers/{created['id']}").json()
    assert read["name"] == "Ann Example" and read["kind"] == "individual"
    patched = client.patch(f"/api/v1/subscribers/{created['id']}", json={"kind": "corporate", "name": "Ann Ltd"})
    assert patched.status_code == 200, patched.text
    assert patched.json()["kind"] == "corporate" and patched.json()["address"] == NEW["address"]


def test_list_pages_with_an_after_cursor_until_next_cursor_is_null(api_client):
    client = api_client("agent")
    for index in range(7):
        _create(client, name=f"Person {index}", account_reference=f"ACC-{index}", lines=[])
    names, after, pages = [], None, 0
    while True:
        params = {"limit": 3} | ({"after": after} if after else {})
        body = client.get("/api/v1/subscribers", params=params).json()
        names += [item["name"] for item in body["items"]]
        pages += 1
        after = body["next_cursor"]
        if after is None:
            break
    assert names == [f"Person {index}" for index in range(7)]
    assert pages == 3


def test_list_search_by_name_prefix_reference_and_number(api_client):
    client = api_client("agent")
    _create(client)
    _create(
        client, name="Bob Other", account_reference="ACC-2", lines=[{"number": "020 7946 0001", "service": "fixed"}]
    )
    assert [i["name"] for i in client.get("/api/v1/subscribers", params={"q": "ann ex"}).json()["items"]] == [
        "Ann Example"
    ]
    assert [i["name"] for i in client.get("/api/v1/subscribers", params={"q": "ACC-2"}).json()["items"]] == [
        "Bob Other"
    ]
    assert [i["name"] for i in client.get("/api/v1/subscribers", params={"q": "02079460001"}).json()["items"]] == [
        "Bob Other"
    ]


def test_duplicate_account_reference_is_409_naming_the_field(api_client):
    client = api_client("agent")
    _create(client)
    response = client.post("/api/v1/subscribers", json={**NEW, "lines": []})
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == "account_reference"


def test_duplicate_number_is_409_naming_the_field(api_client):
    client = api_client("agent")
    first = _create(client)
    second = _create(client, account_reference="ACC-2", lines=[])
    response = client.post(
        f"/api/v1/subscribers/{second['id']}/lines", json={"number": "+447700900123", "service": "mobile"}
    )
    assert response.status_code == 409
    error = response.json()["errors"][0]
    assert error["field"] == "number" and str(first["id"]) in error["reason"]


def test_an_invalid_number_is_422_naming_the_field_and_reason(api_client):
    client = api_client("agent")
    response = client.post("/api/v1/subscribers", json={**NEW, "lines": [{"number": "0770", "service": "mobile"}]})
    assert response.status_code == 422
    assert {"field": "lines.0.number", "reason": "not a valid UK number"} in response.json()["errors"]


def test_lines_and_their_named_users(api_client):
    client = api_client("agent")
    subscriber = _create(client, kind="corporate", name="Widgets Ltd", lines=[])
    line = client.post(
        f"/api/v1/subscribers/{subscriber['id']}/lines", json={"number": "+33 1 23 45 67 89", "service": "voip"}
    ).json()
    assert line["number"] == "+33123456789"
    assert client.patch(f"/api/v1/lines/{line['id']}", json={"service": "fixed"}).json()["service"] == "fixed"
    assert client.get(f"/api/v1/lines/{line['id']}").json()["subscriber_id"] == subscriber["id"]
    user = client.post(
        f"/api/v1/lines/{line['id']}/users",
        json={"name": "Dan Driver", "relationship": "employee", "contact": "dan@example.com"},
    )
    assert user.status_code == 201
    assert [u["name"] for u in client.get(f"/api/v1/lines/{line['id']}/users").json()] == ["Dan Driver"]
    assert len(client.get(f"/api/v1/subscribers/{subscriber['id']}/lines").json()) == 1


def test_changes_through_the_api_are_audited_as_the_token(api_client, engine):
    client = api_client("agent")
    created = _create(client)
    client.patch(f"/api/v1/subscribers/{created['id']}", json={"email": "new@example.com"})
    with Session(engine) as session:
        events = session.exec(
            select(AuditEvent).where(AuditEvent.entity_type.in_(["subscriber", "line"])).order_by(AuditEvent.id)
        ).all()
    assert [e.action for e in events] == ["subscriber.created", "line.created", "subscriber.updated"]
    assert {e.actor_kind for e in events} == {"token"}


def test_an_auditor_can_read_but_not_write(api_client):
    writer, auditor = api_client("agent"), api_client("auditor")
    created = _create(writer)
    assert auditor.get(f"/api/v1/subscribers/{created['id']}").status_code == 200
    assert auditor.get("/api/v1/subscribers").status_code == 200
    assert auditor.post("/api/v1/subscribers", json={**NEW, "account_reference": "ACC-X"}).status_code == 403
    assert auditor.patch(f"/api/v1/subscribers/{created['id']}", json={"name": "X"}).status_code == 403
    line_id = created["lines"][0]["id"]
    assert auditor.post(f"/api/v1/lines/{line_id}/users", json={"name": "Y"}).status_code == 403


def test_a_read_scoped_token_cannot_write(api_client):
    reader = api_client("agent", scopes=["subscribers:read"])
    assert reader.get("/api/v1/subscribers").status_code == 200
    assert reader.post("/api/v1/subscribers", json=NEW).status_code == 403


def test_no_token_is_401(client):
    assert client.get("/api/v1/subscribers").status_code == 401


def test_bad_input_is_a_problem_never_a_500(api_client):
    client = api_client("agent")
    assert client.get("/api/v1/subscribers", params={"after": "not-a-cursor"}).status_code == 422
    assert client.get("/api/v1/subscribers", params={"limit": 100000}).status_code == 422
    assert client.get("/api/v1/subscribers/99999999999999999999").status_code == 422
    assert client.get("/api/v1/subscribers/424242").status_code == 404
    assert (
        client.post(
            "/api/v1/subscribers", json={**NEW, "name": 123, "email": 5, "phone": 7, "account_reference": ["x"]}
        ).status_code
        == 422
    )
    assert client.post("/api/v1/subscribers", json={**NEW, "name": "x" * 5000}).status_code == 422
    assert client.post("/api/v1/subscribers", json={**NEW, "email": "a@" + "b" * 300}).status_code == 422
    assert client.post("/api/v1/subscribers", json={**NEW, "account_reference": "has space"}).status_code == 422
    assert client.post("/api/v1/subscribers", json={**NEW, "name": "Nul\u0000Byte"}).status_code == 422
    assert client.get("/api/v1/subscribers", params={"q": "a\u0000b"}).status_code == 422  # provider.text
    nul_cursor = "WyJhXHUwMDAwYiIsMV0"  # ["a\u0000b",1]
    assert client.get("/api/v1/subscribers", params={"after": nul_cursor}).status_code == 422
    created = _create(client)
    assert client.patch(f"/api/v1/subscribers/{created['id']}", json={"name": None}).status_code == 422
    assert client.patch(f"/api/v1/subscribers/{created['id']}", json={"address": "x\u0000"}).status_code == 422
    assert client.get("/api/v1/lines/424242/users").status_code == 404


CSV_HEADER = "account_reference,kind,name,address,email,phone,line_number,line_service\n"


def _import_csv(client, text: str):
    return client.post("/api/v1/subscribers/import", content=text.encode(), headers={"Content-Type": "text/csv"})


def test_a_good_csv_file_is_imported_through_the_api(api_client):
    client = api_client("agent")
    rows = "A-1,individual,Ann,1 Road,,,07700 900001,mobile\nA-2,corporate,B Ltd,2 Road,,,,\n"
    answer = _import_csv(client, CSV_HEADER + rows)
    assert answer.status_code == 201, answer.text
    assert {k: answer.json()[k] for k in ("rows", "subscribers", "lines")} == {"rows": 2, "subscribers": 2, "lines": 1}
    assert client.get("/api/v1/subscribers", params={"q": "A-1"}).json()["items"][0]["name"] == "Ann"


def test_a_refused_csv_file_lists_every_bad_row_past_a_thousand_and_writes_nothing(api_client):
    client = api_client("agent")
    rows = "".join(f"B-{i},individual,Bad,1 Road,,,0770,mobile\n" for i in range(1500))
    answer = _import_csv(client, CSV_HEADER + "A-1,individual,Ann,1 Road,,,,\n" + rows)
    assert answer.status_code == 422 and answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert problem["detail"] == "1500 bad rows of 1501: nothing was imported" and problem["bad_rows"] == 1500
    assert [error["line"] for error in problem["errors"]] == list(range(3, 1503))
    assert problem["errors"][-1] == {"line": 1502, "field": "line_number", "reason": "not a valid UK number"}
    assert client.get("/api/v1/subscribers").json()["items"] == []


def test_an_import_body_that_is_not_a_csv_file_is_a_problem_not_a_500(api_client):
    client = api_client("agent")
    for body in ("", "\xff\xfe", "no,header\n1,2\n"):
        answer = _import_csv(client, body)
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"][0]["line"] == 1
    assert api_client("auditor").post("/api/v1/subscribers/import", content=b"").status_code == 403


def test_an_import_whose_header_cannot_be_read_as_csv_is_a_422_naming_the_file(api_client):
    """A bare carriage return inside the header row (found by the API fuzzer) made the CSV reader raise
    before any row was checked."""
    client = api_client("compliance_officer")
    response = client.post(
        "/api/v1/subscribers/import", content=b"\x05#\xc2\x86q\r\xc2\x82", headers={"Content-Type": "text/csv"}
    )
    assert response.status_code == 422, response.text
    (error,) = response.json()["errors"]
    assert (error["line"], error["field"]) == (1, "file") and error["reason"].startswith("not readable as CSV")
