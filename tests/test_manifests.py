"""The manifests are complete and consistent: what they name exists and belongs to their own package,
no two packages' templates can shadow each other, and nothing that plugs in is left out of them."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pytest
from fastapi import APIRouter

from provider import domains
from provider.clock import FrozenClock
from provider.manifest import Manifest, resolve
from provider.security.roles import Permission
from provider.settings import Settings
from provider.subscribers.panels import SubscriberPanel
from provider.web.app import create_app
from provider.web.rendering import DashboardPanel
from tests.conftest import START
from tests.provider.route_walk import endpoints
from tests.test_layering import PROJECT, project_modules

MANIFESTS = domains.manifests()


def shadowed_templates(folders: Iterable[Path]) -> dict[str, list[Path]]:
    """Template names (as `render` is given them) that more than one folder provides, with the folders."""
    providers: dict[str, list[Path]] = defaultdict(list)
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                providers[path.relative_to(folder).as_posix()].append(folder)
    return {name: where for name, where in providers.items() if len(where) > 1}


def _declared_folders() -> list[Path]:
    return [folder for manifest in MANIFESTS for folder in manifest.template_folders()]


def test_no_two_packages_templates_shadow_each_other():
    assert shadowed_templates(_declared_folders()) == {}


def test_the_shadowing_check_reports_two_folders_providing_one_name(tmp_path):
    for package in ("first", "second"):
        (tmp_path / package / "breach").mkdir(parents=True)
        (tmp_path / package / "breach" / "list.html").write_text("<p>{{ breach }}</p>")
    (tmp_path / "second" / "breach" / "own.html").write_text("")
    found = shadowed_templates([tmp_path / "first", tmp_path / "second"])
    assert found == {"breach/list.html": [tmp_path / "first", tmp_path / "second"]}


def test_every_template_folder_on_disk_is_declared_by_a_manifest():
    on_disk = {
        path
        for package in ("provider", "breach", "traffic", "directories")
        for path in (PROJECT / package).rglob("templates")
        if path.is_dir() and not any(part == "templates" for part in path.relative_to(PROJECT).parts[:-1])
    }
    declared = _declared_folders()
    assert len(declared) == len(set(declared)), "a template folder is declared twice"
    assert on_disk == set(declared)


def test_every_package_that_plugs_in_is_listed_once():
    names = [*domains.CORE, *domains.DOMAINS]
    assert len(names) == len(set(names))
    assert [manifest.package for manifest in MANIFESTS] == names
    assert not set(domains.PLANNED_DOMAINS) & set(names)


@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda manifest: manifest.package)
def test_a_manifest_names_only_its_own_packages_modules_and_each_exists(manifest: Manifest):
    for reference in manifest.references():
        module = reference.partition(":")[0]
        assert module == manifest.package or module.startswith(manifest.package + "."), reference
        assert resolve(reference) is not None, reference
    for folder in manifest.template_folders():
        assert folder.is_dir(), folder


@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda manifest: manifest.package)
def test_what_a_manifest_names_is_of_the_kind_its_root_expects(manifest: Manifest):
    assert all(isinstance(resolve(router), APIRouter) for router in manifest.routers)
    for panel in manifest.dashboard_panels:
        found = resolve(panel.panel)
        assert isinstance(found, DashboardPanel) or all(isinstance(box, DashboardPanel) for box in found())
    assert all(isinstance(resolve(panel), SubscriberPanel) for panel in manifest.subscriber_panels)
    assert manifest.demo is None or callable(resolve(manifest.demo))
    for benchmark in manifest.benchmarks:
        parameters = list(inspect.signature(resolve(benchmark.run)).parameters)
        assert parameters[1:] == [option.name for option in benchmark.options], benchmark.name


HTTP_METHODS = {"get", "post", "put", "patch", "delete", "api_route"}


def _route_functions(tree: ast.Module) -> list[str]:
    """Top-level functions decorated `@<router>.get(...)`, `.post(...)`, ...: the module's endpoints."""
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and any(
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr in HTTP_METHODS
            for decorator in node.decorator_list
        )
    ]


def test_every_route_the_packages_define_is_served(sqlite_engine):
    """An endpoint that no manifest's router reaches would be dead code: a forgotten manifest line."""
    app = create_app(settings=Settings(env="test"), clock=FrozenClock(START), engine=sqlite_engine)
    served = {endpoint.dependant.call for endpoint in endpoints(app)}
    unserved = [
        f"{name}.{function}"
        for name, path in project_modules().items()
        for function in _route_functions(ast.parse(path.read_text(encoding="utf-8")))
        if getattr(resolve(name), function) not in served
    ]
    assert unserved == []
    assert len(served) > 50


def test_each_permission_is_introduced_by_exactly_one_package():
    declared = [permission for manifest in MANIFESTS for permission in manifest.permissions]
    assert len(declared) == len(set(declared))
    assert set(declared) == set(Permission)


def test_navigation_and_panel_positions_are_unique():
    positions = [link.position for manifest in MANIFESTS for link in manifest.navigation]
    panels = [panel.position for manifest in MANIFESTS for panel in manifest.dashboard_panels]
    assert len(positions) == len(set(positions)) and len(panels) == len(set(panels))


def test_reading_the_manifests_imports_none_of_the_packages_modules():
    """A package's __init__ holds its docstring and manifest only: no I/O, no heavy import, no cycle."""
    probe = "import sys\nfrom provider import domains\ndomains.manifests()\nprint(' '.join(sorted(sys.modules)))\n"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=PROJECT, check=True)
    loaded = set(result.stdout.split())
    packages = {*domains.CORE, *domains.DOMAINS}
    extra = {
        module
        for module in loaded
        if module.partition(".")[0] in ("provider", "breach", "traffic", "directories")
        and module not in packages | {"provider", "provider.domains", "provider.manifest", "provider.security.roles"}
    }
    assert extra == set()
    assert not loaded & {"sqlalchemy", "sqlmodel", "fastapi", "reportlab", "jinja2"}


def test_the_readme_example_manifest_is_valid_and_its_line_count_is_right():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Adding a domain") :]
    example = section[section.index("```python\n") + len("```python\n") :]
    example = example[: example.index("```")]
    namespace: dict[str, object] = {}
    exec(compile(example, "README example", "exec"), namespace)
    manifest = namespace["MANIFEST"]
    assert isinstance(manifest, Manifest) and manifest.package == "traffic"
    assert all(reference.startswith("traffic.") for reference in manifest.references())
    assert f"({len(example.rstrip().splitlines())} lines)" in section
