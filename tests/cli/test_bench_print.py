"""``signage bench print`` end to end, on a tiny run: the tool works, the report holds.

This checks the tool, not the speed of printing (docs/benchmarks.md has the figures).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SIGNAGE = str(Path(sys.executable).parent / "signage")

pytestmark = [pytest.mark.slow]


def test_print_reports_json() -> None:
    """Every document kind asked for is reported with its pages and size; no timing is
    judged."""
    only = [arg for kind in ("poster", "board", "dossier") for arg in ("--only", kind)]
    result = subprocess.run(
        [SIGNAGE, "bench", "print", "--runs", "1", *only, "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["benchmark"] == "print" and report["runs"] == 1
    found = {d["kind"]: d for d in report["documents"]}
    assert list(found) == ["poster", "board", "dossier"]
    poster = found["poster"]
    assert poster["pages"] == 1 and 100_000 < poster["bytes"] < 1_000_000
    assert poster["cold_s"] > 0 and len(poster["warm_s"]) == 1
    assert found["board"]["pages"] > 3
    assert found["dossier"]["pages"] > 3 and found["dossier"]["bytes"] > 100_000


def test_unknown_documents_are_refused() -> None:
    result = subprocess.run(
        [SIGNAGE, "bench", "print", "--only", "leaflet"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2 and "known documents" in result.stderr
