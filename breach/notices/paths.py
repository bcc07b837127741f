"""Notice batches and recipients named in a route's path, under their own breach: loaded, or 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlmodel import Session

from breach.notices import bulk
from breach.notices.models import NoticeBatch, NoticeRecipient
from provider.errors import NotFound
from provider.web.params import path_loader


def load_batch(session: Session, breach_id: int, batch_id: int) -> NoticeBatch:
    return bulk.batch_of(session, breach_id, batch_id)


def load_recipient(session: Session, breach_id: int, recipient_id: int) -> NoticeRecipient:
    recipient = session.get(NoticeRecipient, recipient_id)
    if recipient is None or recipient.breach_id != breach_id:
        raise NotFound(f"breach {breach_id} has no letter {recipient_id}")
    return recipient


NoticeBatchPath = Annotated[NoticeBatch, Depends(path_loader(load_batch, "breach_id", "batch_id"))]
NoticeRecipientPath = Annotated[NoticeRecipient, Depends(path_loader(load_recipient, "breach_id", "recipient_id"))]
