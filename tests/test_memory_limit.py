"""--memory-limit (ihr/connection.py): DuckDB spills what does not fit instead of growing; the
findings stay the same, a bad or too small limit is a one-line error with exit 2, and spilled
data never lands in the working directory or stays behind."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from conftest import build_package, run_cli


@pytest.fixture
def places(tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    """A working directory and a temporary directory of the test's own, both empty."""
    work, spill = tmp_path / "work", tmp_path / "spill"
    work.mkdir(), spill.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(tempfile, "tempdir", str(spill))
    return work, spill


def test_a_memory_limit_changes_no_finding(tmp_path: Path, places):
    package = build_package(tmp_path, "duplicate-source-title")
    free = run_cli("validate", str(package), "--format", "json")
    capped = run_cli("validate", str(package), "--format", "json", "--memory-limit", "48MB")
    assert (capped.exit_code, free.exit_code) == (1, 1), capped.output
    assert json.loads(capped.output)["findings"] == json.loads(free.output)["findings"] != []
    assert [list(p.iterdir()) for p in places] == [[], []]  # no .tmp here, no ihr-spill-* left


def test_build_takes_the_limit_too(tmp_path: Path, places):
    package = build_package(tmp_path)
    done = run_cli("build", str(package), "--out", str(tmp_path / "out"), "--memory-limit", "256MiB")
    assert done.exit_code == 0, done.output
    assert (tmp_path / "out" / "iran-hamas-relations.duckdb").is_file()
    assert [list(p.iterdir()) for p in places] == [[], []]


@pytest.mark.parametrize("command", ["validate", "build"])
@pytest.mark.parametrize("limit, said", [
    ("lots", '"lots" is not a memory size such as 1GB or 512MiB'),
    ("1MB", "error: DuckDB ran out of memory within the memory limit of 1MB; raise --memory-limit"),
])
def test_a_bad_or_too_small_limit_is_one_clear_error(tmp_path: Path, places, command: str, limit: str, said: str):
    package = build_package(tmp_path)
    done = run_cli(command, str(package), "--memory-limit", limit, "--out", str(tmp_path / "out")) if command == "build" \
        else run_cli(command, str(package), "--memory-limit", limit)
    assert done.exit_code == 2
    assert said in done.output
    assert [list(p.iterdir()) for p in places] == [[], []]
    assert not (tmp_path / "out" / "iran-hamas-relations.duckdb").exists()
