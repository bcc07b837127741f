"""The line identification pages' forms on the core form layer: their labels, and their fields as the
API's input schemas (so a rule is written once)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from provider.line_identification.presenters import CHANNEL_LABELS, ORIGIN_LABELS, PRIVACY_LABELS, REJECTION_LABELS
from provider.web.forms import PageForm

OPTION_FLAGS = ("withhold_all", "hide_incoming", "reject_anonymous", "withhold_connected")
SETTINGS_FORM = PageForm(
    labels={
        "withhold_all": "Withhold this line's number on every call",
        "hide_incoming": "Do not display callers' numbers",
        "reject_anonymous": "Reject calls whose number is withheld",
        "rejection_method": "How calls are rejected",
        "rejection_charge": "Charge for rejection",
        "withhold_connected": "Withhold this line's number from callers (connected line)",
        "requested_by": "Who asked",
        "channel": "How they asked",
    },
    choices=("rejection_method", "channel"),
    missing={"requested_by": "Enter who asked for the change"},
)
DECIDE_FORM = PageForm(
    labels={
        "network_number": "Caller's network number",
        "presentation_number": "Presentation number",
        "privacy": "Privacy marking",
        "origin": "Where the call entered the network",
        "dialled": "Digits dialled",
        "called": "Called number",
        "uk_origin_shown": "A UK customer is shown to have originated it",
        "roaming": "A UK mobile (+447) from abroad is roaming",
    },
    choices=("privacy", "origin", "roaming"),
)
# The switch's roaming indicator: sent as true or false, or not sent (the provider's setting decides).
ROAMING_OPTIONS = [("", "Not said (the provider's setting decides)"), ("yes", "Yes, verified roaming"), ("no", "No")]
ROAMING_VALUES = {"": None, "yes": True, "no": False}
TRACE_FORM = PageForm(
    labels={"requested_by": "Who asked", "channel": "How they asked", "description": "The calls complained of"},
    choices=("channel",),
)
TRACE_DECISION_FORM = PageForm(
    labels={
        "necessary_and_expedient": "Tracing is necessary and expedient",
        "reasons": "Reasons",
        "active_until": "Active until",
    },
)
DISCLOSURE_FORM = PageForm(
    labels={
        "recipient": "Disclosed to",
        "legitimate_interest": "Their legitimate interest",
        "disclosed": "What was disclosed",
    },
)
FORWARDING_FORM = PageForm(
    labels={
        "forwarded_from": "Number forwarding to the line",
        "requested_by": "Who asked",
        "channel": "How they asked",
    },
    choices=("channel",),
)
COMPLETE_FORM = PageForm(labels={"notes": "What was done"})
CHANNEL_OPTIONS = list(CHANNEL_LABELS.items())
REJECTION_OPTIONS = list(REJECTION_LABELS.items())
ORIGIN_OPTIONS = list(ORIGIN_LABELS.items())
PRIVACY_OPTIONS = list(PRIVACY_LABELS.items())


def settings_input(values: Mapping[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {name: bool(values.get(name)) for name in OPTION_FLAGS}
    for name in ("rejection_method", "rejection_charge", "requested_by", "channel"):
        data[name] = values.get(name, "")
    data["rejection_method"] = data["rejection_method"] or "network"  # the select always sends one
    return data


def decide_input(values: Mapping[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {name: values.get(name, "") for name in DECIDE_FORM.labels if name != "uk_origin_shown"}
    for name in ("presentation_number", "called"):
        data[name] = data[name] or None
    data["origin"] = data["origin"] or "own_subscriber"
    data["privacy"] = data["privacy"] or "allowed"
    data["uk_origin_shown"] = bool(values.get("uk_origin_shown"))
    roaming = data["roaming"]
    data["roaming"] = ROAMING_VALUES.get(roaming, roaming) if isinstance(roaming, str) else roaming
    return data
