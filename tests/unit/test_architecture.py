"""Keep the structure honest: pure rules stay pure, config is read in one place."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "signage_server"
FRAMEWORKS = ("flask", "flask_", "sqlalchemy", "werkzeug", "alembic", "gevent", "redis")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def module_path(name: str) -> Path | None:
    parts = name.split(".")
    if parts[0] != "signage_server":
        return None
    base = ROOT.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def transitive_imports(path: Path, seen: set[Path] | None = None) -> set[str]:
    seen = seen if seen is not None else set()
    if path in seen:
        return set()
    seen.add(path)
    names = imports_of(path)
    found = set(names)
    for name in names:
        inner = module_path(name)
        if inner is not None:
            found |= transitive_imports(inner, seen)
    return found


RULES = [
    *sorted(PACKAGE.rglob("rules.py")),
    PACKAGE / "disclosure" / "audience.py",
    PACKAGE / "disclosure" / "notices.py",
    PACKAGE / "disclosure" / "windows.py",
    PACKAGE / "catalog" / "tally.py",
    PACKAGE / "i18n.py",
    PACKAGE / "errors.py",
    PACKAGE / "web" / "dates.py",
    PACKAGE / "screens" / "choices.py",
    PACKAGE / "paper" / "layout.py",
    PACKAGE / "assessment" / "charts.py",
]


@pytest.mark.parametrize("path", RULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_rules_import_no_framework(path: Path) -> None:
    offending = sorted(
        name for name in transitive_imports(path) if name.split(".")[0].startswith(FRAMEWORKS)
    )
    assert not offending, f"{path.name} reaches {offending}"


#: The domain packages that keep their rules in a pure ``rules.py``.
DOMAINS_WITH_RULES = {
    "accounts",
    "assessment",
    "audit",
    "catalog",
    "disclosure",
    "feedback",
    "lease",
    "orgs",
    "overview",
    "paper",
    "paper/jobs",
    "public",
    "schedule",
    "screens",
    "workdays",
}


def modules_imported(path: Path) -> set[str]:
    """Return the modules ``path`` imports, ``from a import b`` counting as ``a.b`` too."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_rules_modules_exist_for_each_domain() -> None:
    """Each domain package with rules keeps them in ``rules.py``, checked pure above and
    unit-tested under tests/unit/."""
    found = {str(p.parent.relative_to(PACKAGE)) for p in PACKAGE.rglob("rules.py")}
    assert found >= DOMAINS_WITH_RULES, f"rules.py gone from {DOMAINS_WITH_RULES - found}"
    tested = set().union(*(modules_imported(p) for p in (ROOT / "tests" / "unit").rglob("*.py")))
    for package in sorted(found):
        assert PACKAGE / package / "rules.py" in RULES
        module = "signage_server." + package.replace("/", ".") + ".rules"
        assert module in tested, f"no unit test under tests/unit/ imports {module}"


def test_only_config_reads_the_environment() -> None:
    for path in PACKAGE.rglob("*.py"):
        if path.name == "config.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert "os.environ" not in text and "getenv" not in text, path


def test_no_print_in_the_server() -> None:
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [
            n
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "print"
        ]
        assert not calls, path


#: Installed for the tests only (pyproject's ``test`` extra), absent from a production server.
TEST_ONLY = ("pypdf", "pytest", "hypothesis", "playwright", "websocket")


BENCH = PACKAGE / "bench"
CLI = PACKAGE / "cli"


def test_the_server_imports_no_test_only_package() -> None:
    """A production install (``pip install .[production]``) lacks the test tools: a dossier
    that counted its pages with pypdf failed there."""
    for path in [*PACKAGE.rglob("*.py"), *(ROOT / "content").rglob("*.py")]:
        if path.is_relative_to(BENCH):
            continue  # the benchmarks drive chromium: a developer's tool, run from a checkout
        found = {name for name in imports_of(path) if name.split(".")[0] in TEST_ONLY}
        assert not found, (path, found)


def test_only_the_command_line_imports_the_benchmarks() -> None:
    """The bench package is a developer's tool: no module of the server imports it, at the
    top or in a function; only the ``bench`` command group (which loads it on use) does."""
    for path in [*PACKAGE.rglob("*.py"), *(ROOT / "content").rglob("*.py")]:
        if path.is_relative_to(BENCH) or path.is_relative_to(CLI):
            continue
        found = {n for n in imports_of(path) if n.split(".")[:2] == ["signage_server", "bench"]}
        assert not found, (path, found)


def test_the_app_does_not_load_the_benchmarks(tmp_path: Path) -> None:
    """Building the app (which attaches every command group) imports no bench module."""
    script = (
        "import sys\n"
        "from signage_server import create_app\n"
        "create_app()\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[:2] == ['signage_server', 'bench'])\n"
        "assert not loaded, loaded\n"
        "assert 'signage_server.cli.root' in sys.modules\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=os.environ | {"SIGNAGE_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
