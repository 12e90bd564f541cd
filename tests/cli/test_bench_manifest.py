"""``signage bench manifest-bytes`` end to end: the tool works, the report holds.

This checks the tool and the structure (a delta is smaller than the manifest it replaces), not
a speed; docs/benchmarks.md has the figures.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SIGNAGE = str(Path(sys.executable).parent / "signage")

pytestmark = [pytest.mark.slow]


def test_manifest_bytes_reports_json() -> None:
    result = subprocess.run(
        [SIGNAGE, "bench", "manifest-bytes", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["benchmark"] == "manifest-bytes"
    # The demo village's public screen shows at least eight items (topped up to eight).
    assert report["items"] >= 8
    assert report["items_changed"] == 1
    assert {"audit_head", "generated_at"} <= set(report["rest_fields"])
    full, delta = report["full"], report["delta"]
    for found in (full, delta):
        assert set(found) == {"bytes", "deflate", "deflate_after_base"}
        assert 0 < found["deflate_after_base"] <= found["deflate"] < found["bytes"]
    # One changed item of eight or more: the delta carries one entry, not all.
    assert delta["bytes"] < full["bytes"] / 3
