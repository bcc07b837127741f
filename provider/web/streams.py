"""Streamed downloads that start only once they are known to work.

A StreamingResponse sends its 200 and headers before the body's first chunk is made, so a query that
fails inside the stream used to cut a download short after a 200 (`/audit.csv?date_to=9999-12-31`).
`primed` makes the first chunk while the route still runs (the export's query and first batch), so a
failure there is an ordinary error answer; only what comes after can still fail mid-stream.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import TypeVar

Chunk = TypeVar("Chunk")


def primed(chunks: Iterable[Chunk]) -> Iterator[Chunk]:
    iterator = iter(chunks)
    try:
        first = next(iterator)
    except StopIteration:
        return iter(())
    return itertools.chain([first], iterator)
