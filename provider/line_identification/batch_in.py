"""A batch of calls read without building a hundred thousand models: `fast_calls` checks each item
against exactly what `CallIn` accepts and makes the `Call` straight away, and declines (None) at the
first item it is not sure of; the route then validates the whole batch through `BatchIn`, so any error
is the model's own, naming the item and the field (`calls.3.origin`).

What it accepts, all from parsed JSON: an object with `calls`, a list of at most MAX_BATCH objects, each
with the text fields as strings within their lengths, `origin` and `privacy` as values of their enums,
`uk_origin_shown` as true or false, `roaming` as true, false or null (or left out); other keys are
ignored, as the models ignore them. The text fields' "no control characters" rule (`provider.text.Line`)
is checked per field only when the raw body holds a backslash or a byte that could begin one of them
(JSON strings cannot hold raw control characters).
"""

from __future__ import annotations

from typing import Any

from provider.line_identification.models import MAX_BATCH, CallIn
from provider.line_identification.rules import Call, Origin, Privacy
from provider.text import find_forbidden

ORIGINS = {origin.value: origin for origin in Origin}
PRIVACIES = {privacy.value: privacy for privacy in Privacy}


def _bound(name: str, kind: str) -> int:
    """A length limit of the model's field, so the two cannot drift apart."""
    for item in CallIn.model_fields[name].metadata:
        value = getattr(item, kind, None)
        if value is not None:
            return value
    return 0 if kind == "min_length" else 10**9


NETWORK = (_bound("network_number", "min_length"), _bound("network_number", "max_length"))
DIALLED = (_bound("dialled", "min_length"), _bound("dialled", "max_length"))
PRESENTATION_MAX = _bound("presentation_number", "max_length")
CALLED_MAX = _bound("called", "max_length")


def may_hold_control_characters(raw: bytes) -> bool:
    """Whether any string in this JSON could hold a character `Line` refuses: only through an escape
    (a backslash), DEL, or a C1 control (UTF-8 0xC2 0x80-0x9F)."""
    return b"\\" in raw or b"\x7f" in raw or b"\xc2" in raw


def fast_calls(value: Any, *, check_text: bool) -> list[Call] | None:
    if type(value) is not dict:
        return None
    items = value.get("calls")
    if type(items) is not list or len(items) > MAX_BATCH:
        return None
    low_network, high_network = NETWORK
    low_dialled, high_dialled = DIALLED
    origins, privacies, new, text, size = ORIGINS, PRIVACIES, tuple.__new__, str, len  # bound once: 100,000 turns
    calls: list[Call] = []
    append = calls.append
    for item in items:
        if type(item) is not dict:
            return None
        try:
            # A missing key, or a value that is no value of the enum (a number, a list), is a KeyError or
            # a TypeError (unhashable): either way the model decides.
            origin, privacy = origins[item["origin"]], privacies[item.get("privacy", "allowed")]
            network, dialled = item["network_number"], item["dialled"]
        except (KeyError, TypeError):
            return None
        presentation, called = item.get("presentation_number"), item.get("called")
        shown, roaming = item.get("uk_origin_shown", False), item.get("roaming")
        if (
            type(network) is not text
            or not low_network <= size(network) <= high_network
            or type(dialled) is not text
            or not low_dialled <= size(dialled) <= high_dialled
            or (presentation is not None and (type(presentation) is not text or size(presentation) > PRESENTATION_MAX))
            or (called is not None and (type(called) is not text or size(called) > CALLED_MAX))
            or (shown is not True and shown is not False)
            or (roaming is not None and roaming is not True and roaming is not False)
        ):
            return None
        if check_text and any(
            part is not None and find_forbidden(part) for part in (network, dialled, presentation, called)
        ):
            return None
        # tuple.__new__ makes the same Call as Call(...) without its Python-level constructor.
        append(new(Call, (network, origin, dialled, privacy, presentation, called, shown, roaming)))
    return calls
