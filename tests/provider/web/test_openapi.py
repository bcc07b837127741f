"""/openapi.json as a client reads it: the bearer scheme, every error documented as a problem with a
`type` to switch on, and OPTIONS answering with the methods each path really allows."""

from __future__ import annotations

import re

import pytest

from provider.web.problem_types import BASE, KINDS

OPERATIONS = ("get", "post", "put", "patch", "delete")
PROBLEM = {"$ref": "#/components/schemas/Problem"}


@pytest.fixture
def document(api_client):
    response = api_client("auditor").get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(document):
    for path, item in document["paths"].items():
        for method in OPERATIONS:
            if method in item:
                yield path, method, item[method]


def test_the_bearer_scheme_is_declared_and_required_on_every_api_operation(document):
    scheme = document["components"]["securitySchemes"]["bearer"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    api = [(p, m, op) for p, m, op in _operations(document) if p.startswith("/api/")]
    assert len(api) > 20
    assert [(p, m) for p, m, op in api if op.get("security") != [{"bearer": []}]] == []


def test_every_error_is_documented_as_a_problem(document):
    missing = []
    for path, method, operation in _operations(document):
        if not path.startswith("/api/"):
            continue
        expected = {"401", "403", "503"}
        if "{" in path:
            expected.add("404")
        if "requestBody" in operation:
            expected |= {"400", "413", "422"}
        if operation.get("parameters"):
            expected.add("422")
        if method != "get":
            expected.add("409")
        responses = operation["responses"]
        for status in sorted(expected):
            content = responses.get(status, {}).get("content", {})
            if content.get("application/problem+json", {}).get("schema") != PROBLEM:
                missing.append(f"{method.upper()} {path} {status}")
        assert "application/json" not in responses.get("422", {}).get("content", {}), f"{method} {path}"
    assert missing == []
    assert "HTTPValidationError" not in str(document)


def test_a_404_a_route_declares_without_a_path_parameter_is_a_problem_in_its_own_words(document, api_client):
    declared = document["paths"]["/api/v1/traffic/authorise"]["post"]["responses"]["404"]
    assert declared["content"]["application/problem+json"]["schema"] == PROBLEM
    assert declared["description"].startswith("No subscriber, line or named user")
    answer = api_client("compliance_officer").post(
        "/api/v1/traffic/authorise", json={"subscriber_id": 2**40, "data_kind": "traffic", "purpose": "billing"}
    )
    assert answer.status_code == 404 and answer.headers["content-type"] == "application/problem+json"


def test_the_problem_schema_lists_every_type_uri(document):
    problem = document["components"]["schemas"]["Problem"]
    assert set(problem["required"]) >= {"type", "title", "status"}
    uris = problem["properties"]["type"]["enum"]
    assert uris == [kind.uri for kind in KINDS] and all(uri.startswith(BASE) for uri in uris)
    assert len(set(uris)) == len(uris)
    assert BASE + "validation" in uris and BASE + "not-found" in uris


def test_problems_carry_the_documented_type(api_client, client):
    auditor = api_client("auditor")
    assert client.get("/api/v1/breaches").json()["type"] == BASE + "unauthorised"
    assert api_client("auditor", ["audit:read"]).get("/api/v1/breaches").json()["type"] == BASE + "forbidden"
    assert auditor.get("/api/v1/breaches/999999").json()["type"] == BASE + "not-found"
    assert auditor.get("/api/v1/breaches", params={"limit": "many"}).json()["type"] == BASE + "validation"
    refused = auditor.delete("/api/v1/breaches")
    assert refused.status_code == 405 and refused.json()["type"] == BASE + "method-not-allowed"
    assert refused.headers["allow"] == "GET, OPTIONS, POST"


def test_options_answers_with_the_methods_each_documented_path_allows(document, client):
    wrong = {}
    for path, item in document["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        response = client.options(concrete)
        documented = {m.upper() for m in OPERATIONS if m in item} | {"OPTIONS"}
        allowed = set(response.headers.get("allow", "").split(", ")) - {""}
        if response.status_code != 204 or not documented <= allowed:
            wrong[path] = (response.status_code, sorted(allowed))
    assert wrong == {}


def test_options_on_pages_static_files_and_unknown_paths(client):
    assert client.options("/login").headers["allow"] == "GET, OPTIONS, POST"
    static = client.options("/static/pecr.css")
    assert static.status_code == 204 and static.headers["allow"] == "GET, HEAD, OPTIONS"
    assert client.options("/api/v1/breaches").headers["allow"] == "GET, OPTIONS, POST"
    assert client.options("/api/v1/breaches/7").headers["allow"] == "GET, OPTIONS, PATCH"
    unknown = client.options("/no-such-path")
    assert unknown.status_code == 404 and unknown.json()["type"] == BASE + "not-found"


def test_the_docs_page_still_renders_the_error_responses(signed_in):
    page = signed_in("auditor").get("/docs")
    assert page.status_code == 200 and "422" in page.text and "Problem" in page.text
