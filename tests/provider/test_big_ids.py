"""Ids and counts are 64-bit: an id past 2**31 is an unknown id (404), a count past 2**31 is stored, and an
id past 2**63-1 is a 422 naming the parameter, its range stated in the OpenAPI (issue 7)."""

from __future__ import annotations

import pytest
from sqlalchemy.dialects import postgresql

from provider.db.registry import load_all_models
from provider.db.types import MAX_ID
from tests.breach.test_api import CREATED

BEYOND_32_BITS = 2**31


def test_every_integer_column_is_64_bit_on_postgresql():
    narrow = [
        f"{table.name}.{column.name}"
        for table in load_all_models().metadata.sorted_tables
        for column in table.columns
        if column.type.compile(dialect=postgresql.dialect()) in {"INTEGER", "SMALLINT"}
    ]
    assert narrow == []


def test_ids_past_32_bits_are_unknown_not_errors(api_client, signed_in):
    manager = api_client("admin")
    assert manager.get(f"/api/v1/breaches/{BEYOND_32_BITS}").status_code == 404
    assert manager.get(f"/api/v1/reminders?after={BEYOND_32_BITS}").status_code == 200
    browser = signed_in("admin")
    assert browser.get(f"/breaches/{BEYOND_32_BITS}").status_code == 404
    assert browser.get(f"/audit?before_id={BEYOND_32_BITS}").status_code == 200
    assert browser.get(f"/audit?after_id={BEYOND_32_BITS}").status_code == 200


def test_a_count_past_32_bits_is_stored(api_client):
    manager = api_client("breach_manager")
    response = manager.post("/api/v1/breaches", json={**CREATED, "individuals_affected": BEYOND_32_BITS})
    assert response.status_code == 201, response.text
    again = manager.get(f"/api/v1/breaches/{response.json()['id']}")
    assert again.json()["individuals_affected"] == BEYOND_32_BITS


@pytest.mark.parametrize(
    "url, name",
    [
        (f"/api/v1/breaches/{MAX_ID + 1}", "breach_id"),
        (f"/api/v1/reminders?after={MAX_ID + 1}", "after"),
        (f"/api/v1/audit-events?before_id={MAX_ID + 1}", "before_id"),
    ],
)
def test_an_id_past_64_bits_is_a_422_naming_the_parameter(api_client, url, name):
    response = api_client("admin").get(url)
    assert response.status_code == 422
    assert name in [error["field"] for error in response.json()["errors"]]


def test_the_openapi_states_the_range_of_every_id_parameter(sqlite_engine):
    from provider.settings import Settings
    from provider.web.app import create_app

    settings = Settings(env="test", database_url=str(sqlite_engine.url), secret_key="s" * 20, master_key="m" * 20)
    spec = create_app(settings=settings, engine=sqlite_engine).openapi()
    unbounded = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                schema = parameter["schema"]
                choices = schema.get("anyOf", [schema])
                for choice in choices:
                    if choice.get("type") == "integer" and "maximum" not in choice:
                        unbounded.append(f"{method} {path} {parameter['name']}")
    assert unbounded == []
