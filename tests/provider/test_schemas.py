"""Update and Public schemas derived from a family's Base keep each field declared once."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlmodel import Field, SQLModel

from provider.db.schemas import all_optional, unbounded


class ThingBase(SQLModel):
    name: str = Field(min_length=1, max_length=5, description="what it is called")
    count: int = Field(default=0, ge=0)


class ThingUpdate(all_optional(ThingBase)):
    pass


class ThingPublic(unbounded(ThingBase)):
    id: int


def test_an_update_validates_what_it_sends_with_the_bases_bounds_and_knows_what_was_sent():
    assert ThingUpdate(count=3).model_dump(exclude_unset=True) == {"count": 3}
    assert ThingUpdate.model_validate({"name": None}).model_dump(exclude_unset=True) == {"name": None}
    with pytest.raises(ValidationError) as refused:
        ThingUpdate(name="far too long", count=-1)
    assert {error["loc"][0] for error in refused.value.errors()} == {"name", "count"}
    assert ThingUpdate.model_fields["name"].description == "what it is called"


def test_a_public_answer_has_every_field_required_and_reads_a_row_beyond_todays_bounds():
    assert ThingPublic(id=1, name="a name longer than five", count=-2).name == "a name longer than five"
    with pytest.raises(ValidationError):
        ThingPublic(id=1, name="x")  # a full row always has every field
