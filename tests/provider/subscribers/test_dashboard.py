"""The volumes panel: counts by GROUP BY (or the planner's estimate when large), drawn as an
accessible SVG bar chart whose bars are proportional to the counts and labelled in words and numbers."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import text
from sqlmodel import Session

from provider.subscribers import dashboard
from provider.subscribers.dashboard import Volumes, count_volumes, render_chart

SVG = "{http://www.w3.org/2000/svg}"
# Uneven on purpose: a chart scaled to the total, or to both groups together, draws other lengths.
VOLUMES = Volumes(
    lines={"fixed": 1200, "mobile": 3000, "voip": 0, "broadband": 750},
    subscribers={"individual": 2700, "corporate": 300},
)


def _bars(svg: str) -> dict[str, tuple[str, float, str]]:
    """label -> (group heading, bar width, the number written beside it)."""
    root = ET.fromstring(svg)
    found = {}
    for group in root.findall(f"{SVG}g"):
        heading = group.find(f"{SVG}text").text
        for bar in group.findall(f"{SVG}g"):
            label, number = (element.text for element in bar.findall(f"{SVG}text"))
            found[label] = (heading, float(bar.find(f"{SVG}rect").get("width")), number)
    return found


def test_the_chart_is_well_formed_svg_with_a_title_and_a_description_naming_every_figure():
    root = ET.fromstring(render_chart(VOLUMES, id_prefix="t"))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("aria-labelledby") == "t-title t-desc"
    assert root.find(f"{SVG}title").text == "Subscriber volumes"
    description = root.find(f"{SVG}desc").text
    assert description == (
        "Lines by service: fixed 1,200; mobile 3,000; voip 0; broadband 750. "
        "Subscribers by kind: individual 2,700; corporate 300."
    )


def test_every_bar_is_labelled_with_its_name_and_number():
    bars = _bars(render_chart(VOLUMES))
    assert {label: (heading, number) for label, (heading, _, number) in bars.items()} == {
        "fixed": ("Lines by service", "1,200"),
        "mobile": ("Lines by service", "3,000"),
        "voip": ("Lines by service", "0"),
        "broadband": ("Lines by service", "750"),
        "individual": ("Subscribers by kind", "2,700"),
        "corporate": ("Subscribers by kind", "300"),
    }


def test_bar_lengths_are_proportional_to_the_counts_within_each_group():
    bars = _bars(render_chart(VOLUMES))
    room = dashboard.WIDTH - dashboard.LABEL_WIDTH - dashboard.NUMBER_ROOM
    assert bars["mobile"][1] == room and bars["individual"][1] == room  # the largest of each group fills it
    assert bars["fixed"][1] == pytest.approx(room * 1200 / 3000, abs=0.01)
    assert bars["broadband"][1] == pytest.approx(room * 750 / 3000, abs=0.01)
    assert bars["voip"][1] == 0
    assert bars["corporate"][1] == pytest.approx(room * 300 / 2700, abs=0.01)


def test_an_empty_database_draws_no_bars_and_divides_by_nothing():
    empty = Volumes(
        lines=dict.fromkeys(("fixed", "mobile", "voip", "broadband"), 0), subscribers={"individual": 0, "corporate": 0}
    )
    assert {width for _, width, _ in _bars(render_chart(empty)).values()} == {0.0}


def test_estimates_say_so_in_the_picture_and_its_description():
    svg = render_chart(Volumes(VOLUMES.lines, VOLUMES.subscribers, lines_approximate=True))
    bars = _bars(svg)
    assert bars["mobile"][2] == "about 3,000" and bars["individual"][2] == "2,700"  # counted, so no "about"
    description = ET.fromstring(svg).find(f"{SVG}desc").text
    assert "mobile about 3,000;" in description and "individual 2,700;" in description
    assert "estimates" in description


def test_names_are_escaped_in_the_markup():
    svg = render_chart(VOLUMES, title="Lines & <people>")
    assert ET.fromstring(svg).find(f"{SVG}title").text == "Lines & <people>"


# --- counting ------------------------------------------------------------------------------------


def _people(add_subscriber):
    add_subscriber("A-1", lines=[("07700 900001", "mobile"), ("07700 900002", "mobile"), ("0113 496 0001", "fixed")])
    add_subscriber(
        "A-2", kind="corporate", name="Widgets Ltd", lines=[("07700 900003", "mobile"), ("0113 496 0002", "broadband")]
    )
    add_subscriber("A-3")


def test_counts_are_exact_for_a_small_database(engine, add_subscriber):
    _people(add_subscriber)
    with Session(engine) as session:
        volumes = count_volumes(session)
    assert volumes == Volumes(
        lines={"fixed": 1, "mobile": 3, "voip": 0, "broadband": 1}, subscribers={"individual": 2, "corporate": 1}
    )
    assert not volumes.approximate


def test_a_large_postgresql_table_is_counted_from_its_statistics_and_marked_approximate(
    engine, add_subscriber, monkeypatch
):
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL statistics; SQLite samples instead (the next test)")
    _people(add_subscriber)
    # PostgreSQL lists a value among the most common only once it appears twice, so every value
    # present appears at least twice here (at scale each appears thousands of times).
    add_subscriber(
        "A-4", kind="corporate", name="Gadgets Ltd", lines=[("0113 496 0003", "fixed"), ("0113 496 0004", "broadband")]
    )
    with engine.begin() as connection:
        connection.execute(text("ANALYZE subscriber, subscriber_line"))  # small tables: every row sampled
    monkeypatch.setattr(dashboard, "EXACT_LIMIT", 2)  # "large" now means more than two rows
    with Session(engine) as session:
        volumes = count_volumes(session)
    assert volumes.lines_approximate and volumes.subscribers_approximate
    assert volumes.lines == {"fixed": 2, "mobile": 3, "voip": 0, "broadband": 2}
    assert volumes.subscribers == {"individual": 2, "corporate": 2}


def test_a_large_sqlite_table_is_estimated_from_a_sample_that_a_regular_pattern_does_not_fool(
    sqlite_engine, clock, monkeypatch
):
    from provider.subscribers import service
    from provider.subscribers.models import SubscriberCreate
    from tests.provider.subscribers.conftest import ACTOR

    # 80 lines whose services alternate by id: a sample of every second id would see only one service.
    lines = [{"number": f"07700 900{i:03d}", "service": "mobile" if i % 2 else "fixed"} for i in range(80)]
    with Session(sqlite_engine) as session:
        service.create_subscriber(
            session,
            actor=ACTOR,
            now=clock.now(),
            data=SubscriberCreate(
                kind="corporate", name="Many Lines Ltd", address="1 Road", account_reference="M-1", lines=lines
            ),
        )
        session.commit()
    monkeypatch.setattr(dashboard, "EXACT_LIMIT", 10)
    monkeypatch.setattr(dashboard, "SAMPLE_SIZE", 40)  # every stretch is two ids long
    with Session(sqlite_engine) as session:
        volumes = count_volumes(session)
    assert volumes.lines_approximate and not volumes.subscribers_approximate  # one subscriber: counted
    assert volumes.lines == {"fixed": 40, "mobile": 40, "voip": 0, "broadband": 0}
    assert volumes.subscribers == {"individual": 0, "corporate": 1}


# --- on the dashboard ----------------------------------------------------------------------------


def test_the_dashboard_shows_the_panel_to_those_who_may_read_subscribers(signed_in, add_subscriber):
    _people(add_subscriber)
    page = signed_in("agent").get("/")
    assert page.status_code == 200
    assert "Subscriber volumes" in page.text and 'id="dashboard-volumes-desc"' in page.text
    assert "mobile 3;" in page.text and "Exact counts" in page.text


def test_the_panel_is_registered_for_readers_of_subscribers(app):
    from provider.security.roles import Permission

    assert dashboard.PANEL in app.state.panels
    assert dashboard.PANEL.permission == Permission.subscribers_read  # the dashboard filters panels by it
