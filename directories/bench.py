"""`pecr bench directory`: written in the benchmark step."""

from __future__ import annotations

from typing import Any

from provider.manifest import BenchContext


def run(context: BenchContext, *, count: int) -> dict[str, Any]:
    raise NotImplementedError(f"not written yet ({context}, {count})")
