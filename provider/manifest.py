"""What a package plugs into the platform, declared in one place: its manifest.

Each package that adds routes, pages, tables, jobs or demo data declares a `MANIFEST` in its
`__init__.py`, and the composition roots (the app factory, the model registry, the job catalogue,
`pecr demo` and `pecr bench`) loop over the manifests listed in `provider.domains`. A manifest is
data only: it names the package's modules as strings ("module" or "module:attribute"), so importing a
package to read its manifest does no I/O, imports none of the package's heavy modules, and cannot
start an import cycle; each root imports only what it uses (`resolve`). A manifest names modules of
its own package only (a test checks this), so the layering the import-graph test enforces holds for
these string references too.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # type names only: importing this module imports nothing of the platform
    from datetime import datetime

    from sqlalchemy import Engine

    from provider.security.actor import Actor
    from provider.security.roles import Permission


@dataclass(frozen=True)
class NavLink:
    """An entry in the navigation; the menu shows every package's entries sorted by `position`."""

    label: str
    href: str
    permission: Permission | None
    position: int


@dataclass(frozen=True)
class PanelRef:
    """A box on the dashboard: "module:attribute" of a `provider.web.rendering.DashboardPanel`, or of a
    function returning a list of them, made from what packages registered (the reminders box)."""

    panel: str
    position: int


@dataclass(frozen=True)
class BenchOption:
    """One option of a `pecr bench` command (`--count`, `--trace-memory`), as the command line shows it.

    Declared as data rather than read from the benchmark function's signature, so `pecr --help`
    need not import the benchmark's modules (reportlab, the whole web app) to list it.
    """

    name: str
    default: int | bool
    help: str
    minimum: int | None = None


@dataclass(frozen=True)
class Benchmark:
    """`pecr bench <name>`: `run` ("module:function") is called as `run(context, **options)` and returns
    the JSON-serialisable result that the command prints; `summary` is the command's help line."""

    name: str
    run: str
    summary: str
    options: tuple[BenchOption, ...] = ()


@dataclass(frozen=True)
class BenchContext:
    """What a benchmark gets: a migrated scratch engine, and `progress(label, total)`, a context
    manager yielding `advance(done)` that draws a progress bar on the operator's terminal."""

    engine: Engine
    progress: Callable[[str, int], AbstractContextManager[Callable[[int], None]]]


@dataclass(frozen=True)
class DemoContext:
    """What a demo loader gets besides the session: who loads, when, and how many demo subscribers
    a first start asks for. A loader returns the lines to tell the operator ([] when it added nothing)."""

    actor: Actor
    now: datetime
    subscribers: int


@dataclass(frozen=True)
class Manifest:
    """Everything `package` plugs in. Strings name modules ("breach.models") or attributes
    ("breach.views:router"); template folders are relative to the package's directory."""

    package: str
    # APIRouter objects, included in this order (a static path before a parameter path that would take it).
    routers: tuple[str, ...] = ()
    navigation: tuple[NavLink, ...] = ()
    dashboard_panels: tuple[PanelRef, ...] = ()
    # `provider.subscribers.panels.SubscriberPanel` objects shown on each subscriber's page.
    subscriber_panels: tuple[str, ...] = ()
    # Modules defining SQLModel tables, so metadata (and Alembic) sees every table.
    model_modules: tuple[str, ...] = ()
    # Modules registering scheduled jobs with `provider.scheduler.registry` when imported.
    job_modules: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()
    # Permissions this package introduces; each is also an API-token scope of the same name.
    permissions: tuple[Permission, ...] = ()
    # "module:function" called as `function(session, DemoContext)` on a first start (`pecr serve`).
    demo: str | None = None
    benchmarks: tuple[Benchmark, ...] = ()
    # Modules imported only for what they register elsewhere (deadline kinds, label tables, ...).
    registrations: tuple[str, ...] = ()
    # "module:attribute" of `typer.Typer` groups added to `pecr` under their own names (`pecr traffic ...`).
    commands: tuple[str, ...] = ()

    def references(self) -> Iterator[str]:
        """Every module or attribute the manifest names, for the tests that check they exist."""
        yield from self.routers
        yield from (panel.panel for panel in self.dashboard_panels)
        yield from self.subscriber_panels
        yield from self.model_modules
        yield from self.job_modules
        yield from ([self.demo] if self.demo else [])
        yield from (benchmark.run for benchmark in self.benchmarks)
        yield from self.registrations
        yield from self.commands

    def template_folders(self) -> list[Path]:
        root = Path(importlib.import_module(self.package).__file__).parent
        return [root / folder for folder in self.templates]


def resolve(reference: str) -> Any:
    """The module "a.b", or the attribute "a.b:name" of it, imported now."""
    module_name, _, attribute = reference.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attribute) if attribute else module


def import_all(references: tuple[str, ...] | list[str]) -> None:
    for reference in references:
        resolve(reference)
