"""Imports every package's table models so SQLModel.metadata (and Alembic) sees all of them.

This is a composition root for the database: the one place that knows every domain's models.
"""

from __future__ import annotations

import importlib

from sqlmodel import SQLModel

MODEL_MODULES = (
    "provider.security.models",
    "provider.profile.models",
    "provider.subscribers.models",
    "provider.scheduler.models",
    "provider.wording.models",
    "breach.models",
    "breach.log.models",
    "breach.notices.models",
    "breach.reminders.models",
)


def load_all_models() -> type[SQLModel]:
    for name in MODEL_MODULES:
        importlib.import_module(name)
    return SQLModel
