"""Typed path parameters and load-or-404 dependencies, on every route of the app."""

from __future__ import annotations

import re

from tests.provider.route_walk import endpoints

ID_PARAMETER = re.compile(r"{(\w+_id)(:\w+)?}")
# The API has promised a 422 problem for a filing id that is not a number (tests/breach/test_api.py), and no
# fixed path shares this one's prefix, so it keeps a bounded IdPath without the path convertor.
NAMED_IDS = {"job_id"}  # a job is named ("breach.reminders"), not numbered: its pattern bounds it
UNTYPED_BY_CONTRACT = {"/api/v1/filings/{filing_id}.pdf"}


def test_every_id_in_a_path_is_typed_so_route_order_never_matters(app):
    untyped = sorted(
        f"{endpoint}"
        for endpoint in endpoints(app)
        for name, convertor in ID_PARAMETER.findall(endpoint.path)
        if convertor != ":int" and name not in NAMED_IDS and endpoint.path not in UNTYPED_BY_CONTRACT
    )
    assert not untyped, "\n".join(untyped)


def test_an_id_that_names_nothing_is_404_and_an_absurd_one_is_422(signed_in, api_client):
    admin = signed_in("admin", "root")
    for url in (
        "/breaches/99",
        "/breaches/99/edit",
        "/subscribers/99",
        "/subscribers/99/lines/98/edit",
        "/admin/users/99",
    ):
        assert admin.get(url).status_code == 404, url
    assert admin.get(f"/breaches/{2**70}").status_code == 422
    assert api_client("admin").get(f"/api/v1/subscribers/{2**70}").status_code == 422
    assert admin.get("/breaches/not-a-number").status_code == 404, "a typed path never reads text as an id"
