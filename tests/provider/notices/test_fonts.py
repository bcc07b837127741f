"""Fonts come from Debian packages found at run time, cover Latin Extended, Greek, Cyrillic (and CJK where
fonts-wqy-microhei is installed), and what no font can draw is named."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from provider.notices import fonts, pdf
from tests.support.maxtext import page_texts

ROOT = Path(__file__).resolve().parents[3]
CJK = "中文字 日本語 한국어"


def _cjk_installed() -> bool:
    return bool(fonts.fonts().fallbacks)


def test_the_body_font_is_dejavu_from_the_debian_package_and_draws_latin_extended_greek_and_cyrillic():
    font_set = fonts.fonts()
    assert font_set.regular == "PecrSans", "install fonts-dejavu-core (scripts/setup-venv.sh does)"
    assert font_set.files["PecrSans"].startswith("/usr/share/fonts/")
    assert fonts.undrawable(["Zażółć gęślą jaźń", "Ŵŷ ŵ ŷ", "Ωμέγα", "Привет", "€ £ – “ ”"]) == []


def test_cjk_is_drawn_with_the_fallback_font_where_installed():
    if not _cjk_installed():
        if os.environ.get("CI") == "true":
            pytest.fail("fonts-wqy-microhei is missing in CI (scripts/setup-venv.sh installs it)")
        pytest.skip("fonts-wqy-microhei is not installed: CJK falls back to naming the characters")
    assert fonts.undrawable([CJK]) == []
    assert '<font name="PecrCJK">中文字</font>' in fonts.markup("a 中文字 b")
    text = "".join(page_texts(pdf.build([pdf.text(f"Ann {CJK} ŵ")], document_title="t", reference="r", author="a")))
    assert CJK in text and "ŵ" in text


def test_characters_no_font_draws_are_named_once_each():
    missing = fonts.undrawable(["\U00013000 and \U00013000 and \U0001d11e? ok"])
    assert missing == ["\U00013000", "\U0001d11e"] or missing == ["\U00013000"]
    assert "U+13000" in fonts.describe(missing)
    assert fonts.undrawable(["plain ASCII\nwith lines\tand tabs"]) == []


def test_markup_escapes_what_the_person_typed():
    assert fonts.markup("<b>&amp;</b>\nnext") == "&lt;b&gt;&amp;amp;&lt;/b&gt;<br/>next"
    assert "&lt;i&gt;" in fonts.markup("ŵ <i> 中")


def test_no_font_file_is_kept_in_the_repository():
    found = [p for p in ROOT.rglob("*") if p.suffix.lower() in {".ttf", ".otf", ".ttc", ".woff", ".woff2"}]
    assert [p for p in found if ".venv" not in p.parts and "node_modules" not in p.parts] == []


def test_the_project_scripts_and_image_install_the_font_packages():
    for path in ("scripts/setup-venv.sh", "deploy/Containerfile"):
        content = (ROOT / path).read_text()
        assert "fonts-dejavu-core" in content and "fonts-wqy-microhei" in content, path
