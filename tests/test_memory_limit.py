"""--memory-limit (ihr/connection.py): DuckDB spills what does not fit instead of growing; the
findings stay the same, a bad or too small limit is a one-line error with exit 2, and spilled
data never lands in the working directory or stays behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import build_package

IHR = [sys.executable, "-m", "ihr"]


def ihr(*args: str, cwd: Path, tmpdir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "TMPDIR": str(tmpdir)}
    return subprocess.run([*IHR, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("fixture", ["duplicate-source-title", "foreign-key", "invalid-date-day"])
def test_a_memory_limit_changes_no_finding(tmp_path: Path, fixture: str):
    package = build_package(tmp_path, fixture)
    work, spill = tmp_path / "work", tmp_path / "spill"
    work.mkdir(), spill.mkdir()
    free = ihr("validate", str(package), "--format", "json", cwd=work, tmpdir=spill)
    capped = ihr("validate", str(package), "--format", "json", "--memory-limit", "48MB", cwd=work, tmpdir=spill)
    assert (capped.returncode, free.returncode) == (1, 1), capped.stderr
    assert json.loads(capped.stdout)["findings"] == json.loads(free.stdout)["findings"] != []
    assert list(work.iterdir()) == [] and list(spill.iterdir()) == []  # no .tmp here, no ihr-spill-* left


def test_build_takes_the_limit_too(tmp_path: Path):
    package = build_package(tmp_path)
    done = ihr("build", str(package), "--out", str(tmp_path / "out"), "--memory-limit", "256MiB", cwd=tmp_path, tmpdir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "iran-hamas-relations.duckdb").is_file()


@pytest.mark.parametrize("command", ["validate", "build"])
@pytest.mark.parametrize("limit, exit_code, said", [
    ("lots", 2, '"lots" is not a memory size such as 1GB or 512MiB'),
    ("1MB", 2, "error: DuckDB ran out of memory within the memory limit of 1MB; raise --memory-limit"),
])
def test_a_bad_or_too_small_limit_is_one_clear_error(tmp_path: Path, command: str, limit: str, exit_code: int, said: str):
    package = build_package(tmp_path)
    done = ihr(command, str(package), "--memory-limit", limit, cwd=tmp_path, tmpdir=tmp_path)
    assert done.returncode == exit_code
    assert said in done.stderr and "Traceback" not in done.stderr
    assert not list(tmp_path.glob("ihr-spill-*"))
