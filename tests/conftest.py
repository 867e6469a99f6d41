"""Shared helpers: build fixture packages in a temporary directory and run the real CLI on them."""

from __future__ import annotations

import atexit
import functools
import json
import shutil
import tempfile
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


def lay(layer: Path, target: Path) -> None:
    """Copy a fixture directory's files over target (expected.json is a fixture's answer, not data)."""
    for file in sorted(layer.rglob("*")):
        if file.is_file() and file.name != "expected.json":
            dest = target / file.relative_to(layer)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, dest)


def fixture_package(target: Path, fixture: str = "valid", *overlays: Path) -> Path:
    """Assemble a fixture package in target: the repository's own descriptor and schemas (with
    views.sql), then the fixture's tables (tests/fixtures/<fixture>/), then each overlay in turn.
    Fixtures hold no copy of the schemas, so they cannot drift from them."""
    target.mkdir(parents=True)
    shutil.copyfile(ROOT / "datapackage.json", target / "datapackage.json")
    shutil.copytree(ROOT / "schemas", target / "schemas")
    for layer in (FIXTURES / fixture, *overlays):
        lay(layer, target)
    return target


def build_package(tmp_path: Path, broken: str | None = None) -> Path:
    """The valid package, with the broken fixture's files (a table, a schema or the descriptor) laid over it."""
    return fixture_package(tmp_path / (broken or "valid"), "valid", *([BROKEN / broken] if broken else []))


@functools.cache
def assembled(fixture: str = "valid") -> Path:
    """One assembled copy of a fixture per test process, for reads at import time or by the CLI
    without a tmp_path: never write into it (build_package or fixture_package give a private copy)."""
    base = Path(tempfile.mkdtemp(prefix=f"ihr-{fixture}-"))
    atexit.register(shutil.rmtree, base, True)
    return fixture_package(base / fixture, fixture)


def expected_for(broken: str) -> dict:
    return json.loads((BROKEN / broken / "expected.json").read_text(encoding="utf-8"))


def run_cli(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def valid_package(tmp_path: Path) -> Path:
    return build_package(tmp_path)

# Tables the valid fixture declares (the repository's descriptor, which fixtures share; the summary
# line counts them): read, not restated, so adding a table to the package does not break tests about
# something else.
TABLES_IN_FIXTURE = len(json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["resources"])


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
