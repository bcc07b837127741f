"""A deadline timeline as a server-rendered SVG picture any page can use: pure, data in, markup out.

One bar per deadline, from its anchor (the moment its clock started) to its due time, a vertical line at
"now", a tick at each local midnight (Europe/London days) and a legend. The picture is as wide as the
page and never wider: horizontal positions are percentages of its width, while text keeps its own size,
so labels read the same on a 1280 px desktop, a 390 px phone and a dashboard panel. Each label sits on its
own lines above its bar (wrapped when long), so no text is squeezed into a column, and text has a white
halo, so the now line and the day ticks behind it never make it hard to read.

It must not rely on colour alone (WCAG 1.4.1): overdue bars are hatched as well as red and say
"overdue"; internal targets are dashed and say "internal target"; met-late bars are striped and say
"met late"; every due time is written out in the display zone with its zone name. The SVG has a <title>
and <desc> so a screen reader announces what it shows, and pages put a table of the same deadlines
beside it. Nothing here decides whether something is overdue: `item_for` asks the core rules.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from xml.sax.saxutils import escape, quoteattr
from zoneinfo import ZoneInfo

from provider.clock import LONDON, ensure_utc, format_local
from provider.deadlines import rules

CHART_LEFT = 1.0  # percent of the picture's width where the time axis starts
CHART_RIGHT = 99.0  # and ends; the inset keeps the due markers at the edges whole
LABEL_CHARACTERS = 36  # per line: fits a 260 px box (a dashboard panel on a phone) at the label size
CAPTION_CHARACTERS = 40  # state and due time share a line up to this length, else take one line each
LABEL_LINES = 4  # beyond this the label ends in "…"; the tooltip and the table beside hold it whole
LABEL_SIZE, CAPTION_SIZE = 13, 12
LINE_HEIGHT, CAPTION_HEIGHT, BAR_HEIGHT, ROW_GAP = 16, 15, 14, 12
TOP = 44  # the "now" caption and the day labels
LEGEND_ROW_HEIGHT = 20
MAX_DAY_LABELS = 5  # at most this many day labels, so they never overlap in a narrow box
MAX_DAY_TICKS = 62
DAY_LABEL_EDGE = 7.0  # percent: a day label closer than this to an edge would be cut off
HALO = 'stroke="#ffffff" stroke-width="3" paint-order="stroke"'  # text stays legible over grid and now line
NO_ANCHOR_LEAD = timedelta(hours=1)

INK, MUTED, GRID, BAD, STATUTORY, INTERNAL, DONE = (
    "#1b1f23",
    "#5a6570",
    "#d5dbe1",
    "#b3261e",
    "#0b4f6c",
    "#a15c00",
    "#1e6b3a",
)


@dataclass(frozen=True)
class TimelineItem:
    """One deadline as the picture needs it; `overdue`, `done` and `late` come from the rules (item_for)."""

    label: str
    due_at: datetime
    anchor_at: datetime | None = None
    statutory: bool = True
    overdue: bool = False
    done: bool = False
    late: bool = False  # done, but after the due time
    href: str | None = None


def item_for(obligation: rules.ObligationLike, now: datetime, *, label: str, href: str | None = None) -> TimelineItem:
    """An obligation with a due time as a bar, its state from rules.deadline_state."""
    state = rules.deadline_state(obligation, now)
    return TimelineItem(
        label=label,
        due_at=obligation.due_at,
        anchor_at=getattr(obligation, "anchor_at", None),
        statutory=bool(getattr(obligation, "statutory", True)),
        overdue=state is rules.DeadlineState.overdue,
        done=state in (rules.DeadlineState.met, rules.DeadlineState.met_late),
        late=state is rules.DeadlineState.met_late,
        href=href,
    )


@dataclass(frozen=True)
class Window:
    """The span of time drawn across the chart, in UTC."""

    start: datetime
    end: datetime

    def x(self, moment: datetime) -> float:
        """The horizontal position of `moment` in percent of the picture's width, clamped to the chart."""
        span = (self.end - self.start).total_seconds() or 1.0
        fraction = (ensure_utc(moment) - self.start).total_seconds() / span
        return round(CHART_LEFT + min(max(fraction, 0.0), 1.0) * (CHART_RIGHT - CHART_LEFT), 2)


def window_for(items: Sequence[TimelineItem], now: datetime) -> Window:
    """From the earliest anchor (or now) to the latest due time (or now), with a little margin."""
    moments = [ensure_utc(now)]
    for item in items:
        moments.append(ensure_utc(item.due_at))
        moments.append(ensure_utc(item.anchor_at or item.due_at - NO_ANCHOR_LEAD))
    start, end = min(moments), max(moments)
    margin = max((end - start) / 20, timedelta(minutes=30))
    return Window(start - margin, end + margin)


def _label_lines(label: str) -> list[str]:
    return textwrap.wrap(label, LABEL_CHARACTERS, max_lines=LABEL_LINES, placeholder=" …") or [""]


def _caption_lines(item: TimelineItem, zone: ZoneInfo) -> list[str]:
    state, due = _state(item), f"due {format_local(item.due_at, zone)}"
    joined = f"{state} · {due}"
    return [joined] if len(joined) <= CAPTION_CHARACTERS else [state, due]


def _row_height(item: TimelineItem, zone: ZoneInfo) -> int:
    texts = len(_label_lines(item.label)) * LINE_HEIGHT + len(_caption_lines(item, zone)) * CAPTION_HEIGHT
    return texts + BAR_HEIGHT + ROW_GAP


def render_timeline(
    items: Sequence[TimelineItem],
    now: datetime,
    *,
    window: Window | None = None,
    zone: ZoneInfo = LONDON,
    title: str = "Deadlines",
    id_prefix: str = "timeline",
) -> str:
    """The SVG markup for `items` with a line at `now`; `id_prefix` keeps ids unique on one page."""
    now = ensure_utc(now)
    window = window or window_for(items, now)
    rows_height = sum(_row_height(item, zone) for item in items) if items else 36
    legend_top = TOP + rows_height + 6
    height = legend_top + 3 * LEGEND_ROW_HEIGHT + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart timeline" role="img" width="100%" '
        f'height="{height}" style="height:{height}px" aria-labelledby="{id_prefix}-title {id_prefix}-desc" '
        f'font-family="system-ui, sans-serif" font-size="{CAPTION_SIZE}">',
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(describe(items, now, zone))}</desc>',
        _defs(id_prefix),
        _days(window, TOP - 8, TOP + rows_height, zone),
        _now_line(window, now, TOP + rows_height, zone, id_prefix),
    ]
    if not items:
        parts.append(f'<text x="{CHART_LEFT}%" y="{TOP + 22}" fill="{MUTED}">No open deadlines.</text>')
    top = TOP
    for item in items:
        parts.append(_bar(item, top, window, now, zone, id_prefix))
        top += _row_height(item, zone)
    parts.append(_legend(legend_top, id_prefix))
    parts.append("</svg>")
    return "\n".join(parts)


def describe(items: Sequence[TimelineItem], now: datetime, zone: ZoneInfo = LONDON) -> str:
    """The text alternative: what the picture shows, item by item."""
    overdue = sum(1 for item in items if item.overdue)
    lines = [f"Now is {format_local(now, zone)}. {len(items)} deadline(s) shown, {overdue} overdue."]
    lines.extend(f"{item.label}: {_state(item)}, due {format_local(item.due_at, zone)}." for item in items)
    return " ".join(lines)


def _state(item: TimelineItem) -> str:
    if item.done:
        word = "met late" if item.late else "met"
    else:
        word = "overdue" if item.overdue else "open"
    return word if item.statutory else f"{word} (internal target)"


def _defs(id_prefix: str) -> str:
    return (
        "<defs>"
        f'<pattern id="{id_prefix}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#fbe3e1"/><line x1="0" y1="0" x2="0" y2="6" stroke="{BAD}" '
        'stroke-width="3"/></pattern>'
        f'<pattern id="{id_prefix}-late" width="8" height="8" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(-45)">'
        f'<rect width="8" height="8" fill="{DONE}"/><line x1="0" y1="0" x2="0" y2="8" stroke="#ffffff" '
        'stroke-width="3"/></pattern>'
        "</defs>"
    )


def day_ticks(window: Window, zone: ZoneInfo = LONDON) -> list[tuple[datetime, bool]]:
    """Each local midnight inside the window (in UTC), and whether its day is named: at most
    MAX_DAY_LABELS names, evenly spaced; beyond MAX_DAY_TICKS days only the named ones are drawn."""
    first = window.start.astimezone(zone).date() + timedelta(days=1)
    last = window.end.astimezone(zone).date()
    days = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    step = max(1, math.ceil(len(days) / MAX_DAY_LABELS))
    ticks = []
    for index, day in enumerate(days):
        named = index % step == 0
        if named or len(days) <= MAX_DAY_TICKS:
            midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
            ticks.append((ensure_utc(midnight), named))
    return ticks


def _days(window: Window, top: int, bottom: int, zone: ZoneInfo) -> str:
    parts = [f'<g class="days" fill="{MUTED}" font-size="11">']
    for midnight, named in day_ticks(window, zone):
        x = window.x(midnight)
        parts.append(f'<line x1="{x}%" y1="{top + 4}" x2="{x}%" y2="{bottom}" stroke="{GRID}" stroke-width="1"/>')
        if named and DAY_LABEL_EDGE <= x <= 100 - DAY_LABEL_EDGE:
            day = midnight.astimezone(zone).strftime("%d %b")
            parts.append(f'<text x="{x}%" y="{top}" text-anchor="middle">{escape(day)}</text>')
    parts.append("</g>")
    return "".join(parts)


def _bar(item: TimelineItem, top: int, window: Window, now: datetime, zone: ZoneInfo, id_prefix: str) -> str:
    """The label's lines, then the state and due time, then the bar. The now line runs behind the text
    (which has a white halo) and is drawn again across the bar, so it shows on every bar."""
    caption = f"{_state(item)} · due {format_local(item.due_at, zone)}"
    colour, weight = (BAD, ' font-weight="bold"') if item.overdue else (INK, "")
    texts, y = [], top
    for line in _label_lines(item.label):
        y += LINE_HEIGHT
        text = escape(line)
        if item.href:
            text = f"<a href={quoteattr(item.href)}>{text}</a>"
        texts.append(f'<text x="0" y="{y - 3}" fill="{colour}" font-size="{LABEL_SIZE}" {HALO}>{text}</text>')
    for line in _caption_lines(item, zone):
        y += CAPTION_HEIGHT
        texts.append(f'<text x="0" y="{y - 4}" fill="{colour}"{weight} {HALO}>{escape(line)}</text>')
    if ensure_utc(item.due_at) > window.end:
        texts[-1] = texts[-1].replace("</text>", f'<tspan fill="{MUTED}" font-weight="normal"> → later</tspan></text>')
    bar_y = y
    start_x, end_x, now_x = (
        window.x(item.anchor_at or item.due_at - NO_ANCHOR_LEAD),
        window.x(item.due_at),
        window.x(now),
    )
    fill, stroke, dash = _bar_style(item, id_prefix)
    return (
        f'<g class="obligation {_state(item).split(" (")[0].replace(" ", "_")}">'
        f"<title>{escape(item.label)}: {escape(caption)}</title>"
        + "".join(texts)
        + f'<rect x="{start_x}%" y="{bar_y}" width="{round(end_x - start_x, 2)}%" height="{BAR_HEIGHT}" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="2"{dash}/>'
        f'<line x1="{end_x}%" y1="{bar_y - 3}" x2="{end_x}%" y2="{bar_y + BAR_HEIGHT + 3}" stroke="{stroke}" '
        'stroke-width="3"/>'
        f'<line x1="{now_x}%" y1="{bar_y - 2}" x2="{now_x}%" y2="{bar_y + BAR_HEIGHT + 2}" stroke="{INK}" '
        'stroke-width="2" stroke-dasharray="2 2"/>'
        "</g>"
    )


def _bar_style(item: TimelineItem, id_prefix: str) -> tuple[str, str, str]:
    """(fill, stroke, dash attribute): overdue hatched red, met green, met late striped green; internal
    targets are dashed whatever their state."""
    dash = "" if item.statutory else ' stroke-dasharray="5 3"'
    if item.overdue:
        return f"url(#{id_prefix}-hatch)", BAD, dash
    if item.done:
        return (f"url(#{id_prefix}-late)" if item.late else DONE), DONE, dash
    if not item.statutory:
        return "#fdf0d9", INTERNAL, dash
    return STATUTORY, STATUTORY, dash


def _now_line(window: Window, now: datetime, bottom: int, zone: ZoneInfo, id_prefix: str) -> str:
    x = window.x(now)
    anchor, offset = ("end", -4) if x > 50 else ("start", 4)
    return (
        f'<g class="now">'
        f'<line id="{id_prefix}-now" x1="{x}%" y1="{TOP - 34}" x2="{x}%" y2="{bottom}" stroke="{INK}" '
        'stroke-width="2" stroke-dasharray="2 2"/>'
        f'<text x="{x}%" dx="{offset}" y="{TOP - 30}" text-anchor="{anchor}" font-weight="bold" fill="{INK}" {HALO}>'
        f"now {escape(format_local(now, zone))}</text>"
        "</g>"
    )


def _swatch(style: str) -> str:
    return f'<rect x="1" y="3" width="20" height="11" stroke-width="2" {style}/>'


def _legend(top: int, id_prefix: str) -> str:
    """Two columns of three, short words first, so the legend fits a narrow box and reads on a desktop."""
    entries = [
        ("Overdue", _swatch(f'fill="url(#{id_prefix}-hatch)" stroke="{BAD}"')),
        ("Statutory deadline", _swatch(f'fill="{STATUTORY}" stroke="{STATUTORY}"')),
        ("Met", _swatch(f'fill="{DONE}" stroke="{DONE}"')),
        ("Internal target", _swatch(f'fill="#fdf0d9" stroke="{INTERNAL}" stroke-dasharray="5 3"')),
        ("Now", f'<line x1="11" y1="1" x2="11" y2="17" stroke="{INK}" stroke-width="2" stroke-dasharray="2 2"/>'),
        ("Met late", _swatch(f'fill="url(#{id_prefix}-late)" stroke="{DONE}"')),
    ]
    parts = [f'<g class="legend" fill="{INK}" font-size="11">']
    for index, (words, swatch) in enumerate(entries):
        x, y = ("0", "50%")[index % 2], top + (index // 2) * LEGEND_ROW_HEIGHT
        parts.append(
            f'<svg x="{x}" y="{y}" width="50%" height="{LEGEND_ROW_HEIGHT}" overflow="visible">'
            f'{swatch}<text x="27" y="13">{escape(words)}</text></svg>'
        )
    parts.append("</g>")
    return "".join(parts)
