"""Fonts for every generated document, found at run time in Debian font packages; none is in the repository.

- `fonts-dejavu-core`: DejaVu Sans (regular, bold, oblique), the body font. It covers Latin Extended
  (Polish ą ę ł ż, Welsh ŵ ŷ), Greek, Cyrillic and many symbols.
- `fonts-wqy-microhei`: WenQuanYi Micro Hei, the fallback for Chinese, Japanese and Korean where
  installed (TrueType outlines; reportlab cannot embed the CFF outlines of fonts-noto-cjk).

scripts/setup-venv.sh (so scripts/start.sh and scripts/test.sh) and deploy/Containerfile install both.
A file is looked up with fontconfig's `fc-match` first, then at the packages' known paths. Without
DejaVu the documents fall back to Helvetica, which draws only Windows-1252; `undrawable` then names
everything else, so the person generating a document is told before anything is sent.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

FONT_PACKAGES = ("fonts-dejavu-core", "fonts-wqy-microhei")
DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
# (registered name, fontconfig pattern, file name the pattern must resolve to, known path)
BODY_FACES = (
    ("PecrSans", "DejaVu Sans:style=Book", "DejaVuSans.ttf"),
    ("PecrSans-Bold", "DejaVu Sans:style=Bold", "DejaVuSans-Bold.ttf"),
    ("PecrSans-Italic", "DejaVu Sans:style=Oblique", "DejaVuSans-Oblique.ttf"),
    ("PecrSans-BoldItalic", "DejaVu Sans:style=Bold Oblique", "DejaVuSans-BoldOblique.ttf"),
)
FALLBACK_FACES = (
    ("PecrCJK", "WenQuanYi Micro Hei", "wqy-microhei.ttc", Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")),
    ("PecrCJK2", "WenQuanYi Zen Hei", "wqy-zenhei.ttc", Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")),
    (
        "PecrDroid",
        "Droid Sans Fallback",
        "DroidSansFallbackFull.ttf",
        Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    ),
)
# Characters a document never needs a glyph for: line breaks and tabs become layout, not ink.
LAYOUT_CHARACTERS = frozenset("\n\r\t")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FontSet:
    regular: str
    bold: str
    italic: str
    bold_italic: str
    files: dict[str, str] = field(default_factory=dict)  # registered name -> file drawn from
    coverage: dict[str, frozenset[int]] = field(default_factory=dict)  # body font first, then fallbacks

    @property
    def fallbacks(self) -> tuple[str, ...]:
        return tuple(name for name in self.coverage if name != self.regular)


def _fc_match(pattern: str, expected: str) -> Path | None:
    """The file fontconfig picks for the pattern, if it is the expected file (fc-match always answers)."""
    if shutil.which("fc-match") is None:
        return None
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, timeout=10, check=False
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(found) if found and Path(found).name == expected and Path(found).is_file() else None


def find_font(pattern: str, expected: str, known: Path) -> Path | None:
    located = _fc_match(pattern, expected)
    if located is not None:
        return located
    return known if known.is_file() else None


def _windows_1252() -> frozenset[int]:
    drawable = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    drawable |= {ord(bytes([b]).decode("cp1252")) for b in range(0x80, 0xA0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
    return frozenset(drawable)


@lru_cache(maxsize=1)
def fonts() -> FontSet:
    """Register the fonts with reportlab once per process and say what each can draw."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    body = [(name, find_font(pattern, file, DEJAVU_DIR / file)) for name, pattern, file in BODY_FACES]
    if any(path is None for _, path in body):
        log.warning("DejaVu Sans not found (install %s): documents use Helvetica", FONT_PACKAGES[0])
        return FontSet(
            "Helvetica",
            "Helvetica-Bold",
            "Helvetica-Oblique",
            "Helvetica-BoldOblique",
            coverage={"Helvetica": _windows_1252()},
        )
    files: dict[str, str] = {}
    coverage: dict[str, frozenset[int]] = {}
    for name, path in body:
        font = TTFont(name, str(path))
        pdfmetrics.registerFont(font)
        files[name] = str(path)
        if name == BODY_FACES[0][0]:
            coverage[name] = frozenset(font.face.charToGlyph)
    regular, bold, italic, bold_italic = (name for name, _ in body)
    for bold_flag, italic_flag, name in ((0, 0, regular), (1, 0, bold), (0, 1, italic), (1, 1, bold_italic)):
        addMapping(regular, bold_flag, italic_flag, name)
    for name, pattern, file, known in FALLBACK_FACES:
        path = find_font(pattern, file, known)
        if path is None:
            continue
        font = TTFont(name, str(path), subfontIndex=0) if path.suffix == ".ttc" else TTFont(name, str(path))
        pdfmetrics.registerFont(font)
        for bold_flag in (0, 1):
            for italic_flag in (0, 1):
                addMapping(name, bold_flag, italic_flag, name)
        files[name] = str(path)
        coverage[name] = frozenset(font.face.charToGlyph)
    return FontSet(regular, bold, italic, bold_italic, files=files, coverage=coverage)


def font_for(character: str, font_set: FontSet | None = None) -> str | None:
    """The first font (body font, then fallbacks) that has a glyph for the character; None if none has."""
    font_set = font_set or fonts()
    code = ord(character)
    for name, covered in font_set.coverage.items():
        if code in covered:
            return name
    return None


def undrawable(values: Iterable[str]) -> list[str]:
    """Characters in the values that no installed font can draw, each once, in order of appearance."""
    font_set = fonts()
    body = font_set.coverage.get(font_set.regular, frozenset())
    missing: dict[str, None] = {}
    for value in values:
        if not value or (value.isascii() and value.isprintable()):
            continue
        for character in value:
            if ord(character) in body or character in LAYOUT_CHARACTERS or character in missing:
                continue
            if font_for(character, font_set) is None:
                missing[character] = None
    return list(missing)


def describe(characters: Iterable[str]) -> str:
    """'"☃" (U+2603), "𓀀" (U+13000)' for a message naming what cannot be drawn."""
    return ", ".join(f'"{c}" (U+{ord(c):04X})' for c in characters)


def markup(value: str) -> str:
    """Reportlab paragraph markup for plain text: escaped, line breaks kept, and every run of characters
    the body font lacks set in the first fallback font that has them."""
    if value.isascii():
        return escape(value).replace("\n", "<br/>")
    font_set = fonts()
    body = font_set.coverage.get(font_set.regular, frozenset())
    parts: list[str] = []
    run_font: str | None = None
    run: list[str] = []

    def flush() -> None:
        if run:
            chunk = escape("".join(run)).replace("\n", "<br/>")
            parts.append(chunk if run_font is None else f'<font name="{run_font}">{chunk}</font>')
            run.clear()

    for character in value:
        font = None if ord(character) in body or character in LAYOUT_CHARACTERS else font_for(character, font_set)
        if font != run_font:
            flush()
            run_font = font
        run.append(character)
    flush()
    return "".join(parts)
