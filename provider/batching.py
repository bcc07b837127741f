"""Helpers for code that answers a large batch in one go (a hundred thousand decisions per request)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """The cyclic collector paused while a batch builds its answers: they are plain values that form
    no cycles, yet the hundreds of thousands of them set off collections that walk the whole heap (a
    cache of a million lines, a hundred thousand request models) and took about a third of a batch's
    time. Reference counting still frees everything; whichever batch paused the collector resumes it."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
