"""The import graph follows shared/design.md's layers: imports point down only.

* The core (`provider/` minus its domain sub-packages) imports no domain, except the composition
  roots, which are the only modules that know every domain.
* A domain imports the core, and of another domain only what that domain's `__init__` exports:
  never its internals (`breach.service`, `breach.models`), and never a composition root.

Domains are the packages `provider.domains` lists (DOMAINS and PLANNED_DOMAINS), so the
provider-level domains inside `provider/` (line identification, billing, ...) count as domains even
before they exist. Every module is parsed with `ast`, imports inside functions included.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

from provider import domains

PROJECT = Path(__file__).resolve().parents[1]
TOP_PACKAGES = ("provider", "breach", "traffic", "directories")
COMPOSITION_ROOTS = (
    "provider.web.app",
    "provider.console",
    "provider.db.registry",
    "provider.scheduler.catalogue",
    "provider.domains",
)
DOMAINS = (*domains.DOMAINS, *domains.PLANNED_DOMAINS)

Graph = dict[str, set[str]]


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def project_modules(root: Path = PROJECT) -> dict[str, Path]:
    """Every module of the project's packages, by dotted name (a package by its own name)."""
    found = {}
    for package in TOP_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imported_names(source: str, module: str, is_package: bool) -> Iterator[str]:
    """Every name an import statement anywhere in `source` may load: `from a import b` gives "a" and
    "a.b" (b may be a module); relative imports are made absolute."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".") if is_package else module.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def import_graph(modules: dict[str, Path]) -> Graph:
    """Module -> the project modules it imports (a name that is no module, e.g. a class, is dropped)."""
    graph: Graph = {}
    for name, path in modules.items():
        names = imported_names(path.read_text(encoding="utf-8"), name, path.name == "__init__.py")
        graph[name] = {target for target in names if target in modules and target != name}
    return graph


def domain_of(module: str, domain_names: Iterable[str]) -> str | None:
    """The domain a module belongs to (the innermost, for provider.billing inside provider), or None."""
    owners = [domain for domain in domain_names if _within(module, domain)]
    return max(owners, key=len) if owners else None


def violations(graph: Graph, domain_names: Iterable[str], roots: Iterable[str]) -> list[str]:
    """Every import that points up (core to a domain, a domain to a composition root) or sideways
    (a domain into another domain's internals), as sentences."""
    domain_names, roots = tuple(domain_names), tuple(roots)
    found = []
    for importer, targets in sorted(graph.items()):
        if any(_within(importer, root) for root in roots):
            continue
        mine = domain_of(importer, domain_names)
        for target in sorted(targets):
            theirs = domain_of(target, domain_names)
            if mine is not None and any(_within(target, root) for root in roots):
                found.append(f"{importer} (domain {mine}) imports the composition root {target}")
            elif theirs is None or theirs == mine:
                continue
            elif mine is None:
                found.append(f"{importer} (core) imports {target} of the domain {theirs}")
            elif target != theirs:
                found.append(
                    f"{importer} (domain {mine}) imports {target}, an internal of the domain {theirs}: "
                    f"use what {theirs}/__init__.py exports"
                )
    return found


def test_no_import_points_up_or_sideways():
    graph = import_graph(project_modules())
    assert violations(graph, DOMAINS, COMPOSITION_ROOTS) == []


def test_the_walk_sees_the_project_and_imports_inside_functions():
    modules = project_modules()
    assert {"provider.web.app", "breach", "breach.log.views", "provider.console.demo"} <= set(modules)
    graph = import_graph(modules)
    assert "provider.subscribers.phone" in graph["breach.notices.recipients"]  # from provider.subscribers import phone
    # provider.web.app imports the scheduler's embedding only inside create_app.
    assert "provider.scheduler.embedded" in graph["provider.web.app"]


def test_relative_and_function_level_imports_are_resolved():
    source = "from . import rules\nfrom ..notices import service\n\ndef f():\n    from breach import models\n"
    names = set(imported_names(source, "breach.log.views", is_package=False))
    assert {"breach.log.rules", "breach.notices.service", "breach.models"} <= names
    assert "breach.log.rules" in set(imported_names("from . import rules\n", "breach.log", is_package=True))


FAKE_DOMAINS = ("breach", "traffic", "provider.billing")


def test_the_checker_reports_an_upward_import_from_the_core():
    found = violations({"provider.subscribers.views": {"breach.service", "provider.db"}}, FAKE_DOMAINS, ())
    assert found == ["provider.subscribers.views (core) imports breach.service of the domain breach"]


def test_the_checker_reports_the_core_importing_a_domain_inside_provider():
    found = violations({"provider.notices.pdf": {"provider.billing"}}, FAKE_DOMAINS, ())
    assert found == ["provider.notices.pdf (core) imports provider.billing of the domain provider.billing"]


def test_the_checker_reports_a_sideways_import_into_another_domains_internals():
    found = violations({"traffic.service": {"breach.rules", "breach"}}, FAKE_DOMAINS, ())
    assert len(found) == 1 and found[0].startswith("traffic.service (domain traffic) imports breach.rules")


def test_the_checker_reports_a_provider_level_domain_importing_breach():
    found = violations({"provider.billing.service": {"breach.models", "provider.subscribers"}}, FAKE_DOMAINS, ())
    assert len(found) == 1 and "provider.billing.service (domain provider.billing) imports breach.models" in found[0]


def test_the_checker_reports_a_domain_importing_a_composition_root():
    found = violations({"breach.views": {"provider.web.app"}}, FAKE_DOMAINS, ("provider.web.app",))
    assert found == ["breach.views (domain breach) imports the composition root provider.web.app"]


def test_the_checker_allows_what_the_layers_allow():
    graph = {
        "provider.web.app": {"breach.views", "provider.billing.api"},  # a composition root knows every domain
        "breach.notices.bulk": {"breach.models", "provider.security.audit"},  # its own package and the core
        "traffic.service": {"breach"},  # another domain's public __init__
        "provider.billing.rules": {"provider.billing.models", "provider.clock"},
    }
    assert violations(graph, FAKE_DOMAINS, ("provider.web.app",)) == []
