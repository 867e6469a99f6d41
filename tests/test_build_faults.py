"""Builds that overlap or die: two `ihr build` processes at once both finish and leave a complete
database; a build killed with SIGKILL while writing leaves the previous database usable."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT

IHR = [sys.executable, "-m", "ihr"]
DATABASE = "iran-hamas-relations.duckdb"


def ihr_build(out: Path, **kwargs) -> subprocess.Popen:
    """The real CLI in its own process, building the project's own data into `out`."""
    return subprocess.Popen([*IHR, "build", str(ROOT), "--out", str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def table_counts(database: Path) -> dict[str, int]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0] for t in tables}
    finally:
        con.close()


def expected_counts() -> dict[str, int]:
    import csv

    from ihr.checks.descriptor import load_package

    package, _ = load_package(ROOT)
    counts = {}
    for table in package.tables.values():
        with open(ROOT / table.path, newline="", encoding="utf-8") as fh:
            counts[table.name] = sum(1 for _ in csv.reader(fh)) - 1
    return counts


def test_two_builds_at_once_both_succeed_and_the_database_is_complete(tmp_path):
    out = tmp_path / "build"
    builds = [ihr_build(out), ihr_build(out)]
    results = [b.communicate(timeout=300) for b in builds]
    for build, (stdout, stderr) in zip(builds, results):
        assert build.returncode == 0, stderr[-2000:]
        assert "Traceback" not in stderr and stdout.startswith("built ")
    counts = table_counts(out / DATABASE)
    assert {k: v for k, v in counts.items() if k != "build_info"} == expected_counts()
    assert counts["build_info"] == 1
    assert sorted(p.name for p in out.iterdir()) == [f".{DATABASE}.lock", DATABASE, "parquet"]
    con = duckdb.connect(str(out / DATABASE), read_only=True)
    assert con.execute("SELECT count(*) FROM claim_evidence").fetchall()[0][0] == counts["claims"]
    con.close()


@pytest.fixture(scope="module")
def previous_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("previous") / "build"
    assert ihr_build(out).wait(timeout=300) == 0
    return out


@pytest.mark.parametrize("moment", ["while-validating", "while-writing"])
def test_a_killed_build_leaves_the_previous_database_usable(tmp_path, previous_build, moment):
    out = tmp_path / "build"
    shutil.copytree(previous_build, out)
    before = table_counts(out / DATABASE)
    stamp = (out / DATABASE).stat().st_mtime_ns

    spill = tmp_path / "tmp"  # the builds' temporary directory (DuckDB spills there; see ihr.connection)
    spill.mkdir()
    env = {**os.environ, "TMPDIR": str(spill)}
    victim = ihr_build(out, env=env)
    if moment == "while-validating":
        time.sleep(0.3)
    else:  # as soon as its temporary files appear
        deadline = time.monotonic() + 120
        while victim.poll() is None and time.monotonic() < deadline:
            if any(p.name.endswith(".tmp") for p in out.iterdir()):
                break
            time.sleep(0.002)
    if victim.poll() is not None:
        pytest.fail("the build finished before it could be killed mid-way")
    victim.send_signal(signal.SIGKILL)
    victim.communicate(timeout=60)

    assert table_counts(out / DATABASE) == before
    if moment == "while-writing" and (out / DATABASE).stat().st_mtime_ns == stamp:
        assert any(p.name.endswith(".tmp") for p in out.iterdir())  # killed mid-write, before the rename
    again = ihr_build(out, env=env)
    assert again.wait(timeout=300) == 0
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")], "leftovers of the killed build"
    assert table_counts(out / DATABASE) == before
    # SIGKILL leaves the killed build's empty spill directory; the finished build removed its own
    left = list(spill.iterdir())
    assert len(left) <= 1 and all(p.name.startswith("ihr-spill-") and not any(p.iterdir()) for p in left), left


def test_two_queries_that_both_rebuild_at_once_both_answer(tmp_path):
    package = tmp_path / "package"
    package.mkdir()
    for name in ("datapackage.json", "tables", "schemas"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, package / name)
    sql = "SELECT count(*) AS n FROM claims"
    queries = [subprocess.Popen([*IHR, "query", "--format", "csv", "--package", str(package), sql],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    answers = [q.communicate(timeout=300) for q in queries]
    for query, (stdout, stderr) in zip(queries, answers):
        assert query.returncode == 0, stderr[-2000:]
        assert stdout == f"n\n{expected_counts()['claims']}\n"
