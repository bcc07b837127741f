"""Subscribers and lines named in a route's path: loaded for the route, or 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlmodel import Session

from provider.errors import NotFound
from provider.subscribers import service
from provider.subscribers.models import Line, Subscriber
from provider.web.params import path_loader


def load_subscriber(session: Session, subscriber_id: int) -> Subscriber:
    return service.get_subscriber(session, subscriber_id)


def load_owned_line(session: Session, subscriber_id: int, line_id: int) -> Line:
    """A line under its own subscriber only: /subscribers/1/lines/7 is 404 when line 7 is another's."""
    subscriber = service.get_subscriber(session, subscriber_id)
    line = service.get_line(session, line_id)
    if line.subscriber_id != subscriber.id:
        raise NotFound(f"line {line_id} is not a line of subscriber {subscriber_id}")
    return line


SubscriberPath = Annotated[Subscriber, Depends(path_loader(load_subscriber, "subscriber_id"))]
OwnedLinePath = Annotated[Line, Depends(path_loader(load_owned_line, "subscriber_id", "line_id"))]
