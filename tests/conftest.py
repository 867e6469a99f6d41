"""Shared helpers: build fixture packages in a temporary directory and run the real CLI on them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ihr.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "valid"
BROKEN = FIXTURES / "broken"
ROOT = Path(__file__).parent.parent


def broken_names() -> list[str]:
    return sorted(p.name for p in BROKEN.iterdir() if p.is_dir())


def build_package(tmp_path: Path, broken: str | None = None) -> Path:
    """Copy the valid package, then lay the broken fixture's files over it."""
    target = tmp_path / (broken or "valid")
    shutil.copytree(VALID, target)
    if broken:
        source = BROKEN / broken
        for file in source.rglob("*"):
            if file.is_file() and file.name != "expected.json":
                dest = target / file.relative_to(source)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(file, dest)
    return target


def expected_for(broken: str) -> dict:
    return json.loads((BROKEN / broken / "expected.json").read_text(encoding="utf-8"))


def run_cli(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def valid_package(tmp_path: Path) -> Path:
    return build_package(tmp_path)

# Tables the valid fixture declares (the summary line counts them): read, not restated, so adding a
# table to the package does not break tests about something else.
TABLES_IN_FIXTURE = len(json.loads((VALID / "datapackage.json").read_text(encoding="utf-8"))["resources"])


# Parity with frictionless (the reference validator), shared by test_validate_fixtures and test_parity.
PARITY_EXEMPT = ("unsafe-path", "broken-schema-json")  # packages frictionless cannot open at all


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


def assert_catalogued(findings: list[dict]) -> None:
    """Every finding's code is in the finding catalogue, with its severity and layer."""
    from ihr.catalogue import catalogue

    codes = catalogue()
    for f in findings:
        info = codes.get(f["code"])
        assert info is not None, f"finding code {f['code']!r} is not catalogued (ihr/catalogue.py): {f}"
        assert f["severity"] in info.severity.split(", "), (f, info)
        assert f["layer"] == info.layer, (f, info)
