"""A zip of generated letters, streamed: each letter is rebuilt, checked against its SHA-256, compressed
and handed to the response before the next one is built, so 100,000 letters never sit in memory."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator

from sqlalchemy import Engine
from sqlmodel import Session

from breach.notices import bulk
from breach.notices.models import Channel
from provider.notices.zipstream import ZipSink


def letters_zip(engine: Engine, breach_id: int, channel: Channel | None = None) -> Iterator[bytes]:
    sink = ZipSink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for ids in bulk.letter_ids(engine, breach_id, channel):
            with Session(engine) as session:
                for recipient_id in ids:
                    recipient, letter, _ = bulk.regenerate(session, recipient_id)
                    archive.writestr(f"{recipient.channel}/notice-{recipient_id}.pdf", letter)
                    yield sink.drain()
                session.commit()
    yield sink.drain()
