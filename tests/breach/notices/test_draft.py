"""The first draft of a customer notice says what the provider has done only as far as the breach record
shows it: remedial action recorded, the ICO notification submitted; what is not done yet is said plainly."""

from __future__ import annotations

from sqlmodel import Session

from breach import service as breach_service
from breach.notices import service
from tests.breach.test_service import SECTION_1, SECTION_2, add_profile, create, file_and_submit
from tests.conftest import START, TESTER


def test_a_breach_with_nothing_done_yet_is_not_drafted_as_fixed_or_reported(session: Session):
    breach = create(session)
    measures = service.draft_template(session, breach.id).provider_measures
    assert "We have stopped" not in measures and "We have taken steps" not in measures
    assert "We are still working out how to stop this happening again." in measures
    assert "We have not told the Information Commissioner's Office (ICO) yet" in measures
    assert "We have told" not in measures


def test_a_filing_not_yet_submitted_is_drafted_as_written_but_not_sent(session: Session):
    add_profile(session)
    breach = create(session, **SECTION_1)
    breach_service.file_notification(session, actor=TESTER, now=START, breach_id=breach.id, stage="initial")
    session.commit()
    measures = service.draft_template(session, breach.id).provider_measures
    assert "have not sent it yet" in measures and "We have told" not in measures


def test_remedial_action_and_a_submitted_notification_are_drafted_as_done(session: Session):
    add_profile(session)
    breach = create(session, **SECTION_1, **SECTION_2)
    file_and_submit(session, breach)
    session.commit()
    measures = service.draft_template(session, breach.id).provider_measures
    assert measures == (
        "We have taken steps to limit the harm and to stop it happening again."
        " We have told the Information Commissioner's Office (ICO)."
    )
