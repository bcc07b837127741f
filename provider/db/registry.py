"""Imports every package's table models so SQLModel.metadata (and Alembic) sees all of them.

This is a composition root for the database: the model modules come from the manifests of the
packages `provider.domains` lists.
"""

from __future__ import annotations

from sqlmodel import SQLModel

from provider.domains import manifests
from provider.manifest import import_all


def model_modules() -> list[str]:
    return [module for manifest in manifests() for module in manifest.model_modules]


def load_all_models() -> type[SQLModel]:
    import_all(model_modules())
    return SQLModel
