"""The provider profile table and its form/API schemas."""

from __future__ import annotations

from datetime import datetime

from pydantic import EmailStr, field_validator
from sqlmodel import Field, SQLModel

from provider.db.types import utc_field


class ProfileBase(SQLModel):
    legal_name: str = Field(min_length=1, max_length=200)
    trading_name: str = Field(default="", max_length=200)
    address: str = Field(min_length=1, max_length=500)
    ico_registration_number: str = Field(min_length=1, max_length=20)
    contact_name: str = Field(min_length=1, max_length=200, description="DPO or other contact point")
    contact_role: str = Field(default="Data Protection Officer", max_length=100)
    contact_email: str = Field(min_length=3, max_length=254)
    contact_phone: str = Field(min_length=3, max_length=40)
    website: str = Field(default="", max_length=200)
    signatory_name: str = Field(
        default="", max_length=200, description="who signs customer letters; blank: the contact point"
    )
    signatory_role: str = Field(default="", max_length=100, description="their role; blank: the contact point's role")


class ProviderProfile(ProfileBase, table=True):
    __tablename__ = "provider_profile"

    id: int = Field(default=1, primary_key=True)
    updated_at: datetime = utc_field()


class ProfileUpdate(ProfileBase):
    contact_email: EmailStr = Field(max_length=254)

    @field_validator("ico_registration_number")
    @classmethod
    def _registration_shape(cls, value: str) -> str:
        value = value.strip().upper()
        if not value.isalnum():
            raise ValueError("ICO registration numbers are letters and digits, e.g. Z1234567")
        return value


class ProfilePublic(ProfileBase):
    updated_at: datetime
