"""Words for what line identification pages and the public page show."""

from __future__ import annotations

from typing import Any

from provider.line_identification.models import Channel, NumberingList, RejectionMethod, TraceStatus
from provider.line_identification.rules import Origin, Privacy
from provider.settings import Settings

CHANNEL_LABELS = {
    Channel.phone: "By phone",
    Channel.web: "Online",
    Channel.email: "By e-mail",
    Channel.letter: "By letter",
    Channel.in_person: "In person",
    Channel.provisioning: "Through the provisioning system",
}
REJECTION_LABELS = {
    RejectionMethod.network: "In the network (automatic)",
    RejectionMethod.device: "Only on the device (a setting or button on the phone)",
}
ORIGIN_LABELS = {
    Origin.own_subscriber: "One of our subscribers",
    Origin.uk_interconnect: "Another UK network",
    Origin.international: "From abroad",
}
PRIVACY_LABELS = {Privacy.allowed: "Presentation allowed", Privacy.restricted: "Presentation restricted (withheld)"}
TRACE_STATUS_LABELS = {
    TraceStatus.requested: "Awaiting a decision",
    TraceStatus.approved: "Approved: necessary and expedient",
    TraceStatus.refused: "Refused",
}
LIST_LABELS = {NumberingList.allocation: "Ofcom numbering allocations", NumberingList.dno: "Do Not Originate list"}


def settings_words(row: Any) -> list[str]:
    """What a line's settings mean, one sentence each; empty for the defaults."""
    words = []
    if row is None:
        return words
    if row.withhold_all:
        words.append("Withholds its number on every call")
    if row.hide_incoming:
        words.append("Callers' numbers are not displayed")
    if row.reject_anonymous:
        method = "in the network" if row.rejection_method == RejectionMethod.network else "on the device only"
        charge = f", {row.rejection_charge}" if row.rejection_charge else ""
        words.append(f"Rejects calls with a withheld number ({method}{charge})")
    if row.withhold_connected:
        words.append("Withholds its number from callers")
    return words


ROAMING_SETTING_LABEL = "Calls from abroad showing a UK mobile number (+447) whose roaming is not verified"


def roaming_setting_words(settings: Settings) -> str:
    """What the provider's roaming setting does (PECR_CLI_UNVERIFIED_UK_MOBILE_ROAMING), in words."""
    if settings.cli_unverified_uk_mobile_roaming:
        return "Carried as roaming (the switch did not say whether the caller roams)"
    return (
        "Blocked unless the switch says the call is roaming (the default): C6 carries a UK number from abroad"
        " only for a roaming UK mobile"
    )


def public_services(settings: Settings) -> list[dict[str, str]]:
    """The CLI services offered (reg 12), how to use them and what they cost, from the configuration."""
    withhold, hours = settings.cli_withhold_prefix, settings.call_forwarding_target_hours
    rejection = "in the network, automatically" if settings.cli_rejection_network else "as an option on your phone"
    return [
        {
            "name": "Withhold your number on one call",
            "how": f"Dial {withhold} before the number (e.g. {withhold} 020 7946 0000).",
            "cost": "Free",
        },
        {
            "name": "Withhold your number on every call",
            "how": "Ask us by phone, online, by e-mail or by letter; we set it on your line.",
            "cost": "Free",
        },
        {
            "name": "Show your number on one call when your line withholds it",
            "how": f"Dial {settings.cli_release_prefix} before the number.",
            "cost": "Free",
        },
        {
            "name": "Stop callers' numbers being displayed to you",
            "how": "Ask us; callers' numbers are then not shown on your line.",
            "cost": "Free for reasonable use",
        },
        {
            "name": "Reject calls from withheld numbers (anonymous call rejection)",
            "how": f"Ask us; calls whose number is withheld are then rejected {rejection}.",
            "cost": settings.cli_rejection_charge.capitalize() if settings.cli_rejection_charge else "Free",
        },
        {
            "name": "Withhold your number from people who call you",
            "how": "Ask us; callers are then not shown the number they reached (useful when calls are forwarded).",
            "cost": "Free",
        },
        {
            "name": "Stop someone else forwarding their calls to you",
            "how": f"Ask us; we stop it without avoidable delay (our target: {hours} hours).",
            "cost": "Free",
        },
    ]
