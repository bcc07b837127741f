"""The volumes box on the dashboard: lines by service and subscribers by kind, as a picture.

The counts come from one GROUP BY per table. At a million subscribers that is a scan of every row on
every visit to the home page (measured by provider.subscribers.bench: about 0.35 s on PostgreSQL and
0.75 s on SQLite at a million subscribers), so once a table holds more than EXACT_LIMIT rows the counts
are estimated instead, and the picture and the text say "about":

* PostgreSQL: from the planner's statistics (`pg_stats`: each value's share of a sample of the table,
  times the estimated row count; refreshed by ANALYZE and autovacuum) — no table access at all;
* SQLite, which keeps no such statistics: from a sample of SAMPLE_SIZE rows read by primary key, one
  at a pseudo-random place in each equal stretch of ids (so a regular pattern in how rows were
  inserted cannot line up with the sample), each standing for a stretch of rows.

The picture is a server-rendered SVG bar chart (no JavaScript). It does not rely on colour: each bar
is named and its number written beside it, and the SVG carries a <title> and a <desc> that say the
same in words, so a screen reader announces every figure. Bars in one group share a scale: each is
as long, relative to the longest bar of its group, as its count is relative to the largest count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from markupsafe import Markup
from sqlalchemy import func, text
from sqlmodel import Session, select

from provider.security.roles import Permission
from provider.subscribers.models import Line, LineService, Subscriber, SubscriberKind
from provider.web.rendering import DashboardPanel

EXACT_LIMIT = 200_000  # rows a table may hold before the panel estimates instead of counting
SAMPLE_SIZE = 10_000  # rows SQLite reads for an estimate (at 1.5M demo lines: ~40 ms, each within 5%)

WIDTH = 640
LABEL_WIDTH = 110  # left column holding each bar's name
NUMBER_ROOM = 130  # right of the longest bar, for its number
GROUP_TOP = 46  # room for a group's heading
ROW_HEIGHT = 28
BAR_HEIGHT = 18
GROUP_GAP = 16
INK, MUTED, LINES_FILL, SUBSCRIBERS_FILL = "#1b1f23", "#5a6570", "#0b4f6c", "#4a6b2f"


@dataclass(frozen=True)
class Group:
    """One group of bars: a heading and (label, count) pairs in a fixed order."""

    heading: str
    bars: list[tuple[str, int]]
    unit: str
    fill: str = LINES_FILL
    approximate: bool = False


@dataclass(frozen=True)
class Volumes:
    lines: dict[str, int]
    subscribers: dict[str, int]
    lines_approximate: bool = False
    subscribers_approximate: bool = False

    @property
    def approximate(self) -> bool:
        return self.lines_approximate or self.subscribers_approximate


# --- counting -----------------------------------------------------------------------------------


def _exact(session: Session, column: Any) -> dict[str, int]:
    return {str(value): int(count) for value, count in session.exec(select(column, func.count()).group_by(column))}


def _estimated_rows(session: Session, table: str) -> float:
    """The planner's row estimate for `table` (-1 when it has never been analysed)."""
    estimate = session.execute(
        text("SELECT reltuples FROM pg_class WHERE oid = to_regclass(:table)"), {"table": table}
    ).scalar()
    return float(estimate) if estimate is not None else -1.0


def _estimated(session: Session, table: str, column: str, values: list[str]) -> dict[str, int] | None:
    """Counts per value from the planner's statistics, or None when there are none to read."""
    rows = _estimated_rows(session, table)
    statistics = session.execute(
        text(
            "SELECT most_common_vals::text::text[], most_common_freqs, null_frac FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = :table AND attname = :column"
        ),
        {"table": table, "column": column},
    ).first()
    if rows < 0 or statistics is None or statistics[0] is None:
        return None
    shares = dict(zip(statistics[0], statistics[1], strict=True))
    # Values too rare to be among the most common share what the common ones leave over.
    missing = [value for value in values if value not in shares]
    leftover = max(0.0, 1.0 - sum(shares.values()) - float(statistics[2] or 0.0))
    for value in missing:
        shares[value] = leftover / len(missing)
    return {value: round(share * rows) for value, share in shares.items()}


def _sampled(session: Session, table: str, column: str) -> dict[str, int] | None:
    """SQLite: counts per value scaled up from about SAMPLE_SIZE rows read by id (None if small)."""
    # Two statements: SQLite reads min() or max() alone from the end of the index, both together by a scan.
    low = session.execute(text(f"SELECT min(id) FROM {table}")).scalar()
    high = session.execute(text(f"SELECT max(id) FROM {table}")).scalar()
    if low is None or high - low + 1 <= EXACT_LIMIT:
        return None
    step = (high - low + 1) // SAMPLE_SIZE
    # Knuth's multiplicative hash picks the place inside each stretch: fixed, so the figures do not
    # jump about between two visits, yet unrelated to any period in the ids.
    counts = session.execute(
        text(
            f"WITH RECURSIVE stretch(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM stretch WHERE n + 1 < :stretches) "
            f"SELECT t.{column}, count(*) FROM stretch JOIN {table} AS t "
            f"ON t.id = :low + stretch.n * :step + (stretch.n * 2654435761) % :step GROUP BY t.{column}"
        ),
        {"stretches": (high - low + 1) // step, "low": low, "step": step},
    )
    return {str(value): found * step for value, found in counts}


def _estimate(session: Session, table: str, column: str, values: list[str]) -> dict[str, int] | None:
    """An estimate for a large table, or None when the table is small enough to count."""
    if session.get_bind().dialect.name != "postgresql":
        return _sampled(session, table, column)
    if _estimated_rows(session, table) <= EXACT_LIMIT:
        return None
    return _estimated(session, table, column, values)


def count_volumes(session: Session) -> Volumes:
    """Lines per service and subscribers per kind: exact, or estimated for large tables."""
    services, kinds = [s.value for s in LineService], [k.value for k in SubscriberKind]
    lines = _estimate(session, "subscriber_line", "service", services)
    subscribers = _estimate(session, "subscriber", "kind", kinds)
    estimated = (lines is not None, subscribers is not None)
    lines = lines if lines is not None else _exact(session, Line.service)
    subscribers = subscribers if subscribers is not None else _exact(session, Subscriber.kind)
    return Volumes(
        {value: lines.get(value, 0) for value in services},
        {value: subscribers.get(value, 0) for value in kinds},
        *estimated,
    )


# --- the picture ----------------------------------------------------------------------------------


def groups_of(volumes: Volumes) -> list[Group]:
    return [
        Group("Lines by service", list(volumes.lines.items()), "lines", LINES_FILL, volumes.lines_approximate),
        Group(
            "Subscribers by kind",
            list(volumes.subscribers.items()),
            "subscribers",
            SUBSCRIBERS_FILL,
            volumes.subscribers_approximate,
        ),
    ]


def _number(count: int, approximate: bool) -> str:
    return f"about {count:,}" if approximate else f"{count:,}"


def bar_width(count: int, largest: int) -> float:
    """Length of a bar in a group whose largest count is `largest` (the longest bar fills the room)."""
    room = WIDTH - LABEL_WIDTH - NUMBER_ROOM
    return round(room * count / largest, 2) if largest > 0 else 0.0


def describe(groups: list[Group]) -> str:
    """The text alternative: every figure the picture shows, in words."""
    sentences = [
        f"{group.heading}: "
        + "; ".join(f"{label} {_number(count, group.approximate)}" for label, count in group.bars)
        + "."
        for group in groups
    ]
    if any(group.approximate for group in groups):
        sentences.append("Figures given as about are estimates, not counts.")
    return " ".join(sentences)


def _group(group: Group, top: int) -> list[str]:
    largest = max((count for _, count in group.bars), default=0)
    parts = [
        f'<g class="group"><text x="6" y="{top + 20}" font-weight="bold" font-size="14" fill="{INK}">'
        f"{escape(group.heading)}</text>"
    ]
    for row, (label, count) in enumerate(group.bars):
        y = top + GROUP_TOP - 12 + row * ROW_HEIGHT
        width = bar_width(count, largest)
        number = _number(count, group.approximate)
        parts.append(
            f'<g class="bar"><title>{escape(label)}: {escape(number)} {escape(group.unit)}</title>'
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 13}" text-anchor="end" fill="{INK}">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" fill="{group.fill}" '
            f'data-count="{count}"/>'
            f'<text x="{LABEL_WIDTH + width + 6}" y="{y + 13}" fill="{INK}">{escape(number)}</text></g>'
        )
    parts.append("</g>")
    return parts


def _group_height(group: Group) -> int:
    return GROUP_TOP + len(group.bars) * ROW_HEIGHT + GROUP_GAP


def render_chart(volumes: Volumes, *, title: str = "Subscriber volumes", id_prefix: str = "volumes") -> str:
    """The SVG markup for `volumes`; `id_prefix` keeps ids unique on one page."""
    groups = groups_of(volumes)
    height = sum(_group_height(group) for group in groups) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart volumes" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(describe(groups))}</desc>',
    ]
    top = 0
    for group in groups:
        parts.extend(_group(group, top))
        top += _group_height(group)
    parts.append("</svg>")
    return "\n".join(parts)


# --- the panel ------------------------------------------------------------------------------------


def build_panel(*, session: Session, now: datetime, settings: Any = None) -> dict[str, Any]:  # noqa: ARG001 - the panel contract
    """Template data for subscribers/panel.html."""
    volumes = count_volumes(session)
    return {
        "svg": Markup(render_chart(volumes, id_prefix="dashboard-volumes")),
        "volumes": volumes,
        "groups": groups_of(volumes),
        "approximate": volumes.approximate,
        "as_at": now,
    }


PANEL = DashboardPanel(
    title="Subscriber volumes",
    template="subscribers/panel.html",
    build=build_panel,
    permission=Permission.subscribers_read,
)
