"""Calling and connected line identification as pure functions: PECR regs 10, 11, 15 and 16, Ofcom GC C6.

`decide(call, context)` answers one call: blocked or not and why, whether the caller's number is shown to
the called party, the number actually dialled (a per-call prefix stripped) and the reasons, each naming
its rule. It takes values only (the lines' settings, the numbering data, the prefix codes, `now`) and
does no I/O, so the service can serve it from a cache and a batch can run a million of them.

Order of the rules, and why:
1. A per-call prefix (141 withholds, 1470 presents; configurable) is read only on calls from our own
   subscribers: it is the caller's own instruction to our switch, and it is stripped from the digits.
2. 999 and 112 (reg 16) always connect and always present the caller's network number, whatever the
   line's settings, the prefix or the privacy marking; no other rule can block them.
3. Ofcom GC C6: the network number and any presentation number must be valid, dialable numbers (UK
   numbers 10 or 11 digits in national form), not 09, not on the Do Not Originate list and allocated in
   Ofcom's numbering data (once it is imported). A call from abroad presenting a UK number is blocked
   unless it is a UK mobile (+447) roaming, or the provider has shown a UK customer originated it.
   Whether a +447 caller is roaming is the switch's `roaming` (true or false) when it sends one; when it
   does not, the provider's setting decides (`Context.unverified_roaming`, by default false: blocked,
   because C6 carries a UK number from abroad only for a UK mobile that is roaming, and a +447 number
   from abroad is a favourite of spoofers). Invalid CLI blocks the call.
4. Withholding (reg 10): the privacy marking is always respected; on our own lines the line's
   withhold-every-call option applies unless 1470 releases it for the call, and 141 withholds.
5. The called line (reg 11): anonymous-call rejection blocks a withheld call; display suppression hides
   the caller's number; withholding of the connected line's number hides it from the caller.
6. An active trace on the called line (reg 15) captures a withheld caller's identity without showing it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from provider.line_identification.prefixes import Prefixes, strip_prefix

EMERGENCY_NUMBERS = frozenset({"999", "112"})
UK_COUNTRY = "+44"
UK_MOBILE = "+447"
MAX_E164_DIGITS = 15
MIN_INTERNATIONAL_DIGITS = 8

# The rule each reason names.
REG_10_CALL = "PECR reg 10(1)"
REG_10_LINE = "PECR reg 10(2)"
REG_11_DISPLAY = "PECR reg 11(2)"
REG_11_REJECT = "PECR reg 11(3)"
REG_11_CONNECTED = "PECR reg 11(4)"
REG_15 = "PECR reg 15"
REG_16 = "PECR reg 16"
C6_VALID = "Ofcom GC C6.3 (valid, dialable CLI)"
C6_09 = "Ofcom GC C6.3 (09 numbers may not be presented)"
C6_DNO = "Ofcom GC C6.6 (Do Not Originate list)"
C6_UNALLOCATED = "Ofcom GC C6.6 (not allocated in the numbering data)"
C6_INTERNATIONAL = "Ofcom GC C6.6 (UK CLI on a call from abroad)"
C6_ROAMING = "Ofcom GC C6.6 (UK mobile CLI from abroad: roaming)"
C6_PRIVACY = "Ofcom GC C6.4 (privacy marking respected)"


class Origin(StrEnum):
    """Where the call entered our network."""

    own_subscriber = "own_subscriber"
    uk_interconnect = "uk_interconnect"
    international = "international"


class Privacy(StrEnum):
    """The privacy marking of the caller's identity as signalled with the call."""

    allowed = "allowed"
    restricted = "restricted"


class NumberStatus(StrEnum):
    allocated = "allocated"
    unallocated = "unallocated"
    dno = "dno"


@dataclass(frozen=True, slots=True)
class LineOptions:
    """A line's CLI settings as the decision needs them."""

    withhold_all: bool = False
    hide_incoming: bool = False
    reject_anonymous: bool = False
    reject_at_network: bool = True  # False: anonymous-call rejection is only a device option
    withhold_connected: bool = False


NO_OPTIONS = LineOptions()


@dataclass(frozen=True, slots=True)
class TraceWindow:
    """An active malicious-call trace on a called line (reg 15): from `starts_at` until `ends_at`."""

    trace_id: int
    starts_at: datetime
    ends_at: datetime | None

    def active(self, now: datetime) -> bool:
        return self.starts_at <= now and (self.ends_at is None or now < self.ends_at)


@dataclass(frozen=True)
class Numbering:
    """Ofcom numbering data and the Do Not Originate list, by prefix of the national form ("01632960").

    `allocation` maps a prefix to allocated or unallocated (the longest matching prefix wins; a number
    matching none is unallocated once any allocation data is loaded); `dno` holds numbers and prefixes
    that must never be presented. Empty allocation data means none was imported: not checked.
    """

    allocation: Mapping[str, bool] = field(default_factory=dict)
    dno: frozenset[str] = frozenset()
    allocation_lengths: tuple[int, ...] = ()
    dno_lengths: tuple[int, ...] = ()
    # validity() per number against this data: a batch checks the same lines' numbers over and over.
    checked: dict[str, Reason | None] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, allocation: Mapping[str, bool], dno: frozenset[str] | set[str]) -> Numbering:
        return cls(
            allocation=dict(allocation),
            dno=frozenset(dno),
            allocation_lengths=tuple(sorted({len(p) for p in allocation}, reverse=True)),
            dno_lengths=tuple(sorted({len(p) for p in dno}, reverse=True)),
        )

    def status(self, national: str) -> NumberStatus | None:
        """DNO first, then the allocation of the longest matching prefix; None without allocation data."""
        for length in self.dno_lengths:
            if national[:length] in self.dno and length <= len(national):
                return NumberStatus.dno
        if not self.allocation:
            return None
        for length in self.allocation_lengths:
            if length <= len(national):
                found = self.allocation.get(national[:length])
                if found is not None:
                    return NumberStatus.allocated if found else NumberStatus.unallocated
        return NumberStatus.unallocated


EMPTY_NUMBERING = Numbering()


class Call(NamedTuple):
    network_number: str
    origin: Origin
    dialled: str
    privacy: Privacy = Privacy.allowed
    presentation_number: str | None = None
    called: str | None = None
    uk_origin_shown: bool = False  # the provider has shown that a UK customer originated the call
    roaming: bool | None = None  # a +447 caller from abroad is (True) or is not (False) roaming; None: unknown


class Reason(NamedTuple):
    rule: str
    text: str


# The reasons whose words never vary, made once: a batch gives a hundred thousand of them.
RELEASED = Reason(REG_10_CALL, "the caller released their number for this call")
LINE_WITHHOLDS = Reason(REG_10_LINE, "the caller's line withholds its number on every call")
CALL_WITHHELD = Reason(REG_10_CALL, "the caller withheld their number for this call")
MARKED_RESTRICTED = Reason(C6_PRIVACY, "the call is marked presentation restricted")
REJECTED = Reason(REG_11_REJECT, "the called line rejects calls with a withheld number")
DEVICE_REJECTION = Reason(REG_11_REJECT, "anonymous-call rejection is a device option: the network connects")
NOT_DISPLAYED = Reason(REG_11_DISPLAY, "the called line does not display callers' numbers")
CONNECTED_WITHHELD = Reason(REG_11_CONNECTED, "the called line withholds its number from the caller")
TRACED = Reason(REG_15, "an active trace on the called line records the caller's identity, unshown")
PRESENTED = Reason(C6_VALID, "the caller's number is valid and presented")
PREFIX_IGNORED = Reason(REG_16, "the withholding prefix is ignored on an emergency call")
ROAMING = Reason(C6_ROAMING, "a UK mobile number roaming abroad: its call from abroad is carried")
ROAMING_ASSUMED = Reason(
    C6_ROAMING,
    "a UK mobile number from abroad whose roaming was not verified: carried as roaming by the provider's setting",
)


class Decision(NamedTuple):
    blocked: bool
    block_reason: str | None
    caller_number_shown: bool
    shown_number: str | None
    withheld: bool
    dialled_number: str
    connected_number_shown: bool
    trace_id: int | None
    reasons: tuple[Reason, ...]


class Context(NamedTuple):
    """What the decision reads besides the call: the caller's and the called line's options (None when
    the number is not one of our lines), an active trace on the called line, the data, the codes."""

    caller: LineOptions | None
    called: LineOptions | None
    trace: TraceWindow | None
    numbering: Numbering
    prefixes: Prefixes
    now: datetime
    # The provider's setting for a +447 call from abroad that says nothing of roaming: True carries it as
    # roaming, False (the default) blocks it as an unverified UK number from abroad.
    unverified_roaming: bool = False


def e164(number: str) -> str | None:
    """ "+44..." for UK national "0..." and for "0044..."; "+..." kept; None when not dialable digits."""
    if number.startswith("+"):
        digits = number[1:]
        prefix = "+"
    elif number.startswith("00"):
        digits, prefix = number[2:], "+"
    elif number.startswith("0"):
        digits, prefix = number[1:], UK_COUNTRY
    else:
        return None
    if not digits.isdigit() or not digits.isascii():
        return None
    return prefix + digits


def national(number: str) -> str:
    """A UK number in E.164 as its national form: +441632960123 -> 01632960123."""
    return "0" + number[3:]


MAX_CHECKED = 500_000  # numbers remembered per numbering data; then the memo starts afresh


def validity(number: str, numbering: Numbering) -> Reason | None:
    """Why `number` may not be presented as CLI (Ofcom GC C6), or None when it may (remembered per
    numbering data, which never changes: an import builds a new `Numbering`)."""
    checked = numbering.checked
    try:
        return checked[number]
    except KeyError:
        pass
    if len(checked) >= MAX_CHECKED:
        checked.clear()
    reason = checked[number] = _validity(number, numbering)
    return reason


def _validity(number: str, numbering: Numbering) -> Reason | None:
    full = e164(number)
    if full is None:
        return Reason(C6_VALID, f"{number!r} is not a dialable number")
    if not full.startswith(UK_COUNTRY):
        digits = len(full) - 1
        if not MIN_INTERNATIONAL_DIGITS <= digits <= MAX_E164_DIGITS:
            return Reason(C6_VALID, f"{number} is not a valid international number ({digits} digits)")
        return None
    uk = national(full)
    if len(uk) not in (10, 11) or uk.startswith("00"):
        return Reason(C6_VALID, f"{uk} is not a UK number of 10 or 11 digits")
    if uk.startswith("09"):
        return Reason(C6_09, f"{uk} is a premium-rate 09 number")
    status = numbering.status(uk)
    if status is NumberStatus.dno:
        return Reason(C6_DNO, f"{uk} is on the Do Not Originate list")
    if status is NumberStatus.unallocated:
        return Reason(C6_UNALLOCATED, f"{uk} is not in an allocated range")
    return None


def called_digits(call: Call, prefixes: Prefixes) -> str:
    """The number the call is for: `called` when the switch sends it, else the digits dialled, without
    a per-call prefix on our own subscribers' calls (the digits `decide` routes). Without this fallback
    a call the switch sent without `called` would skip the called line's rejection, display
    suppression and trace."""
    if call.called:
        return call.called
    if call.origin is Origin.own_subscriber:
        return strip_prefix(call.dialled, prefixes)[0]
    return call.dialled


def _international(call: Call, numbers: list[str], unverified_roaming: bool) -> tuple[bool, Reason] | None:
    """A call from abroad presenting a UK number (Ofcom GC C6): (blocked, why), or None when no UK
    number is presented. A UK mobile number is carried when it roams: as the switch says, or, when it
    says nothing, as the provider's setting says."""
    allowed = None
    for number in numbers:
        full = e164(number) or ""
        if not full.startswith(UK_COUNTRY):
            continue
        uk = national(full)
        if not full.startswith(UK_MOBILE):
            return True, Reason(C6_INTERNATIONAL, f"a call from abroad presenting the UK number {uk}")
        if call.roaming is None and not unverified_roaming:
            return True, Reason(
                C6_ROAMING,
                f"a call from abroad presenting the UK mobile number {uk} whose roaming was not verified"
                " (a UK number from abroad is carried only for a UK mobile that is roaming)",
            )
        if call.roaming is False:
            return True, Reason(C6_ROAMING, f"a call from abroad presenting the UK mobile number {uk}, not roaming")
        allowed = ROAMING if call.roaming else ROAMING_ASSUMED
    return None if allowed is None else (False, allowed)


def _emergency(call: Call, dialled: str, prefix: str | None) -> Decision:
    reasons = [Reason(REG_16, f"{dialled} is an emergency number: the caller's number is always presented")]
    if prefix == "withhold":
        reasons.append(PREFIX_IGNORED)
    return Decision(False, None, True, call.network_number, False, dialled, True, None, tuple(reasons))


def _blocked(dialled: str, reasons: list[Reason], why: Reason, *, withheld: bool = False) -> Decision:
    reasons.append(why)
    return Decision(True, why.text, False, None, withheld, dialled, False, None, tuple(reasons))


def _withheld(call: Call, caller: LineOptions | None, prefix: str | None, reasons: list[Reason]) -> bool:
    """Reg 10 and the privacy marking: whether the caller's identity is withheld on this call."""
    withheld = False
    if caller is not None and caller.withhold_all:
        if prefix == "release":
            reasons.append(RELEASED)
        else:
            withheld = True
            reasons.append(LINE_WITHHOLDS)
    if prefix == "withhold":
        withheld = True
        reasons.append(CALL_WITHHELD)
    if call.privacy is Privacy.restricted:
        withheld = True
        reasons.append(MARKED_RESTRICTED)
    return withheld


def _cli_problem(call: Call, context: Context, reasons: list[Reason]) -> Reason | None:
    """Ofcom GC C6: the first reason the call's CLI data may not be carried, or None (a UK mobile
    carried from abroad as roaming adds the reason why to `reasons`)."""
    numbering = context.numbering
    problem = validity(call.network_number, numbering)
    if problem is None and call.presentation_number:
        problem = validity(call.presentation_number, numbering)
    if problem is None and call.origin is Origin.international and not call.uk_origin_shown:
        numbers = [call.network_number] + ([call.presentation_number] if call.presentation_number else [])
        found = _international(call, numbers, context.unverified_roaming)
        if found is not None:
            blocked, why = found
            if blocked:
                return why
            reasons.append(why)
    return problem


def _at_called_line(call: Call, context: Context, dialled: str, withheld: bool, reasons: list[Reason]) -> Decision:
    """Reg 11 and reg 15 at the called line, for a call whose CLI is valid."""
    called = context.called or NO_OPTIONS
    if withheld and called.reject_anonymous:
        if called.reject_at_network:
            why = REJECTED
            return _blocked(dialled, reasons, why, withheld=True)
        reasons.append(DEVICE_REJECTION)
    shown = not withheld
    if shown and called.hide_incoming:
        shown = False
        reasons.append(NOT_DISPLAYED)
    if called.withhold_connected:
        reasons.append(CONNECTED_WITHHELD)
    trace_id = None
    if context.trace is not None and context.trace.active(context.now):
        trace_id = context.trace.trace_id
        reasons.append(TRACED)
    if shown:
        reasons.append(PRESENTED)
    shown_number = (call.presentation_number or call.network_number) if shown else None
    # Positional, in the field order of `Decision`: a batch builds a hundred thousand of them.
    return Decision(
        False, None, shown, shown_number, withheld, dialled, not called.withhold_connected, trace_id, tuple(reasons)
    )


def decide(call: Call, context: Context) -> Decision:
    """The answer for one call; see the module docstring for the order of the rules."""
    reasons: list[Reason] = []
    prefix = None
    dialled = call.dialled
    if call.origin is Origin.own_subscriber:
        dialled, prefix = strip_prefix(call.dialled, context.prefixes)
    if dialled in EMERGENCY_NUMBERS:
        return _emergency(call, dialled, prefix)
    problem = _cli_problem(call, context, reasons)
    if problem is not None:
        return _blocked(dialled, reasons, problem)
    caller = context.caller if call.origin is Origin.own_subscriber else None
    withheld = _withheld(call, caller, prefix, reasons)
    return _at_called_line(call, context, dialled, withheld, reasons)
