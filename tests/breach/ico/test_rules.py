"""What an ICO notification of each stage must hold (611/2013 Annex I) and what a late one must say.

Fixtures are the complete breach and profile of tests/breach/test_rules.py, so each test takes away one
item and checks that exactly that item is named.
"""

from __future__ import annotations

from breach.ico.rules import delay_errors, missing_fields
from breach.models import Breach, Circumstance, FilingStage, Regime
from tests.breach.test_rules import complete_breach, fields, profile

# --- required content per stage -------------------------------------------------------------------------------

SECTION_1 = ["occurred_at", "data_categories", "data_description", "protection_measures", "other_providers"]
SECTION_2 = [
    "summary",
    "location_and_media",
    "individuals_affected",
    "likely_consequences",
    "mitigation_measures",
    "customer_notification_summary",
]


def bare_breach() -> Breach:
    return complete_breach(
        occurred_at=None,
        data_categories=[],
        data_description="",
        protection_measures="",
        other_providers="",
        summary="",
        location_and_media="",
        individuals_affected=None,
        likely_consequences="",
        mitigation_measures="",
        customer_notification_summary="",
    )


def test_a_complete_breach_can_be_filed_at_every_stage():
    for stage in FilingStage:
        assert missing_fields(complete_breach(), profile(), stage) == []


def test_initial_stage_names_every_missing_section_1_field_not_just_the_first():
    assert sorted(fields(missing_fields(bare_breach(), profile(), FilingStage.initial))) == sorted(SECTION_1)


def test_second_and_follow_up_stages_also_name_every_missing_section_2_field():
    for stage in (FilingStage.second, FilingStage.follow_up):
        assert sorted(fields(missing_fields(bare_breach(), profile(), stage))) == sorted(SECTION_1 + SECTION_2)


def test_a_missing_provider_profile_is_a_missing_field():
    assert fields(missing_fields(complete_breach(), None, FilingStage.initial)) == ["provider_profile"]


def test_blank_provider_contact_details_are_missing_fields():
    errors = missing_fields(complete_breach(), profile(contact_name=" ", contact_email=""), "initial")
    assert fields(errors) == ["provider.contact_name", "provider.contact_email"]


def test_none_is_an_answer_for_other_providers_but_blank_is_not():
    assert missing_fields(complete_breach(other_providers="none"), profile(), "initial") == []
    assert fields(missing_fields(complete_breach(other_providers="   "), profile(), "initial")) == ["other_providers"]


def test_an_estimated_number_of_individuals_is_accepted_and_zero_is_a_number():
    assert (
        missing_fields(complete_breach(individuals_affected=0, individuals_is_estimate=True), profile(), "second") == []
    )


def test_other_circumstances_need_a_description():
    errors = missing_fields(complete_breach(circumstance=Circumstance.other), profile(), "initial")
    assert fields(errors) == ["circumstance_detail"]


def test_cross_border_is_optional():
    assert missing_fields(complete_breach(cross_border=""), profile(), "second") == []


# --- delay reasons ---------------------------------------------------------------------------------------


def test_late_filing_without_reasons_is_refused_with_the_regimes_wording():
    duaa = delay_errors(late=True, delay_reasons=" ", regime=Regime.duaa)
    old = delay_errors(late=True, delay_reasons="", regime=Regime.eu_611_2013)
    assert fields(duaa) == fields(old) == ["delay_reasons"]
    assert "reasons for the delay" in duaa[0].reason and "reasoned justification" in old[0].reason
    assert delay_errors(late=True, delay_reasons="Forensic image took 4 days", regime=Regime.duaa) == []
    assert delay_errors(late=False, delay_reasons="", regime=Regime.duaa) == []
