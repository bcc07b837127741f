"""The provider profile page: everyone with provider:read sees it, administrators edit it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response

from provider.db.session import SessionDep
from provider.profile import service
from provider.profile.forms import LABELS, PROFILE_FORM
from provider.profile.models import ProfileBase, ProfileUpdate
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.web.csrf import html_router
from provider.web.deps import NowDep, page_permission
from provider.web.forms import FormError, Values, submit
from provider.web.rendering import redirect, render

router = html_router(prefix="/admin/profile")
ProfileValues = Annotated[Values, Depends(PROFILE_FORM.submitted)]


def _page(
    request: Request,
    actor: Actor,
    values: dict[str, Any] | None,
    errors: list[FormError],
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
    values: ProfileValues,
) -> Response:
    """Save the profile, or show the form again with each problem next to its field."""

    def save() -> None:
        data = PROFILE_FORM.parse(ProfileUpdate, {name: values.get(name, "") for name in service.FIELDS})
        service.update_profile(session, actor=actor, now=now, data=data)

    return submit(
        session,
        PROFILE_FORM,
        action=save,
        on_error=lambda errors, status: _page(request, actor, values, errors, service.find_profile(session), status),
        success=lambda _: redirect(request, "/admin/profile", "The provider profile was saved."),
    )
