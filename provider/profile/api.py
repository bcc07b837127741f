"""JSON API for the provider profile: read with provider:read, replace with admin."""

from __future__ import annotations

from fastapi import APIRouter

from provider.db.session import SessionDep
from provider.profile import service
from provider.profile.models import ProfilePublic, ProfileUpdate
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.web.deps import NowDep, api_permission

router = APIRouter(prefix="/api/v1/provider-profile", tags=["provider profile"])


@router.get(
    "",
    response_model=ProfilePublic,
    summary="The provider's name and contact point",
    responses={404: {"description": "The profile has not been filled in yet"}},
)
def read_profile(session: SessionDep, _actor: Actor = api_permission(Permission.provider_read)) -> ProfilePublic:
    """Returns 404 until an administrator has filled the profile in."""
    return ProfilePublic.model_validate(service.get_profile(session), from_attributes=True)


@router.put("", response_model=ProfilePublic, summary="Replace the provider profile")
def replace_profile(
    data: ProfileUpdate,
    session: SessionDep,
    now: NowDep,
    actor: Actor = api_permission(Permission.admin),
) -> ProfilePublic:
    """Every field is sent; the change is audited with before and after."""
    profile = service.update_profile(session, actor=actor, now=now, data=data)
    session.commit()
    return ProfilePublic.model_validate(profile, from_attributes=True)
