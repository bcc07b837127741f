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


# Phrasings an audit found passing: offers and prices in words, per-period fees, percent less, no-charge
# trials and calls to take out, add, renew or go premium. Each with the words the reason must name.
REFUSED = [
    ("Why not try SecureLine Plus for 30 days at no charge?", 'an offer ("try SecureLine Plus for 30 days'),
    ("Take out SecureLine Plus today.", 'a call to buy ("Take out SecureLine Plus")'),
    ("Add SecureLine Plus to your account today.", 'a product pitch ("Add SecureLine Plus")'),
    ("Only two pounds monthly.", 'a price ("two pounds")'),
    ("now 25% less", 'a discount ("25% less")'),
    ("activate it for a small monthly fee", 'a price ("for a small monthly fee")'),
    ("Get 3 months of it at no cost when you renew your contract", 'an offer ("Get 3 months of it at no cost")'),
    ("Get 3 months of it at no cost when you renew your contract", 'a call to buy ("renew your contract")'),
    ("Two quid a month", 'a price ("Two quid")'),
    ("Go premium with SecureLine Plus", 'a call to buy ("Go premium")'),
    ("Twenty per cent less on your bill.", 'a discount ("per cent less")'),
    ("Add call protection to your plan.", 'a call to buy ("Add call protection to your plan")'),
    ("Enjoy six weeks free.", 'an offer ("Enjoy six weeks free")'),
    ("Take out a protection plan.", 'a call to buy ("Take out a protection'),
    ("Get Broadband Pro now.", 'a product pitch ("Get Broadband Pro")'),
    ("Only five euros.", 'a price ("five euros")'),
]
# Security advice and help a notice must be able to give, in wording close to the refused phrasings.
ACCEPTED = [
    "Change your password.",
    "Add two-step verification to your account.",
    "Add a recovery phone number to your account now.",
    "Call us free on 0800 123 4567.",  # a freephone help line sells nothing
    "Calls to our helpline are free of charge.",
    "We will never ask you for payment details.",
    "Your monthly payment details were exposed.",
    "We will provide 12 months of credit monitoring at no cost to you.",
    "Try to log in again after you have changed your password.",
    "Two customers in your street were affected.",
    "Take out any SIM card you do not recognise.",
]


@pytest.mark.parametrize(("text", "named"), REFUSED)
def test_offers_in_words_and_calls_to_take_out_are_refused_naming_what_was_found(text, named):
    reason = marketing.refusal(text)
    assert reason is not None, text
    assert "611/2013 Art 3(4)" in reason and named in reason, reason


@pytest.mark.parametrize("text", ACCEPTED)
def test_security_advice_and_free_help_are_accepted(text):
    assert marketing.refusal(text) is None, marketing.refusal(text)
