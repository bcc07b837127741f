"""Purpose-check questions read without a model each: `fast_ask` takes one parsed JSON item and gives
an `Ask` with exactly the values `AuthoriseRequest` would hold, or None when it is not sure the item is
valid; the batch then validates that item through the model, so a problem is the model's own words
(`data_kind: Input should be 'traffic' or 'location'`). A batch of a hundred thousand questions spent
more on building SQLModel instances than on answering them.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from provider.db.types import MAX_ID
from provider.text import find_forbidden
from traffic.consent.models import AuthoriseRequest, DataKind, ProcessingPurpose

DATA_KINDS = {kind.value: kind for kind in DataKind}
PURPOSES = {purpose.value: purpose for purpose in ProcessingPurpose}


def _max_length(name: str) -> int:
    """A length limit of the model's field, so the two cannot drift apart."""
    return next(item.max_length for item in AuthoriseRequest.model_fields[name].metadata if hasattr(item, "max_length"))


TEXT_LIMITS = {name: _max_length(name) for name in ("line_number", "service_name", "called_number")}


class Ask(NamedTuple):
    """The fields of `AuthoriseRequest`, as `bulk.answer_chunk` reads them."""

    subscriber_id: int | None
    line_number: str | None
    user_id: int | None
    data_kind: DataKind
    purpose: ProcessingPurpose
    service_name: str
    anonymous: bool
    called_number: str


def _id(value: Any) -> bool:
    return value is None or (type(value) is int and 1 <= value <= MAX_ID)


def _text(value: Any, name: str, *, optional: bool) -> bool:
    if value is None:
        return optional
    return type(value) is str and len(value) <= TEXT_LIMITS[name] and (not value or find_forbidden(value) is None)


def fast_ask(item: Any) -> Ask | None:
    if type(item) is not dict:
        return None
    get = item.get
    try:
        kind, purpose = DATA_KINDS[item["data_kind"]], PURPOSES[item["purpose"]]
    except (KeyError, TypeError):  # missing, or no value of the enum (TypeError: a list or an object)
        return None
    if len(item) == 3:  # the marketing list's question: a subscriber, a kind, a purpose and nothing else
        subscriber_id = get("subscriber_id")
        if type(subscriber_id) is int and 1 <= subscriber_id <= MAX_ID:
            return tuple.__new__(Ask, (subscriber_id, None, None, kind, purpose, "", False, ""))
    subscriber_id, user_id, line_number = get("subscriber_id"), get("user_id"), get("line_number")
    service_name, called_number, anonymous = get("service_name", ""), get("called_number", ""), get("anonymous", False)
    # Each check only for a value other than its default: most questions name just a subscriber.
    if (
        (subscriber_id is not None and not _id(subscriber_id))
        or (user_id is not None and not _id(user_id))
        or (line_number is not None and not _text(line_number, "line_number", optional=True))
        or (service_name != "" and not _text(service_name, "service_name", optional=False))
        or (called_number != "" and not _text(called_number, "called_number", optional=False))
        or (anonymous is not True and anonymous is not False)
    ):
        return None
    # tuple.__new__ makes the same Ask as Ask(...) without its Python-level constructor.
    return tuple.__new__(
        Ask, (subscriber_id, line_number, user_id, kind, purpose, service_name, anonymous, called_number)
    )
