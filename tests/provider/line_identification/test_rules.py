"""CLI decisions: every combination of the caller's line withholding, 141/1470, 999/112, the called line's
rejection and display suppression, a trace, C6 validity and the origin of the call."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

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
CALLER = "+441632960001"
CALLED = "01632960999"
NUMBERING = Numbering.of({"01632": True, "01632961": False, "07700": True, "020": True}, {"01632960666", "0800555"})


def context(caller=None, called=None, trace=None, numbering=NUMBERING, prefixes=Prefixes(), now=NOW) -> Context:
    return Context(caller, called, trace, numbering, prefixes, now)


def call(dialled=CALLED, origin=Origin.own_subscriber, network=CALLER, **kw) -> Call:
    return Call(network_number=network, origin=origin, dialled=dialled, **kw)


def rules_of(decision) -> set[str]:
    return {reason.rule for reason in decision.reasons}


# --- the whole matrix ---------------------------------------------------------------------------

MATRIX = list(
    itertools.product(
        [False, True],  # caller's line withholds on every call
        [None, "141", "1470"],  # per-call prefix
        [False, True],  # emergency number dialled
        [False, True],  # called line rejects anonymous calls (network)
        [False, True],  # called line hides callers' numbers
        [False, True],  # trace active on called line
        [Privacy.allowed, Privacy.restricted],
    )
)


@pytest.mark.parametrize(("withhold_all", "prefix", "emergency", "reject", "hide", "traced", "privacy"), MATRIX)
def test_every_combination_for_a_call_from_our_own_subscriber(
    withhold_all, prefix, emergency, reject, hide, traced, privacy
):
    number = "999" if emergency else CALLED
    dialled = (prefix or "") + number
    trace = TraceWindow(7, NOW - timedelta(days=1), NOW + timedelta(days=1)) if traced else None
    decision = decide(
        call(dialled, privacy=privacy),
        context(
            LineOptions(withhold_all=withhold_all), LineOptions(reject_anonymous=reject, hide_incoming=hide), trace
        ),
    )
    assert decision.dialled_number == number  # the prefix never reaches the called network
    if emergency:
        assert not decision.blocked and decision.caller_number_shown and decision.shown_number == CALLER
        assert rules_of(decision) == {rules.REG_16} and decision.trace_id is None
        return
    withheld = prefix == "141" or privacy is Privacy.restricted or (withhold_all and prefix != "1470")
    assert decision.withheld is withheld
    assert decision.blocked is (withheld and reject)
    if decision.blocked:
        assert decision.block_reason and rules.REG_11_REJECT in rules_of(decision)
        assert not decision.caller_number_shown and decision.trace_id is None
        return
    assert decision.caller_number_shown is (not withheld and not hide)
    assert decision.shown_number == (CALLER if decision.caller_number_shown else None)
    assert decision.trace_id == (7 if traced else None)
    assert (rules.REG_11_DISPLAY in rules_of(decision)) is (hide and not withheld)


ORIGIN_MATRIX = list(
    itertools.product(
        [Origin.own_subscriber, Origin.uk_interconnect, Origin.international],
        ["+441632960001", "+447700900123", "+33142685300", "+441632961000", "+441632960666", "+449012345678"],
        [False, True],  # provider has shown a UK customer originated it
    )
)


@pytest.mark.parametrize(("origin", "network", "uk_shown"), ORIGIN_MATRIX)
def test_c6_validity_by_origin(origin, network, uk_shown):
    decision = decide(call(origin=origin, network=network, uk_origin_shown=uk_shown), context())
    invalid = network in ("+441632961000", "+441632960666", "+449012345678")
    # By default a UK mobile from abroad whose switch says nothing of roaming is blocked too (the
    # provider's setting, cli_unverified_uk_mobile_roaming): any UK number, not only a fixed one.
    foreign_uk = origin is Origin.international and network.startswith("+44") and not uk_shown
    assert decision.blocked is (invalid or foreign_uk)
    if network == "+441632961000":
        assert rules.C6_UNALLOCATED in rules_of(decision)
    if network == "+441632960666":
        assert rules.C6_DNO in rules_of(decision)
    if network == "+449012345678":
        assert rules.C6_09 in rules_of(decision)
    if foreign_uk and not invalid:
        expected = rules.C6_ROAMING if network.startswith("+447") else rules.C6_INTERNATIONAL
        assert rules_of(decision) == {expected}


ROAMING_CASES = [
    # (the switch's roaming indicator, the provider's setting) -> blocked, and the words that say why
    (True, False, False, "roaming abroad"),
    (True, True, False, "roaming abroad"),
    (False, False, True, "not roaming"),
    (False, True, True, "not roaming"),
    (None, False, True, "not verified"),
    (None, True, False, "by the provider's setting"),
]


@pytest.mark.parametrize(("roaming", "setting", "blocked", "words"), ROAMING_CASES)
def test_a_uk_mobile_from_abroad_is_carried_only_as_roaming(roaming, setting, blocked, words):
    from_abroad = call(origin=Origin.international, network="+447700900123", roaming=roaming)
    decision = decide(from_abroad, context()._replace(unverified_roaming=setting))
    assert decision.blocked is blocked
    roaming_reasons = [r.text for r in decision.reasons if r.rule == rules.C6_ROAMING]
    assert len(roaming_reasons) == 1 and words in roaming_reasons[0]
    assert (decision.block_reason == roaming_reasons[0]) is blocked


def test_a_uk_customer_shown_to_originate_it_is_carried_even_when_not_roaming():
    shown = call(origin=Origin.international, network="+447700900123", roaming=False, uk_origin_shown=True)
    assert not decide(shown, context()).blocked


def test_roaming_says_nothing_of_a_uk_fixed_number_from_abroad():
    fixed = call(origin=Origin.international, network="+441632960001", roaming=True)
    assert decide(fixed, context()._replace(unverified_roaming=True)).block_reason.startswith("a call from abroad")


@pytest.mark.parametrize("origin", list(Origin))
def test_the_prefix_is_read_only_from_our_own_subscribers(origin):
    decision = decide(call("14101632960999", origin=origin, network="+33142685300"), context())
    own = origin is Origin.own_subscriber
    assert decision.dialled_number == ("01632960999" if own else "14101632960999")
    assert decision.withheld is own


# --- awkward cases ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("01632960001", True),
        ("+441632960001", True),
        ("00441632960001", True),
        ("0163296000", True),  # 10 digits
        ("016329600012", False),  # 12 digits
        ("016329600", False),  # 9 digits
        ("0044", False),
        ("1632960001", False),  # not dialable: no 0 or +
        ("01632 960001", False),
        ("+44163296000a", False),
        ("", False),
        ("+", False),
        ("09012345678", False),
        ("+449012345678", False),
        ("0800555123", False),  # DNO prefix
        ("01632960666", False),  # DNO number
        ("01632961234", False),  # longer prefix marks it unallocated
        ("01999000000", False),  # no prefix matches: unallocated
        ("+3314268530", True),
        ("+331", False),
        ("+1234567890123456", False),  # 16 digits
        ("+٣٣١٤٢٦٨٥٣٠٠", False),  # non-ASCII digits
    ],
)
def test_validity(number, valid):
    assert (rules.validity(number, NUMBERING) is None) is valid


def test_without_allocation_data_only_the_shape_09_and_dno_are_checked():
    numbering = Numbering.of({}, {"01632960666"})
    assert rules.validity("01999000000", numbering) is None
    assert rules.validity("01632960666", numbering).rule == rules.C6_DNO
    assert rules.validity("09012345678", numbering).rule == rules.C6_09


def test_an_invalid_presentation_number_blocks_even_with_a_valid_network_number():
    decision = decide(call(presentation_number="09012345678"), context())
    assert decision.blocked and rules.C6_09 in rules_of(decision)


def test_a_valid_presentation_number_is_what_is_shown():
    decision = decide(call(presentation_number="+442079460000"), context())
    assert decision.shown_number == "+442079460000" and decision.caller_number_shown


def test_international_uk_presentation_number_is_blocked_even_with_a_foreign_network_number():
    decision = decide(
        call(origin=Origin.international, network="+33142685300", presentation_number="02079460000"), context()
    )
    assert decision.blocked and rules_of(decision) == {rules.C6_INTERNATIONAL}


def test_emergency_connects_even_with_invalid_cli_and_from_abroad():
    decision = decide(call("112", origin=Origin.international, network="+449012345678"), context())
    assert not decision.blocked and decision.caller_number_shown


def test_emergency_overrides_the_prefix_line_and_marking():
    decision = decide(call("141999", privacy=Privacy.restricted), context(LineOptions(withhold_all=True)))
    assert decision.dialled_number == "999" and decision.caller_number_shown and not decision.withheld


def test_a_bare_prefix_is_not_stripped_and_1470_is_not_read_as_141():
    assert rules.strip_prefix("141", Prefixes()) == ("141", None)
    assert rules.strip_prefix("147001632960999", Prefixes()) == ("01632960999", "release")
    assert rules.strip_prefix("1410", Prefixes()) == ("0", "withhold")


def test_configured_prefix_codes():
    prefixes = Prefixes(withhold="*67", release="*82")
    decision = decide(call("*6701632960999"), context(prefixes=prefixes))
    assert decision.withheld and decision.dialled_number == "01632960999"
    decision = decide(call("*8201632960999"), context(LineOptions(withhold_all=True), prefixes=prefixes))
    assert not decision.withheld and decision.dialled_number == "01632960999"
    decision = decide(call("14101632960999"), context(prefixes=prefixes))
    assert not decision.withheld and decision.dialled_number == "14101632960999"


def test_release_does_not_override_the_privacy_marking():
    decision = decide(call("147001632960999", privacy=Privacy.restricted), context(LineOptions(withhold_all=True)))
    assert decision.withheld and not decision.caller_number_shown


def test_device_only_rejection_leaves_the_call_connected():
    called = LineOptions(reject_anonymous=True, reject_at_network=False)
    decision = decide(call("14101632960999"), context(called=called))
    assert not decision.blocked and decision.withheld and rules.REG_11_REJECT in rules_of(decision)


def test_connected_line_withholding():
    decision = decide(call(), context(called=LineOptions(withhold_connected=True)))
    assert not decision.connected_number_shown and rules.REG_11_CONNECTED in rules_of(decision)
    assert decide(call(), context()).connected_number_shown


@pytest.mark.parametrize(
    ("starts", "ends", "active"),
    [(-1, 1, True), (0, 1, True), (-2, -1, False), (-1, 0, False), (1, 2, False), (-1, None, True)],
)
def test_trace_window(starts, ends, active):
    window = TraceWindow(3, NOW + timedelta(hours=starts), None if ends is None else NOW + timedelta(hours=ends))
    decision = decide(call("14101632960999"), context(trace=window))
    assert (decision.trace_id == 3) is active
    assert not decision.caller_number_shown  # captured, never shown


def test_caller_options_ignored_on_calls_from_other_networks():
    decision = decide(call(origin=Origin.uk_interconnect), context(LineOptions(withhold_all=True)))
    assert not decision.withheld
