"""The leaving pages' forms on the core form layer: their labels and choices."""

from __future__ import annotations

from provider.subscribers.leaving.models import LeaveReason
from provider.subscribers.leaving.rules import REASON_WORDS
from provider.web.forms import PageForm

LEAVE_FORM = PageForm(labels={"reason": "Why it left", "left_at": "When it left"}, choices=("reason",))
CONFIRM_FORM = PageForm(
    labels={"confirm": "Confirmation"},
    missing={"confirm": "Tick the box to confirm: this cannot be undone"},
)
REASON_OPTIONS = [(reason.value, REASON_WORDS[reason.value].capitalize()) for reason in LeaveReason]
