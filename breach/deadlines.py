"""Breach's declarations on the core deadlines (provider.deadlines): its owner kinds and deadline kinds.

Two owner kinds: `breach` (each breach owns its notification deadlines, its customer-notice decision and
its log entry) and `breach_log` (the breach log as a whole owns each month's submission, so that obligation
has no owner id and is told apart by its period). Both are read with breach:read and changed with
breach:write; without a named owner their reminders go to breach managers and compliance officers, and
escalations to PECR_BREACH_ESCALATION_EMAIL. Importing this module registers them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select

from breach.models import Breach, ObligationKind
from breach.presenters import obligation_name
from provider.deadlines import registry
from provider.deadlines.registry import DeadlineKind, OwnerKind
from provider.security.roles import Permission, Role
from provider.settings import Settings

BREACH = "breach"
BREACH_LOG = "breach_log"
STAFF_ROLES = (Role.breach_manager, Role.compliance_officer)


def _named(kind: ObligationKind, *, reminded: bool = True) -> DeadlineKind:
    """A deadline kind under the obligation's one name (breach.presenters.obligation_name)."""
    return DeadlineKind(kind, obligation_name(kind), reminded=reminded)


_references = registry.selected_references(
    lambda ids: select(Breach.id, Breach.reference).where(Breach.id.in_(ids)),
    lambda _breach_id, reference: reference,
)


def _escalation(settings: Settings) -> Sequence[str]:
    return [settings.breach_escalation_email] if settings.breach_escalation_email else []


def _breach_fields(owner_id: int | None, reference: str | None) -> Mapping[str, Any]:
    """The reminders API named the breach before the core existed; those fields stay."""
    return {"breach_id": owner_id, "breach_reference": reference}


def _log_link(_owner_id: int | None, period: str) -> str:
    return f"/breaches/log?month={period}" if period else "/breaches/log"


def _log_subject(_reference: str | None, period: str) -> str:
    return f"the {period} log" if period else "the breach log"


BREACH_KINDS = registry.register(
    OwnerKind(
        name=BREACH,
        label="Breach",
        kinds=(
            _named(ObligationKind.ico_notification),
            _named(ObligationKind.ico_initial_target),
            _named(ObligationKind.ico_second_target),
            _named(ObligationKind.customer_notice_decision),
            # Due with its month's log submission, whose reminder covers every breach of the month:
            # reminding for each breach as well would send the same message once per breach.
            _named(ObligationKind.log_inclusion, reminded=False),
        ),
        read_permission=Permission.breach_read,
        write_permission=Permission.breach_write,
        fallback_roles=STAFF_ROLES,
        link=lambda owner_id, _period: f"/breaches/{owner_id}",
        subject=lambda reference, _period: f"breach {reference}",
        references=_references,
        escalation_addresses=_escalation,
        public_fields=_breach_fields,
        audit_prefix="breach",
    )
)
LOG_KINDS = registry.register(
    OwnerKind(
        name=BREACH_LOG,
        label="Breach log",
        kinds=(_named(ObligationKind.log_submission),),
        read_permission=Permission.breach_read,
        write_permission=Permission.breach_write,
        fallback_roles=STAFF_ROLES,
        link=_log_link,
        subject=_log_subject,
        escalation_addresses=_escalation,
        public_fields=_breach_fields,
        audit_prefix="breach",
    )
)
