"""Traffic and location data consent as pure functions: PECR regulations 7, 8 and 14 (with 16).

Sources: reg 7(3)-(4) (marketing electronic communications services and value-added services need the
consent of the person the data relates to, withdrawable at any time), reg 8 (processing only for
billing, traffic management, customer enquiries, fraud detection, dispute bodies and VAS), reg 14(2)-(4)
(location data only anonymised or with consent for a VAS; a free and simple way to refuse each time),
reg 16 (calls to 999 and 112). A blanket line in a bill or privacy policy is never consent (ICO guide).

Invariants: a decision takes values and `now` and does no I/O; consent is one person's own (a
subscriber's consent never covers a named user's data); a withdrawal counts from the moment it is
recorded; an active privacy switch refuses location processing even where consent stands; consent
ends with the relationship it was given in (rules.md §3, issue 9): once the subscriber or the line has
left, or the named user was removed, every purpose needing consent is refused, whatever was consented.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from provider.errors import FieldError
from provider.subscribers.leaving.rules import left_on
from traffic.consent.models import ConsentAction, ConsentMethod, ConsentPurpose, DataKind, NoticeKind
from traffic.consent.models import ProcessingPurpose as Purpose

EMERGENCY_NUMBERS = frozenset({"999", "112"})
MAX_SWITCH = timedelta(days=30)  # policy: "temporary" means at most a month; longer is a withdrawal
NO_CONSENT_PURPOSES = {
    Purpose.billing: "PECR reg 7(2), 8(2)(a): billing and interconnection payments",
    Purpose.traffic_management: "PECR reg 8(2)(b): traffic management",
    Purpose.customer_enquiry: "PECR reg 8(2)(c): customer enquiries",
    Purpose.fraud: "PECR reg 8(2)(d): prevention or detection of fraud",
    Purpose.dispute_resolution: "PECR reg 8(3): a body with statutory power to resolve disputes",
}
CONSENT_BASIS = {
    (DataKind.traffic, Purpose.marketing): "PECR reg 7(3)(a), 7(4): consent to marketing",
    (DataKind.traffic, Purpose.vas): "PECR reg 7(3)(b), 7(4): consent to this value-added service",
    (DataKind.location, Purpose.vas): "PECR reg 14(2)(b): consent to this value-added service",
}
LOCATION_BASIS = "PECR reg 14(2): location data only anonymous, or with consent for a value-added service"
ANONYMOUS_BASIS = "PECR reg 14(2)(a): the user or subscriber cannot be identified"
EMERGENCY_BASIS = "PECR reg 16: calls to 999 and 112 override the location restriction"
SWITCH_BASIS = "PECR reg 14(3)-(4): the temporary refusal on each connection"
ENDED_BASIS = "policy (rules.md §3): consent cannot outlive the relationship it was given in"
ENDED_WORDS = {
    "subscriber": "the subscriber left on {on}: their consent no longer applies",
    "line": "the line left on {on}: consent no longer applies to its data",
    "user": "the named user was removed from the line on {on}: their consent no longer applies",
}
NEVER_CONSENT = {"bill", "privacy_policy", "privacy policy", "terms", "terms_and_conditions"}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    basis: str


@dataclass(frozen=True)
class ConsentState:
    """The last consent event of one person for one data kind, purpose and service."""

    action: ConsentAction
    occurred_at: datetime


@dataclass(frozen=True)
class Ended:
    """The relationship a consent served is over: `what` ("subscriber", "line" or "user") left, or was
    removed, at `at`."""

    what: str
    at: datetime


@dataclass(frozen=True)
class Question:
    data_kind: DataKind
    purpose: Purpose
    service_name: str = ""
    anonymous: bool = False
    called_number: str = ""
    person: str = "the subscriber"  # who the data is about, in words


# --- which notice precedes which consent ----------------------------------------------------------


def notice_for(data_kind: DataKind, purpose: ConsentPurpose) -> NoticeKind:
    """The notice a person must have been served before this consent can be asked (reg 7(4), 14(2))."""
    if purpose is ConsentPurpose.marketing:
        return NoticeKind.marketing
    return NoticeKind.location if data_kind is DataKind.location else NoticeKind.vas


def consent_scope_errors(data_kind: DataKind, purpose: ConsentPurpose, service_name: str) -> list[FieldError]:
    if purpose is ConsentPurpose.vas and not service_name.strip():
        return [FieldError("service_name", "name the value-added service the consent is for")]
    if purpose is ConsentPurpose.marketing and service_name.strip():
        return [FieldError("service_name", "a marketing consent names no value-added service")]
    if data_kind is DataKind.location and purpose is ConsentPurpose.marketing:
        return [FieldError("purpose", "location data may be consented only for a value-added service (reg 14)")]
    return []


def method_errors(
    method: str, *, agent_name: str = "", script_version: str = "", evidence_reference: str = "", giving: bool = True
) -> list[FieldError]:
    """How the person agreed: a real method, with what proves it."""
    normalised = method.strip().lower()
    if normalised in NEVER_CONSENT:
        return [FieldError("method", "a line in a bill, a privacy policy or terms is never consent")]
    if normalised not in set(ConsentMethod):
        return [FieldError("method", "choose web, call centre, shop or signed form")]
    errors = []
    if normalised == ConsentMethod.call_centre and not agent_name.strip():
        errors.append(FieldError("agent_name", "a call-centre consent names the agent"))
    if giving and normalised == ConsentMethod.call_centre and not script_version.strip():
        errors.append(FieldError("script_version", "a call-centre consent names the script version read"))
    if normalised in (ConsentMethod.signed_form, ConsentMethod.shop) and not evidence_reference.strip():
        errors.append(FieldError("evidence_reference", "give the reference of the signed form or shop record"))
    return errors


def representative_errors(*, corporate: bool, for_user: bool, representative_name: str) -> list[FieldError]:
    """A corporate subscriber consents through a named representative; a person consents in person."""
    if corporate and not for_user and not representative_name.strip():
        return [FieldError("representative_name", "a corporate subscriber consents through a named representative")]
    if (for_user or not corporate) and representative_name.strip():
        return [FieldError("representative_name", "only a corporate subscriber consents through a representative")]
    return []


def timing_errors(*, given_at: datetime, served_at: datetime | None, now: datetime) -> list[FieldError]:
    """Consent follows the notice: the version must have reached this person before it was given."""
    if given_at > now:
        return [FieldError("given_at", "cannot be in the future")]
    if served_at is None:
        return [FieldError("version_id", "this notice version was never served to this person: serve it first")]
    if served_at > given_at:
        return [FieldError("given_at", "is before the notice was served to this person")]
    return []


def switch_errors(*, starts_at: datetime, ends_at: datetime, now: datetime) -> list[FieldError]:
    if ends_at <= starts_at:
        return [FieldError("ends_at", "must be after the start")]
    if ends_at <= now:
        return [FieldError("ends_at", "must be in the future")]
    if ends_at - starts_at > MAX_SWITCH:
        return [FieldError("ends_at", "a privacy switch lasts at most 30 days; to refuse for good, withdraw consent")]
    return []


def switch_active(*, starts_at: datetime, ends_at: datetime, ended_at: datetime | None, now: datetime) -> bool:
    end = min(ends_at, ended_at) if ended_at else ends_at
    return starts_at <= now < end


# --- may this data be used for this purpose? ------------------------------------------------------


def decide(
    question: Question, consent: ConsentState | None, *, switch_until: datetime | None, ended: Ended | None = None
) -> Decision:
    """The answer of `POST /api/v1/traffic/authorise`. `consent` is the person's own state for exactly
    this data kind, purpose and service; `switch_until` the end of an active privacy switch, if any;
    `ended` whether the subscriber, line or named user the data is about has gone (purposes needing no
    consent, billing of the final bill among them, are unchanged by it)."""
    if question.purpose is Purpose.emergency:
        return _emergency(question)
    if question.data_kind is DataKind.location:
        return _location(question, consent, switch_until, ended)
    if question.purpose in NO_CONSENT_PURPOSES:
        return Decision(True, "no consent is needed for this purpose", NO_CONSENT_PURPOSES[question.purpose])
    return _consented(question, consent, ended)


def _emergency(question: Question) -> Decision:
    if question.called_number.strip() in EMERGENCY_NUMBERS:
        return Decision(True, f"an emergency call to {question.called_number.strip()}", EMERGENCY_BASIS)
    return Decision(False, "only a call to 999 or 112 is an emergency call", EMERGENCY_BASIS)


def _location(
    question: Question, consent: ConsentState | None, switch_until: datetime | None, ended: Ended | None
) -> Decision:
    if question.anonymous:
        return Decision(True, "the location data is anonymous", ANONYMOUS_BASIS)
    if question.purpose is not Purpose.vas:
        return Decision(False, "identifiable location data is only for a consented value-added service", LOCATION_BASIS)
    if switch_until is not None and ended is None:
        return Decision(False, f"the line's privacy switch is on until {switch_until.isoformat()}", SWITCH_BASIS)
    return _consented(question, consent, ended)


def _consented(question: Question, consent: ConsentState | None, ended: Ended | None) -> Decision:
    basis = CONSENT_BASIS[(question.data_kind, question.purpose)]
    if question.purpose is Purpose.vas and not question.service_name.strip():
        return Decision(False, "name the value-added service", basis)
    if ended is not None:
        words = ENDED_WORDS[ended.what].format(on=left_on(ended.at))
        return Decision(False, words, f"{basis}; {ENDED_BASIS}")
    subject = "marketing" if question.purpose is Purpose.marketing else f"the service {question.service_name!r}"
    if consent is None:
        return Decision(False, f"{question.person} has not consented to {subject}", basis)
    if consent.action is ConsentAction.withdrawn:
        when = consent.occurred_at.isoformat()
        return Decision(False, f"{question.person} withdrew consent to {subject} at {when}", basis)
    return Decision(True, f"{question.person} consented to {subject} at {consent.occurred_at.isoformat()}", basis)
