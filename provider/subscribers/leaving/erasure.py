"""Erasure of subscribers, set-based: the rows are anonymised in place by a few UPDATE and DELETE
statements per batch of subscribers, never loaded as objects.

What goes: the subscriber's name, address, e-mail, contact phone and account reference (replaced by
"(erased)", empty, or `erased-<id>`), the words its name was found by, each line's number (replaced by
`#<id>`), and the named users of its lines (deleted). What stays: the ids, the kind and service, the
dates of creation, leaving and erasure, and who recorded them (staff, not the subscriber) — so audit
events and evidence that name a subscriber or line by id still resolve, and the chain is untouched.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import String, and_, cast, delete, insert, literal, or_, update
from sqlmodel import Session, select

from provider.security import audit
from provider.security.actor import Actor
from provider.subscribers.leaving import registry, rules
from provider.subscribers.leaving.models import ErasureTrigger, SubscriberErasureReceipt
from provider.subscribers.models import Line, LineUser, Subscriber, SubscriberNameWord
from provider.wording.models import PersonKind, WordingServed

ERASED = "(erased)"


def _ids_by_subscriber(session: Session, subscriber_ids: list[int]) -> tuple[dict, dict]:
    lines: dict[int, list[int]] = defaultdict(list)
    for line_id, subscriber_id in session.execute(
        select(Line.id, Line.subscriber_id).where(Line.subscriber_id.in_(subscriber_ids))
    ):
        lines[subscriber_id].append(line_id)
    users: dict[int, list[int]] = defaultdict(list)
    for user_id, subscriber_id in session.execute(
        select(LineUser.id, Line.subscriber_id).join(Line, Line.id == LineUser.line_id)
        .where(Line.subscriber_id.in_(subscriber_ids))
    ):  # fmt: skip
        users[subscriber_id].append(user_id)
    return lines, users


def _unname_served(session: Session, subscriber_ids: list[int], user_ids: list[int]) -> int:
    """The records of notices served stay (a notice was served, which version, when) without whom."""
    served = WordingServed.__table__  # type: ignore[attr-defined]
    whom = or_(
        and_(served.c.person_kind == PersonKind.subscriber.value, served.c.person_id.in_(subscriber_ids)),
        and_(served.c.person_kind == PersonKind.line_user.value, served.c.person_id.in_(user_ids)),
    )
    return session.execute(update(served).where(whom).values(person_id=None)).rowcount


def anonymise(
    session: Session, *, subscriber_ids: list[int], now: datetime, by: str, trigger: ErasureTrigger
) -> dict[str, int]:
    """Erase these subscribers' personal data, the domains' first (`registry.erase_of`), and write one
    receipt each; returns the counts of what went, for the batch (every receipt of the batch carries them)."""
    if not subscriber_ids:
        return {}
    lines, users = _ids_by_subscriber(session, subscriber_ids)
    all_lines = sorted(line for ids in lines.values() for line in ids)
    all_users = [user for ids in users.values() for user in ids]
    counts = registry.erase_of(session, subscriber_ids=subscriber_ids, line_ids=all_lines, now=now)
    counts["subscribers.wording_served_unnamed"] = _unname_served(session, subscriber_ids, all_users)
    words = SubscriberNameWord.__table__  # type: ignore[attr-defined]
    session.execute(delete(words).where(words.c.subscriber_id.in_(subscriber_ids)))
    session.execute(delete(LineUser).where(LineUser.line_id.in_(all_lines)))
    session.execute(
        update(Line).where(Line.subscriber_id.in_(subscriber_ids))
        .values(number=literal("#") + cast(Line.id, String), erased_at=now, updated_at=now)
    )  # fmt: skip
    session.execute(
        update(Subscriber).where(Subscriber.id.in_(subscriber_ids))
        .values(name=ERASED, address=ERASED, email="", phone="", name_key="", erased_at=now, updated_at=now,
                account_reference=literal("erased-") + cast(Subscriber.id, String))
    )  # fmt: skip
    batch_counts = {**counts, "subscribers_in_batch": len(subscriber_ids)}
    receipts = [
        {"subscriber_id": s, "line_id": None, "trigger": trigger.value, "erased_at": now, "erased_by": by,
         "lines_erased": len(lines[s]), "users_erased": len(users[s]), "counts": batch_counts,
         "ids_hash": rules.ids_hash(s, lines[s], users[s])}
        for s in subscriber_ids
    ]  # fmt: skip
    session.execute(insert(SubscriberErasureReceipt.__table__), receipts)  # type: ignore[attr-defined]
    return counts


def anonymise_line(session: Session, *, line: Line, now: datetime, by: str) -> SubscriberErasureReceipt:
    """Erase one line whose subscriber stays: the domains' data of the line first (`registry.erase_of` with
    no subscriber), its named users and the records of notices served to them unnamed, its number
    replaced by `#<id>`; one receipt naming the line. The subscriber's own data is left as it is."""
    users = list(session.execute(select(LineUser.id).where(LineUser.line_id == line.id)).scalars())
    counts = registry.erase_of(session, subscriber_ids=[], line_ids=[line.id], now=now)
    counts["subscribers.wording_served_unnamed"] = _unname_served(session, [], users)
    session.execute(delete(LineUser).where(LineUser.line_id == line.id))
    session.execute(
        update(Line).where(Line.id == line.id)
        .values(number=literal("#") + cast(Line.id, String), erased_at=now, updated_at=now)
    )  # fmt: skip
    receipt = SubscriberErasureReceipt(
        subscriber_id=line.subscriber_id, line_id=line.id, trigger=ErasureTrigger.request, erased_at=now, erased_by=by,
        lines_erased=1, users_erased=len(users), counts=counts,
        ids_hash=rules.ids_hash(line.subscriber_id, [line.id], users),
    )  # fmt: skip
    session.add(receipt)
    session.flush()
    session.refresh(line)
    return receipt


def lapsed(now: datetime, limit: int):
    """The left subscribers, not yet erased, that no keeper still needs: one SELECT of ids."""
    needed = [keeper.needed(Subscriber.id, now) for keeper in registry.keepers()]
    query = select(Subscriber.id).where(
        Subscriber.left_at.is_not(None), Subscriber.left_at <= now, Subscriber.erased_at.is_(None)
    )
    if needed:
        query = query.where(~or_(*needed))
    return query.order_by(Subscriber.id).limit(limit)


def sweep(session: Session, *, actor: Actor, now: datetime, batch: int = 1000, batches: int = 100) -> int:
    """Erase every left subscriber whose requirements have lapsed, a batch at a time; one audit event per
    batch with the count and the hash of the batch's receipts. Idempotent: a second run finds none."""
    erased = 0
    for _ in range(batches):
        ids = list(session.exec(lapsed(now, batch)))
        if not ids:
            break
        counts = anonymise(session, subscriber_ids=ids, now=now, by=actor.name, trigger=ErasureTrigger.sweep)
        erased += len(ids)
        audit.record(
            session, actor=actor, action="subscriber.erasure_sweep", entity_type="subscriber", entity_id="sweep",
            now=now, after={"subscribers": len(ids), "first_id": ids[0], "last_id": ids[-1], "counts": counts},
        )  # fmt: skip
        session.commit()
    return erased
