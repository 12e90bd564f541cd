"""The player version the server serves changes whenever any player file changes."""

from __future__ import annotations

from pathlib import Path

from signage_server import __version__
from signage_server.screens.player import files_hash
from signage_server.screens.player import player_version


def test_the_hash_follows_every_file(tmp_path: Path) -> None:
    static = tmp_path / "static"
    (static / "vendor").mkdir(parents=True)
    (static / "main.js").write_text("a")
    (static / "vendor" / "x.js").write_text("b")
    first = files_hash(static)
    assert files_hash(static) == first
    (static / "vendor" / "x.js").write_text("c")
    changed = files_hash(static)
    assert changed != first
    (static / "new.js").write_text("")
    assert files_hash(static) != changed
    (static / "new.js").rename(static / "renamed.js")
    assert len({first, changed, files_hash(static)}) == 3


def test_the_version_is_the_package_version_and_the_files_hash() -> None:
    version = player_version()
    assert version.startswith(__version__ + "-")
    assert len(version) <= 64
    # Safe as it is in a ?v= query and a file name.
    assert all(c.isalnum() or c in ".-" for c in version)
