"""The letters of a notice as a streamed zip: each is rebuilt from the stored wording and snapshots and
checked against its SHA-256 before it is added, so what is downloaded is what was recorded."""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, select
from sqlmodel import Session

from provider.notices.zipstream import ZipSink
from provider.security_risks import service
from provider.security_risks.models import Delivery, RiskRecipient

BATCH = 500


def letters_zip(engine: Engine, notice_id: int, zone: Any, deliveries: tuple[Delivery, ...]) -> Iterator[bytes]:
    sink = ZipSink()
    after = 0
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        while True:
            with Session(engine) as session:
                notice = service.get_notice(session, notice_id)
                parts = service.parts_of(session, notice)
                batch = list(
                    session.scalars(
                        select(RiskRecipient)
                        .where(
                            RiskRecipient.notice_id == notice_id,
                            RiskRecipient.id > after,
                            RiskRecipient.delivery.in_(deliveries),
                        )
                        .order_by(RiskRecipient.id)
                        .limit(BATCH)
                    )
                )
                if not batch:
                    break
                for recipient in batch:
                    content = service.letter(parts, notice, recipient, zone)
                    if hashlib.sha256(content).hexdigest() != recipient.letter_sha256:
                        raise RuntimeError(f"letter {recipient.id} no longer matches its recorded SHA-256")
                    archive.writestr(f"risk-notice-{notice_id}-{recipient.id}.pdf", content)
                    yield sink.drain()
                after = batch[-1].id
    yield sink.drain()
