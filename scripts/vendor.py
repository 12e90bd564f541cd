#!/usr/bin/env python3
"""Copy the front-end files listed under "vendor" in package.json out of node_modules.

Run after `npm ci` (``make vendor`` does both). Writes ``vendor-manifest.json`` with the
version of each package (from package-lock.json) and the SHA-256 of each copied file, so
that the test suite can check that what is served is exactly what the lock file names.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def package_of(source: str) -> str:
    parts = source.split("/")
    return "/".join(parts[:2]) if source.startswith("@") else parts[0]


def main() -> int:
    spec = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["vendor"]
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    manifest: dict[str, dict[str, object]] = {}
    for entry in spec:
        source = ROOT / "node_modules" / entry["from"]
        target = ROOT / entry["to"]
        if not source.is_file():
            sys.stderr.write(f"missing {source}: run `npm ci` first\n")
            return 1
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        package = package_of(entry["from"])
        info = manifest.setdefault(
            package,
            {
                "version": lock[f"node_modules/{package}"]["version"],
                "integrity": lock[f"node_modules/{package}"]["integrity"],
                "files": {},
            },
        )
        digest = hashlib.sha256(target.read_bytes()).hexdigest()
        info["files"][entry["to"]] = {"from": entry["from"], "sha256": digest}  # type: ignore[index]
    out = ROOT / "vendor-manifest.json"
    out.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    sys.stdout.write(f"vendored {len(spec)} files from {len(manifest)} packages\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
