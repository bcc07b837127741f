"""The provider profile page: everyone with provider:read sees it, administrators edit it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response
from pydantic import ValidationError

from provider.db.session import SessionDep
from provider.errors import Invalid
from provider.profile import service
from provider.profile.models import ProfileBase, ProfileUpdate
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.web.csrf import html_router
from provider.web.deps import NowDep, page_permission
from provider.web.rendering import redirect, render

router = html_router(prefix="/admin/profile")
LABELS = {
    "legal_name": "Legal name",
    "trading_name": "Trading name",
    "address": "Registered address",
    "ico_registration_number": "ICO registration number",
    "contact_name": "Contact point (name)",
    "contact_role": "Contact point (role)",
    "contact_email": "Contact e-mail",
    "contact_phone": "Contact telephone",
    "website": "Website",
}
# Longer than any field allows, so the model names the field that is too long; anything beyond is junk.
MAX_FORM_VALUE = 2000


async def _profile_form(request: Request) -> dict[str, str]:
    form = await request.form()
    values = {}
    for name in service.FIELDS:
        value = form.get(name, "")
        values[name] = value[:MAX_FORM_VALUE] if isinstance(value, str) else ""
    return values


def _pydantic_errors(error: ValidationError) -> list[tuple[str, str]]:
    return [(str(item["loc"][0]) if item["loc"] else "form", item["msg"]) for item in error.errors()]


def _page(
    request: Request,
    actor: Actor,
    values: dict[str, Any] | None,
    errors: list[tuple[str, str]],
    profile: Any,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "profile/profile.html",
        {
            "profile": profile,
            "values": values or {},
            "errors": errors,
            "labels": LABELS,
            "can_edit": actor.can(Permission.admin),
        },
        status_code=status_code,
    )


@router.get("")
def profile_page(
    request: Request,
    session: SessionDep,
    actor: Actor = page_permission(Permission.provider_read),
) -> Response:
    """The profile as printed on notices; an edit form for administrators."""
    profile = service.find_profile(session)
    if profile is not None:
        values = {name: getattr(profile, name) for name in service.FIELDS}
    else:
        defaults = ProfileBase.model_fields.items()
        values = {name: info.default for name, info in defaults if isinstance(info.default, str)}
    return _page(request, actor, values, [], profile)


@router.post("")
def profile_submit(
    request: Request,
    session: SessionDep,
    now: NowDep,
    actor: Annotated[Actor, page_permission(Permission.admin)],
    values: Annotated[dict[str, str], Depends(_profile_form)],
) -> Response:
    """Save the profile, or show the form again with each problem next to its field."""
    try:
        data = ProfileUpdate.model_validate(values)
        service.update_profile(session, actor=actor, now=now, data=data)
    except ValidationError as error:
        return _page(request, actor, values, _pydantic_errors(error), service.find_profile(session), 422)
    except Invalid as error:
        errors = [(e.field, e.reason) for e in error.errors]
        return _page(request, actor, values, errors, service.find_profile(session), 422)
    session.commit()
    return redirect(request, "/admin/profile", "The provider profile was saved.")
