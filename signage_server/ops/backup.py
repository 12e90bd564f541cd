"""Online backup and restore of one installation: its database, its files, its keys.

A backup is a directory (or one ``.tar``/``.tar.gz`` of it) holding:

- ``database/signage.db`` (SQLite, copied with the sqlite3 backup API in one step, so a server
  writing meanwhile in WAL mode neither waits nor tears the copy) or ``database/signage.pgdump``
  (PostgreSQL: ``pg_dump -Fc`` in a snapshot exported by a repeatable-read transaction, in which
  the schema revision and the row counts of the manifest are read too);
- ``data/``: the content-addressed stores (``assets/``, ``archive/``, ``snapshots/``), the audit
  head log(s) and
  the keys the data directory holds (``audit_key``, ``secret_key``, ``demo_password``);
- ``manifest.json``: what, when, the schema revision, counts, and the SHA-256 and size of every
  other file.

The head log is copied *before* the database: every record it witnesses is then in the copy
(a log copied after could witness newer records, which ``audit verify`` would take for deleted
ones). The stores are copied *after*: their files are written before the rows naming them are
committed, so every file the copy names is there.

:func:`restore` reads the manifest and checks every part's hash and size (and that nothing was
added) before it touches anything, and refuses a target that already holds an installation
unless told to replace it. No Flask here; the command line is ``signage_server.cli.backup``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from signage_server.config import AUDIT_HEAD_LOG
from signage_server.config import AUDIT_KEY_FILE
from signage_server.config import child_environment
from signage_server.db import create_engine

FORMAT = "sunshine-signage-backup"
VERSION = 1
MANIFEST = "manifest.json"
SQLITE_PART = "database/signage.db"
POSTGRES_PART = "database/signage.pgdump"
#: The content-addressed stores in the data directory (assets, archive dossiers, the screens'
#: snapshots: evidence that a disclosure was on screen).
STORES = ("assets", "archive", "snapshots")
#: Keys and passwords the data directory may hold (generated when not set in the environment).
KEY_FILES = (AUDIT_KEY_FILE, "secret_key", "demo_password")
_TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz")
_CHUNK = 1024 * 1024


class BackupError(RuntimeError):
    """A backup or restore cannot be made; the message says why and what to do."""


@dataclass(frozen=True)
class Target:
    """Where an installation lives: its data directory and database."""

    data_dir: Path
    database_url: str

    @property
    def kind(self) -> str:
        return "sqlite" if self.database_url.startswith("sqlite") else "postgresql"

    @property
    def sqlite_path(self) -> Path:
        database = sa.engine.make_url(self.database_url).database
        if not database or database == ":memory:":
            raise BackupError(f"not an SQLite database file: {self.database_url}")
        return Path(database).resolve()


@dataclass
class Report:
    """What a backup or restore did, for the command line to print."""

    path: Path
    manifest: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


# --- helpers ---------------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def is_archive(path: Path) -> bool:
    """Tell whether ``path`` names a tar archive (else a directory) by its suffix."""
    return path.name.endswith(_TAR_SUFFIXES)


def _files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def _head_logs(data_dir: Path) -> list[Path]:
    """The head log and the older ones migrations kept (``audit-head.log.before-…``)."""
    return sorted(p for p in data_dir.glob(AUDIT_HEAD_LOG + "*") if p.is_file())


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """Return a libpq connection URI for ``url`` (a SQLAlchemy URL) and the environment that
    carries its password (never on a command line, where ``ps`` shows it)."""
    parsed = sa.engine.make_url(url)
    env = child_environment()
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    uri = parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, env


def _client(program: str) -> str:
    found = shutil.which(program)
    if not found:
        raise BackupError(
            f"{program} is not installed: install the PostgreSQL client tools"
            " (Debian: apt-get install postgresql-client)"
        )
    return found


def _client_major(program: str) -> int:
    output = subprocess.run(  # noqa: S603 - pg_dump or pg_restore found on PATH
        [program, "--version"], capture_output=True, text=True, check=True, timeout=30
    ).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    if not match:
        raise BackupError(f"cannot tell the version of {program}: {output.strip()!r}")
    return int(match.group(1))


def _check_client_version(program: str, connection: sa.Connection) -> None:
    server = int(str(connection.execute(sa.text("SHOW server_version_num")).scalar())) // 10000
    client = _client_major(program)
    if client < server:
        raise BackupError(
            f"{Path(program).name} {client} cannot work with the PostgreSQL {server} server:"
            f" install postgresql-client-{server}"
        )


def _run(args: list[str], env: dict[str, str] | None = None) -> None:
    # pg_dump or pg_restore found on PATH, with our own arguments.
    result = subprocess.run(args, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {result.stderr.strip()}")


# --- backup ----------------------------------------------------------------------------------


def _backup_sqlite(source: Path, out: Path) -> tuple[str | None, dict[str, int]]:
    """Copy the SQLite database ``source`` into ``out`` online; return its schema revision
    and row counts (read from the copy)."""
    if not source.is_file():
        raise BackupError(f"no database at {source}: is this the installation's data directory?")
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(out)
    try:
        src.execute("PRAGMA busy_timeout = 30000")
        # One step (pages=-1): one read transaction, a consistent snapshot; in WAL mode the
        # server's writers go on meanwhile.
        src.backup(dst)
        # The copy stands alone: one file, no -wal beside it (the server sets WAL again).
        dst.execute("PRAGMA journal_mode = DELETE")
        check = dst.execute("PRAGMA quick_check").fetchone()
        if not check or check[0] != "ok":
            raise BackupError(f"the copied database fails SQLite's check: {check}")
        tables = [
            row[0]
            for row in dst.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        counts = {
            t: int(dst.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])  # noqa: S608 - names from sqlite_master
            for t in tables
        }
        revision = None
        if "alembic_version" in tables:
            row = dst.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        return revision, counts
    finally:
        dst.close()
        src.close()


def _backup_postgres(url: str, out: Path) -> tuple[str | None, dict[str, int]]:
    """Dump the PostgreSQL database ``url`` into ``out`` (``pg_dump -Fc``) from a snapshot in
    which the schema revision and row counts are read too."""
    pg_dump = _client("pg_dump")
    uri, env = _libpq(url)
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            _check_client_version(pg_dump, connection)
            connection.rollback()
            connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                snapshot = connection.execute(sa.text("SELECT pg_export_snapshot()")).scalar()
                _run(
                    [
                        pg_dump,
                        "-Fc",
                        f"--snapshot={snapshot}",
                        "--no-password",
                        "-f",
                        str(out),
                        uri,
                    ],
                    env,
                )
                tables = list(
                    connection.execute(
                        sa.text(
                            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                            " ORDER BY tablename"
                        )
                    ).scalars()
                )
                counts = {
                    t: int(connection.execute(sa.text(f'SELECT count(*) FROM "{t}"')).scalar() or 0)  # noqa: S608 - names from pg_tables
                    for t in tables
                }
                revision = None
                if "alembic_version" in tables:
                    revision = connection.execute(
                        sa.text("SELECT version_num FROM alembic_version")
                    ).scalar()
        return revision, counts
    finally:
        engine.dispose()


def _copy_file(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def _fill(folder: Path, installation: Target, *, keys: bool, now: dt.datetime) -> dict[str, Any]:
    """Write the backup's parts into the empty ``folder``; return its manifest."""
    data = folder / "data"
    data.mkdir()
    (folder / "database").mkdir()
    # 1. The head log first: it then witnesses no record the database copy lacks.
    for log in _head_logs(installation.data_dir):
        _copy_file(log, data / log.name)
    # 2. The database, in one consistent snapshot.
    if installation.kind == "sqlite":
        part = SQLITE_PART
        revision, counts = _backup_sqlite(installation.sqlite_path, folder / part)
    else:
        part = POSTGRES_PART
        revision, counts = _backup_postgres(installation.database_url, folder / part)
    (folder / part).chmod(0o600)
    # 3. The stores: content-addressed files written before the rows naming them.
    stored: dict[str, int] = {}
    for store in STORES:
        root = installation.data_dir / store
        files = _files_under(root) if root.is_dir() else []
        for path in files:
            _copy_file(path, data / store / path.relative_to(root))
        stored[store] = len(files)
    included_keys = []
    if keys:
        for name in KEY_FILES:
            path = installation.data_dir / name
            if path.is_file():
                _copy_file(path, data / name)
                (data / name).chmod(0o600)
                included_keys.append(name)
    parts = {
        path.relative_to(folder).as_posix(): {
            "sha256": sha256_file(path),
            "size": path.stat().st_size,
        }
        for path in _files_under(folder)
    }
    return {
        "format": FORMAT,
        "version": VERSION,
        "created_at": now.astimezone(dt.UTC).isoformat(),
        "database": {
            "kind": installation.kind,
            "part": part,
            "schema_revision": revision,
            "rows": counts,
        },
        "files": stored,
        "head_logs": [p.name for p in _head_logs(data)],
        "keys": included_keys,
        "parts": parts,
    }


def backup(installation: Target, dest: Path, *, keys: bool = True, now: dt.datetime) -> Report:
    """Back up ``installation`` into ``dest``: a new (or empty) directory, or a new
    ``.tar``/``.tar.gz``/``.tgz`` file.

    :param keys: include the key files of the data directory (audit key, secret key, demo
        password); without them the backup alone cannot re-seal audit records, and the keys
        must be kept (and restored) separately.
    :raise BackupError: ``dest`` exists and is not empty, the database is missing, or a tool
        failed.
    """
    dest = dest.resolve()
    if is_archive(dest):
        if dest.exists():
            raise BackupError(f"{dest} exists: name a new file")
        dest.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".signage-backup-", dir=dest.parent) as tmp:
            folder = Path(tmp)
            manifest = _fill(folder, installation, keys=keys, now=now)
            (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
            partial = dest.with_name(dest.name + ".partial")
            mode = "w:gz" if dest.name.endswith((".gz", ".tgz")) else "w"
            with tarfile.open(partial, mode) as tar:  # type: ignore[call-overload]
                tar.add(folder / MANIFEST, arcname=MANIFEST)
                for path in _files_under(folder):
                    if path.name != MANIFEST or path.parent != folder:
                        tar.add(path, arcname=path.relative_to(folder).as_posix())
            partial.chmod(0o600)
            partial.replace(dest)
        return Report(dest, manifest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"{dest} exists and is not an empty directory")
    dest.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        manifest = _fill(dest, installation, keys=keys, now=now)
        (dest / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    except BaseException:
        # No half backup left behind to be taken for a whole one.
        for child in dest.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
        raise
    return Report(dest, manifest)


# --- checking --------------------------------------------------------------------------------


def _safe_part(name: str) -> bool:
    path = Path(name)
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and path.parts[0] in ("database", "data")
        and len(path.parts) >= 2
    )


def check(folder: Path) -> dict[str, Any]:
    """Return the manifest of the backup in ``folder`` after checking every part against it.

    :raise BackupError: no manifest or not one of ours, a part missing, changed (its SHA-256 or
        size) or added; the message lists them.
    """
    try:
        manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    except FileNotFoundError:
        raise BackupError(f"no {MANIFEST} in {folder}: not a backup") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"{MANIFEST} cannot be read: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{MANIFEST} is not the manifest of a Sunshine Signage backup")
    if manifest.get("version") != VERSION:
        raise BackupError(f"backup format version {manifest.get('version')} is not {VERSION}")
    parts = manifest.get("parts")
    database = manifest.get("database")
    if not isinstance(parts, dict) or not isinstance(database, dict):
        raise BackupError(f"{MANIFEST} lists no parts")
    problems = []
    for name, expected in sorted(parts.items()):
        if not _safe_part(name):
            problems.append(f"{name}: not a place a backup's part may be")
            continue
        path = folder / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif path.stat().st_size != expected.get("size") or sha256_file(path) != expected.get(
            "sha256"
        ):
            problems.append(f"{name}: changed (SHA-256 or size does not match the manifest)")
    listed = set(parts)
    for path in _files_under(folder):
        name = path.relative_to(folder).as_posix()
        if name != MANIFEST and name not in listed:
            problems.append(f"{name}: not in the manifest")
    if database.get("part") not in listed:
        problems.append(f"the database part {database.get('part')!r} is not listed")
    if problems:
        raise BackupError(
            "the backup does not match its manifest, nothing restored:\n  " + "\n  ".join(problems)
        )
    return manifest


@contextlib.contextmanager
def opened(source: Path, scratch: Path) -> Iterator[Path]:
    """Yield the folder of the backup ``source`` (a directory, or a tar unpacked into a
    temporary directory under ``scratch``)."""
    source = source.resolve()
    if source.is_dir():
        yield source
        return
    if not source.is_file():
        raise BackupError(f"no backup at {source}")
    scratch.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tempfile.TemporaryDirectory(prefix=".signage-restore-", dir=scratch) as tmp:
        try:
            with tarfile.open(source) as tar:
                # The "data" filter refuses links, devices and paths leaving the folder.
                tar.extractall(tmp, filter="data")
        except (tarfile.TarError, OSError) as error:
            raise BackupError(f"cannot unpack {source}: {error}") from None
        yield Path(tmp)


# --- restore ---------------------------------------------------------------------------------


def _sqlite_has_tables(path: Path) -> bool:
    if not path.is_file() or path.stat().st_size == 0:
        return False
    connection = sqlite3.connect(path)
    try:
        return bool(connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])
    finally:
        connection.close()


def _postgres_tables(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(
                connection.execute(
                    sa.text(
                        "SELECT count(*) FROM pg_tables"
                        " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
                    )
                ).scalar()
                or 0
            )
    finally:
        engine.dispose()


def _installation_files(data_dir: Path) -> list[str]:
    """The files and folders of an installation already in ``data_dir``."""
    found = [p.name for p in _head_logs(data_dir)]
    found += [n for n in KEY_FILES if (data_dir / n).exists()]
    found += [s + "/" for s in STORES if (data_dir / s).is_dir() and any((data_dir / s).iterdir())]
    return sorted(found)


def _refusals(manifest: dict[str, Any], target: Target) -> list[str]:
    """Why restoring into ``target`` would overwrite something (empty: nothing in the way)."""
    refusals = []
    existing = _installation_files(target.data_dir) if target.data_dir.is_dir() else []
    if existing:
        refusals.append(f"the data directory {target.data_dir} holds {', '.join(existing)}")
    if target.kind == "sqlite":
        if _sqlite_has_tables(target.sqlite_path):
            refusals.append(f"the database {target.sqlite_path} is not empty")
    elif _postgres_tables(target.database_url):
        url = sa.engine.make_url(target.database_url).render_as_string(hide_password=True)
        refusals.append(f"the database {url} is not empty")
    return refusals


def _restore_sqlite(part: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".restoring")
    shutil.copyfile(part, partial)
    # The old database's write-ahead log and index belong to the file being replaced.
    for stale in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        stale.unlink(missing_ok=True)
    partial.replace(target)


def _restore_postgres(part: Path, url: str, *, force: bool) -> None:
    pg_restore = _client("pg_restore")
    uri, env = _libpq(url)
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            _check_client_version(pg_restore, connection)
    finally:
        engine.dispose()
    args = [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    if force:
        args += ["--clean", "--if-exists"]
    _run([*args, "--no-password", "-d", uri, str(part)], env)


def _clear(data_dir: Path) -> None:
    """Remove the installation files a restore replaces (``--force``)."""
    for log in _head_logs(data_dir):
        log.unlink()
    for name in KEY_FILES:
        (data_dir / name).unlink(missing_ok=True)
    for store in STORES:
        shutil.rmtree(data_dir / store, ignore_errors=True)


def restore(
    source: Path,
    target: Target,
    *,
    force: bool = False,
    audit_key_in_environment: str = "",
    known_revisions: set[str] | None = None,
) -> Report:
    """Restore the backup ``source`` (directory or tar) into ``target``.

    Every part is checked against the manifest first; then the database is restored, then the
    files. The server must not be running on ``target``.

    :param force: replace what ``target`` already holds (PostgreSQL: the backup's objects are
        dropped and made again, ``pg_restore --clean --if-exists``).
    :param audit_key_in_environment: ``SIGNAGE_AUDIT_KEY`` if set: a warning when it is not the
        key in the backup.
    :param known_revisions: the schema revisions this version can run or upgrade from; a
        backup at another one (made by a newer version) is refused.
    :raise BackupError: the backup does not match its manifest, is of the other database kind
        or of an unknown schema revision, or ``target`` is not empty and ``force`` is not given.
    """
    # A tar is unpacked inside the data directory (the service user may write there, not
    # always beside it); a data directory made for that alone goes again on a refusal.
    made = not target.data_dir.exists()
    try:
        return _restore(source, target, force, audit_key_in_environment, known_revisions)
    except BaseException:
        if made and target.data_dir.is_dir() and not any(target.data_dir.iterdir()):
            target.data_dir.rmdir()
        raise


def _restore(
    source: Path,
    target: Target,
    force: bool,
    audit_key_in_environment: str,
    known_revisions: set[str] | None,
) -> Report:
    with opened(source, target.data_dir) as folder:
        manifest = check(folder)
        database = manifest["database"]
        revision = database.get("schema_revision")
        if known_revisions is not None and revision not in known_revisions:
            raise BackupError(
                f"the backup's schema revision {revision} is unknown to this version (made by a"
                " newer one?): install that version to restore it"
            )
        if database.get("kind") != target.kind:
            raise BackupError(
                f"the backup holds a {database.get('kind')} database, the target is"
                f" {target.kind}: restore into the same kind of database"
            )
        refusals = _refusals(manifest, target)
        if refusals and not force:
            raise BackupError(
                "refusing to overwrite an existing installation ("
                + "; ".join(refusals)
                + "): restore into an empty data directory and database, or give --force"
            )
        part = folder / database["part"]
        if target.kind == "sqlite":
            _restore_sqlite(part, target.sqlite_path)
        else:
            _restore_postgres(part, target.database_url, force=force)
        target.data_dir.mkdir(parents=True, exist_ok=True)
        _clear(target.data_dir)
        data = folder / "data"
        for path in _files_under(data) if data.is_dir() else []:
            _copy_file(path, target.data_dir / path.relative_to(data))
        for name in KEY_FILES:
            if (target.data_dir / name).exists():
                (target.data_dir / name).chmod(0o600)
        warnings = []
        if AUDIT_KEY_FILE not in manifest.get("keys", []):
            warnings.append(
                "the backup holds no audit key: put the installation's key back"
                f" ({target.data_dir / AUDIT_KEY_FILE} or SIGNAGE_AUDIT_KEY) before starting it"
            )
        elif audit_key_in_environment.strip() and audit_key_in_environment.strip() != (
            (target.data_dir / AUDIT_KEY_FILE).read_text("utf-8").strip()
        ):
            warnings.append(
                "SIGNAGE_AUDIT_KEY is set and is not the audit key in the backup: the"
                " environment's key wins, and the restored chain will not verify with it"
            )
        return Report(folder if source.is_dir() else source, manifest, warnings)
