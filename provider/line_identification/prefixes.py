"""The per-call prefix codes of PECR reg 10(1) (141 withholds the caller's number for one call, 1470
presents it on a line that withholds by default; both configurable per network), as pure functions:
the codes, and the digits dialled with a code stripped. `rules` reads them on our own subscribers' calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Prefixes:
    withhold: str = "141"
    release: str = "1470"

    @property
    def ordered(self) -> tuple[tuple[str, str], ...]:
        """The codes longest first, so codes that share a beginning are told apart."""
        return _ordered(self.withhold, self.release)


@lru_cache(maxsize=64)
def _ordered(withhold: str, release: str) -> tuple[tuple[str, str], ...]:
    codes = ((withhold, "withhold"), (release, "release"))
    return tuple(sorted((code for code in codes if code[0]), key=lambda code: -len(code[0])))


def strip_prefix(dialled: str, prefixes: Prefixes) -> tuple[str, str | None]:
    """The digits without a per-call prefix, and which prefix it was ("withhold", "release" or None).
    The longer code is tried first, so codes that share a beginning are told apart."""
    for code, kind in prefixes.ordered:
        if dialled.startswith(code) and len(dialled) > len(code):
            return dialled[len(code) :], kind
    return dialled, None
