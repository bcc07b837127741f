"""A zip written as a stream: each file is compressed and handed on before the next is built, so a
download of 100,000 letters never sits in memory."""

from __future__ import annotations

import io


class ZipSink(io.RawIOBase):
    """A write-only, unseekable buffer: zipfile then writes data descriptors and never seeks back."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self._parts.append(bytes(data))
        return len(data)

    def drain(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data
