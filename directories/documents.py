"""The directory information notice as documents: letters (PDF, one per person, many to a file) and the
e-mail body. Pure: data in, bytes or text out; reportlab's invariant mode gives the same bytes for the
same input, so the stored SHA-256 of a batch's file can be checked again later.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from reportlab.platypus import PageBreak

from provider.notices import pdf

# (notice part, heading), in the order PECR reg 18 and the ICO guide list what must be explained.
SECTIONS = (
    ("what_it_is", "What the directory is"),
    ("what_it_includes", "What it includes"),
    ("number_lookup", "Who can find your number"),
    ("reverse_search", "Reverse search"),
    ("options", "Your choices, and what each one does"),
    ("opt_out", "How to opt out (free of charge)"),
)
TITLE = "Our phone directory: your choices"


def _letter(parts: Mapping[str, str], snapshot: Mapping[str, Any], person: Mapping[str, Any]) -> list[Any]:
    story: list[Any] = [
        pdf.text("\n".join(filter(None, [person.get("name", ""), person.get("address", "")]))),
        pdf.spacer(6),
        pdf.text(snapshot["letter_date"]),
        pdf.title(TITLE),
        pdf.text(f"Dear {person.get('name') or 'customer'},"),
    ]
    for part, heading in SECTIONS:
        story += [pdf.heading(heading), pdf.text(parts[part])]
    story += [pdf.spacer(), pdf.text(f"Reference: {person['reference']}", "small"), pdf.spacer()]
    story.append(pdf.provider_block(snapshot["provider"]))
    return story


def letters_pdf(
    parts: Mapping[str, str], snapshot: Mapping[str, Any], people: Sequence[Mapping[str, Any]], reference: str
) -> bytes:
    """Every person's letter in one file, each starting on a new page."""
    story: list[Any] = []
    for index, person in enumerate(people):
        if index:
            story.append(PageBreak())
        story += _letter(parts, snapshot, person)
    provider = snapshot["provider"]
    return pdf.build(story, document_title=TITLE, reference=reference, author=provider.get("legal_name", "pecr"))


def sender_name(snapshot: Mapping[str, Any]) -> str:
    """The name the subscriber knows the provider by: its trading name, else its legal name."""
    provider = snapshot["provider"]
    return provider.get("trading_name") or provider.get("legal_name", "")


def email_body(parts: Mapping[str, str], snapshot: Mapping[str, Any], person: Mapping[str, Any]) -> str:
    sections = "\n\n".join(f"{heading}\n{parts[part]}" for part, heading in SECTIONS)
    return (
        f"Dear {person.get('name') or 'customer'},\n\n{sections}\n\n"
        f"Reference: {person['reference']}\n{sender_name(snapshot)}\n"
    )


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{html.escape(block).replace(chr(10), '<br>')}</p>" for block in text.split("\n\n") if block)


def email_html(parts: Mapping[str, str], snapshot: Mapping[str, Any], person: Mapping[str, Any]) -> str:
    """The same notice as the HTML alternative: headings and paragraphs, every value escaped, no links,
    images or scripts."""
    body = [f"<p>Dear {html.escape(person.get('name') or 'customer')},</p>"]
    for part, heading in SECTIONS:
        body += [f"<h2>{html.escape(heading)}</h2>", _paragraphs(parts[part])]
    body += [
        f"<p>Reference: {html.escape(person['reference'])}<br>{html.escape(sender_name(snapshot))}</p>",
    ]
    return f'<!DOCTYPE html><html lang="en"><body><h1>{html.escape(TITLE)}</h1>{"".join(body)}</body></html>'
