"""Reportlab building blocks shared by every generated document.

Every document carries the provider's identity (from the profile snapshot), a title, a reference and
"Page x of y" on every page. Text is escaped before it reaches reportlab's mini-markup, so user input
cannot inject markup or break a render; characters the body font lacks are set in a fallback font
(provider.notices.fonts).

Any length renders: table rows split across pages (`splitInRow`), a paragraph longer than a page
splits, a heading is kept with what follows it. Rendered in reportlab's invariant mode, so identical
input gives identical bytes, but with the document's own creation time in its metadata (not reportlab's
invariant 1 January 2000).
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache, partial
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import TimeStamp
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from provider.notices import fonts

NOT_PROVIDED = "Not yet known"
MARGIN = 20 * mm
FOOTER_LINE = 4 * mm
PageHook = Callable[[Canvas, Any], None]


@lru_cache(maxsize=1)
def _styles() -> dict[str, ParagraphStyle]:
    font_set = fonts.fonts()
    base = getSampleStyleSheet()
    regular, bold = font_set.regular, font_set.bold

    def style(name: str, parent: str, **values: Any) -> ParagraphStyle:
        return ParagraphStyle(f"pecr-{name}", parent=base[parent], fontName=values.pop("fontName", regular), **values)

    return {
        "title": style("title", "Title", fontName=bold, fontSize=16, leading=20, spaceAfter=6, keepWithNext=1),
        "heading": style(
            "heading",
            "Heading2",
            fontName=bold,
            fontSize=12.5,
            leading=16,
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=1,
        ),
        "body": style("body", "BodyText", fontSize=10, leading=13.5),
        "letter": style("letter", "BodyText", fontSize=11, leading=15, spaceAfter=4),
        "letter-heading": style(
            "letter-heading",
            "Heading3",
            fontName=bold,
            fontSize=12,
            leading=15,
            spaceBefore=8,
            spaceAfter=2,
            keepWithNext=1,
        ),
        "footer": style("footer", "BodyText", fontSize=7.5, leading=FOOTER_LINE, textColor=colors.HexColor("#444444")),
        "small": style("small", "BodyText", fontSize=8, leading=10, textColor=colors.HexColor("#444444")),
        "label": style("label", "BodyText", fontName=bold, fontSize=9, leading=12),
        "letterhead": style("letterhead", "BodyText", fontName=bold, fontSize=15, leading=18),
        "address": style("address", "BodyText", fontSize=10, leading=12.5),
    }


class _Styles(Mapping[str, ParagraphStyle]):
    """The paragraph styles, built on first use (after the fonts are registered)."""

    def __getitem__(self, key: str) -> ParagraphStyle:
        return _styles()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(_styles())

    def __len__(self) -> int:
        return len(_styles())


STYLES = _Styles()


# Enough for a batch's fixed wording, which then stays cached; each recipient's own lines (name, address,
# reference) are parsed once and pushed out again, so a worker's memory stays flat over 100,000 letters.
@lru_cache(maxsize=512)
def _fragments(markup: str, style: ParagraphStyle) -> tuple[Any, ...]:
    return tuple(Paragraph(markup, style).frags)


def paragraph(markup: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of reportlab markup, parsed once per distinct text and style.

    Parsing the mini-markup is a tenth of a letter's cost, and a batch of letters repeats the same headings
    and wording thousands of times. The cached fragments are only read by reportlab's line breaking; each
    paragraph gets its own list of them, so splitting one across pages never touches another.
    """
    return Paragraph(markup, style, frags=list(_fragments(markup, style)))


def text(value: Any, style: str = "body") -> Paragraph:
    """A paragraph of plain text: escaped, line breaks kept, empty shown as 'Not yet known'."""
    if value is None or (isinstance(value, str) and not value.strip()):
        rendered = f"<i>{NOT_PROVIDED}</i>"
    else:
        rendered = fonts.markup(str(value))
    return paragraph(rendered, STYLES[style])


def heading(value: str, style: str = "heading") -> Paragraph:
    """A heading that is never left alone at the foot of a page (keepWithNext)."""
    return paragraph(fonts.markup(value), STYLES[style])


def title(value: str) -> Paragraph:
    return paragraph(fonts.markup(value), STYLES["title"])


def _table(data: list[list[Any]], widths: Sequence[float], repeat_rows: int, commands: list[Any]) -> Table:
    # splitInRow: a row taller than the space left splits across pages instead of failing (LayoutError)
    # or jumping whole to the next page and leaving this one half empty.
    table = Table(data, colWidths=list(widths), repeatRows=repeat_rows, splitInRow=1, splitByRow=1)
    table.setStyle(TableStyle(commands))
    return table


def field_table(rows: Iterable[tuple[str, Any]], label_width_mm: float = 55, width_mm: float = 170) -> Table:
    """Two-column question/answer table, the way the ICO's forms lay out their items."""
    data = [[paragraph(escape(label), STYLES["label"]), text(value)] for label, value in rows]
    return _table(
        data,
        [label_width_mm * mm, (width_mm - label_width_mm) * mm],
        0,
        [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#9aa5b1")),
            ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef1f4")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ],
    )


def grid(header: Sequence[str], rows: Iterable[Sequence[Any]], widths_mm: Sequence[float]) -> Table:
    """A data table with a repeated header row, for logs and lists that run over pages."""
    data = [[paragraph(escape(h), STYLES["label"]) for h in header]]
    data += [[text(cell, "small") for cell in row] for row in rows]
    return _table(
        data,
        [w * mm for w in widths_mm],
        1,
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde3e9")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ],
    )


def provider_block(provider: Mapping[str, Any]) -> Table:
    """The provider's identity and contact point, as every notice and form must show it."""
    contact = f"{provider.get('contact_name', '')} ({provider.get('contact_role', '')})".strip()
    return field_table(
        [
            ("Provider", provider.get("legal_name")),
            ("Trading name", provider.get("trading_name") or provider.get("legal_name")),
            ("Address", provider.get("address")),
            ("ICO registration number", provider.get("ico_registration_number")),
            ("Contact point / DPO", contact if contact != "()" else None),
            ("Contact e-mail", provider.get("contact_email")),
            ("Contact telephone", provider.get("contact_phone")),
        ]
    )


def keep(*flowables: Flowable) -> KeepTogether:
    return KeepTogether(list(flowables))


def spacer(height_mm: float = 4) -> Spacer:
    return Spacer(1, height_mm * mm)


def _watermark(canvas: Any, pagesize: tuple[float, float], words: str) -> None:
    """Large grey words across the page (a draft is never mistaken for what was sent)."""
    canvas.saveState()
    canvas.setFont("Helvetica-Bold", 44)
    canvas.setFillColor(colors.Color(0.75, 0.1, 0.1, alpha=0.25))
    canvas.translate(pagesize[0] / 2, pagesize[1] / 2)
    canvas.rotate(45)
    canvas.drawCentredString(0, 0, words)
    canvas.restoreState()


def timestamp(moment: datetime) -> TimeStamp:
    """A reportlab timestamp for a fixed instant (UTC), so invariant mode keeps the document's own date."""
    stamp = TimeStamp(invariant=True)
    stamp.t = moment.astimezone(UTC).timestamp()
    stamp.lt = time.gmtime(stamp.t)
    stamp.YMDhms = tuple(stamp.lt)[:6]
    stamp.dhh = stamp.dmm = 0
    stamp.tzname = "UTC"
    return stamp


class _NumberedCanvas(Canvas):
    """Holds every page until the end so that each can say 'Page x of y'; stamps the creation time."""

    def __init__(self, *args: Any, footer: Sequence[str], created: datetime | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer_lines = list(footer)
        self._pages: list[dict[str, Any]] = []
        if created is not None:
            self._doc._timeStamp = timestamp(created)

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        """The footer lines (as paragraphs, so a name in any script gets its fallback font) and the page."""
        width = self._pagesize[0]
        self.saveState()
        self.setFont(fonts.fonts().regular, 7.5)
        self.setFillColor(colors.HexColor("#444444"))
        self.drawRightString(width - MARGIN, 8 * mm, f"Page {self._pageNumber} of {total}")
        self.restoreState()
        lines = self._footer_lines
        for index, line in enumerate(lines):
            drawn = paragraph(fonts.markup(line), STYLES["footer"])
            drawn.wrapOn(self, width - 2 * MARGIN - 25 * mm, FOOTER_LINE * 3)
            drawn.drawOn(self, MARGIN, 8 * mm + (len(lines) - 1 - index) * FOOTER_LINE - 1)


def _blank_page(_canvas: Canvas, _doc: Any) -> None:
    """Nothing drawn beside the story."""


def build(
    story: list[Flowable],
    *,
    document_title: str,
    reference: str,
    author: str,
    created_at: datetime | None = None,
    footer: Sequence[str] = (),
    landscape_pages: bool = False,
    watermark: str = "",
    first_page: PageHook | None = None,
    first_page_top_mm: float = 18,
) -> bytes:
    """Render a story to PDF bytes with a footer (the given lines, else reference and title; "Page x of y").

    `created_at` is the document's creation time in its metadata (the filing's or batch's moment, so the
    same snapshot still gives the same bytes). `first_page` draws on the first page (a letterhead), whose
    text frame then starts `first_page_top_mm` from the top.
    """
    buffer = io.BytesIO()
    pagesize = landscape(A4) if landscape_pages else A4
    lines = list(footer) or [f"{reference} · {document_title}"]
    bottom = 12 * mm + len(lines) * FOOTER_LINE
    document = BaseDocTemplate(
        buffer,
        pagesize=pagesize,
        title=document_title,
        author=author,
        subject=reference,
        creator="pecr",
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=18 * mm,
        bottomMargin=bottom,
        invariant=1,
    )
    width, height = pagesize[0] - 2 * MARGIN, pagesize[1] - 18 * mm - bottom
    first_height = pagesize[1] - first_page_top_mm * mm - bottom
    marked = (lambda canvas, _doc: _watermark(canvas, pagesize, watermark)) if watermark else _blank_page

    def first(canvas: Canvas, doc: Any) -> None:
        (first_page or _blank_page)(canvas, doc)
        marked(canvas, doc)

    document.addPageTemplates(
        [
            PageTemplate(
                id="first",
                frames=[Frame(MARGIN, bottom, width, first_height, id="first")],
                onPage=first,
                autoNextPageTemplate="later",
            ),
            PageTemplate(id="later", frames=[Frame(MARGIN, bottom, width, height, id="later")], onPage=marked),
        ]
    )
    document.build(story, canvasmaker=partial(_NumberedCanvas, footer=lines, created=created_at))
    return buffer.getvalue()
