"""The layout of the code (issue 11): the parts named by the sub-packages depend one way.

Imports are read from the source with `ast` (module-level and inside functions alike), so a lazy
import cannot hide a dependency."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from helpers import ROOT

PACKAGE = ROOT / "generator"
# What each part may import from the generator, lowest first; MkDocs only in the adapter and cli.
LAYERS = {
    "generator.errors": (),
    "generator.dates": (),
    "generator.digests": (),
    "generator.sources": ("generator.errors", "generator.dates"),
    "generator.core": ("generator.errors", "generator.dates", "generator.digests", "generator.sources"),
    "generator.outputs": ("generator.errors", "generator.dates", "generator.digests", "generator.sources", "generator.core"),
    "generator.importer": ("generator.errors", "generator.dates", "generator.digests", "generator.sources", "generator.core"),
    "generator.adapter": ("generator.errors", "generator.dates", "generator.digests", "generator.sources", "generator.core", "generator.outputs"),
    "generator.cli": ("generator.errors", "generator.dates", "generator.digests", "generator.sources", "generator.core", "generator.outputs", "generator.adapter", "generator.importer"),
}
MKDOCS_ALLOWED = ("generator.adapter", "generator.cli")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
GRAPH = {name: {i for i in imports_of(p) if i in MODULES and i != name and i != "generator"} for name, p in MODULES.items()}


def part_of(name: str) -> str | None:
    return next((layer for layer in LAYERS if name == layer or name.startswith(layer + ".")), None)


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n != "generator"))
def test_each_module_belongs_to_a_part_and_imports_only_below_it(name):
    part = part_of(name)
    assert part, f"{name} lies in no named part of generator/"
    wrong = sorted(i for i in GRAPH[name] if not within(i, (part, *LAYERS[part])))
    assert not wrong, f"{name} ({part}) imports {wrong}"


@pytest.mark.parametrize("name", sorted(n for n in MODULES if not within(n, MKDOCS_ALLOWED)))
def test_only_the_adapter_and_cli_import_mkdocs(name):
    assert not any(within(i, ("mkdocs", "material")) for i in imports_of(MODULES[name])), name


def test_no_import_cycle():
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(GRAPH[node]):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for start in sorted(GRAPH):
        if start not in state:
            visit(start, [start])
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)


ADAPTER = sorted(p for p in (PACKAGE / "adapter").glob("*.py") if p.name != "private.py")


@pytest.mark.parametrize("path", ADAPTER, ids=lambda p: p.name)
def test_only_private_py_reaches_into_another_objects_private_names(path):
    reached = [
        f"{path.name}:{node.lineno}: .{node.attr}"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
        and not (isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"})
    ]
    assert not reached, reached


def test_the_plugin_is_a_thin_shell():
    lines = (PACKAGE / "adapter" / "plugin.py").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 220, f"plugin.py has {len(lines)} lines; the logic belongs in the core, outputs or documents.py"
