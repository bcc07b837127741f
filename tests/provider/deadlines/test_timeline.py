"""The deadline timeline picture: a pure function from obligations and a moment to SVG markup."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from datetime import UTC, datetime, timedelta

from provider.deadlines.timeline import LABEL_WIDTH, RIGHT_MARGIN, WIDTH, TimelineItem, Window, render_timeline

SVG = "{http://www.w3.org/2000/svg}"
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def _parse(markup: str) -> ElementTree.Element:
    return ElementTree.fromstring(markup)


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
    expected = LABEL_WIDTH + 0.25 * (WIDTH - RIGHT_MARGIN - LABEL_WIDTH)
    assert float(line.get("x1")) == expected
    assert float(line.get("x2")) == expected


def test_bars_run_from_anchor_to_due_time():
    window = Window(NOW, NOW + timedelta(hours=100))
    item = TimelineItem("ICO", due_at=NOW + timedelta(hours=75), anchor_at=NOW + timedelta(hours=25))
    rect = _parse(render_timeline([item], NOW, window=window)).find(f".//{SVG}g[@class]/{SVG}rect")
    span = WIDTH - RIGHT_MARGIN - LABEL_WIDTH
    assert float(rect.get("x")) == LABEL_WIDTH + 0.25 * span
    assert float(rect.get("width")) == 0.5 * span


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
