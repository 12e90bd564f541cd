"""``signage backup`` and ``signage restore``, end to end with the installed console script, on
SQLite and PostgreSQL: a backup taken while a writer holds a transaction open, restored into a
fresh data directory and database, verifies and serves the screens the same; a changed backup
is refused before anything is touched; an installation is never overwritten unasked."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from signage_server import migrations
from signage_server.db import create_engine
from signage_server.ops.backup import BackupError
from signage_server.ops.backup import Target
from signage_server.ops.backup import backup
from signage_server.ops.backup import restore
from tests.conftest import fresh_postgres_database
from tests.servers import SIGNAGE
from tests.servers import Installation
from tests.servers import installed

pytestmark = pytest.mark.slow


@contextmanager
def environment(kind: str, data_dir: Path) -> Iterator[dict[str, str]]:
    """An environment of a new installation in ``data_dir``: SQLite there, or an empty
    PostgreSQL database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNAGE_")}
    env["SIGNAGE_DATA_DIR"] = str(data_dir)
    if kind == "sqlite":
        yield env
        return
    with fresh_postgres_database() as url:
        yield env | {"SIGNAGE_DATABASE_URL": url}


def signage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SIGNAGE, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def target(env: dict[str, str]) -> Target:
    data_dir = Path(env["SIGNAGE_DATA_DIR"])
    return Target(data_dir, env.get("SIGNAGE_DATABASE_URL", f"sqlite:///{data_dir}/signage.db"))


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(buffer, "PNG")
    return buffer.getvalue()


def screens_see(installation: Installation, tokens: list[str]) -> list[dict[str, object]]:
    """What each screen gets from the player API."""
    client = installation.app.test_client()
    seen = []
    for token in tokens:
        response = client.get(
            "/api/v1/player/manifest", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200, response.get_json()
        seen.append(response.get_json())
    return seen


@contextmanager
def writer_in_the_middle(env: dict[str, str]) -> Iterator[None]:
    """A writer holding an uncommitted change of every organisation's name (rolled back at
    the end): the backup must neither wait for it nor contain its change."""
    url = target(env).database_url
    if url.startswith("sqlite"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("UPDATE orgs SET name = name || ' (uncommitted)'")
        try:
            yield
        finally:
            connection.execute("ROLLBACK")
            connection.close()
        return
    engine = create_engine(url)
    with engine.connect() as pg:
        pg.execute(sa.text("UPDATE orgs SET name = name || ' (uncommitted)'"))
        try:
            yield
        finally:
            pg.rollback()
    engine.dispose()


@pytest.mark.parametrize(
    ("kind", "archive"),
    [("sqlite", False), ("postgresql", True)],
    ids=["sqlite-directory", "postgresql-tar.gz"],
)
def test_backup_while_writing_restores_what_screens_get(
    kind: str, archive: bool, tmp_path: Path
) -> None:
    with environment(kind, tmp_path / "live") as env:
        with installed(env) as live:
            live.cli("init-db")
            seeded = live.cli("seed-demo")
            tokens = re.findall(r"#token=(scr_[\w-]+)", seeded)
            assert len(tokens) == 5
            live.cli("print", "archive", "--item", "1", "--store")
            editor = live.cli("token", "create", "jiyi01_editor").strip()
            uploaded = live.app.test_client().post(
                "/api/v1/assets",
                data={"file": (io.BytesIO(png()), "photo.png")},
                headers={"Authorization": f"Bearer {editor}"},
                content_type="multipart/form-data",
            )
            assert uploaded.status_code == 201, uploaded.get_json()
            asset = uploaded.get_json()["url"]
            # A box agent's snapshot of the first screen (evidence: backed up too).
            shot = live.app.test_client().post(
                "/api/v1/player/snapshots",
                data=png(),
                headers={"Authorization": f"Bearer {tokens[0]}", "Content-Type": "image/png"},
            )
            assert shot.status_code == 201, shot.get_json()
            snapshot = shot.get_json()["sha256"]
            before = screens_see(live, tokens)
            assert all(seen["items"] for seen in before)
            picture = live.app.test_client().get(
                asset, headers={"Authorization": f"Bearer {editor}"}
            )
            assert picture.status_code == 200
        dest = tmp_path / ("backup.tar.gz" if archive else "backup")
        with writer_in_the_middle(env):
            made = signage(env, "backup", str(dest))
        assert made.returncode == 0, made.stderr
        assert "1 assets, 1 archive, 1 snapshots files" in made.stdout

        with environment(kind, tmp_path / "restored") as fresh:
            restored = signage(fresh, "restore", str(dest))
            assert restored.returncode == 0, restored.stderr
            verified = signage(fresh, "audit", "verify")
            assert verified.returncode == 0, verified.stdout + verified.stderr
            assert "Audit chain intact" in verified.stdout
            assert "WARNING" not in verified.stderr
            with installed(fresh) as copy:
                # The same screen tokens work and get the same manifests.
                assert screens_see(copy, tokens) == before
                again = copy.app.test_client().get(
                    asset, headers={"Authorization": f"Bearer {editor}"}
                )
                assert again.status_code == 200
                assert again.data == picture.data
            kept = target(fresh).data_dir / "snapshots" / snapshot[:2] / snapshot[2:4] / snapshot
            assert kept.is_file()
            # The writer's uncommitted change is not in the copy.
            engine = create_engine(target(fresh).database_url)
            with engine.connect() as connection:
                names = connection.execute(sa.text("SELECT name FROM orgs")).scalars().all()
            engine.dispose()
            assert names and not [n for n in names if "uncommitted" in n]
            # The restored installation is not overwritten unasked.
            with pytest.raises(BackupError, match="refusing to overwrite"):
                restore(dest, target(fresh))
            # Asked to, it replaces it (PostgreSQL: pg_restore --clean into the full database).
            engine = create_engine(target(fresh).database_url)
            with engine.begin() as connection:
                connection.execute(sa.text("DELETE FROM api_tokens"))
            engine.dispose()  # nothing may hold the database open during a restore
            restore(dest, target(fresh), force=True)
            with engine.connect() as connection:
                tokens_back = connection.execute(sa.text("SELECT count(*) FROM api_tokens"))
                assert tokens_back.scalar() == 1
                assert sorted(connection.execute(sa.text("SELECT name FROM orgs")).scalars()) == (
                    sorted(names)
                )
            engine.dispose()


@pytest.fixture(scope="module")
def small_backup(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small installation (the schema and a county, so a head log of one record) backed up
    into a folder by the console script, once for the tests below."""
    folder = tmp_path_factory.mktemp("small")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNAGE_")}
    env["SIGNAGE_DATA_DIR"] = str(folder / "live")
    with installed(env) as live:
        live.cli("init-db")
        live.cli("org", "create", "XIAN", "--name", "清源县", "--kind", "county")
    dest = folder / "backup"
    made = signage(env, "backup", str(dest))
    assert made.returncode == 0, made.stderr
    return dest


@pytest.fixture
def backup_folder(small_backup: Path, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """This test's own copy of the small backup, and the environment of an empty target."""
    dest = tmp_path / "backup"
    shutil.copytree(small_backup, dest)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNAGE_")}
    return dest, env | {"SIGNAGE_DATA_DIR": str(tmp_path / "restored")}


def test_a_changed_backup_is_refused_before_anything_is_touched(
    backup_folder: tuple[Path, dict[str, str]],
) -> None:
    dest, fresh = backup_folder
    key = dest / "data" / "audit_key"
    key.write_text("0" * 64 + "\n")
    refused = signage(fresh, "restore", str(dest))
    assert refused.returncode == 1
    assert "data/audit_key: changed" in refused.stderr
    assert not Path(fresh["SIGNAGE_DATA_DIR"]).exists()


def test_a_missing_or_added_part_is_refused(backup_folder: tuple[Path, dict[str, str]]) -> None:
    dest, fresh = backup_folder
    into = target(fresh)
    (dest / "data" / "assets").mkdir()
    (dest / "data" / "assets" / "extra").write_bytes(b"not backed up")
    with pytest.raises(BackupError, match="data/assets/extra: not in the manifest"):
        restore(dest, into)
    (dest / "data" / "assets" / "extra").unlink()
    (dest / "data" / "secret_key").unlink()
    with pytest.raises(BackupError, match="data/secret_key: missing"):
        restore(dest, into)
    assert not into.data_dir.exists()


def test_a_changed_tar_is_refused(
    backup_folder: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    dest, fresh = backup_folder
    manifest = json.loads((dest / "manifest.json").read_text())
    (dest / "database" / "signage.db").write_bytes(b"SQLite format 3\x00 but not that one")
    bad = tmp_path / "bad.tar"
    with tarfile.open(bad, "w") as tar:
        tar.add(dest, arcname=".")
    with pytest.raises(BackupError, match=r"database/signage\.db: changed"):
        restore(bad, target(fresh))
    assert manifest["database"]["schema_revision"]
    assert not target(fresh).data_dir.exists()


def test_force_replaces_an_installation(backup_folder: tuple[Path, dict[str, str]]) -> None:
    dest, fresh = backup_folder
    into = target(fresh)
    into.data_dir.mkdir()
    (into.data_dir / "audit_key").write_text("another installation's key\n")
    with pytest.raises(BackupError, match="holds audit_key"):
        restore(dest, into)
    restore(dest, into, force=True)
    assert (into.data_dir / "audit_key").read_text() == (dest / "data" / "audit_key").read_text()
    assert oct((into.data_dir / "audit_key").stat().st_mode & 0o777) == "0o600"


def test_a_backup_of_a_newer_schema_is_refused(backup_folder: tuple[Path, dict[str, str]]) -> None:
    dest, fresh = backup_folder
    manifest = json.loads((dest / "manifest.json").read_text())
    assert manifest["database"]["schema_revision"] in migrations.revisions()
    manifest["database"]["schema_revision"] = "9999_from_the_future"
    (dest / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match="9999_from_the_future is unknown to this version"):
        restore(dest, target(fresh), known_revisions=migrations.revisions())
    assert not target(fresh).data_dir.exists()


def test_no_installation_no_backup(tmp_path: Path) -> None:
    empty = tmp_path / "nothing"
    empty.mkdir()
    with pytest.raises(BackupError, match="no database at"):
        backup(
            Target(empty, f"sqlite:///{empty}/signage.db"),
            tmp_path / "b",
            now=dt.datetime.now(dt.UTC),
        )
    assert not any((tmp_path / "b").iterdir())
