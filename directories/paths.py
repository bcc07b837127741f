"""Lines, editions and deliveries named in a directory route's path: loaded for the route, or 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlmodel import Session

from directories.editions import service as editions
from directories.models import DirectoryDelivery, DirectoryEdition
from provider.subscribers import service as subscribers
from provider.subscribers.models import Line
from provider.web.params import path_loader


def load_line(session: Session, line_id: int) -> Line:
    return subscribers.get_line(session, line_id)


def load_edition(session: Session, edition_id: int) -> DirectoryEdition:
    return editions.get_edition(session, edition_id)


def load_delivery(session: Session, delivery_id: int) -> DirectoryDelivery:
    return editions.get_delivery(session, delivery_id)


LinePath = Annotated[Line, Depends(path_loader(load_line, "line_id"))]
EditionPath = Annotated[DirectoryEdition, Depends(path_loader(load_edition, "edition_id"))]
DeliveryPath = Annotated[DirectoryDelivery, Depends(path_loader(load_delivery, "delivery_id"))]
