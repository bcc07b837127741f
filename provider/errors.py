"""Typed errors that services raise; the web layer turns them into problem details or form errors.

Services never import FastAPI: they raise these, and `provider.web.problems` maps them to HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    reason: str


class DomainError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str, *, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Conflict(DomainError):
    status = 409
    title = "Conflict"


class Invalid(DomainError):
    """Input that parses but breaks a rule; `errors` names each field and why."""

    status = 422
    title = "Validation failed"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


def invalid(field: str, reason: str) -> Invalid:
    return Invalid(f"{field}: {reason}", errors=[FieldError(field, reason)])
