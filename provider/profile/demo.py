"""The demo provider profile: a fictional provider, so a first look has a name and contact point to
print on notices and ICO forms. Added only where no profile exists."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from provider.profile.models import ProviderProfile

DEMO_PROFILE = {
    "legal_name": "Demo Telecom Ltd",
    "trading_name": "Demo Telecom",
    "address": "1 Example Street, Leeds LS1 4AP",
    "ico_registration_number": "ZA123456",
    "contact_name": "Priya Shah",
    "contact_role": "Data Protection Officer",
    "contact_email": "dpo@example.com",
    "contact_phone": "0113 496 0999",
    "website": "https://www.example.com",
}


def ensure_demo_profile(session: Session, now: datetime) -> bool:
    """Add the demo provider profile unless one exists; True when it was added."""
    if session.get(ProviderProfile, 1) is not None:
        return False
    session.add(ProviderProfile(id=1, updated_at=now, **DEMO_PROFILE))
    session.flush()
    return True
