"""The package's shape: no import cycle, no module over 450 lines, no class over 300.

The import graph is read from the source with ``ast`` (every ``import``, also
those inside functions), so nothing is imported to check it.
"""

import ast
import functools
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "skactive"
MAX_MODULE_LINES = 450
MAX_CLASS_LINES = 300


def module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@functools.cache
def sources():
    """``{module name: (path, syntax tree)}`` of every module of the package."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        found[module_name(path)] = (path, ast.parse(path.read_text(), str(path)))
    return found


def imported_modules(name, path, tree, modules):
    """The package's modules that module ``name`` imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            bases = [alias.name for alias in node.names]
            targets.update(b for b in bases if b.split(".")[0] == "skactive")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                base = ".".join(base + ([node.module] if node.module else []))
            elif (node.module or "").split(".")[0] == "skactive":
                base = node.module
            else:
                continue
            # ``from . import _geometry`` names a module; ``from ._geometry
            # import lcmd`` a name inside one.
            submodules = {f"{base}.{alias.name}" for alias in node.names}
            targets.update(submodules & set(modules) or {base})
    return {target for target in targets if target in modules} - {name}


@functools.cache
def import_graph():
    modules = sources()
    return {
        name: imported_modules(name, path, tree, modules)
        for name, (path, tree) in modules.items()
    }


def cycles(graph):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_relative_and_absolute_imports():
    graph = import_graph()
    assert "skactive._geometry" in graph["skactive.strategies._greedy"]
    assert "skactive._budget" in graph["skactive.simulation"]
    assert "skactive.simulation" in graph["skactive"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle():
    assert cycles(import_graph()) == []


def _module_paths():
    paths = sorted(PACKAGE.rglob("*.py"))
    return [str(path.relative_to(PACKAGE.parent)) for path in paths]


@pytest.mark.parametrize("path", _module_paths())
def test_module_size(path):
    n_lines = len((PACKAGE.parent / path).read_text().splitlines())
    assert n_lines <= MAX_MODULE_LINES, f"{path}: {n_lines} lines"


@functools.cache
def _class_lines():
    sizes = {}
    for name, (_, tree) in sources().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                sizes[f"{name}.{node.name}"] = node.end_lineno - node.lineno + 1
    return sizes


@pytest.mark.parametrize("name", sorted(_class_lines()))
def test_class_size(name):
    n_lines = _class_lines()[name]
    assert n_lines <= MAX_CLASS_LINES, f"{name}: {n_lines} lines"
