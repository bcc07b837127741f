"""611/2013 Art 3(4): offers, prices, discounts and calls to buy are refused in any phrasing, with the
reason; what a breach notice legitimately says passes."""

from __future__ import annotations

import pytest

from breach.notices import marketing, rules

MARKETING = [
    "Add SecureLine Plus for just £2 a month, 3 months at half price.",
    "An exclusive offer for you.",
    "Get 20% off your next bill.",
    "Upgrade to fibre today.",
    "Start a free trial of our protection service.",
    "Subscribe now to stay safe.",
    "Buy SecureLine to protect your account.",
    "Only 2.99 per month.",
    "Now just 99p.",
    "Was £10 now £5.",
    "Sign up today for extra protection.",
    "Free for 3 months.",
    "3 months free when you join.",
    "Save £5 on every bill.",
    "Try our new premium security service.",
    "For a limited time only.",
    "A special price for affected customers.",
    "Don't miss out.",
    "A great deal on broadband.",
    "Use voucher SAFE10.",
    "£5/month.",
    "Just 5 pounds a month.",
    "Half-price line rental.",
    "Get SecureLine free.",
    "Use promo code SAFE.",
    "Money off your next bill.",
    "A cheaper plan is available.",
    "€3 a month.",
    "Bundle it with broadband.",
    "Discounted protection for you.",
    "We are offering you a year of protection.",
]
NOT_MARKETING = [
    "Call us free on 0800 123 4567.",  # freephone: the call costs nothing and nothing is sold
    "We upgraded our firewall and changed every password.",
    "Credit monitoring at no cost to you for 12 months.",
    "On or about 7 March 2026 a backup tape was stolen.",
    "Add a PIN for extra security to your account.",
    "Our reference is BR-2026-0001-N12.",
    "Be wary of calls that ask for your details.",
    "We are dealing with the police.",
    "Change your password and switch to two-step verification.",
    "Your lines 0117 496 0000 and 07700 900123 were affected.",
    "Our helpline is open 24 hours a day.",
    "We have reported this to the ICO and the police.",
    "Do not give your PIN to anyone who calls.",
    "The offering of services was not affected.",
]


@pytest.mark.parametrize("text", MARKETING)
def test_marketing_in_any_phrasing_is_found(text):
    assert marketing.findings(text), text
    assert "611/2013 Art 3(4)" in marketing.refusal(text)


@pytest.mark.parametrize("text", NOT_MARKETING)
def test_what_a_notice_must_say_is_not_marketing(text):
    assert marketing.findings(text) == [], text


def test_the_refusal_explains_what_was_found_by_kind():
    reason = marketing.refusal("Add SecureLine Plus for just £2 a month, 3 months at half price")
    assert 'a price ("£2")' in reason and 'a discount ("half price")' in reason and "a call to buy" in reason


def test_check_content_refuses_the_field_with_the_reason():
    errors = rules.check_content({"provider_measures": "We offer 50% off SecureLine."}, required=())
    assert [e.field for e in errors] == ["provider_measures"]
    assert 'a discount ("50% off")' in errors[0].reason and 'an offer ("offer")' in errors[0].reason
