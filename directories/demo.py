"""Demo data for directories: an example directory information notice (a draft nobody has been shown), so a
first start can serve it (`pecr directory notices`) and record choices. Never beside real subscribers."""

from __future__ import annotations

from sqlmodel import Session

from directories import service
from directories.models import NoticeParts
from provider.manifest import DemoContext
from provider.subscribers.demo import only_demo_subscribers

EXAMPLE_NOTICE = NoticeParts(
    what_it_is="We publish a phone directory of our customers, in print and online, and give numbers to callers "
    "of our directory enquiry service.",
    what_it_includes="Your name, your address or only your town and postcode (you choose), and your phone number.",
    number_lookup="Anyone who knows your name and approximate address will be able to find your phone number.",
    reverse_search="Reverse search lets someone with your number find your name and address. We only allow it if "
    "you tick the box to say yes; you can change your mind at any time.",
    options="Full listing: printed and online directories and enquiries. Directory enquiries only: never printed, "
    "given only to callers who ask. Ex-directory: in no directory and given to no caller.",
    opt_out="You will be listed unless you tell us within 28 days. To opt out or change your choice, free of charge, "
    "call 150, write to us, or use your online account. You can correct or remove your entry at any time.",
)


def load_if_empty(session: Session, context: DemoContext) -> list[str]:
    if not only_demo_subscribers(session) or service.current_notice(session) is not None:
        return []
    version = service.save_notice(session, actor=context.actor, now=context.now, parts=EXAMPLE_NOTICE)
    return [f"example directory information notice saved (version {version.version}, not yet served)"]
