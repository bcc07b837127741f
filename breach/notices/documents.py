"""Customer breach notices as documents: the letter (PDF), the e-mail (plain text and HTML) and the public
media notice.

Pure: data in, bytes or text out. The PDFs are built in reportlab's invariant mode, so the same template
fields, batch snapshot and recipient snapshot give the same bytes and the same SHA-256 — which is
what lets the product store a hash per recipient instead of 100,000 PDFs (see bulk.py).
Content and headings follow 611/2013 Annex II, in plain words; no marketing (Art 3(4)).

The letter is laid out for a window envelope: the recipient's address sits where the window of a DL or
C5 envelope shows it (20 mm from the left edge, 50 mm from the top, 85 x 40 mm, as the common UK
window and DIN 5008 form B place it, A4 folded in three), with the provider's return address in one
small line above it; the letterhead, the date and "Our reference" are on the first page, the body at
11 pt, and a named person signs it (provider profile: signatory, else the contact point).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, KeepInFrame, Paragraph

from breach.notices import plain
from breach.notices.rules import PERSONAL_PLACEHOLDERS, fill, salutation, sign_off
from provider.notices import fonts, pdf

# (template field, heading in the notice), in the order of Annex II.
SECTIONS = (
    ("summary", "What happened"),
    ("estimated_date", "When it happened"),
    ("data_nature", "What information was involved"),
    ("circumstances", "How it happened"),
    ("likely_consequences", "What this could mean for you"),
    ("provider_measures", "What we have done"),
    ("customer_measures", "What you can do"),
    ("contact_details", "Who to contact"),
)
MEDIA_PLACEHOLDERS = {"lines": "the affected lines"}
WINDOW = {"left": 20 * mm, "top": 50 * mm, "width": 85 * mm, "height": 40 * mm}  # from the sheet's top-left
BODY_TOP_MM = 100
ADDRESS_SIZES = (10, 9, 8, 7)


def section(fields: Mapping[str, str], name: str) -> str:
    """A section's wording; "What you can do" is never empty (breach.notices.plain's default)."""
    value = fields.get(name) or ""
    return value if value.strip() or name != "customer_measures" else plain.DEFAULT_CUSTOMER_MEASURES


def placeholders(recipient: Mapping[str, Any]) -> dict[str, str]:
    return {
        "name": recipient.get("name", ""),
        "address": recipient.get("address", ""),
        "account_reference": recipient.get("account_reference", ""),
        "lines": recipient.get("lines", ""),
        "salutation": salutation(recipient.get("name", ""), recipient.get("kind", "individual")),
    }


def _account_rows(recipient: Mapping[str, Any]) -> list[tuple[str, Any]]:
    rows = []
    if recipient.get("account_reference"):
        rows.append(("Account reference", recipient["account_reference"]))
    if recipient.get("lines"):
        rows.append(("Lines affected", recipient["lines"]))
    return rows


def signatory(provider: Mapping[str, Any]) -> tuple[str, str]:
    """(name, role) of who signs: the profile's signatory, else its contact point."""
    name = (provider.get("signatory_name") or "").strip() or provider.get("contact_name", "")
    role = (provider.get("signatory_role") or "").strip()
    if not (provider.get("signatory_name") or "").strip():
        role = role or provider.get("contact_role", "")
    return name, role


def address_lines(name: str, address: str) -> list[str]:
    """The postal block: the name, then the address one line per line (a one-line address split at commas)."""
    parts = address.splitlines() if "\n" in address else address.split(",")
    return [line for line in (part.strip() for part in [name, *parts]) if line]


def _plain(lines: list[str], style: ParagraphStyle, width: float, height: float) -> bool:
    """Whether a block can be set line by line as it stands: every line in the body font, already tidy (a
    paragraph would collapse its spaces), no wider than the box, and all of them within its height."""
    if len(lines) * style.leading > height:
        return False
    return all(
        line
        and line == " ".join(line.split())
        and fonts.markup(line) == escape(line)
        and stringWidth(line, style.fontName, style.fontSize) <= width
        for line in lines
    )


def _paragraph(lines: list[str], style: ParagraphStyle) -> Paragraph:
    return pdf.paragraph("<br/>".join(fonts.markup(line) for line in lines), style)


def _fitted(lines: list[str], width: float, height: float) -> tuple[ParagraphStyle, bool]:
    """The address block's style at the largest size that fits the window; False when even 7 pt does not."""
    for size in ADDRESS_SIZES:
        style = _address_style(size)
        if _plain(lines, style, width, height) or _paragraph(lines, style).wrap(width, height)[1] <= height:
            return style, True
    return style, False


@lru_cache(maxsize=len(ADDRESS_SIZES))
def _address_style(size: int) -> ParagraphStyle:
    return pdf.STYLES["address"].clone(f"address-{size}", fontSize=size, leading=size * 1.25)


def _draw_block(
    canvas: Any, lines: list[str], style: ParagraphStyle, x: float, top: float, w: float, box: float
) -> None:
    """A letterhead block kept to its box, its first line's top `top` below the sheet's top edge.

    Most blocks are a line or two that fit as they are: those are drawn straight onto the canvas, where
    a paragraph in a shrink-to-fit frame would cost a tenth of the whole letter. Anything else (wrapping,
    a fallback font, too tall) takes the paragraph, shrunk if need be."""
    sheet_top = canvas._pagesize[1] - top
    if _plain(lines, style, w, box):
        canvas.saveState()
        canvas.setFillColor(style.textColor)
        canvas.setFont(style.fontName, style.fontSize)
        for index, line in enumerate(lines):
            canvas.drawString(x, sheet_top - style.fontSize - index * style.leading, line)
        canvas.restoreState()
        return
    fitted = KeepInFrame(w, box, [_paragraph(lines, style)], mode="shrink")
    fitted.drawOn(canvas, x, sheet_top - fitted.wrapOn(canvas, w, box)[1])


def _letterhead(
    provider: Mapping[str, Any], address: tuple[list[str], ParagraphStyle], meta: list[str]
) -> pdf.PageHook:
    name = provider.get("trading_name") or provider.get("legal_name", "")
    contact = " · ".join(filter(None, [provider.get("contact_email"), provider.get("contact_phone")]))
    back = " · ".join(filter(None, [provider.get("legal_name"), " ".join(provider.get("address", "").split())]))
    styles = pdf.STYLES
    blocks = (
        ([name], styles["letterhead"], 20 * mm, 12 * mm, 105 * mm, 8 * mm),
        ((provider.get("address") or "").splitlines(), styles["small"], 20 * mm, 21 * mm, 100 * mm, 20 * mm),
        ([contact], styles["small"], 130 * mm, 21 * mm, 60 * mm, 20 * mm),
        ([back], styles["small"], WINDOW["left"], WINDOW["top"] - 5 * mm, WINDOW["width"], 4.5 * mm),
        (*address, WINDOW["left"], WINDOW["top"], WINDOW["width"], WINDOW["height"]),
        (meta, styles["body"], 125 * mm, WINDOW["top"], 65 * mm, WINDOW["height"]),
    )

    def draw(canvas: Any, _doc: Any) -> None:
        # Each block keeps to its box (shrunk if need be); the letter repeats the provider in full.
        for lines, style, x, top, w, box in blocks:
            _draw_block(canvas, [line for line in lines if line], style, x, top, w, box)

    return draw


@lru_cache(maxsize=1)
def _section_style() -> ParagraphStyle:
    return pdf.STYLES["letter-heading"].clone("letter-section", keepWithNext=0)


def _section_heading(label: str) -> list[Any]:
    """A section heading that starts a new page unless it and two lines of its text fit on this one.

    Not keepWithNext: platypus would then lay out every heading and its text twice, once to see whether
    the pair fits and once to place it, which cost a fifth of a letter."""
    style = _section_style()
    room = style.spaceBefore + style.leading + style.spaceAfter + 2 * pdf.STYLES["letter"].leading
    return [CondPageBreak(room), pdf.paragraph(fonts.markup(label), style)]


def letter_pdf(
    fields: Mapping[str, str],
    batch: Mapping[str, Any],
    recipient: Mapping[str, Any],
    reference: str,
) -> bytes:
    """One recipient's letter. `batch` holds provider, letter_date and breach_reference; nothing is read live."""
    values = placeholders(recipient)
    provider = batch["provider"]
    lines = address_lines(recipient.get("name", ""), recipient.get("address", ""))
    address_style, fits = _fitted(lines, WINDOW["width"], WINDOW["height"])
    meta = [f"Date: {batch['letter_date']}", f"Our reference: {reference}"]
    story: list[Any] = []
    if not fits:  # never lose a character: the window shows what fits, the letter the whole address
        story += [pdf.text("Your address as we hold it:\n" + "\n".join(lines), "small"), pdf.spacer(2)]
    story += [
        pdf.heading(fill(fields["subject"], values), "letter-heading"),
        pdf.text(fill(fields["greeting"], values), "letter"),
    ]
    for name, label in SECTIONS:
        story += [*_section_heading(label), pdf.text(fill(section(fields, name), values), "letter")]
    account = _account_rows(recipient)
    if account:
        story += [*_section_heading("Your account"), pdf.field_table(account)]
    signer, role = signatory(provider)
    story += [
        pdf.spacer(4),
        pdf.keep(
            pdf.text(sign_off(values["salutation"]) + ",", "letter"),
            pdf.spacer(8),
            pdf.text("\n".join(filter(None, [signer, role, fields["provider_name"]])), "letter"),
        ),
        pdf.spacer(6),
        pdf.text(_identity(provider), "small"),
    ]
    created = batch.get("created_at")
    return pdf.build(
        story,
        document_title="Personal data breach notice",
        reference=reference,
        author=fields["provider_name"],
        created_at=datetime.fromisoformat(created) if created else None,
        footer=[f"{fields['provider_name']} · our reference {reference} · {batch['letter_date']}"],
        first_page=_letterhead(provider, (lines, address_style), meta),
        first_page_top_mm=BODY_TOP_MM,
    )


def _identity(provider: Mapping[str, Any]) -> str:
    registration = provider.get("ico_registration_number")
    return " · ".join(
        filter(
            None,
            [
                provider.get("legal_name"),
                " ".join((provider.get("address") or "").split()),
                _contact_line(provider),
                f"ICO registration {registration}" if registration else "",
            ],
        )
    )


def _contact_line(provider: Mapping[str, Any]) -> str:
    return " · ".join(filter(None, [provider.get("contact_email", ""), provider.get("contact_phone", "")]))


def email_body(
    fields: Mapping[str, str], batch: Mapping[str, Any], recipient: Mapping[str, Any], reference: str
) -> str:
    """The notice as plain text: readable in any mail client, nothing to click, nothing attached."""
    values = placeholders(recipient)
    parts = [fill(fields["greeting"], values), ""]
    for name, label in SECTIONS:
        parts += [label, "-" * len(label), fill(section(fields, name), values), ""]
    for label, value in _account_rows(recipient):
        parts.append(f"{label}: {value}")
    provider = batch["provider"]
    signer, role = signatory(provider)
    parts += [
        "",
        sign_off(values["salutation"]) + ",",
        "",
        *filter(None, [signer, role, fields["provider_name"]]),
        provider.get("address", ""),
        _contact_line(provider),
        f"Our reference {reference} ({batch['letter_date']}). This e-mail has no attachments and no links.",
        "",
    ]
    return "\n".join(parts)


def _html_paragraphs(value: str) -> str:
    return "".join(f"<p>{html.escape(part).replace(chr(10), '<br>')}</p>" for part in re.split(r"\n\s*\n", value))


def email_html(
    fields: Mapping[str, str], batch: Mapping[str, Any], recipient: Mapping[str, Any], reference: str
) -> str:
    """The same notice as HTML (the alternative part): headings and paragraphs, no links, images or scripts."""
    values = placeholders(recipient)
    provider = batch["provider"]
    signer, role = signatory(provider)
    parts = [f"<p>{html.escape(fill(fields['greeting'], values))}</p>"]
    for name, label in SECTIONS:
        parts += [f"<h2>{html.escape(label)}</h2>", _html_paragraphs(fill(section(fields, name), values))]
    account = "".join(f"<li>{html.escape(k)}: {html.escape(v)}</li>" for k, v in _account_rows(recipient))
    if account:
        parts.append(f"<ul>{account}</ul>")
    footer = [signer, role, fields["provider_name"], provider.get("address", ""), _contact_line(provider)]
    parts += [
        f"<p>{html.escape(sign_off(values['salutation']))},</p>",
        "<p>" + "<br>".join(html.escape(line) for line in footer if line) + "</p>",
        f"<p>Our reference {html.escape(reference)} ({html.escape(batch['letter_date'])}).</p>",
    ]
    return '<!DOCTYPE html><html lang="en"><body>' + "".join(parts) + "</body></html>"


def email_subject(fields: Mapping[str, str], recipient: Mapping[str, Any]) -> str:
    return fill(fields["subject"], placeholders(recipient))


def public_text(value: str) -> str:
    """The wording for the public: a sentence (or line) that uses a personal placeholder is left out, so the
    media notice never prints "Your account number ()"; {lines} reads "the affected lines"."""
    personal = re.compile(r"\{(" + "|".join(PERSONAL_PLACEHOLDERS) + r")\}")
    kept_lines = []
    for line in (value or "").splitlines():
        sentences = re.split(r"(?<=[.!?])\s+", line)
        kept = " ".join(s for s in sentences if not personal.search(s))
        if kept.strip() or not line.strip():
            kept_lines.append(kept)
    return fill("\n".join(kept_lines), MEDIA_PLACEHOLDERS)


def media_notice_pdf(fields: Mapping[str, str], snapshot: Mapping[str, Any]) -> bytes:
    """611/2013 Art 3(7): the Annex II content for the public, in its own wording; no personal field in it."""
    reference = f"{snapshot['breach_reference']}-PUBLIC"
    provider_name = fields["provider_name"]
    story: list[Any] = [
        pdf.title(public_text(fields["subject"]) or "Public notice of a personal data breach"),
        pdf.text(f"Public notice issued by {provider_name} on {snapshot['notice_date']}.", "letter"),
        pdf.text(
            f"To everyone who is or was a customer of {provider_name}, or uses one of our lines: we are publishing"
            " this notice because we cannot contact everyone who may be affected individually.",
            "letter",
        ),
    ]
    for name, label in SECTIONS:
        story += [pdf.heading(label, "letter-heading"), pdf.text(public_text(section(fields, name)), "letter")]
    story += [pdf.heading(f"About {provider_name}"), pdf.provider_block(snapshot["provider"])]
    created = snapshot.get("created_at")
    return pdf.build(
        story,
        document_title="Public notice of a personal data breach",
        reference=reference,
        author=provider_name,
        created_at=datetime.fromisoformat(created) if created else None,
        footer=[f"{provider_name} · public notice {reference} · {snapshot['notice_date']}"],
    )
