"""Whether subscribers and users must be told of a breach, and what a notice may say. Pure functions.

Sources: PECR reg 5A(3) (notify a subscriber or user when the breach is likely to adversely affect
their personal data or privacy), 5A(6) (unless the provider shows the ICO the data was unintelligible),
5A(7) (the ICO may still require notices); Commission Regulation (EU) No 611/2013 Art 3(2) (the factors),
Art 3(4) (no promotion of services), Art 3(5) (delay only with the ICO's agreement), Art 3(7) (media
notice when individuals cannot be identified), Art 4 (what "unintelligible" means) and Annex II (content).

There are no statutory hours for customer notices ("without undue delay"); none are computed here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from breach.notices import marketing
from breach.notices.presenters import LABELS
from provider.errors import FieldError
from provider.notices import fonts


class DataNature(StrEnum):
    """611/2013 Art 3(2)(a): kinds of data whose compromise points to an adverse effect."""

    financial = "financial"
    special_category = "special_category"
    location_data = "location_data"
    internet_logs = "internet_logs"
    browsing_history = "browsing_history"
    email_data = "email_data"
    itemised_call_lists = "itemised_call_lists"


class Consequence(StrEnum):
    """611/2013 Art 3(2)(b): likely consequences for the person."""

    identity_theft_or_fraud = "identity_theft_or_fraud"
    physical_harm = "physical_harm"
    psychological_distress = "psychological_distress"
    humiliation_or_reputation = "humiliation_or_reputation"


class CircumstanceFactor(StrEnum):
    """611/2013 Art 3(2)(c): circumstances of the breach."""

    stolen = "stolen"
    unauthorised_possession = "unauthorised_possession"


class Outcome(StrEnum):
    notify = "notify"
    notify_after_agreed_delay = "notify_after_agreed_delay"
    do_not_notify = "do_not_notify"
    exempt_unintelligible = "exempt_unintelligible"


NOTICE_DUE = frozenset({Outcome.notify, Outcome.notify_after_agreed_delay})

# 611/2013 Art 4: "standardised" algorithms. Normalised by dropping case, spaces, hyphens, underscores
# and slashes, so "AES-256-GCM", "aes 256 gcm" and "AES256/GCM" are the same. Unkeyed hashes (SHA-256,
# MD5) are deliberately absent: Art 4(2) requires a *keyed* hash. Extend with care and a citation.
STANDARD_CIPHERS = frozenset(
    [f"AES{bits}{mode}" for bits in (128, 192, 256) for mode in ("", "GCM", "CCM", "CBC", "CTR", "XTS", "SIV")]
    + ["CHACHA20POLY1305", "XCHACHA20POLY1305"]
)
STANDARD_KEYED_HASHES = frozenset(
    ["HMACSHA256", "HMACSHA384", "HMACSHA512", "HMACSHA3256", "HMACSHA3384", "HMACSHA3512", "KMAC128", "KMAC256"]
)


def normalise_algorithm(name: str) -> str:
    return re.sub(r"[\s\-_/]", "", name or "").upper()


def algorithm_kind(name: str) -> str | None:
    """'cipher', 'keyed_hash' or None (not a standardised algorithm this product recognises)."""
    normal = normalise_algorithm(name)
    if normal in STANDARD_CIPHERS:
        return "cipher"
    if normal in STANDARD_KEYED_HASHES:
        return "keyed_hash"
    return None


@dataclass(frozen=True)
class DatasetEvidence:
    """Art 4 evidence for one affected dataset. `None` means "not stated" (incomplete evidence)."""

    dataset: str = ""
    algorithm: str = ""
    key_management: str = ""
    key_compromised: bool | None = None
    key_guessable: bool | None = None


@dataclass(frozen=True)
class Factors:
    natures: frozenset[DataNature] = frozenset()
    consequences: frozenset[Consequence] = frozenset()
    circumstances: frozenset[CircumstanceFactor] = frozenset()
    other_adverse_effect: str = ""


@dataclass(frozen=True)
class AgreedDelay:
    """611/2013 Art 3(5): the ICO agreed the notices may wait (e.g. not to prejudice an investigation)."""

    ico_reference: str = ""
    agreed_on: date | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class Decision:
    outcome: Outcome | None
    reasons: list[str] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    likely_adverse: bool = False
    exemption_holds: bool = False


def likely_adverse(factors: Factors) -> tuple[bool, list[str]]:
    """Art 3(2): a likely consequence, or sensitive data in adverse circumstances, or staff's own finding."""
    reasons: list[str] = []
    if factors.consequences:
        reasons.append("likely consequences: " + _labels(factors.consequences))
    if factors.natures and factors.circumstances:
        reasons.append(f"{_labels(factors.natures)} affected, and {_labels(factors.circumstances).lower()}")
    if factors.other_adverse_effect.strip():
        reasons.append("other adverse effect found by staff: " + factors.other_adverse_effect.strip()[:200])
    if not reasons and factors.natures:
        reasons.append(
            f"{_labels(factors.natures)} affected, but no consequence or circumstance points to an adverse effect"
        )
    return bool(
        factors.consequences or (factors.natures and factors.circumstances) or factors.other_adverse_effect.strip()
    ), reasons


def exemption_gaps(datasets: Iterable[DatasetEvidence]) -> list[FieldError]:
    """Missing Art 4 evidence, named field by field (`datasets.N.field`)."""
    items = list(datasets)
    if not items:
        return [FieldError("datasets", "name at least one affected dataset with its protection evidence")]
    gaps: list[FieldError] = []
    for index, item in enumerate(items):
        prefix = f"datasets.{index}."
        for name in ("dataset", "algorithm", "key_management"):
            if not getattr(item, name).strip():
                gaps.append(FieldError(prefix + name, f"{name.replace('_', ' ')} is required for the exemption"))
        for name in ("key_compromised", "key_guessable"):
            if getattr(item, name) is None:
                gaps.append(FieldError(prefix + name, f"state whether the key is {name.split('_')[1]}"))
    return gaps


def exemption_failures(datasets: Iterable[DatasetEvidence]) -> list[str]:
    """Complete evidence that still fails Art 4: non-standard algorithm, compromised or guessable key."""
    failures: list[str] = []
    for item in datasets:
        if algorithm_kind(item.algorithm) is None:
            failures.append(f"{item.dataset}: {item.algorithm} is not a standardised cipher or keyed hash")
        if item.key_compromised:
            failures.append(f"{item.dataset}: the key is compromised")
        if item.key_guessable:
            failures.append(f"{item.dataset}: the key could be ascertained by guessing or search")
    return failures


def delay_gaps(delay: AgreedDelay) -> list[FieldError]:
    gaps = []
    if not delay.ico_reference.strip():
        gaps.append(FieldError("delay_ico_reference", "give the ICO's reference for the agreed delay"))
    if delay.agreed_on is None:
        gaps.append(FieldError("delay_agreed_on", "give the date the ICO agreed the delay"))
    if delay.until is None:
        gaps.append(FieldError("delay_until", "give the date and time until which the notices may wait"))
    elif delay.agreed_on is not None and delay.until.date() < delay.agreed_on:
        gaps.append(FieldError("delay_until", "the delay cannot end before the ICO agreed it"))
    return gaps


def decide(
    factors: Factors,
    exemption: list[DatasetEvidence] | None,
    ico_required: bool,
    *,
    delay: AgreedDelay | None = None,
    rationale: str = "",
) -> Decision:
    """The outcome of an assessment and the reasons for it; `errors` set means no decision can be made.

    Order: the ICO's requirement (reg 5A(7)) beats everything; then a claimed exemption that holds
    (reg 5A(6), Art 4); then the Art 3(2) assessment. An agreed delay postpones a notice that is due.
    """
    errors = [] if rationale.strip() else [FieldError("rationale", "record why this decision was made")]
    if exemption is not None:
        errors += exemption_gaps(exemption)
    if delay is not None:
        errors += delay_gaps(delay)
    if errors:
        return Decision(None, errors=errors)
    adverse, reasons = likely_adverse(factors)
    holds = False
    if exemption is not None:
        failures = exemption_failures(exemption)
        holds = not failures
        reasons += (
            ["exemption refused: " + "; ".join(failures)]
            if failures
            else [
                "every affected dataset was unintelligible (reg 5A(6), Art 4); the ICO must be satisfied of"
                " this and the ICO notification is still required"
            ]
        )
    if ico_required:
        outcome = Outcome.notify
        reasons.append("the ICO has required notices to be sent (reg 5A(7))")
    elif holds:
        outcome = Outcome.exempt_unintelligible
    else:
        outcome = Outcome.notify if adverse else Outcome.do_not_notify
        if not adverse:
            reasons.append("no likely adverse effect on subscribers' or users' data or privacy (Art 3(2))")
    if delay is not None and outcome is Outcome.notify:
        outcome = Outcome.notify_after_agreed_delay
        reasons.append(f"the ICO agreed a delay ({delay.ico_reference}) until {delay.until.isoformat()}")
    elif delay is not None:
        reasons.append("the agreed delay is recorded but no notice is due")
    return Decision(outcome, reasons=reasons, likely_adverse=adverse, exemption_holds=holds)


def obligation_status(outcome: Outcome) -> str:
    """The customer-notice decision obligation: met when notices are due, not_required otherwise."""
    return "met" if outcome in NOTICE_DUE else "not_required"


def _labels(values: Iterable[str]) -> str:
    return ", ".join(LABELS[v] for v in sorted(values))


# --- Notice content (Annex II) --------------------------------------------------------------------------

PLACEHOLDERS = ("name", "address", "account_reference", "lines", "salutation")
PERSONAL_PLACEHOLDERS = ("name", "address", "account_reference", "salutation")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_]+)\}")


def marketing_terms(value: str) -> list[str]:
    """What sells in the text (611/2013 Art 3(4)), as 'kind ("words")'; see breach.notices.marketing."""
    return [finding.describe() for finding in marketing.findings(value)]


def check_content(fields: Mapping[str, str], required: Iterable[str]) -> list[FieldError]:
    """Refuse blank required fields, marketing language (Art 3(4)) and unknown placeholders, by field."""
    errors = [
        FieldError(name, "required in a customer notice (611/2013 Annex II)")
        for name in required
        if not (fields.get(name) or "").strip()
    ]
    for name, value in fields.items():
        refused = marketing.refusal(value)
        if refused:
            errors.append(FieldError(name, refused))
        missing = fonts.undrawable([value or ""])
        if missing:
            errors.append(FieldError(name, f"no installed font can print {fonts.describe(missing)}"))
        unknown = sorted({m for m in _PLACEHOLDER.findall(value or "") if m not in PLACEHOLDERS})
        if unknown:
            errors.append(
                FieldError(
                    name,
                    "unknown placeholder {" + unknown[0] + "}; use " + ", ".join("{" + p + "}" for p in PLACEHOLDERS),
                )
            )
    return errors


def fill(value: str, recipient: Mapping[str, str]) -> str:
    """Replace {name}, {address}, {account_reference}, {lines} with the recipient's values."""
    return _PLACEHOLDER.sub(lambda m: str(recipient.get(m.group(1), m.group(0))), value or "")


# --- Who is notified (reg 5A(3): "subscriber or user") ---------------------------------------------------


def addressee_name(kind: str, name: str, contact_name: str = "") -> str:
    """A corporate subscriber is addressed by its company name (for the attention of its contact, if any)."""
    if kind == "corporate":
        return f"{name} (for the attention of {contact_name})" if contact_name.strip() else name
    return name


# Courtesy titles a name may start with; "Dear <title> <surname>" is used only when one is there, since
# the subscriber record holds one name field and guessing a title from a first name would be wrong.
TITLES = {
    t.lower().rstrip("."): t
    for t in ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Professor", "Sir", "Dame", "Lady", "Lord", "Rev", "Revd")
}
FALLBACK_SALUTATION = "Dear customer"


def salutation(name: str, kind: str = "individual") -> str:
    """'Dear Mrs Ellison' from 'Mrs Jane Ellison'; 'Dear customer' for a company or a name without a title.
    ('Sir' and 'Dame' go with the first name: 'Dear Sir Alan'.)"""
    words = (name or "").split()
    if kind == "corporate" or len(words) < 2:
        return FALLBACK_SALUTATION
    title = TITLES.get(words[0].lower().rstrip("."))
    if title is None:
        return FALLBACK_SALUTATION
    return f"Dear {title} {words[1] if title in ('Sir', 'Dame') else words[-1]}"


def sign_off(salutation_text: str) -> str:
    """British usage: 'Yours sincerely' to a named person, 'Yours faithfully' to 'Dear customer'."""
    return "Yours faithfully" if salutation_text == FALLBACK_SALUTATION else "Yours sincerely"


def delivery_channel(email: str | None) -> str:
    """E-mail where an address is known, otherwise a posted letter (Art 3(6): prompt and secure means)."""
    return "email" if (email or "").strip() else "post"


# --- ICO form Section 2: content, means and number of customer notifications --------------------------------


def customer_summary(
    counts: Mapping[tuple[str, str], int],
    versions: list[tuple[int, str]],
    *,
    media_count: int = 0,
    media_date: str = "",
) -> str:
    """One paragraph for the ICO notification, from the recipients' statuses; empty when nothing was done."""

    def total(channel: str, *statuses: str) -> int:
        return sum(counts.get((channel, status), 0) for status in statuses)

    done = ("generated", "sending", "sent", "bounced", "failed")
    parts: list[str] = []
    if versions:
        parts.append(
            "Content: a notice dedicated to this breach giving the 611/2013 Annex II information (summary,"
            " estimated date, nature and content of the data, likely consequences, circumstances, measures"
            " taken and measures the person can take, contact point), wording "
            + ", ".join(f"v{version} (SHA-256 {digest[:12]})" for version, digest in versions)
            + "."
        )
    if total("email", *done):
        parts.append(
            f"By e-mail: {total('email', 'sent')} sent, {total('email', 'bounced')} bounced,"
            f" {total('email', 'failed')} failed, {total('email', 'generated')} not yet sent"
            + (f", {total('email', 'sending')} being sent." if total("email", "sending") else ".")
        )
    if total("post", *done):
        parts.append(f"By post: {total('post', *done)} letters produced, {total('post', 'sent')} recorded as posted.")
    if media_count:
        parts.append(f"Public media notice issued ({media_date}) for people who could not be identified.")
    if parts:
        notified = total("email", "sent") + total("post", "sent")
        parts.append(f"Number notified so far: {notified} subscribers and users.")
    return " ".join(parts)
