"""Deterministic, realistic-looking UK demo subscribers, written set-based (no Faker needed).

About one in ten subscribers is corporate. Numbers come first from the blocks Ofcom reserves for
TV and radio drama (07700 900xxx, 020 7946 0xxx, 0113 496 0xxx, ...: see provider.subscribers.phone),
which hold about 20,000 numbers, so a default demo never holds a number that could ring a real person.
Larger loads (benchmarks) continue in valid ranges (FALLBACK_BASES) that are *not* reserved and may
belong to real people: keep such databases off any system that dials or sends. E-mail addresses use the reserved
domain example.com. Names, streets and towns are common UK ones; the postcodes are shaped correctly
but chosen at random.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import accumulate
from typing import TypeVar

from sqlmodel import Session, select

from provider.db.bulk import BATCH_SIZE
from provider.manifest import DemoContext
from provider.profile.demo import ensure_demo_profile
from provider.security import audit
from provider.security.actor import Actor
from provider.subscribers.models import Line, Subscriber
from provider.subscribers.writer import SubscriberWriter, Written

DEFAULT_SEED = 2026
REFERENCE_PREFIX = "DEMO-"  # every demo account reference: DEMO-00000001, ...
T = TypeVar("T")
CHUNK = 1000  # subscribers generated (and number collisions checked) at a time

FIRST_NAMES = (
    "Oliver George Harry Jack Jacob Noah Charlie Muhammad Thomas Oscar William James Leo Alfie Henry Joshua "
    "Freddie Archie Ethan Isaac Alexander Joseph Edward Samuel Max Daniel Arthur Lucas Mohammed Logan Olivia "
    "Amelia Isla Ava Emily Sophia Grace Mia Poppy Ella Lily Evie Isabella Sophie Ivy Freya Harper Willow "
    "Charlotte Jessica Rosie Daisy Alice Sienna Florence Matilda Ruby Phoebe Priya Aisha Siobhan Niamh Rhys "
    "Cerys Eilidh Callum Fiona Gareth Bethan Declan Aoife Hamish Morag Dylan Seren Zainab Tomasz Agnieszka"
).split()
SURNAMES = (
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright "
    "Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill "
    "Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker "
    "Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy "
    "Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman "
    "Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes "
    "Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham Pearson Ahmed "
    "Fletcher Walsh Kaur Gibson Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox Ford Pearce "
    "O'Brien McDonald MacLeod Ó'Súilleabháin Nowak Kowalski"
).split()
STREETS = (
    "High Station Church Park Victoria Green Manor Kings Queens Mill School Grange Windsor Albert Springfield "
    "Chestnut Oak Beech Meadow Orchard Willow Highfield Mount Stanley North South West London York Cedar "
    "Richmond Elm Hawthorn Rose Ash Valley Alexandra Priory Broad"
).split()
STREET_TYPES = ("Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Crescent", "Gardens", "Terrace")
TRADES = (
    "Plumbing",
    "Dental Practice",
    "Accountants",
    "Builders",
    "Veterinary Surgery",
    "Florists",
    "Logistics",
    "Print Works",
    "Bakery",
    "Motors",
    "Solicitors",
    "Estate Agents",
    "Engineering",
    "Catering",
    "Cleaning Services",
    "Opticians",
    "Joinery",
    "Garden Centre",
    "Pharmacy",
    "Haulage",
)
# (town, postcode area, drama block for its area code; see provider.subscribers.phone.DRAMA_BLOCKS)
TOWNS = (
    ("London", "SE", "+442079460"),
    ("London", "N", "+442079460"),
    ("London", "E", "+442079460"),
    ("Leeds", "LS", "+441134960"),
    ("Sheffield", "S", "+441144960"),
    ("Nottingham", "NG", "+441154960"),
    ("Leicester", "LE", "+441164960"),
    ("Bristol", "BS", "+441174960"),
    ("Reading", "RG", "+441184960"),
    ("Birmingham", "B", "+441214960"),
    ("Edinburgh", "EH", "+441314960"),
    ("Glasgow", "G", "+441414960"),
    ("Liverpool", "L", "+441514960"),
    ("Manchester", "M", "+441614960"),
    ("Newcastle upon Tyne", "NE", "+441914980"),
    ("Cardiff", "CF", "+442920180"),
    ("Belfast", "BT", "+442896496"),
    ("York", "YO", "+441632960"),
    ("Norwich", "NR", "+441632960"),
    ("Exeter", "EX", "+441632960"),
    ("Oxford", "OX", "+441632960"),
    ("Brighton", "BN", "+441632960"),
    ("Swansea", "SA", "+441632960"),
    ("Aberdeen", "AB", "+441632960"),
)
# Where each block continues once its 1,000 reserved numbers are used: valid ranges, far apart.
FALLBACK_BASES = {
    "+447700900": 447400000000,
    "+441632960": 441904600000,
    "+443069990": 443300000000,
    "+442079460": 442079461000,
    "+441134960": 441134961000,
    "+441144960": 441144961000,
    "+441154960": 441158000000,
    "+441164960": 441162000000,
    "+441174960": 441179000000,
    "+441184960": 441189000000,
    "+441214960": 441214961000,
    "+441314960": 441314961000,
    "+441414960": 441414961000,
    "+441514960": 441514961000,
    "+441614960": 441614961000,
    "+441914980": 441912000000,
    "+442920180": 442920181000,
    "+442896496": 442896497000,
}
MOBILE_BLOCK = "+447700900"
NON_GEOGRAPHIC_BLOCK = "+443069990"
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters a postcode's inward part may use
RELATIVES = ("spouse", "partner", "son", "daughter", "parent", "lodger")
ROLES = ("employee", "director", "contractor", "office manager")


@dataclass
class DemoLine:
    service: str
    block: str
    number: str = ""
    users: list[tuple[str, str, str]] = field(default_factory=list)  # (name, relationship, contact)


@dataclass
class DemoSubscriber:
    kind: str
    name: str
    address: str
    email: str
    lines: list[DemoLine]


class NumberPool:
    """Hands out numbers block by block: the 1,000 reserved ones first, then its fallback range."""

    def __init__(self) -> None:
        self._taken: dict[str, int] = {}

    def take(self, block: str) -> str:
        index = self._taken.get(block, 0)
        self._taken[block] = index + 1
        if index < 1000:
            return f"{block}{index:03d}"
        return f"+{FALLBACK_BASES[block] + index - 1000}"


SERVICES = ("mobile", "fixed", "broadband", "voip")
INDIVIDUAL_SERVICES = tuple(accumulate((30, 45, 20, 5)))  # cumulative weights, in SERVICES order
CORPORATE_SERVICES = tuple(accumulate((25, 45, 10, 20)))
INDIVIDUAL_LINE_COUNTS = tuple(accumulate((72, 23, 5)))  # one, two or three lines


class _Draw:
    """Draws from one seeded generator; a few times faster than random.choice/choices/randint,
    which matters at a million subscribers."""

    def __init__(self, rng: random.Random) -> None:
        self.random = rng.random

    def pick(self, options: Sequence[T]) -> T:
        return options[int(self.random() * len(options))]

    def between(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def weighted(self, options: Sequence[T], cumulative: Sequence[int]) -> T:
        return options[bisect(cumulative, self.random() * cumulative[-1])]


def _postcode(draw: _Draw, area: str) -> str:
    return f"{area}{draw.between(1, 20)} {draw.between(1, 9)}{draw.pick(INWARD_LETTERS)}{draw.pick(INWARD_LETTERS)}"


def _address(draw: _Draw, town: tuple[str, str, str], business: bool) -> str:
    street = f"{draw.pick(STREETS)} {draw.pick(STREET_TYPES)}"
    house = f"Unit {draw.between(1, 40)}, {street} Business Park" if business else f"{draw.between(1, 240)} {street}"
    return f"{house}, {town[0]} {_postcode(draw, town[1])}"


def _lines(draw: _Draw, town: tuple[str, str, str], count: int, weights: Sequence[int]) -> list[DemoLine]:
    services = [draw.weighted(SERVICES, weights) for _ in range(count)]
    return [
        DemoLine(service, {"mobile": MOBILE_BLOCK, "voip": NON_GEOGRAPHIC_BLOCK}.get(service, town[2]))
        for service in services
    ]


def _relative(draw: _Draw, first: str, surname: str) -> tuple[str, str, str]:
    relationship = draw.pick(RELATIVES)
    other = draw.pick(FIRST_NAMES)
    if other == first:
        other = FIRST_NAMES[(FIRST_NAMES.index(other) + 1) % len(FIRST_NAMES)]
    return f"{other} {draw.pick(SURNAMES) if relationship == 'lodger' else surname}", relationship, ""


def _individual(draw: _Draw) -> DemoSubscriber:
    first, surname, town = draw.pick(FIRST_NAMES), draw.pick(SURNAMES), draw.pick(TOWNS)
    lines = _lines(draw, town, draw.weighted((1, 2, 3), INDIVIDUAL_LINE_COUNTS), INDIVIDUAL_SERVICES)
    for line in lines:
        if draw.random() < 0.12:  # someone other than the subscriber uses this line
            line.users.append(_relative(draw, first, surname))
    email = ""
    if draw.random() < 0.8:
        email = f"{first}.{surname}{draw.between(1, 99)}@example.com".lower().replace("'", "")
    return DemoSubscriber("individual", f"{first} {surname}", _address(draw, town, False), email, lines)


def _corporate(draw: _Draw) -> DemoSubscriber:
    town = draw.pick(TOWNS)
    name = draw.pick(
        (
            f"{draw.pick(SURNAMES)} & {draw.pick(SURNAMES)} Ltd",
            f"{town[0]} {draw.pick(TRADES)} Ltd",
            f"{draw.pick(SURNAMES)} {draw.pick(TRADES)} LLP",
        )
    )
    lines = _lines(draw, town, draw.between(2, 5), CORPORATE_SERVICES)
    for line in lines:
        if draw.random() < 0.5:  # corporate lines are usually used by named staff
            person = f"{draw.pick(FIRST_NAMES)} {draw.pick(SURNAMES)}"
            contact = person.lower().replace(" ", ".").replace("'", "") + "@example.com"
            line.users.append((person, draw.pick(ROLES), contact))
    address = _address(draw, town, draw.random() < 0.6)
    return DemoSubscriber("corporate", name, address, "accounts@example.com", lines)


def generate(rng: random.Random, pool: NumberPool, count: int) -> Iterator[DemoSubscriber]:
    """`count` demo subscribers, about 10% corporate, numbers drawn from `pool`."""
    draw = _Draw(rng)
    for _ in range(count):
        subscriber = _corporate(draw) if draw.random() < 0.1 else _individual(draw)
        for line in subscriber.lines:
            line.number = pool.take(line.block)
        yield subscriber


def _avoid_existing_numbers(session: Session, people: list[DemoSubscriber], pool: NumberPool) -> None:
    """Replace any generated number already in the database (e.g. from an earlier demo load)."""
    lines = [line for person in people for line in person.lines]
    while lines:
        numbers = [line.number for line in lines]
        existing: set[str] = set()
        for start in range(0, len(numbers), 500):
            chunk = numbers[start : start + 500]
            existing.update(session.exec(select(Line.number).where(Line.number.in_(chunk))))
        lines = [line for line in lines if line.number in existing]
        for line in lines:
            line.number = pool.take(line.block)


def _write(writer: SubscriberWriter, person: DemoSubscriber) -> None:
    reference = f"{REFERENCE_PREFIX}{writer.next_subscriber_id:08d}"
    phone = person.lines[0].number if person.lines else ""
    subscriber_id = writer.add_subscriber(
        kind=person.kind,
        name=person.name,
        address=person.address,
        email=person.email,
        phone=phone,
        account_reference=reference,
    )
    for line in person.lines:
        line_id = writer.add_line(subscriber_id=subscriber_id, number=line.number, service=line.service)
        for name, relationship, contact in line.users:
            writer.add_user(line_id=line_id, name=name, relationship=relationship, contact=contact)


def load_demo(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    count: int,
    seed: int = DEFAULT_SEED,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
    summary: dict[str, object] | None = None,
) -> Written:
    """Write `count` demo subscribers with lines and named users; one audit event; the caller commits."""
    writer = SubscriberWriter(session, now, batch_size)
    # Seeded by where the load starts, so a second load adds different people, not the same again.
    rng, pool = random.Random(seed * 1_000_003 + writer.next_subscriber_id), NumberPool()
    remaining, had_lines = count, writer.next_line_id > 1
    while remaining > 0:
        people = list(generate(rng, pool, min(CHUNK, remaining)))
        if had_lines:  # an empty table cannot clash: skip the look-ups (they dominate a 1M load)
            _avoid_existing_numbers(session, people, pool)
        for person in people:
            _write(writer, person)
        remaining -= len(people)
        if progress:
            progress(len(people))
    written = writer.finish()
    audit.record(
        session,
        actor=actor,
        action="demo.loaded",
        entity_type="subscriber_import",
        entity_id="demo",
        now=now,
        after={
            **(summary or {}),
            "seed": seed,
            "subscribers": written.subscribers,
            "lines": written.lines,
            "users": written.users,
        },
    )
    return written


def only_demo_subscribers(session: Session) -> bool:
    """No subscriber but demo ones (or none at all): other demo data never joins real customer data."""
    real = select(Subscriber.id).where(Subscriber.account_reference.not_like(f"{REFERENCE_PREFIX}%")).limit(1)
    return session.exec(real).first() is None


def load_if_empty(session: Session, context: DemoContext) -> list[str]:
    """On a database with no subscribers, the demo provider profile (if none) and `context.subscribers`
    demo subscribers, under one audit event (demo.loaded); the line to tell the operator."""
    if session.exec(select(Subscriber.id).limit(1)).first() is not None:
        return []
    profile_added = ensure_demo_profile(session, context.now)
    written = load_demo(
        session,
        actor=context.actor,
        now=context.now,
        count=context.subscribers,
        summary={"provider_profile": "added" if profile_added else "kept"},
    )
    return [
        f"demo data loaded: {written.subscribers:,} subscribers, {written.lines:,} lines, "
        f"{written.users:,} named users" + (" and a demo provider profile" if profile_added else "")
    ]
