"""Size limits that keep files and functions readable (`shared/style.md`): after `ruff format`, no
module over 400 lines and no function over 60. A file or function that outgrows its room is split by
idea, never packed to fit."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("provider", "breach", "traffic", "directories", "tests")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
# Migrations are a record of what was done to a database, not code anyone grows.
EXEMPT = ("provider/db/migrations/versions/",)


def _modules() -> list[Path]:
    found = [path for package in PACKAGES for path in (ROOT / package).rglob("*.py")]
    return sorted(path for path in found if not str(path.relative_to(ROOT)).startswith(EXEMPT))


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]


def long_modules(paths: list[Path], limit: int = MAX_MODULE_LINES) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}: {count} lines"
        for path in paths
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > limit
    ]


def long_functions(paths: list[Path], limit: int = MAX_FUNCTION_LINES) -> list[str]:
    found = []
    for path in paths:
        for node in _functions(ast.parse(path.read_text(encoding="utf-8"))):
            first = min([node.lineno] + [decorator.lineno for decorator in node.decorator_list])
            if (length := node.end_lineno - first + 1) > limit:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {length} lines")
    return found


def test_no_module_is_over_400_lines():
    assert long_modules(_modules()) == []


def test_no_function_is_over_60_lines():
    assert long_functions(_modules()) == []


def test_the_checks_catch_what_they_are_for(tmp_path):
    sample = ROOT / "tests" / "_size_sample.py"
    body = "\n".join(f"    value_{n} = {n}" for n in range(MAX_FUNCTION_LINES))
    try:
        sample.write_text(f"def long():\n{body}\n    return 0\n", encoding="utf-8")
        assert long_functions([sample]) == [f"tests/_size_sample.py:1 long: {MAX_FUNCTION_LINES + 2} lines"]
        assert long_modules([sample], limit=MAX_FUNCTION_LINES) != []
    finally:
        sample.unlink()
