"""Every CLI decision input crossed with every other, each answer checked against an oracle written
here from the rules (rules.md §6, Ofcom GC C6), not from the code: the caller's line withholding,
141/1470, 999/112, the called line's rejection and display suppression, an active trace, the privacy
marking, the validity of the network number and where the call came from (with or without proof that a
UK customer originated a call from abroad), and for a UK mobile from abroad whether the switch says it
roams (true, false, not said) and the provider's setting for one it does not say of."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import pytest

from provider.line_identification import rules
from provider.line_identification.rules import (
    Call,
    Context,
    LineOptions,
    Numbering,
    Origin,
    Prefixes,
    Privacy,
    TraceWindow,
    decide,
)

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
CALLED = "01632960999"
TRACE_ID = 7
NUMBERING = Numbering.of({"01632": True, "01632961": False, "07700": True}, {"01632960666"})


class Number(NamedTuple):
    """A network number and what the oracle knows of it: the C6 rule that forbids it (None: valid),
    whether it is a UK number that is not a mobile (blocked from abroad unless UK origin is shown), and
    whether it is a UK mobile (from abroad: carried only when roaming, or UK origin is shown)."""

    digits: str
    forbidden_by: str | None
    uk_fixed: bool
    uk_mobile: bool = False


NUMBERS = {
    "uk geographic": Number("+441632960001", None, True),
    "uk mobile": Number("+447700900123", None, False, True),
    "foreign": Number("+33142685300", None, False),
    "too short": Number("+44163296", rules.C6_VALID, True),
    "not digits": Number("01632 96000x", rules.C6_VALID, False),
    "09": Number("+449012345678", rules.C6_09, True),
    "do not originate": Number("+441632960666", rules.C6_DNO, True),
    "unallocated": Number("+441632961001", rules.C6_UNALLOCATED, True),
}

REST = list(
    itertools.product(
        [False, True],  # the caller's line withholds on every call
        [None, "141", "1470"],  # per-call prefix
        ["01632960999", "999", "112"],  # what follows the prefix
        [False, True],  # the called line rejects anonymous calls at the network
        [False, True],  # the called line hides callers' numbers
        [False, True],  # an active trace on the called line
        list(Privacy),
        [False, True],  # the provider has shown a UK customer originated the call
        [None, False, True],  # the switch's roaming indicator (None: not sent)
        [False, True],  # the provider's setting: an unverified +447 from abroad is taken as roaming
    )
)


class Expected(NamedTuple):
    blocked: bool
    block_rule: str | None
    shown_number: str | None
    withheld: bool | None  # None: not asserted (a call blocked for its CLI never reaches withholding)
    dialled: str
    traced: bool
    roaming_noted: bool  # a C6 roaming reason explains why a UK mobile from abroad was carried


def oracle(origin, number: Number, withhold_all, prefix, target, reject, hide, traced, privacy, uk_shown, roaming):
    """`roaming` is what the call is taken to be: the switch's indicator, else the provider's setting."""
    own = origin is Origin.own_subscriber
    # The prefix is the caller's instruction to our own switch; from elsewhere the digits are routed as sent.
    read_prefix = prefix if own else None
    dialled = target if own else (prefix or "") + target
    if dialled in ("999", "112"):
        return Expected(False, None, number.digits, False, dialled, False, False)
    if number.forbidden_by is not None:
        return Expected(True, number.forbidden_by, None, None, dialled, False, False)
    from_abroad = origin is Origin.international and not uk_shown
    if from_abroad and number.uk_fixed:
        return Expected(True, rules.C6_INTERNATIONAL, None, None, dialled, False, False)
    if from_abroad and number.uk_mobile and not roaming:
        return Expected(True, rules.C6_ROAMING, None, None, dialled, False, False)
    noted = from_abroad and number.uk_mobile
    withheld = privacy is Privacy.restricted or read_prefix == "141" or (own and withhold_all and read_prefix != "1470")
    if withheld and reject:
        return Expected(True, rules.REG_11_REJECT, None, True, dialled, False, noted)
    shown = not withheld and not hide
    return Expected(False, None, number.digits if shown else None, withheld, dialled, traced, noted)


@pytest.mark.parametrize("origin", list(Origin))
@pytest.mark.parametrize("kind", list(NUMBERS))
def test_every_combination_against_the_oracle(origin, kind):
    number = NUMBERS[kind]
    wrong = []
    for withhold_all, prefix, target, reject, hide, traced, privacy, uk_shown, roaming, setting in REST:
        trace = TraceWindow(TRACE_ID, NOW - timedelta(days=1), NOW + timedelta(days=1)) if traced else None
        called = LineOptions(reject_anonymous=reject, hide_incoming=hide)
        options = LineOptions(withhold_all=withhold_all)
        context = Context(options, called, trace, NUMBERING, Prefixes(), NOW, setting)
        dialled = (prefix or "") + target
        got = decide(Call(number.digits, origin, dialled, privacy, None, CALLED, uk_shown, roaming), context)
        taken = setting if roaming is None else roaming
        want = oracle(origin, number, withhold_all, prefix, target, reject, hide, traced, privacy, uk_shown, taken)
        answer = Expected(
            got.blocked,
            next((r.rule for r in got.reasons if r.text == got.block_reason), None) if got.blocked else None,
            got.shown_number,
            got.withheld if want.withheld is not None else None,
            got.dialled_number,
            got.trace_id == TRACE_ID,
            any(r.rule == rules.C6_ROAMING and r.text != got.block_reason for r in got.reasons),
        )
        consistent = (got.caller_number_shown is (got.shown_number is not None)) and (
            not got.blocked or (got.block_reason and got.trace_id is None)
        )
        if answer != want or not consistent:
            case = dict(withhold_all=withhold_all, prefix=prefix, target=target, reject=reject, hide=hide)
            wrong.append((case, traced, privacy.value, uk_shown, roaming, setting, want, answer))
    assert wrong == [], f"{len(wrong)} of {len(REST)} differ; first: {wrong[:3]}"
