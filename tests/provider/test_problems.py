"""One error shape for the API (RFC 9457 problem details) and no input that reaches a 500.

The walking tests cover every route the app has, including ones added after this file was written.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.provider.route_walk import PUBLIC, endpoints, unbounded_parameters

PROBLEM_JSON = "application/problem+json"
HUGE_ID = 2**70
# Formats pydantic parses strictly and quickly, so a long value is a 422, never a large stored string.
BOUNDED_FORMATS = {"date", "date-time", "time", "uuid", "email", "duration"}


def assert_problem(response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"].startswith("https://pecr.example/problems/")
    for error in body.get("errors", []):
        assert set(error) == {"field", "reason"} and error["field"] and error["reason"]
    return body


@pytest.fixture
def admin_api(api_client):
    return api_client("admin")


def test_malformed_json_is_a_422_problem(admin_api):
    response = admin_api.put(
        "/api/v1/provider-profile", content=b'{"legal_name": "x",', headers={"content-type": "application/json"}
    )
    body = assert_problem(response, 422)
    assert body["errors"] and body["detail"]


def test_wrong_types_name_each_field(admin_api):
    response = admin_api.put(
        "/api/v1/provider-profile", json={"legal_name": 5, "address": ["a"], "contact_email": None}
    )
    body = assert_problem(response, 422)
    fields = {error["field"] for error in body["errors"]}
    assert {"legal_name", "address", "contact_email", "contact_name"} <= fields


def test_a_json_array_where_an_object_belongs_is_a_422(admin_api):
    assert_problem(admin_api.put("/api/v1/provider-profile", json=["legal_name"]), 422)


def test_unknown_ids_are_404_problems(admin_api):
    assert "not found" in assert_problem(admin_api.get("/api/v1/users/999999"), 404)["detail"]
    assert_problem(admin_api.post("/api/v1/tokens/999999/revoke"), 404)
    assert_problem(admin_api.get("/api/v1/no-such-thing"), 404)


def test_huge_ids_are_422_problems_naming_the_parameter(admin_api):
    body = assert_problem(admin_api.get(f"/api/v1/users/{HUGE_ID}"), 422)
    assert body["errors"][0]["field"] == "user_id"
    assert_problem(admin_api.get("/api/v1/audit-events", params={"before_id": HUGE_ID}), 422)


def test_huge_strings_are_422_problems(admin_api):
    profile = {
        "legal_name": "x" * 1_000_000,
        "address": "a",
        "ico_registration_number": "Z1",
        "contact_name": "c",
        "contact_email": "c@example.com",
        "contact_phone": "0113",
    }
    body = assert_problem(admin_api.put("/api/v1/provider-profile", json=profile), 422)
    assert [error["field"] for error in body["errors"]] == ["legal_name"]
    assert_problem(admin_api.get("/api/v1/audit-events", params={"actor": "a" * 10_000}), 422)


def test_wrong_method_and_missing_token_are_problems_too(admin_api, client):
    assert_problem(admin_api.delete("/api/v1/provider-profile"), 405)
    unauthorised = assert_problem(client.get("/api/v1/users"), 401)
    assert unauthorised["detail"]


def test_every_declared_parameter_of_every_route_is_bounded(app):
    """Strings need a max_length and integers an upper bound, or the database is the first to refuse (a 500)."""
    problems = [problem for endpoint in endpoints(app) for problem in unbounded_parameters(endpoint)]
    assert not problems, "\n" + "\n".join(problems)


def _unbounded_in_schema(schema: dict[str, Any], where: str, components: dict[str, Any], seen: set[str]) -> list[str]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        seen.add(name)
        return _unbounded_in_schema(components[name], name, components, seen)
    found = []
    for option in schema.get("anyOf", []) + schema.get("allOf", []) + schema.get("oneOf", []):
        found += _unbounded_in_schema(option, where, components, seen)
    kind = schema.get("type")
    bounded_string = {"maxLength", "enum", "const"} & set(schema) or schema.get("format") in BOUNDED_FORMATS
    if kind == "string" and not bounded_string:
        found.append(f"{where}: string without maxLength")
    if kind == "integer" and not {"maximum", "exclusiveMaximum", "enum", "const"} & set(schema):
        found.append(f"{where}: integer without maximum")
    if kind == "array":
        if "maxItems" not in schema:
            found.append(f"{where}: array without maxItems")
        found += _unbounded_in_schema(schema.get("items", {}), f"{where}[]", components, seen)
    for name, spec in schema.get("properties", {}).items():
        found += _unbounded_in_schema(spec, f"{where}.{name}", components, seen)
    return found


def test_every_request_body_field_is_bounded(app):
    document = app.openapi()
    components = document.get("components", {}).get("schemas", {})
    problems = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {})
            for media in content.values():
                problems += _unbounded_in_schema(media.get("schema", {}), f"{method.upper()} {path}", components, set())
    assert not problems, "\n" + "\n".join(problems)


def test_no_api_route_answers_500_to_huge_ids_or_malformed_json(admin_api, app):
    failures = []
    for endpoint in endpoints(app):
        if not endpoint.is_api or (endpoint.method, endpoint.path) in PUBLIC:
            continue
        if "{" in endpoint.path:
            response = admin_api.request(endpoint.method, endpoint.url(HUGE_ID))
            if response.status_code != 422 or response.headers["content-type"] != PROBLEM_JSON:
                failures.append(f"{endpoint} with id {HUGE_ID}: {response.status_code}")
        if endpoint.has_body and endpoint.unsafe:
            response = admin_api.request(
                endpoint.method, endpoint.url(), content=b"{not json", headers={"content-type": "application/json"}
            )
            if not 400 <= response.status_code < 500 or response.headers["content-type"] != PROBLEM_JSON:
                failures.append(f"{endpoint} with malformed JSON: {response.status_code}")
    assert not failures, "\n" + "\n".join(failures)


def test_no_page_answers_500_to_huge_ids(signed_in, app):
    admin = signed_in("admin", "root")
    failures = []
    for endpoint in endpoints(app):
        if endpoint.is_api or endpoint.method != "GET" or "{" not in endpoint.path:
            continue
        status = admin.get(endpoint.url(HUGE_ID)).status_code
        if status >= 500 or status in (200, 401, 403):
            failures.append(f"{endpoint} with id {HUGE_ID}: {status}")
    assert not failures, "\n" + "\n".join(failures)


def test_no_read_route_answers_500_to_oversized_query_strings(admin_api, signed_in, app):
    admin = signed_in("admin", "root")
    failures = []
    for endpoint in endpoints(app):
        names = [field.name for field in endpoint.dependant.query_params]
        if endpoint.method != "GET" or not names or (endpoint.method, endpoint.path) in PUBLIC:
            continue
        client = admin_api if endpoint.is_api else admin
        status = client.get(endpoint.url(), params={name: "9" * 5000 for name in names}).status_code
        if status >= 500:
            failures.append(f"{endpoint}: {status}")
    assert not failures, "\n" + "\n".join(failures)
