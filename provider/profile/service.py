"""Reading and changing the provider profile (one row per deployment).

Notices and ICO forms read the profile when they are generated (611/2013 Annex I asks for the
provider's name and the contact point's details); each change is audited with before and after, so
what a past document printed can be traced to the profile of its day.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from provider.errors import FieldError, Invalid, NotFound
from provider.profile.models import ProfileBase, ProfileUpdate, ProviderProfile
from provider.security import audit
from provider.security.actor import Actor

PROFILE_ID = 1
FIELDS = tuple(ProfileBase.model_fields)
REQUIRED_FIELDS = tuple(name for name, info in ProfileBase.model_fields.items() if info.is_required())


def get_profile(session: Session) -> ProviderProfile:
    profile = session.get(ProviderProfile, PROFILE_ID)
    if profile is None:
        raise NotFound("the provider profile has not been set up yet: an administrator must fill it in")
    return profile


def find_profile(session: Session) -> ProviderProfile | None:
    return session.get(ProviderProfile, PROFILE_ID)


def _summary(profile: ProviderProfile | None) -> dict[str, object] | None:
    if profile is None:
        return None
    return {name: getattr(profile, name) for name in FIELDS}


def _cleaned(data: ProfileUpdate) -> dict[str, str]:
    """Strip surrounding spaces; a required field that is only spaces is missing, not filled."""
    values = {name: str(getattr(data, name)).strip() for name in FIELDS}
    blank = [FieldError(name, "must not be blank") for name in REQUIRED_FIELDS if not values[name]]
    if blank:
        raise Invalid("; ".join(f"{e.field}: {e.reason}" for e in blank), errors=blank)
    return values


def update_profile(session: Session, *, actor: Actor, now: datetime, data: ProfileUpdate) -> ProviderProfile:
    """Create or replace the profile; audited as provider.profile_updated with before and after."""
    values = _cleaned(data)
    profile = find_profile(session)
    before = _summary(profile)
    if before == values:
        return profile  # nothing changed, so nothing to audit
    if profile is None:
        profile = ProviderProfile(id=PROFILE_ID, updated_at=now, **values)
    else:
        for name, value in values.items():
            setattr(profile, name, value)
        profile.updated_at = now
    session.add(profile)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="provider.profile_updated",
        entity_type="provider_profile",
        entity_id=PROFILE_ID,
        now=now,
        before=before,
        after=_summary(profile),
    )
    return profile
