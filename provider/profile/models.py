"""The provider profile table and its form/API schemas."""

from __future__ import annotations

from datetime import datetime

from pydantic import EmailStr, field_validator
from sqlmodel import Field, SQLModel

from provider.db.types import BIG_INT, utc_field
from provider.text import Line, Lines


class ProfileBase(SQLModel):
    legal_name: Line = Field(min_length=1, max_length=200)
    trading_name: Line = Field(default="", max_length=200)
    address: Lines = Field(min_length=1, max_length=500)
    ico_registration_number: Line = Field(min_length=1, max_length=20)
    contact_name: Line = Field(min_length=1, max_length=200, description="DPO or other contact point")
    contact_role: Line = Field(default="Data Protection Officer", max_length=100)
    contact_email: Line = Field(min_length=3, max_length=254)
    contact_phone: Line = Field(min_length=3, max_length=40)
    website: Line = Field(default="", max_length=200)
    signatory_name: Line = Field(
        default="", max_length=200, description="who signs customer letters; blank: the contact point"
    )
    signatory_role: Line = Field(default="", max_length=100, description="their role; blank: the contact point's role")


class ProviderProfile(ProfileBase, table=True):
    __tablename__ = "provider_profile"

    id: int = Field(default=1, primary_key=True, sa_type=BIG_INT)
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
