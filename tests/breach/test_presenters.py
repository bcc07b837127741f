"""One label table per enum: every member has its words, so no page falls back to a raw value."""

from __future__ import annotations

import pytest

from breach import presenters
from breach.log.models import SubmissionMethod
from breach.log.presenters import METHOD_LABELS
from breach.models import BreachStatus, Circumstance, DataCategory, FilingStage
from breach.notices import presenters as notice_presenters
from breach.notices.rules import CircumstanceFactor, Consequence, DataNature, Outcome
from provider.subscribers.models import LineService, SubscriberKind
from provider.subscribers.presenters import KIND_LABELS, SERVICE_LABELS


@pytest.mark.parametrize(
    ("enum", "labels"),
    [
        (Circumstance, presenters.CIRCUMSTANCE_LABELS),
        (DataCategory, presenters.CATEGORY_LABELS),
        (BreachStatus, presenters.STATUS_LABELS),
        (FilingStage, presenters.STAGE_LABELS),
        (SubmissionMethod, METHOD_LABELS),
        (DataNature, notice_presenters.NATURE_LABELS),
        (Consequence, notice_presenters.CONSEQUENCE_LABELS),
        (CircumstanceFactor, notice_presenters.FACTOR_LABELS),
        (Outcome, notice_presenters.OUTCOME_LABELS),
        (Outcome, notice_presenters.OUTCOME_LOG_ANSWERS),
        (SubscriberKind, KIND_LABELS),
        (LineService, SERVICE_LABELS),
    ],
)
def test_every_member_of_the_enum_has_a_label_and_nothing_else_does(enum, labels):
    assert set(labels) == {member.value for member in enum}
    assert all(label.strip() for label in labels.values())


def test_a_form_offers_a_category_with_its_examples_but_pages_and_documents_use_the_label():
    choices = dict(presenters.category_choices())
    assert choices["traffic_data"] == "Traffic data (routing, duration, time of communications)"
    assert presenters.CATEGORY_LABELS[DataCategory.traffic_data] == "Traffic data"
