"""The subscriber list: keyset pages in name order, prefix search, exact look-ups, no OFFSET paging."""

from __future__ import annotations

from sqlalchemy import event

from provider.subscribers import listing
from provider.subscribers.search import name_key

NAMES = [
    "Smith John",
    "Smith John",
    "Smith John",
    "Smithers Ltd",
    "Blacksmith Ann",
    "Adams Zoe",
    "adams zoe",
    "Ó Brien Seán",
    "O'Brien Liam",
    "Zed Corp",
    "Smyth Anne",
    "Brown Bob",
    "Brown Bob",
    "Brown Bob",
    "Carter Cat",
    "Davies Dan",
    "Evans Eve",
    "Smith Jane",
    "Smith J",
    "Young Yan",
]


def _load(add_subscriber):
    return [add_subscriber(f"ACC-{index:03d}", name=name) for index, name in enumerate(NAMES)]


def _walk(session, query="", limit=4):
    seen, after = [], None
    while True:
        page = listing.list_subscribers(session, query=query, after=after, limit=limit)
        seen += page.items
        if page.next_cursor is None:
            return seen
        after = page.next_cursor


def test_walking_every_page_returns_each_subscriber_once_in_name_order(session, add_subscriber):
    created = _load(add_subscriber)
    walked = _walk(session, limit=4)  # 4 splits the three "Smith John" and "Brown Bob" ties across pages
    assert [s.id for s in walked] == [s.id for s in sorted(created, key=lambda s: (name_key(s.name), s.id))]


def test_previous_page_returns_the_page_before(session, add_subscriber):
    _load(add_subscriber)
    first = listing.list_subscribers(session, limit=5)
    second = listing.list_subscribers(session, after=first.next_cursor, limit=5)
    third = listing.list_subscribers(session, after=second.next_cursor, limit=5)
    back = listing.list_subscribers(session, before=third.previous_cursor, limit=5)
    assert [s.id for s in back.items] == [s.id for s in second.items]
    assert first.previous_cursor is None and back.previous_cursor is not None
    assert listing.list_subscribers(session, before=second.previous_cursor, limit=5).previous_cursor is None


def test_name_search_is_a_prefix_search_ignoring_case_and_punctuation(session, add_subscriber):
    _load(add_subscriber)
    names = [s.name for s in _walk(session, "SMITH", limit=2)]
    assert names == ["Smith J", "Smith Jane", "Smith John", "Smith John", "Smith John", "Smithers Ltd"]
    assert "Blacksmith Ann" not in names
    assert [s.name for s in _walk(session, "obrien")] == ["O'Brien Liam"]
    assert [s.name for s in _walk(session, "o bri")] == ["Ó Brien Seán"]


def test_search_by_account_reference_and_by_number_in_any_form(session, add_subscriber):
    _load(add_subscriber)
    holder = add_subscriber("ZZ-9", name="Quinn Quill", lines=[("07700 900777", "mobile")])
    by_reference = listing.list_subscribers(session, query="ZZ-9")
    by_number = listing.list_subscribers(session, query="+44 7700 900777")
    assert [s.id for s in by_reference.items] == [holder.id] and by_reference.exact == [holder.id]
    assert [s.id for s in by_number.items] == [holder.id]


def test_an_exact_match_that_is_also_a_name_match_appears_once(session, add_subscriber):
    subscriber = add_subscriber("smith", name="Smith Solo")
    page = listing.list_subscribers(session, query="smith")
    assert [s.id for s in page.items] == [subscriber.id]


def test_a_query_without_letters_or_digits_matches_nothing(session, add_subscriber):
    _load(add_subscriber)
    assert listing.list_subscribers(session, query="%%__").items == []


def test_paging_never_uses_offset_or_count(session, engine, add_subscriber):
    _load(add_subscriber)
    statements: list[tuple[str, object]] = []

    def remember(_conn, _cursor, statement, parameters, *_args):
        statements.append((statement.upper(), parameters))

    event.listen(engine, "before_cursor_execute", remember)
    try:
        first = listing.list_subscribers(session, limit=3)
        listing.list_subscribers(session, query="smi", after=first.next_cursor, limit=3)
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    assert statements and not any("COUNT(" in s for s, _ in statements)
    # SQLite's dialect writes "LIMIT ? OFFSET ?" with an offset of 0; any other offset is deep paging.
    assert all(p[-1] == 0 for s, p in statements if "OFFSET ?" in s)
    assert not any("OFFSET" in s and "OFFSET ?" not in s for s, _ in statements)


def test_approximate_count_does_not_count_rows(session, add_subscriber):
    _load(add_subscriber)
    estimate = listing.approximate_count(session)
    assert estimate is None or estimate >= 0
