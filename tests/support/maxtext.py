"""Text at a field's maximum length, for tests that every document renders any allowed input in full."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import Any

import pypdfium2
from pypdf import PdfReader

# Polish, Welsh, Greek, Cyrillic and Chinese: everything a person may type into a name or an answer.
FILLER = "Zażółć gęślą jaźń ŵ ŷ Ωμέγα Привет 中文字 breach "


def max_length(model: Any, name: str) -> int | None:
    for item in model.model_fields[name].metadata:
        if getattr(item, "max_length", None):
            return item.max_length
    return None


def long_text(marker: str, length: int, kind: str = "words") -> str:
    """`length` characters starting with `marker`: words, one unbroken run, or many short lines."""
    if kind == "run":
        body = "x" * length
    elif kind == "lines":
        body = "line ŵ\n" * length
    else:
        body = FILLER * (length // len(FILLER) + 1)
    return (marker + " " + body)[:length].rstrip()


def squeezed(value: str) -> str:
    return re.sub(r"\s+", "", value)


def page_texts(content: bytes) -> list[str]:
    """Each page's text as pdfium reads it (pypdf misreads some subset fonts' CJK as NUL)."""
    document = pypdfium2.PdfDocument(content)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def pdf_pages(content: bytes, footers: Iterable[str] = ()) -> tuple[int, str, Any]:
    """(page count, all text without whitespace and without the page footers, the pypdf reader for
    metadata): a paragraph split across pages reads as one again."""
    reader = PdfReader(io.BytesIO(content))
    cut = [squeezed(line) for line in footers]
    pages = []
    for text in page_texts(content):
        text = squeezed(text)
        for line in cut:
            text = text.replace(line, "")
        pages.append(re.sub(r"Page\d+of\d+", "", text))
    return len(reader.pages), "".join(pages), reader
