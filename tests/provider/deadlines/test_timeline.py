"""The deadline timeline picture: a pure function from obligations and a moment to SVG markup.

Horizontal positions are percentages of the picture's width (so it fits any screen): `_position` reads one.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from datetime import UTC, datetime, timedelta

from provider.deadlines.timeline import CHART_LEFT, CHART_RIGHT, TimelineItem, Window, day_ticks, render_timeline

SVG = "{http://www.w3.org/2000/svg}"
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def _parse(markup: str) -> ElementTree.Element:
    return ElementTree.fromstring(markup)


def _position(value: str) -> float:
    assert value.endswith("%"), value
    return float(value[:-1])


def _texts(root: ElementTree.Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def test_output_is_well_formed_xml_with_a_title_and_description_it_points_to():
    markup = render_timeline(
        [TimelineItem("BR-1 ICO notification", NOW + timedelta(hours=5), NOW)],
        NOW,
        title="Deadlines for BR-1 & co",
        id_prefix="br1",
    )
    root = _parse(markup)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "br1-title br1-desc"
    assert root.find(f"{SVG}title").text == "Deadlines for BR-1 & co"
    assert "BR-1 ICO notification" in root.find(f"{SVG}desc").text


def test_now_line_sits_at_the_fraction_of_the_window_that_has_passed():
    # A quarter of the way through a 4-day window: a renderer measuring from the wrong end, or in
    # local time across no clock change, would land elsewhere.
    window = Window(NOW - timedelta(days=1), NOW + timedelta(days=3))
    markup = render_timeline([TimelineItem("x", NOW + timedelta(days=2), NOW)], NOW, window=window, id_prefix="t")
    line = _parse(markup).find(f".//{SVG}line[@id='t-now']")
    expected = CHART_LEFT + 0.25 * (CHART_RIGHT - CHART_LEFT)
    assert _position(line.get("x1")) == expected
    assert _position(line.get("x2")) == expected


def test_bars_run_from_anchor_to_due_time():
    window = Window(NOW, NOW + timedelta(hours=100))
    item = TimelineItem("ICO", due_at=NOW + timedelta(hours=75), anchor_at=NOW + timedelta(hours=25))
    rect = _parse(render_timeline([item], NOW, window=window)).find(f".//{SVG}g[@class]/{SVG}rect")
    span = CHART_RIGHT - CHART_LEFT
    assert _position(rect.get("x")) == CHART_LEFT + 0.25 * span
    assert _position(rect.get("width")) == 0.5 * span


def test_overdue_items_say_overdue_in_words_and_are_hatched_not_only_coloured():
    items = [
        TimelineItem("BR-1 ICO notification", NOW - timedelta(hours=2), NOW - timedelta(hours=75), overdue=True),
        TimelineItem("BR-2 ICO notification", NOW + timedelta(hours=2), NOW - timedelta(hours=70)),
    ]
    root = _parse(render_timeline(items, NOW, id_prefix="d"))
    groups = root.findall(f".//{SVG}g[@class]")
    overdue = [g for g in groups if "overdue" in g.get("class")]
    assert len(overdue) == 1
    assert any(text.startswith("overdue") for text in _texts(overdue[0]))
    assert overdue[0].find(f"{SVG}rect").get("fill") == "url(#d-hatch)"
    on_time = [g for g in groups if g.get("class") == "obligation open"]
    assert len(on_time) == 1 and not any("overdue" in text for text in _texts(on_time[0]))
    assert "1 overdue" in root.find(f"{SVG}desc").text


def test_times_are_written_in_europe_london_with_the_zone_name():
    # 13:00 UTC on 1 July is 14:00 BST; 13:00 UTC on 1 December is 13:00 GMT.
    summer_now = datetime(2026, 7, 1, 13, 0, tzinfo=UTC)
    summer = _texts(_parse(render_timeline([TimelineItem("a", summer_now + timedelta(hours=1))], summer_now)))
    assert any("now 01 Jul 2026 14:00 BST" in text for text in summer)
    assert any("due 01 Jul 2026 15:00 BST" in text for text in summer)
    winter_now = datetime(2026, 12, 1, 13, 0, tzinfo=UTC)
    winter = _texts(_parse(render_timeline([TimelineItem("a", winter_now + timedelta(hours=1))], winter_now)))
    assert any("now 01 Dec 2026 13:00 GMT" in text for text in winter)


def test_internal_targets_are_labelled_and_dashed():
    item = TimelineItem("BR-1 initial notification", NOW + timedelta(hours=3), NOW, statutory=False)
    group = _parse(render_timeline([item], NOW)).find(f".//{SVG}g[@class='obligation open']")
    assert group.find(f"{SVG}rect").get("stroke-dasharray")
    assert any("internal target" in text for text in _texts(group))


def test_labels_are_escaped_so_markup_in_a_title_cannot_break_the_picture():
    item = TimelineItem('<script>alert("x")</script> & more', NOW + timedelta(hours=1), href="/breaches/1?a=1&b=2")
    root = _parse(render_timeline([item], NOW))
    assert root.find(f".//{SVG}script") is None
    assert any("<script>" in text for text in _texts(root))


def test_no_items_still_renders_a_now_line_and_says_so():
    root = _parse(render_timeline([], NOW))
    assert root.find(f".//{SVG}line[@id='timeline-now']") is not None
    assert any("No open deadlines" in text for text in _texts(root))


def test_the_picture_is_as_wide_as_its_box_and_has_a_legend_naming_every_style():
    root = _parse(render_timeline([TimelineItem("x", NOW + timedelta(hours=5), NOW)], NOW))
    assert root.get("width") == "100%" and root.get("viewBox") is None  # never wider than the page
    legend = root.find(f".//{SVG}g[@class='legend']")
    assert _texts(legend) == ["Overdue", "Statutory deadline", "Met", "Internal target", "Now", "Met late"]


def test_day_ticks_fall_on_london_midnights_across_the_october_clock_change():
    # 24 to 27 October 2026: midnight is 23:00 UTC in BST and 00:00 UTC once the clocks have gone back.
    window = Window(datetime(2026, 10, 24, 12, 0, tzinfo=UTC), datetime(2026, 10, 27, 12, 0, tzinfo=UTC))
    ticks = [moment for moment, _named in day_ticks(window)]
    assert ticks == [
        datetime(2026, 10, 24, 23, 0, tzinfo=UTC),
        datetime(2026, 10, 26, 0, 0, tzinfo=UTC),
        datetime(2026, 10, 27, 0, 0, tzinfo=UTC),
    ]
    texts = _texts(_parse(render_timeline([], datetime(2026, 10, 26, 12, 0, tzinfo=UTC), window=window)))
    assert {"25 Oct", "26 Oct", "27 Oct"} <= set(texts)


def test_a_month_of_days_names_at_most_five_so_the_names_never_overlap_on_a_phone():
    window = Window(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 31, tzinfo=UTC))
    ticks = day_ticks(window)
    assert len(ticks) == 30 and sum(named for _moment, named in ticks) <= 5


def test_a_long_label_wraps_onto_lines_of_its_own_instead_of_being_cut_at_a_column():
    label = "BR-2026-0001 · Send the monthly breach log to the ICO, with the nil return for the month"
    group = _parse(render_timeline([TimelineItem(label, NOW + timedelta(hours=5), NOW)], NOW)).find(
        f".//{SVG}g[@class='obligation open']"
    )
    lines = _texts(group)[:3]
    assert " ".join(lines) == label and all(len(line) <= 36 for line in lines)
    assert group.find(f"{SVG}title").text.startswith(label)
