"""docs/SECURITY.md names, for every threat, the test that proves the defence: each named test
must exist (a renamed or deleted test would leave a threat undefended on paper only)."""

from __future__ import annotations

import re

from tests.conftest import ROOT

DOC = ROOT / "docs" / "SECURITY.md"
#: `tests/path.py::name`, or `::name` continuing the file named before it on the same row.
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)?(?:::(\w+))?(?:\[[^\]]*\])?`")


def references() -> list[tuple[str, str | None, int]]:
    found = []
    for number, line in enumerate(DOC.read_text(encoding="utf-8").splitlines(), start=1):
        current: str | None = None
        for match in REFERENCE.finditer(line):
            path, name = match.groups()
            if path is None and name is None:
                continue
            if path is not None:
                current = path
            assert current is not None, f"line {number}: `::{name}` without a file before it"
            found.append((current, name, number))
    return found


def test_every_test_named_in_the_threat_model_exists() -> None:
    named = references()
    assert len(named) > 60, "the threat model names the tests of its defences"
    for path, name, number in named:
        file = ROOT / path
        assert file.is_file(), f"docs/SECURITY.md line {number}: no {path}"
        if name is None:
            continue
        text = file.read_text(encoding="utf-8")
        assert re.search(rf"^\s*(?:def|class) {name}\b", text, re.M), (
            f"docs/SECURITY.md line {number}: {path} has no test {name}"
        )


def test_every_threat_row_names_a_test() -> None:
    rows, in_table = [], False
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("| threat | defence | test |"):
            in_table = True
        elif not line.startswith("|"):
            in_table = False
        elif in_table and not line.startswith("|---"):
            rows.append(line)
    assert len(rows) > 30
    for row in rows:
        test_cell = row.rstrip().rstrip("|").rsplit("|", 1)[-1]
        assert "tests/" in test_cell or "::" in test_cell, f"no test named for: {row[:80]}"
