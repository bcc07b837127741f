"""The consent page's forms on the core form layer: serve a notice, capture and withdraw a consent,
switch location privacy on. Labels are the words every error message uses."""

from __future__ import annotations

from provider.web.forms import PageForm

NOTICE_FORM = PageForm(
    labels={"person": "Who", "notice": "Notice", "channel": "How it was given"},
    choices=("person", "notice", "channel"),
    renames={"user_id": "person", "service_name": "notice"},
)
CONSENT_FORM = PageForm(
    labels={
        "person": "Whose data",
        "consent": "Consent to",
        "method": "How they agreed",
        "agent_name": "Agent",
        "script_version": "Script version",
        "evidence_reference": "Evidence reference",
        "representative_name": "Representative",
        "representative_role": "Representative's role",
    },
    choices=("person", "consent", "method"),
    renames={
        "user_id": "person",
        "service_name": "consent",
        "purpose": "consent",
        "data_kind": "consent",
        "version_id": "consent",
    },
)
WITHDRAW_FORM = PageForm(
    labels={"withdraw": "Consent to withdraw", "withdraw_method": "How they asked", "withdraw_agent": "Agent"},
    choices=("withdraw", "withdraw_method"),
    renames={"method": "withdraw_method", "agent_name": "withdraw_agent", "service_name": "withdraw"},
    unplaced="withdraw",
)
SWITCH_FORM = PageForm(
    labels={"line_id": "Line", "hours": "For how many hours"},
    choices=("line_id",),
    renames={"ends_at": "hours"},
)
