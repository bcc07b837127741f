"""No code, comment, docstring, template or document names a path on one machine (a home folder, a
checkout under a work folder, a temporary file): such a path means nothing to the next reader and
breaks on the next machine. Refer to files by their name in the project (e.g. `shared/rules.md`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
SCANNED_SUFFIXES = {".py", ".html", ".md"}
SKIPPED_FOLDERS = {"node_modules", "__pycache__", "test-artifacts", "build", "dist"}
# A folder of one machine at the start of an absolute path; not a URL's path ("example.com/home/").
MACHINE_PATH = re.compile(r"(?<![\w.~-])/(?:work|home|root|tmp|Users|mnt/data)/\S*")


def project_files(root: Path = PROJECT) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if any(part.startswith(".") or part in SKIPPED_FOLDERS or part.endswith(".egg-info") for part in parts):
            continue
        if path.suffix in SCANNED_SUFFIXES and path.is_file():
            yield path


def machine_paths(text: str) -> list[tuple[int, str]]:
    """(line number, path) of every machine path in `text`."""
    return [
        (number, match.group())
        for number, line in enumerate(text.splitlines(), start=1)
        for match in MACHINE_PATH.finditer(line)
    ]


def test_no_project_file_names_a_machine_path():
    found = [
        f"{path.relative_to(PROJECT)}:{number}: {where}"
        for path in project_files()
        for number, where in machine_paths(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_scan_covers_code_templates_and_documents():
    scanned = {path.relative_to(PROJECT).as_posix() for path in project_files()}
    assert {"README.md", "breach/rules.py", "provider/web/templates/base.html", "tests/conftest.py"} <= scanned
    assert not any(name.startswith((".git/", ".venv/")) for name in scanned)


def test_the_scan_finds_a_machine_path_in_a_docstring_and_nothing_in_a_project_name():
    source = '"""The rules.\n\nSee ' + "/wor" + "k/shared/rules.md §1; scratch files in /tm" + 'p/pecr-x."""\n'
    assert [number for number, _ in machine_paths(source)] == [3, 3]
    assert machine_paths("See `shared/rules.md` §1, https://example.com/home/page and ./tmp/x.") == []
    assert machine_paths("cd /hom" + "e/alice/pecr") == [(1, "/hom" + "e/alice/pecr")]
