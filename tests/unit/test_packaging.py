"""``pip install .`` (not editable) gives a working server with everything it serves."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [built] = out.glob("sunshine_signage-*.whl")
    return built


@pytest.mark.slow
def test_wheel_carries_templates_static_catalogs_migrations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "signage_server/templates/base.html",
        "signage_server/templates/accounts/login.html",
        "signage_server/static/css/signage.css",
        "signage_server/static/vendor/bootstrap/bootstrap.min.css",
        "signage_server/static/vendor/bootstrap/bootstrap.bundle.min.js",
        "signage_server/translations/zh_Hans_CN/LC_MESSAGES/messages.mo",
        "signage_server/migrations/env.py",
        "signage_server/migrations/script.py.mako",
        "signage_server/migrations/versions/0001_orgs_users_roles_tokens.py",
        "content/__init__.py",
        "layouts/__init__.py",
        "player/__init__.py",
    ):
        assert required in names, required
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "signage = signage_server.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
    assert not any(n.startswith("tests/") for n in names)


@pytest.mark.slow
def test_installed_wheel_runs_without_the_source_tree(wheel: Path, tmp_path: Path) -> None:
    """Unpack the wheel alone on sys.path and drive the app from an unrelated directory."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = """
import signage_server, sys
assert signage_server.__file__.startswith(sys.argv[1]), signage_server.__file__
from signage_server import create_app
from signage_server.cli.db import init_db
from signage_server.cli.demo import seed_demo
app = create_app({"argon2_time_cost": 1, "argon2_memory_cost": 1024, "argon2_parallelism": 1})
with app.app_context():
    init_db()
    seed_demo()
client = app.test_client()
assert client.get("/healthz").get_json()["status"] == "ok"
login = client.get("/login").get_data(as_text=True)
assert "工作人员登录" in login, login[:300]
assert client.get("/static/vendor/bootstrap/bootstrap.min.css").status_code == 200
print("OK")
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNAGE_")}
    env |= {"PYTHONPATH": str(site), "SIGNAGE_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            f"import sys; sys.path.insert(0, {str(site)!r}); exec({script!r})",
            str(site),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("OK")


def test_vendored_front_end_matches_the_lock_file() -> None:
    """What is served is exactly what package-lock.json names (see `make vendor`)."""
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    manifest = json.loads((ROOT / "vendor-manifest.json").read_text(encoding="utf-8"))
    listed = {entry["to"] for entry in package["vendor"]}
    recorded = {path for info in manifest.values() for path in info["files"]}
    assert listed == recorded
    for name, info in manifest.items():
        assert package["dependencies"][name] == info["version"], name
        assert lock[f"node_modules/{name}"]["version"] == info["version"], name
        assert lock[f"node_modules/{name}"]["integrity"] == info["integrity"], name
        for path, meta in info["files"].items():
            digest = hashlib.sha256((ROOT / path).read_bytes()).hexdigest()
            assert digest == meta["sha256"], f"{path} differs from {name}@{info['version']}"
            source = ROOT / "node_modules" / meta["from"]
            if source.exists():  # after `npm ci`: byte-for-byte what the registry gave
                assert source.read_bytes() == (ROOT / path).read_bytes(), path
