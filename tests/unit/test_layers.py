"""The layering of the server, checked: rules <- services <- edges.

* **Edges** are the modules that meet the outside world: view modules (``views.py``,
  ``*_views.py``), API modules (``api.py``, ``*_api.py``), the socket handlers
  (``realtime/events.py``) and the command line (``signage_server/cli/``). An edge parses
  input, calls one service and renders the answer.
* Every route and socket handler lives in an edge module.
* Edges do not query: they import neither SQLAlchemy nor ``signage_server.db``.
* Edges do not import each other; nothing but the wiring (a package's ``__init__``, the app
  factory) imports an edge.
* A function-local import of a server module says why it is not at the top: the cycle that
  forces it (``# cycle:``) or why it must load late (``# lazy:``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "signage_server"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)
#: How a function-local import says why it is not at the top (a comment above it, in the
#: function): an import cycle, or a module that must load only when needed.
REASONS = ("# cycle:", "# lazy:")
ROUTE_DECORATORS = {"route", "get", "post", "put", "patch", "delete", "on", "on_event"}


def dotted(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_edge(path: Path) -> bool:
    rel = path.relative_to(PACKAGE)
    name = path.stem
    return (
        name in {"views", "api"}
        or name.endswith(("_views", "_api"))
        or rel.as_posix() == "realtime/events.py"
        or rel.parts[0] == "cli"
    )


EDGES = [p for p in MODULES if is_edge(p)]
EDGE_NAMES = {dotted(p) for p in EDGES}
WIRING = {p for p in MODULES if p.name == "__init__.py"}


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def imported(path: Path) -> list[tuple[str, ast.stmt]]:
    """Every module ``path`` imports (``from a import b`` counts as a and a.b)."""
    found: list[tuple[str, ast.stmt]] = []
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = dotted(path).split(".")
                if path.name != "__init__.py":
                    package = package[:-1]
                package = package[: len(package) - node.level + 1]
                base = ".".join([*package, base] if base else package)
            found.append((base, node))
            found.extend((f"{base}.{alias.name}", node) for alias in node.names)
    return found


def ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in paths]


def same_command_line(one: str, other: str) -> bool:
    """The command line is one edge: its modules share its helpers (``cli/base``, ``lookup``)."""
    return one.startswith("signage_server.cli") and other.startswith("signage_server.cli")


def test_edges_are_found() -> None:
    assert len(EDGES) >= 20, ids(EDGES)


@pytest.mark.parametrize("path", MODULES, ids=ids(MODULES))
def test_routes_and_socket_handlers_live_in_edges(path: Path) -> None:
    if is_edge(path):
        return
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr in ROUTE_DECORATORS
                    and isinstance(target.value, ast.Name)
                    and target.value.id in {"bp", "blueprint", "api", "socketio", "app"}
                ):
                    pytest.fail(f"{node.name} is a route or handler outside an edge module")


@pytest.mark.parametrize("path", EDGES, ids=ids(EDGES))
def test_edges_do_not_query(path: Path) -> None:
    bad = sorted(
        {
            name
            for name, _ in imported(path)
            if name.split(".")[0] == "sqlalchemy" or name == "signage_server.db"
        }
    )
    assert not bad, f"an edge imports {bad}: move the query into a service"


@pytest.mark.parametrize("path", MODULES, ids=ids(MODULES))
def test_only_wiring_imports_edges(path: Path) -> None:
    if path in WIRING:
        return
    own = dotted(path)
    bad = sorted(
        {
            name
            for name, _ in imported(path)
            if name in EDGE_NAMES and name != own and not same_command_line(own, name)
        }
    )
    assert not bad, f"{own} imports the edge(s) {bad}"


@pytest.mark.parametrize("path", MODULES, ids=ids(MODULES))
def test_local_imports_name_their_cycle(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    module = tree(path)
    bare: list[str] = []
    for function in ast.walk(module):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
            if isinstance(node, ast.ImportFrom) and node.level:
                names = ["signage_server"]
            if not any(n.split(".")[0] == "signage_server" for n in names):
                continue
            before = lines[function.lineno - 1 : node.lineno]
            if not any(reason in line for line in before for reason in REASONS):
                bare.append(f"line {node.lineno}")
    assert not bare, f"function-local imports without a '# cycle:' reason: {bare}"
