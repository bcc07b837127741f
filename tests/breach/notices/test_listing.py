"""Staff see the recipients (paged, searchable, status per person), and a button that cannot work yet says
why instead of failing after the click."""

from __future__ import annotations

import re

from sqlmodel import Session

from breach.notices import bulk, listing, recipients
from tests.breach.notices.conftest import add_many_subscribers, add_subscriber
from tests.breach.notices.test_service import prepare
from tests.conftest import TESTER


def _disabled_with_reason(html: str, action: str) -> str | None:
    match = re.search(
        rf'notices/{action}".*?<button[^>]*disabled aria-describedby="why-{action}"[^>]*>.*?id="why-{action}">([^<]*)<',
        html,
        re.S,
    )
    return match.group(1) if match else None


def test_before_a_decision_the_buttons_are_disabled_and_say_why(signed_in, breach):
    html = signed_in("breach_manager").get(f"/breaches/{breach.id}/notices").text
    assert _disabled_with_reason(html, "generate") == "No decision yet: record the assessment first."
    assert _disabled_with_reason(html, "send") == "No decision yet: record the assessment first."
    assert _disabled_with_reason(html, "posted") == "No generated letters are waiting to be posted."


def test_without_a_mail_server_send_says_so_while_generate_can_be_tried(signed_in, engine, breach, clock):
    with Session(engine, expire_on_commit=False) as session:
        add_subscriber(session, "Mrs Ann Smith", "ACC-1", email="ann@example.test")
        prepare(session, breach, clock)
        recipients.add_recipients(
            session, actor=TESTER, now=clock.now(), breach_id=breach.id, account_references=[("x", "ACC-1")]
        )
        session.commit()
    html = signed_in("breach_manager").get(f"/breaches/{breach.id}/notices").text
    assert _disabled_with_reason(html, "generate") is None
    assert "E-mail is not configured (PECR_SMTP_HOST)" in _disabled_with_reason(html, "send")


def test_the_recipients_are_listed_paged_and_searchable_with_their_status(signed_in, engine, breach, clock):
    with Session(engine, expire_on_commit=False) as session:
        add_many_subscribers(session, 120)
        add_subscriber(session, "Mrs Gwen Ŵyn", "ACC-W", email="gwen@example.test")
        prepare(session, breach, clock)
        refs = [(str(i), f"ACC-{i:06d}") for i in range(1, 121)] + [("w", "ACC-W")]
        recipients.add_recipients(session, actor=TESTER, now=clock.now(), breach_id=breach.id, account_references=refs)
        batch = bulk.start_generation(session, actor=TESTER, now=clock.now(), breach_id=breach.id)
        session.commit()
    bulk.run_generation(engine, batch_id=batch.id, clock=clock, actor=TESTER)
    browser = signed_in("breach_manager")
    first = browser.get(f"/breaches/{breach.id}/notices/recipients")
    assert first.status_code == 200
    assert first.text.count(">PDF</a>") == listing.PAGE_SIZE and "Customer 000001" in first.text
    assert "Customer 000051" not in first.text and "Next 50 recipients" in first.text
    next_link = re.search(r'href="([^"]*after=\d+)#recipients"', first.text).group(1).replace("&amp;", "&")
    second = browser.get(next_link)
    assert "Customer 000051" in second.text and "Customer 000001" not in second.text
    found = browser.get(f"/breaches/{breach.id}/notices/recipients", params={"q": "acc-000077"}).text
    assert "Customer 000077" in found and "Customer 000076" not in found and "generated" in found
    by_status = browser.get(f"/breaches/{breach.id}/notices/recipients", params={"status": "sent"}).text
    assert "No recipients match" in by_status
    odd = browser.get(f"/breaches/{breach.id}/notices/recipients", params={"q": "%_\x00", "after": "9" * 30})
    assert odd.status_code == 200


def test_the_letters_to_post_are_everyone_without_an_email_address(engine, breach, clock):
    with Session(engine, expire_on_commit=False) as session:
        add_subscriber(session, "Ann", "ACC-1", email="ann@example.test")
        add_subscriber(session, "Bob", "ACC-2")
        add_subscriber(session, "Cat", "ACC-3")
        prepare(session, breach, clock)
        recipients.add_recipients(
            session,
            actor=TESTER,
            now=clock.now(),
            breach_id=breach.id,
            account_references=[("1", "ACC-1"), ("2", "ACC-2"), ("3", "ACC-3")],
        )
        batch = bulk.start_generation(session, actor=TESTER, now=clock.now(), breach_id=breach.id)
        session.commit()
    bulk.run_generation(engine, batch_id=batch.id, clock=clock, actor=TESTER)
    from breach.notices.models import Channel

    posted = [i for ids in bulk.letter_ids(engine, breach.id, Channel.post) for i in ids]
    assert len(posted) == 2
