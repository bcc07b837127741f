"""The kinds of problem the API answers with, each with a stable `type` URI a client can switch on.

Every type is `https://pecr.example/problems/<kind>`: `.example` is reserved (RFC 2606), so the URI
identifies the kind without pointing anywhere; clients compare it as a string and never fetch it. The
kinds and their meaning are listed in the OpenAPI description (`Problem.type`) and in /docs. A kind
keeps its URI for as long as the API is `v1`; new kinds may be added.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, Field

BASE = "https://pecr.example/problems/"


@dataclass(frozen=True)
class ProblemKind:
    slug: str
    status: int
    title: str
    meaning: str

    @property
    def uri(self) -> str:
        return BASE + self.slug


KINDS = (
    ProblemKind("bad-request", 400, "Bad request", "the request breaks a rule of the operation"),
    ProblemKind("unauthorised", 401, "Unauthorised", "no valid bearer token was sent"),
    ProblemKind("forbidden", 403, "Forbidden", "the token's scopes or its user's role do not allow this"),
    ProblemKind("not-found", 404, "Not found", "no such path, or no record with that id"),
    ProblemKind("method-not-allowed", 405, "Method not allowed", "the path exists but not for this method"),
    ProblemKind("conflict", 409, "Conflict", "the change clashes with the current state; read it again"),
    ProblemKind("payload-too-large", 413, "Payload too large", "the body is larger than the server accepts"),
    ProblemKind("validation", 422, "Validation failed", "a field is missing or invalid; `errors` names each"),
    ProblemKind("internal", 500, "Internal error", "an unexpected error, logged on the server"),
    ProblemKind("unavailable", 503, "Service unavailable", "the database cannot be reached; retry later"),
)
BY_SLUG = {kind.slug: kind for kind in KINDS}
BY_STATUS = {kind.status: kind for kind in KINDS}


def uri_for(status: int, slug: str | None = None) -> str:
    """The type URI of a problem kind named by `slug`, else the kind of that status (else about:blank)."""
    kind = BY_SLUG.get(slug or "") or BY_STATUS.get(status)
    return kind.uri if kind else "about:blank"


class ProblemFieldError(BaseModel):
    field: str = Field(description="the field, dotted for nested ones (`lines.0.number`), or `body`")
    reason: str


class Problem(BaseModel):
    """RFC 9457 problem details, served as `application/problem+json`."""

    type: str = Field(
        description="the kind of problem, a stable URI to switch on: "
        + "; ".join(f"`{kind.uri}` ({kind.status}: {kind.meaning})" for kind in KINDS),
        json_schema_extra={"enum": [kind.uri for kind in KINDS]},
    )
    title: str
    status: int = Field(ge=400, le=599)
    detail: str | None = None
    errors: list[ProblemFieldError] | None = Field(default=None, description="one entry per invalid field")
