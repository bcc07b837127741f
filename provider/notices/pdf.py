"""Reportlab building blocks shared by every generated document.

Every document carries the provider's identity (from the profile snapshot), a title, a reference and
page numbers. Text is escaped before it reaches reportlab's mini-markup, so user input cannot inject
markup or break a render.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

_BASE = getSampleStyleSheet()
STYLES = {
    "title": ParagraphStyle("pecr-title", parent=_BASE["Title"], fontSize=16, leading=20, spaceAfter=6),
    "heading": ParagraphStyle(
        "pecr-heading", parent=_BASE["Heading2"], fontSize=12.5, leading=16, spaceBefore=10, spaceAfter=4
    ),
    "body": ParagraphStyle("pecr-body", parent=_BASE["BodyText"], fontSize=10, leading=13.5),
    "small": ParagraphStyle(
        "pecr-small", parent=_BASE["BodyText"], fontSize=8, leading=10, textColor=colors.HexColor("#444444")
    ),
    "label": ParagraphStyle("pecr-label", parent=_BASE["BodyText"], fontSize=9, leading=12, fontName="Helvetica-Bold"),
}
NOT_PROVIDED = "Not yet known"


def text(value: Any, style: str = "body") -> Paragraph:
    """A paragraph of plain text: escaped, line breaks kept, empty shown as 'Not yet known'."""
    if value is None or (isinstance(value, str) and not value.strip()):
        rendered = f"<i>{NOT_PROVIDED}</i>"
    else:
        rendered = escape(str(value)).replace("\n", "<br/>")
    return Paragraph(rendered, STYLES[style])


def heading(value: str) -> Paragraph:
    return Paragraph(escape(value), STYLES["heading"])


def title(value: str) -> Paragraph:
    return Paragraph(escape(value), STYLES["title"])


def field_table(rows: Iterable[tuple[str, Any]], label_width_mm: float = 55) -> Table:
    """Two-column question/answer table, the way the ICO's forms lay out their items."""
    data = [[Paragraph(escape(label), STYLES["label"]), text(value)] for label, value in rows]
    table = Table(data, colWidths=[label_width_mm * mm, (170 - label_width_mm) * mm], repeatRows=0)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#9aa5b1")),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef1f4")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def grid(header: Sequence[str], rows: Iterable[Sequence[Any]], widths_mm: Sequence[float]) -> Table:
    """A data table with a repeated header row, for logs and lists that run over pages."""
    data = [[Paragraph(escape(h), STYLES["label"]) for h in header]]
    data += [[text(cell, "small") for cell in row] for row in rows]
    table = Table(data, colWidths=[w * mm for w in widths_mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde3e9")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


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


def build(
    story: list[Flowable],
    *,
    document_title: str,
    reference: str,
    author: str,
    landscape_pages: bool = False,
    watermark: str = "",
) -> bytes:
    """Render a story to PDF bytes with a footer (reference, page x).

    Rendered in reportlab's invariant mode (fixed internal dates and ids), so identical input gives
    identical bytes: the stored SHA-256 can be re-derived from the stored snapshot. The moment of
    generation belongs in the story's text, taken from the snapshot.
    """
    from reportlab.lib.pagesizes import landscape

    buffer = io.BytesIO()
    pagesize = landscape(A4) if landscape_pages else A4
    document = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        title=document_title,
        author=author,
        subject=reference,
        creator="pecr",
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        invariant=1,
    )

    def _footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(colors.HexColor("#444444"))
        canvas.drawString(20 * mm, 10 * mm, f"{reference} · {document_title}")
        canvas.drawRightString(pagesize[0] - 20 * mm, 10 * mm, f"Page {doc.page}")
        if watermark:
            _watermark(canvas, pagesize, watermark)
        canvas.restoreState()

    document.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()
