"""The notice form on the core form layer."""

from __future__ import annotations

from provider.web.forms import PageForm

NOTICE_FORM = PageForm(
    labels={
        "title": "Title",
        "nature_of_risk": "What the risk is",
        "what_you_can_do": "What subscribers can do",
        "likely_cost": "What it may cost them",
        "audience": "Send to",
        "services": "Services",
        "subscriber_ids": "Subscriber numbers",
    },
    repeated=("services",),
    choices=("audience", "services"),
    missing={"likely_cost": 'Enter what it may cost subscribers, e.g. "Nothing: the update is free"'},
)

POSTED_FORM = PageForm(
    labels={"letters": "Letters to post", "posted_on": "Date posted"},
    missing={"posted_on": "Enter the date the letters were posted"},
)
