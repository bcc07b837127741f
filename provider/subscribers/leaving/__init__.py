"""Subscribers and lines that leave, named users removed from a line, and the final erasure of what is left.

PECR regs 7-8 and 14 (rules.md §3, §4, §9): when the relationship ends, data kept for a consented
service (marketing, a value-added service) goes at once, because a consent cannot outlive the contract
it served; data still needed for a bill (unbilled, unpaid, disputed, within the appeal window) or covered
by a retention hold stays, and only for as long as that reason lasts. The core cannot know what each
domain keeps, so domains register a `Keeper` (`registry`): told when a line leaves or a user is removed,
asked what they still keep of a subscriber, and asked in SQL whether they still need one.

Invariants: leaving is recorded once and never undone; a left line or subscriber takes no new consents
or settings (`service.ensure_open`); erasure anonymises the subscriber and its lines in place (their ids
stay, so audit events and evidence that refer to them by id still resolve, and the audit chain is never
touched) and deletes the named users; each erasure leaves a receipt with counts and a hash of the ids,
never content; erasure is refused, with the reasons, while any keeper still needs the subscriber.
"""
