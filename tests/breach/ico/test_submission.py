"""Submissions to the ICO on a real database: the deadline is met by the recorded submission time, never by
the moment the PDF was made; a time in the future or before the document is refused; drafts store nothing;
acknowledgements keep the ICO's file with its SHA-256."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlmodel import select

from breach import service
from breach.ico.models import FilingAcknowledgement, FilingSubmission
from breach.models import Filing, ObligationKind
from provider.deadlines.models import ObligationStatus
from provider.errors import Conflict, Invalid
from tests.breach.test_service import DUE, SECTION_1, actions, add_profile, create, error_fields, kinds
from tests.conftest import START, TESTER


def _filed(session, now=START):
    add_profile(session)
    breach = create(session, **SECTION_1)
    return breach, service.file_notification(session, actor=TESTER, now=now, breach_id=breach.id, stage="initial")


def test_a_submission_after_the_deadline_is_late_though_the_pdf_was_made_before_it(session):
    breach, filing = _filed(session, DUE - timedelta(hours=2))
    assert filing.late is False
    sent_at = DUE + timedelta(minutes=30)
    with pytest.raises(Invalid) as raised:
        service.record_submission(
            session, actor=TESTER, now=sent_at, filing_id=filing.id, method="email", submitted_at=sent_at
        )
    assert error_fields(raised) == ["delay_reasons"]
    submission = service.record_submission(
        session,
        actor=TESTER,
        now=sent_at + timedelta(hours=1),
        filing_id=filing.id,
        method="email",
        submitted_at=sent_at,
        delay_reasons="The ICO form was unavailable",
    )
    session.commit()
    assert (submission.late, submission.late_by_seconds) == (True, 1800)
    row = kinds(session, breach)[ObligationKind.ico_notification]
    assert (row.status, row.first_filed_at, row.late_by_seconds) == (ObligationStatus.met, sent_at, 1800)
    assert actions(session)[-1] == "breach.filing_submitted"


def test_submitted_at_the_deadline_instant_is_on_time_and_anchors_the_second(session):
    breach, filing = _filed(session, DUE - timedelta(hours=1))
    service.record_submission(session, actor=TESTER, now=DUE, filing_id=filing.id, method="online_form")
    rows = kinds(session, breach)
    assert rows[ObligationKind.ico_notification].late_by_seconds == 0
    assert rows[ObligationKind.ico_second_target].anchor_at == DUE


def test_a_submission_in_the_future_or_before_the_document_is_refused(session):
    made = START + timedelta(minutes=10, seconds=40)
    _breach, filing = _filed(session, made)
    now = made + timedelta(hours=1)
    for wrong in (now + timedelta(minutes=1), made - timedelta(minutes=1)):
        with pytest.raises(Invalid) as raised:
            service.record_submission(
                session, actor=TESTER, now=now, filing_id=filing.id, method="phone", submitted_at=wrong
            )
        assert error_fields(raised) == ["submitted_at"]
    # The same minute as the document counts (a form gives minutes, not seconds).
    same_minute = made.replace(second=0)
    service.record_submission(
        session, actor=TESTER, now=now, filing_id=filing.id, method="phone", submitted_at=same_minute
    )
    with pytest.raises(Conflict):
        service.record_submission(session, actor=TESTER, now=now, filing_id=filing.id, method="phone")


def test_an_unknown_method_is_refused(session):
    _breach, filing = _filed(session)
    with pytest.raises(Invalid) as raised:
        service.record_submission(session, actor=TESTER, now=START, filing_id=filing.id, method="fax")
    assert error_fields(raised) == ["method"]


def test_a_draft_is_watermarked_and_stores_nothing(session):
    add_profile(session)
    breach = create(session, **SECTION_1)
    content = service.draft_preview(session, actor=TESTER, now=START, breach_id=breach.id, stage="second")
    assert content.startswith(b"%PDF")
    assert session.exec(select(Filing)).first() is None
    assert "breach.filed" not in actions(session)
    final = service.file_notification(session, actor=TESTER, now=START, breach_id=breach.id, stage="initial")
    draft = service.draft_preview(session, actor=TESTER, now=START, breach_id=breach.id, stage="initial")
    assert draft != final.pdf_bytes  # the watermark and the draft line


def test_an_acknowledgement_keeps_the_file_and_its_sha256_and_the_case_reference(session):
    breach, filing = _filed(session)
    body = b"From: casework@ico.org.uk\r\n\r\nYour reference: ENQ0099"
    with pytest.raises(Invalid):
        service.record_acknowledgement(session, actor=TESTER, now=START, filing_id=filing.id)
    ack = service.record_acknowledgement(
        session,
        actor=TESTER,
        now=START,
        filing_id=filing.id,
        case_reference="ENQ0099",
        file_name="ico.eml",
        content_type="message/rfc822",
        content=body,
    )
    session.commit()
    stored = session.get(FilingAcknowledgement, ack.id)
    assert bytes(stored.content) == body and stored.content_sha256 == hashlib.sha256(body).hexdigest()
    assert session.get(type(breach), breach.id).ico_reference == "ENQ0099"
    assert session.exec(select(FilingSubmission)).first() is None  # an acknowledgement is not a submission
