"""The filing pages end to end over HTTP: draft preview stores nothing, the stage picker after the initial
offers the next stage or an amendment, the submission form and the question sheet, the acknowledgement upload."""

from __future__ import annotations

import hashlib
import re

from sqlmodel import Session, select

from breach.ico.models import FilingAcknowledgement
from breach.models import Filing
from tests.breach.test_views import COMPLETE, SUMMER, _file, _profile, _record, _submit
from tests.conftest import csrf_from


def test_draft_then_file_then_record_submission_and_acknowledgement(signed_in, clock, engine):
    clock.set(SUMMER)
    _profile(engine, clock)
    client = signed_in("breach_manager")
    breach_id = _record(client, COMPLETE)
    page = client.get(f"/breaches/{breach_id}/file").text
    assert 'value="initial"' in page and "Preview the draft PDF" in page
    draft = client.get(f"/breaches/{breach_id}/file/draft.pdf?stage=initial")
    assert draft.status_code == 200 and draft.content.startswith(b"%PDF")
    with Session(engine) as session:
        assert session.exec(select(Filing)).first() is None
    filed = _file(client, breach_id)
    location = filed.headers["location"]
    picker = client.get(f"/breaches/{breach_id}/file").text
    options = re.findall(r'<option value="([^"]*)"', picker)
    assert "initial" not in options and options[:2] == ["second", "amendment"]
    assert _submit(client, location).status_code == 303
    shown = client.get(location).text
    assert "Submitted to the ICO" in shown and "Record the submission" not in shown
    filing_id = int(re.search(r"/filings/(\d+)/submission", location).group(1))
    sheet = client.get(f"/breaches/{breach_id}/filings/{filing_id}/questions").text
    assert sheet.index('id="q-1"') < sheet.index('id="q-4a"') < sheet.index('id="q-17"')
    body = b"Thank you. Your reference is ENQ777."
    upload = client.post(
        f"/breaches/{breach_id}/filings/{filing_id}/acknowledgements",
        data={"case_reference": "ENQ777", "csrf_token": csrf_from(shown)},
        files={"file": ("ico-reply.eml", body, "message/rfc822")},
    )
    assert upload.status_code == 303, upload.text
    with Session(engine) as session:
        ack = session.exec(select(FilingAcknowledgement)).one()
    assert ack.content_sha256 == hashlib.sha256(body).hexdigest()
    download = client.get(f"/breaches/{breach_id}/filings/{filing_id}/acknowledgements/{ack.id}")
    assert download.content == body
    assert "ENQ777" in client.get(f"/breaches/{breach_id}").text


def test_a_submission_time_in_the_future_is_refused_on_the_form(signed_in, clock, engine):
    clock.set(SUMMER)
    _profile(engine, clock)
    client = signed_in("breach_manager")
    breach_id = _record(client, COMPLETE)
    location = _file(client, breach_id).headers["location"]
    refused = _submit(client, location, **{"submitted_at-year": "2027"})
    assert refused.status_code == 422 and "in the future" in refused.text
