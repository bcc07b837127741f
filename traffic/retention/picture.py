"""The retention picture as SVG, pure: records by class (a bar each, split by age), what the next sweep
removes, and the active holds' ends. Text alternatives in <title> and <desc>."""

from __future__ import annotations

from html import escape

from traffic.retention.queries import AGES, RetentionView

WIDTH, LABEL, ROW, BAR = 760, 190, 24, 16
AGE_FILLS = ("#1d70b8", "#5694ca", "#85b4de", "#b1cde9", "#d2e2f1")
SWEEP_FILL, INK = "#d4351c", "#0b0c0c"


def _scale(values: list[int]) -> float:
    largest = max(values, default=0)
    return (WIDTH - LABEL - 90) / largest if largest else 0.0


def _bars(view: RetentionView, top: int, scale: float) -> tuple[list[str], int]:
    parts = [f'<text x="0" y="{top + 12}" font-weight="bold" fill="{INK}">Records kept, by class and age</text>']
    y = top + 20
    for name, ages in view.by_class.items():
        total, x = sum(ages.values()), LABEL
        parts.append(f'<text x="{LABEL - 8}" y="{y + 12}" text-anchor="end" fill="{INK}">{escape(name)}</text>')
        for (age, _limit), fill in zip(AGES, AGE_FILLS, strict=True):
            count = ages.get(age, 0)
            if count:
                width = max(1.0, count * scale)
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR}" fill="{fill}" '
                    f'data-count="{count}"><title>{escape(name)}, {age}: {count:,}</title></rect>'
                )
                x += width
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 12}" fill="{INK}">{total:,}</text>')
        y += ROW
    return parts, y


def _sweep(view: RetentionView, top: int, scale: float) -> tuple[list[str], int]:
    parts = [f'<text x="0" y="{top + 12}" font-weight="bold" fill="{INK}">The next sweep removes</text>']
    y = top + 20
    if not view.next_sweep:
        parts.append(f'<text x="{LABEL}" y="{y + 12}" fill="{INK}">nothing</text>')
        return parts, y + ROW
    for name, count in view.next_sweep.items():
        width = max(1.0, count * scale)
        parts.append(
            f'<text x="{LABEL - 8}" y="{y + 12}" text-anchor="end" fill="{INK}">{escape(name)}</text>'
            f'<rect x="{LABEL}" y="{y}" width="{width:.1f}" height="{BAR}" fill="{SWEEP_FILL}" data-count="{count}">'
            f"<title>{escape(name)}: {count:,} to erase</title></rect>"
            f'<text x="{LABEL + width + 6:.1f}" y="{y + 12}" fill="{INK}">{count:,}</text>'
        )
        y += ROW
    return parts, y


def _legend(top: int) -> list[str]:
    parts, x = [], LABEL
    for (age, _limit), fill in zip(AGES, AGE_FILLS, strict=True):
        parts.append(f'<rect x="{x}" y="{top}" width="12" height="12" fill="{fill}"/>'
                     f'<text x="{x + 16}" y="{top + 10}" fill="{INK}">{age}</text>')  # fmt: skip
        x += 110
    return parts


def describe(view: RetentionView) -> str:
    kept = "; ".join(f"{name}: {sum(ages.values()):,}" for name, ages in view.by_class.items()) or "no records"
    going = "; ".join(f"{name}: {count:,}" for name, count in view.next_sweep.items()) or "nothing"
    return f"Kept: {kept}. The next sweep removes: {going}. Active holds: {len(view.holds)}."


def render(view: RetentionView) -> str:
    scale = _scale([sum(a.values()) for a in view.by_class.values()] + list(view.next_sweep.values()))
    parts, y = _bars(view, 0, scale)
    legend = _legend(y + 4)
    sweep_parts, y = _sweep(view, y + 28, scale)
    holds = f'<text x="0" y="{y + 16}" fill="{INK}">Active retention holds: {len(view.holds)}</text>'
    height = y + 28
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart retention" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" aria-labelledby="retention-title retention-desc" '
        'font-family="system-ui, sans-serif" font-size="12">',
        '<title id="retention-title">Traffic and location data retention</title>',
        f'<desc id="retention-desc">{escape(describe(view))}</desc>',
        *parts, *legend, *sweep_parts, holds, "</svg>",
    ])  # fmt: skip
