"""The customer-notice rules: reg 5A(3), 5A(6), 5A(7); 611/2013 Art 3(2), 3(4), 3(5) and Art 4."""

from __future__ import annotations

from datetime import UTC, date, datetime

from breach.notices import rules
from breach.notices.rules import (
    AgreedDelay,
    CircumstanceFactor,
    Consequence,
    DataNature,
    DatasetEvidence,
    Factors,
    Outcome,
)

SOUND_KEY = DatasetEvidence(
    "CDR archive", "AES-256-GCM", "key held in an HSM, two-person access", key_compromised=False, key_guessable=False
)
LOCATION_STOLEN = Factors(
    natures=frozenset({DataNature.location_data}), circumstances=frozenset({CircumstanceFactor.stolen})
)


def test_location_data_that_was_stolen_must_be_notified():
    decision = rules.decide(LOCATION_STOLEN, None, False, rationale="tape stolen")
    assert decision.outcome is Outcome.notify
    assert decision.likely_adverse
    assert any("Location data" in reason for reason in decision.reasons)


def test_sensitive_data_without_any_circumstance_or_consequence_is_not_an_adverse_effect():
    factors = Factors(natures=frozenset({DataNature.location_data}))
    assert rules.decide(factors, None, False, rationale="disk destroyed").outcome is Outcome.do_not_notify


def test_a_likely_consequence_alone_is_enough_to_notify():
    factors = Factors(consequences=frozenset({Consequence.psychological_distress}))
    assert rules.decide(factors, None, False, rationale="r").outcome is Outcome.notify


def test_data_encrypted_with_aes_256_and_an_uncompromised_key_is_exempt():
    decision = rules.decide(LOCATION_STOLEN, [SOUND_KEY], False, rationale="encrypted tape")
    assert decision.outcome is Outcome.exempt_unintelligible
    assert any("ICO notification is still required" in reason for reason in decision.reasons)


def test_a_keyed_hash_qualifies_but_a_plain_hash_does_not():
    keyed = DatasetEvidence("numbers", "HMAC-SHA-256", "key in vault", False, False)
    plain = DatasetEvidence("numbers", "SHA-256", "no key", False, False)
    assert rules.decide(LOCATION_STOLEN, [keyed], False, rationale="r").outcome is Outcome.exempt_unintelligible
    refused = rules.decide(LOCATION_STOLEN, [plain], False, rationale="r")
    assert refused.outcome is Outcome.notify
    assert any("SHA-256 is not a standardised" in reason for reason in refused.reasons)


def test_exemption_with_a_compromised_key_is_not_exempt():
    compromised = DatasetEvidence(
        "CDR archive", "AES-256-GCM", "key on the same tape", key_compromised=True, key_guessable=False
    )
    decision = rules.decide(LOCATION_STOLEN, [compromised], False, rationale="r")
    assert decision.outcome is Outcome.notify
    assert not decision.exemption_holds
    assert any("key is compromised" in reason for reason in decision.reasons)


def test_one_unprotected_dataset_defeats_the_exemption():
    weak = DatasetEvidence("spreadsheet", "DES", "password in e-mail", False, False)
    assert rules.decide(LOCATION_STOLEN, [SOUND_KEY, weak], False, rationale="r").outcome is Outcome.notify


def test_incomplete_exemption_evidence_is_refused_naming_the_missing_fields():
    decision = rules.decide(LOCATION_STOLEN, [DatasetEvidence("CDR archive", "AES-256-GCM")], False, rationale="r")
    assert decision.outcome is None
    assert {e.field for e in decision.errors} == {
        "datasets.0.key_management",
        "datasets.0.key_compromised",
        "datasets.0.key_guessable",
    }


def test_an_ico_requirement_overrides_the_exemption():
    decision = rules.decide(LOCATION_STOLEN, [SOUND_KEY], True, rationale="ICO letter of 12 March")
    assert decision.outcome is Outcome.notify
    assert any("5A(7)" in reason for reason in decision.reasons)


def test_an_ico_requirement_overrides_no_adverse_effect():
    assert rules.decide(Factors(), None, True, rationale="ICO required").outcome is Outcome.notify


def test_rationale_is_required():
    decision = rules.decide(LOCATION_STOLEN, None, False, rationale="   ")
    assert decision.outcome is None
    assert [e.field for e in decision.errors] == ["rationale"]


def test_an_ico_agreed_delay_postpones_a_due_notice_and_needs_its_reference():
    until = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
    delayed = rules.decide(
        LOCATION_STOLEN,
        None,
        False,
        rationale="police investigation",
        delay=AgreedDelay("ICO/123", date(2026, 3, 11), until),
    )
    assert delayed.outcome is Outcome.notify_after_agreed_delay
    incomplete = rules.decide(LOCATION_STOLEN, None, False, rationale="r", delay=AgreedDelay("", None, until))
    assert {e.field for e in incomplete.errors} == {"delay_ico_reference", "delay_agreed_on"}


def test_the_decision_obligation_is_met_when_notices_are_due_and_not_required_otherwise():
    assert rules.obligation_status(Outcome.notify) == "met"
    assert rules.obligation_status(Outcome.notify_after_agreed_delay) == "met"
    assert rules.obligation_status(Outcome.exempt_unintelligible) == "not_required"
    assert rules.obligation_status(Outcome.do_not_notify) == "not_required"


def test_marketing_language_is_refused_naming_the_field_and_the_word():
    errors = rules.check_content(
        {"customer_measures": "Change your PIN. Special OFFER: 20% off an upgrade!"}, required=["customer_measures"]
    )
    reasons = [(e.field, e.reason) for e in errors]
    assert all(field == "customer_measures" for field, _ in reasons)
    # One reason per field, naming each thing found by its kind (breach.notices.marketing).
    assert any('an offer ("OFFER")' in reason for _, reason in reasons)
    assert any('a discount ("20% off")' in reason for _, reason in reasons)
    assert any('a call to buy ("an upgrade")' in reason for _, reason in reasons)


def test_words_that_merely_contain_a_marketing_term_are_not_refused():
    assert (
        rules.check_content(
            {
                "summary": "We are dealing with it; the offering of services was not affected"
                " and the ideal outcome is near."
            },
            required=[],
        )
        == []
    )


def test_unknown_placeholders_are_refused_and_known_ones_are_filled():
    errors = rules.check_content({"greeting": "Dear {first_name},"}, required=[])
    assert errors and "{first_name}" in errors[0].reason
    assert (
        rules.fill("Dear {name}, lines {lines}", {"name": "Ann", "lines": "07700 900123"})
        == "Dear Ann, lines 07700 900123"
    )


def test_a_corporate_subscriber_is_addressed_by_its_company_name():
    assert rules.addressee_name("corporate", "Acme Widgets Ltd") == "Acme Widgets Ltd"
    assert (
        rules.addressee_name("corporate", "Acme Widgets Ltd", "J Bloggs")
        == "Acme Widgets Ltd (for the attention of J Bloggs)"
    )
    assert rules.addressee_name("individual", "Ann Smith") == "Ann Smith"


def test_customer_summary_states_content_means_and_number():
    text = rules.customer_summary(
        {("email", "sent"): 3, ("email", "bounced"): 1, ("post", "generated"): 2}, [(1, "a" * 64)]
    )
    assert "v1" in text and "3 sent, 1 bounced" in text and "2 letters produced" in text
    assert "Number notified so far: 3" in text
    assert rules.customer_summary({}, []) == ""
