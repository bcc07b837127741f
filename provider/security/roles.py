"""Roles for staff and scopes for API tokens, and what each may do.

Permissions are named `domain:verb`. A role grants a fixed set; an API token is limited to the
permissions of its user's role, narrowed further by the scopes it was created with. The server
checks a permission on every route; templates only hide links, they protect nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Role(StrEnum):
    admin = "admin"
    compliance_officer = "compliance_officer"
    breach_manager = "breach_manager"
    agent = "agent"
    auditor = "auditor"


class Permission(StrEnum):
    admin = "admin"
    provider_read = "provider:read"
    provider_write = "provider:write"
    subscribers_read = "subscribers:read"
    subscribers_write = "subscribers:write"
    breach_read = "breach:read"
    breach_write = "breach:write"
    traffic_read = "traffic:read"
    traffic_write = "traffic:write"
    directories_read = "directories:read"
    directories_write = "directories:write"
    billing_read = "billing:read"
    billing_write = "billing:write"
    disclosures_read = "disclosures:read"
    disclosures_write = "disclosures:write"
    risks_read = "risks:read"
    risks_write = "risks:write"
    lines_read = "lines:read"
    lines_write = "lines:write"
    audit_read = "audit:read"
    jobs_read = "jobs:read"
    jobs_run = "jobs:run"


# The register of law-enforcement and national-security requests (reg 29A) is seen only by those who
# handle it: compliance officers and administrators, not everyone who reads everything else.
_RESTRICTED = {Permission.disclosures_read, Permission.disclosures_write}
_READ_ALL = {p for p in Permission if p.value.endswith(":read")} - _RESTRICTED
_DOMAINS_WRITE = {
    Permission.subscribers_write,
    Permission.breach_write,
    Permission.traffic_write,
    Permission.directories_write,
    Permission.billing_write,
    Permission.risks_write,
    Permission.lines_write,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.admin: frozenset(Permission),
    Role.compliance_officer: frozenset(_READ_ALL | _DOMAINS_WRITE | _RESTRICTED),
    Role.breach_manager: frozenset(
        {Permission.breach_read, Permission.breach_write, Permission.subscribers_read, Permission.provider_read}
    ),
    Role.agent: frozenset(
        {
            Permission.subscribers_read,
            Permission.subscribers_write,
            Permission.traffic_read,
            Permission.traffic_write,
            Permission.directories_read,
            Permission.directories_write,
            Permission.billing_read,
            Permission.billing_write,
            Permission.lines_read,
            Permission.lines_write,
            Permission.provider_read,
        }
    ),
    Role.auditor: frozenset(_READ_ALL),
}


def permissions_for(role: Role, scopes: Iterable[str] | None = None) -> frozenset[Permission]:
    """What a user of `role` may do, narrowed to `scopes` when a token names some."""
    granted = ROLE_PERMISSIONS[Role(role)]
    if scopes is None:
        return granted
    return frozenset(p for p in granted if p.value in set(scopes))


def parse_scopes(scopes: Iterable[str]) -> list[str]:
    """Validate scope names; raises ValueError naming the unknown one."""
    known = {p.value for p in Permission}
    result = []
    for scope in scopes:
        if scope not in known:
            raise ValueError(f"unknown scope {scope!r}; known scopes: {', '.join(sorted(known))}")
        result.append(scope)
    return sorted(set(result))
