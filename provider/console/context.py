"""What every command needs: settings from the environment, an engine, the system clock."""

from __future__ import annotations

from functools import lru_cache

from rich.console import Console
from sqlalchemy import Engine

from provider.clock import Clock, SystemClock
from provider.db.engine import make_engine
from provider.settings import Settings, get_settings

err = Console(stderr=True)
out = Console()


def settings() -> Settings:
    return get_settings()


@lru_cache(maxsize=1)
def engine() -> Engine:
    return make_engine(settings().database_url, connect_timeout=settings().database_connect_timeout)


def clock() -> Clock:
    return SystemClock()
