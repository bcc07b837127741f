"""Words and numbers a bill shows: money in pounds, durations as minutes and seconds, labels."""

from __future__ import annotations

from provider.billing.models import BillSource, CallCategory, RequestChannel

CATEGORY_LABELS = {
    CallCategory.voice: "Calls",
    CallCategory.sms: "Text messages",
    CallCategory.mms: "Picture messages",
    CallCategory.data: "Data sessions",
    CallCategory.other: "Other",
}
SOURCE_LABELS = {
    BillSource.traffic_records: "Our network's records of your calls, messages and sessions",
    BillSource.call_list: "Our billing system's list of your calls, messages and sessions",
}
CHANNEL_LABELS = {
    RequestChannel.phone: "By phone",
    RequestChannel.web: "Online",
    RequestChannel.email: "By e-mail",
    RequestChannel.letter: "By letter",
    RequestChannel.shop: "In a shop",
    RequestChannel.api: "From the billing system",
}


def pounds(pence: int) -> str:
    return f"£{pence // 100:,}.{pence % 100:02d}"


def duration(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{minutes}:{rest:02d}"


def choice_words(itemised: bool) -> str:
    return "Itemised bills" if itemised else "Bills without itemisation (totals only)"
