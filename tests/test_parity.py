"""The official tool must agree: whatever row or cell frictionless flags, ihr flags too."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, broken_names, build_package, run_cli


def frictionless_row_findings(descriptor) -> set[tuple[str, int, str | None]]:
    import frictionless

    report = frictionless.validate(str(descriptor), limit_errors=0)
    found = set()
    for task in report.tasks:
        for error in task.errors:
            row = getattr(error, "row_number", None)
            if row is not None:
                found.add((task.place, row, getattr(error, "field_name", None) or None))
    return found


def covered(ours: set[tuple[str, int, str | None]], theirs: tuple[str, int, str | None]) -> bool:
    """A cell error needs ours at its cell (or a whole-row finding); a row error, ours on its line."""
    path, line, field = theirs
    if field is None:
        return any(p == path and n == line for p, n, _ in ours)
    return (path, line, field) in ours or (path, line, None) in ours


@pytest.mark.parametrize("name", [n for n in broken_names() if n not in ("unsafe-path", "broken-schema-json")])
def test_every_row_finding_of_frictionless_is_ours_too(name, tmp_path):
    package = build_package(tmp_path, name)
    theirs = frictionless_row_findings(package / "datapackage.json")
    result = run_cli("validate", "--format", "json", str(package))
    ours = {(f["path"], f["line"], f["column"]) for f in json.loads(result.output)["findings"] if f["line"]}
    missing = [t for t in sorted(theirs, key=str) if not covered(ours, t)]
    assert not missing, f"frictionless reports {missing} that ihr does not"


def test_parity_fixtures_exercise_frictionless(tmp_path):
    """Guard against a parity test that passes because frictionless found nothing anywhere."""
    total = 0
    for name in ("foreign-key", "primary-key", "enum", "extra-cell", "type-number", "required"):
        total += len(frictionless_row_findings(build_package(tmp_path / name, name) / "datapackage.json"))
    assert total >= 6


def test_frictionless_accepts_the_real_package():
    import frictionless

    report = frictionless.validate(str(ROOT / "datapackage.json"), limit_errors=0)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:20]
