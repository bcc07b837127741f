"""The reg 18 rule, once as pure functions and once as the SQL every edition and look-up reads: each case
runs through both, on SQLite and PostgreSQL, so the two can never drift apart."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from directories import queries, rules, service
from directories.models import AddressDetail, ChoiceUpdate, Listing, NameForm
from provider.wording.models import ServedChannel
from tests.conftest import START, TESTER

WAIT = 28


def _sql(session: Session, line_id: int, now=START) -> dict | None:
    cutoff = rules.informed_cutoff(now, WAIT)
    row = session.execute(queries.entries(cutoff).where(queries.LINE.c.id == line_id)).mappings().first()
    return dict(row) if row else None


def _reverse(session: Session, number: str, now=START) -> dict | None:
    row = session.execute(queries.reverse_lookup(rules.informed_cutoff(now, WAIT), number)).mappings().first()
    return dict(row) if row else None


def _decided(session: Session, line, now=START) -> rules.Decision:
    public = service.choice_public(session, line=line, now=now, wait_days=WAIT)
    return rules.Decision(public.listed, public.reverse_allowed, public.reason)


def _choose(session: Session, line, **fields) -> None:
    values = {"listing": Listing.full, "reverse_search": False, "channel": ServedChannel.telephone, **fields}
    values.setdefault("notice_version_id", getattr(service.current_notice(session), "id", None))
    service.record_choice(session, actor=TESTER, now=START, line=line, data=ChoiceUpdate(**values))
    session.commit()


def test_an_individual_never_informed_is_excluded(session, make_line, notice):
    line = make_line()
    assert _sql(session, line.id) is None
    assert not _decided(session, line).listed


def test_an_individual_informed_but_inside_the_waiting_period_is_excluded(session, make_line, serve):
    line = make_line()
    serve(line, START - timedelta(days=WAIT) + timedelta(minutes=1))
    assert _sql(session, line.id) is None
    assert not _decided(session, line).listed
    later = START + timedelta(minutes=1)
    assert _sql(session, line.id, now=later) is not None  # the period ends to the minute
    assert _decided(session, line, now=later).listed


def test_an_individual_informed_who_did_not_opt_out_is_listed_with_the_approximate_address(session, make_line, serve):
    line = make_line(name="Jane Smith", address="12 High Street, Leeds LS1 2AB")
    serve(line, START - timedelta(days=WAIT))
    entry = _sql(session, line.id)
    assert entry == {
        "line_id": line.id,
        "number": line.number,
        "listing": "full",
        "name": "Jane Smith",
        "address": "Leeds LS1 2AB",
        "reverse_search": False,
    }
    decided = _decided(session, line)
    assert decided.listed and not decided.reverse_allowed


def test_an_individual_who_opted_out_is_excluded_even_after_the_waiting_period(session, make_line, serve):
    line = make_line()
    serve(line, START - timedelta(days=90))
    _choose(session, line, listing=Listing.ex_directory)
    assert _sql(session, line.id) is None
    assert _reverse(session, line.number) is None
    assert not _decided(session, line).listed


def test_an_individual_choosing_after_the_notice_is_listed_at_once_with_what_they_chose_to_show(
    session, make_line, notice
):
    line = make_line(name="Jane Smith")
    _choose(session, line, listing=Listing.enquiries_only, name_form=NameForm.initials, address_detail="none")
    assert _sql(session, line.id) | {"line_id": 0} == {
        "line_id": 0,
        "number": line.number,
        "listing": "enquiries_only",
        "name": "J. Smith",
        "address": "",
        "reverse_search": False,
    }
    assert service.first_informed_at(session, line.subscriber_id) == START  # choosing served the notice


def test_reverse_search_is_refused_for_an_individual_without_express_consent(session, make_line, serve):
    listed_by_default = make_line()
    serve(listed_by_default, START - timedelta(days=60))
    chose_without_reverse = make_line(name="John Brown")
    _choose(session, chose_without_reverse, reverse_search=False)
    consented = make_line(name="Ann Green")
    _choose(session, consented, reverse_search=True, address_detail=AddressDetail.full)
    assert _sql(session, listed_by_default.id) is not None
    assert _reverse(session, listed_by_default.number) is None
    assert _reverse(session, chose_without_reverse.number) is None
    assert _reverse(session, "+447700000000") is None
    found = _reverse(session, consented.number)
    assert (found["name"], found["address"]) == ("Ann Green", "12 High Street, Leeds LS1 2AB")
    assert _decided(session, consented).reverse_allowed and not _decided(session, chose_without_reverse).reverse_allowed


def test_a_corporate_subscriber_is_listed_and_reverse_searchable_by_default_without_any_notice(session, make_line):
    line = make_line("corporate", name="Acme Widgets Ltd", address="Unit 4, Park Road, York YO1 7HH")
    entry = _sql(session, line.id)
    assert (entry["name"], entry["address"], entry["reverse_search"]) == (
        "Acme Widgets Ltd",
        "Unit 4, Park Road, York YO1 7HH",
        True,
    )
    assert _reverse(session, line.number)["name"] == "Acme Widgets Ltd"
    assert _decided(session, line).listed and _decided(session, line).reverse_allowed


def test_a_corporate_opt_out_excludes_it_and_a_reverse_opt_out_hides_it_from_reverse_search(session, make_line):
    opted_out = make_line("corporate", name="Quiet Ltd")
    _choose(session, opted_out, listing=Listing.ex_directory, reverse_search=True)
    no_reverse = make_line("corporate", name="Private Ltd")
    _choose(session, no_reverse, reverse_search=False)
    assert _sql(session, opted_out.id) is None and _reverse(session, opted_out.number) is None
    assert _sql(session, no_reverse.id) is not None and _reverse(session, no_reverse.number) is None
    assert not _decided(session, opted_out).listed and not _decided(session, no_reverse).reverse_allowed


def test_an_individual_choice_without_a_saved_notice_is_refused(session, make_line):
    import pytest

    from provider.errors import Invalid

    line = make_line()
    with pytest.raises(Invalid, match="notice"):
        _choose(session, line, reverse_search=True)


def test_the_pure_shown_forms_match_the_sql_ones():
    assert rules.shown_name("Jane Mary Smith", NameForm.initials) == "J. Smith"
    assert rules.shown_name("Cher", NameForm.initials) == "Cher"
    assert rules.shown_address("12 High St, Leeds LS1 2AB", AddressDetail.locality) == "Leeds LS1 2AB"
    assert rules.shown_address("Flat 1", AddressDetail.locality) == "Flat 1"
    assert rules.shown_address("Flat 1", AddressDetail.none) == ""


def test_sql_initials_and_locality_agree_with_the_rules_on_awkward_text(session, make_line, notice):
    line = make_line(name="Jane Mary Smith", address="Flat 1")
    _choose(session, line, name_form=NameForm.initials, address_detail=AddressDetail.locality)
    entry = _sql(session, line.id)
    assert entry["name"] == rules.shown_name("Jane Mary Smith", NameForm.initials) == "J. Smith"
    assert entry["address"] == rules.shown_address("Flat 1", AddressDetail.locality) == "Flat 1"
