"""A deadline timeline as a server-rendered SVG picture: pure, data in, markup out.

One horizontal bar per obligation, from its anchor (the moment its clock started) to its due time,
and a vertical line at "now". The picture must not rely on colour alone (WCAG 1.4.1): overdue bars
are hatched as well as red and carry the word "overdue"; internal targets are dashed and say
"internal target"; every due time is written out in the display zone (Europe/London) with its zone
name. The SVG has a <title> and <desc> so a screen reader announces what it shows, and pages put a
table of the same obligations beside it.

Nothing here decides whether something is overdue: `item_for` asks the core rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from xml.sax.saxutils import escape, quoteattr
from zoneinfo import ZoneInfo

from provider.clock import LONDON, ensure_utc, format_local
from provider.deadlines import rules

WIDTH = 800
LABEL_WIDTH = 330  # left column holding each bar's name and due time
LABEL_CHARACTERS = 50
RIGHT_MARGIN = 22
TOP = 46  # room for the "now" caption and the axis labels
ROW_HEIGHT = 40
BAR_HEIGHT = 18
BOTTOM = 26
MIN_BAR_WIDTH = 3  # an obligation whose anchor and due time coincide stays visible
NO_ANCHOR_LEAD = timedelta(hours=1)

INK, MUTED, BAD, STATUTORY, INTERNAL, DONE = "#1b1f23", "#5a6570", "#b3261e", "#0b4f6c", "#a15c00", "#1e6b3a"


@dataclass(frozen=True)
class TimelineItem:
    """One obligation as the picture needs it; `overdue` and `done` are decided by the caller's rules."""

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
    """The span of time drawn across the chart area, in UTC."""

    start: datetime
    end: datetime

    def x(self, moment: datetime) -> float:
        """The horizontal position of `moment`, clamped to the chart area."""
        left, right = LABEL_WIDTH, WIDTH - RIGHT_MARGIN
        span = (self.end - self.start).total_seconds() or 1.0
        fraction = (ensure_utc(moment) - self.start).total_seconds() / span
        return round(left + min(max(fraction, 0.0), 1.0) * (right - left), 2)


def window_for(items: Sequence[TimelineItem], now: datetime) -> Window:
    """From the earliest anchor (or now) to the latest due time (or now), with a little margin."""
    moments = [ensure_utc(now)]
    for item in items:
        moments.append(ensure_utc(item.due_at))
        moments.append(ensure_utc(item.anchor_at or item.due_at - NO_ANCHOR_LEAD))
    start, end = min(moments), max(moments)
    margin = max((end - start) / 20, timedelta(minutes=30))
    return Window(start - margin, end + margin)


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
    height = TOP + max(len(items), 1) * ROW_HEIGHT + BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart timeline" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(describe(items, now, zone))}</desc>',
        _defs(id_prefix),
        _axis(window, height, zone),
    ]
    if not items:
        parts.append(f'<text x="{LABEL_WIDTH}" y="{TOP + 24}" fill="{MUTED}">No open deadlines.</text>')
    for row, item in enumerate(items):
        parts.append(_bar(item, row, window, zone, id_prefix))
    parts.append(_now_line(window, now, height, zone, id_prefix))
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
        "</defs>"
    )


def _axis(window: Window, height: int, zone: ZoneInfo) -> str:
    left, right = LABEL_WIDTH, WIDTH - RIGHT_MARGIN
    baseline = height - BOTTOM + 4
    return (
        f'<g class="axis" fill="{MUTED}">'
        f'<line x1="{left}" y1="{baseline}" x2="{right}" y2="{baseline}" stroke="{MUTED}"/>'
        f'<text x="{left}" y="{baseline + 16}">{escape(format_local(window.start, zone))}</text>'
        f'<text x="{right}" y="{baseline + 16}" text-anchor="end">{escape(format_local(window.end, zone))}</text>'
        "</g>"
    )


def _bar(item: TimelineItem, row: int, window: Window, zone: ZoneInfo, id_prefix: str) -> str:
    """Name on the first line and state with due time on the second, both left of the chart; the bar
    itself spans the two lines, so no text ever crosses the now line."""
    top = TOP + row * ROW_HEIGHT
    start_x = window.x(item.anchor_at or item.due_at - NO_ANCHOR_LEAD)
    end_x = window.x(item.due_at)
    width = max(end_x - start_x, MIN_BAR_WIDTH)
    fill, stroke, dash = _bar_style(item, id_prefix)
    state = _state(item)
    caption = f"{state} · due {format_local(item.due_at, zone)}"
    label = escape(_shorten(item.label, LABEL_CHARACTERS))
    if item.href:
        label = f"<a href={quoteattr(item.href)}>{label}</a>"
    colour, weight = (BAD, ' font-weight="bold"') if item.overdue else (INK, "")
    beyond = ""
    if ensure_utc(item.due_at) > window.end:
        beyond = f'<text x="{WIDTH - RIGHT_MARGIN + 2}" y="{top + 19}" fill="{MUTED}">→</text>'
    return (
        f'<g class="obligation {state.split()[0]}">'
        f"<title>{escape(item.label)}: {escape(caption)}</title>"
        f'<text x="6" y="{top + 13}" fill="{colour}">{label}</text>'
        f'<text x="6" y="{top + 29}" fill="{colour}" font-size="11"{weight}>{escape(caption)}</text>'
        f'<rect x="{start_x}" y="{top + 6}" width="{round(width, 2)}" height="{BAR_HEIGHT}" fill="{fill}" '
        f'stroke="{stroke}" stroke-width="2"{dash}/>{beyond}'
        "</g>"
    )


def _bar_style(item: TimelineItem, id_prefix: str) -> tuple[str, str, str]:
    """(fill, stroke, dash attribute): overdue is hatched red, met is green, internal targets dashed."""
    if item.overdue:
        return f"url(#{id_prefix}-hatch)", BAD, ""
    if item.done:
        return DONE, DONE, ""
    if not item.statutory:
        return "#fdf0d9", INTERNAL, ' stroke-dasharray="5 3"'
    return STATUTORY, STATUTORY, ""


def _now_line(window: Window, now: datetime, height: int, zone: ZoneInfo, id_prefix: str) -> str:
    x = window.x(now)
    anchor = "end" if x > (LABEL_WIDTH + WIDTH) / 2 else "start"
    offset = -4 if anchor == "end" else 4
    return (
        f'<g class="now">'
        f'<line id="{id_prefix}-now" x1="{x}" y1="{TOP - 14}" x2="{x}" y2="{height - BOTTOM + 4}" stroke="{INK}" '
        'stroke-width="2" stroke-dasharray="2 2"/>'
        f'<text x="{x + offset}" y="{TOP - 18}" text-anchor="{anchor}" font-weight="bold" fill="{INK}">'
        f"now {escape(format_local(now, zone))}</text>"
        "</g>"
    )


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
