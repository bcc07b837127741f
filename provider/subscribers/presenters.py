"""How subscriber enums read on forms and pages: one label table per enum."""

from __future__ import annotations

from provider.subscribers.models import LineService, SubscriberKind

KIND_LABELS = {SubscriberKind.individual: "Individual", SubscriberKind.corporate: "Corporate"}
SERVICE_LABELS = {
    LineService.fixed: "Fixed",
    LineService.mobile: "Mobile",
    LineService.voip: "VoIP",
    LineService.broadband: "Broadband",
}
