"""Deriving the Update and Public schemas of a SQLModel family from its Base, so each field is declared once.

`all_optional(Base)` is the base of an Update schema: every field optional with default None and its
bounds kept, so a PATCH validates what it sends as a create would, and `model_dump(exclude_unset=True)`
tells which fields were sent. `unbounded(Base)` is a base of a Public schema: every field required, as
a full row always has it, with its type but without input bounds, so a stored row stays readable when a
bound is tightened later (an answer is never a 500).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import create_model
from sqlmodel import Field, SQLModel


def all_optional(model: type[SQLModel]) -> type[SQLModel]:
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        annotation: Any = info.annotation | None
        if info.metadata:
            annotation = Annotated[annotation, *info.metadata]
        fields[name] = (annotation, Field(default=None, description=info.description))
    return create_model(f"{model.__name__}AllOptional", __base__=SQLModel, **fields)


def unbounded(model: type[SQLModel]) -> type[SQLModel]:
    fields = {name: (info.annotation, Field(description=info.description)) for name, info in model.model_fields.items()}
    return create_model(f"{model.__name__}Unbounded", __base__=SQLModel, **fields)
