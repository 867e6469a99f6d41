"""Hostile input: every case gets a located finding or a one-line error with the documented exit
code — never a traceback, a hang, or a write anywhere — and fmt never loses a row on it."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, assert_catalogued, fixture_package, run_cli

sys.path.insert(0, str(FIXTURES / "hostile"))
from cases import CASES, Case  # noqa: E402

from ihr.fmt import Refused, parse_table  # noqa: E402


def materialize(case: Case, tmp_path: Path) -> Path:
    package = tmp_path / case.name
    fixture_package(package)
    for rel, content in case.files().items():
        path = package / rel
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    for link, target in case.symlinks.items():
        (package / link).symlink_to(target)
    for rel in case.fifos:
        (package / rel).unlink()
        os.mkfifo(package / rel)
    for rel in case.dirs:
        (package / rel).unlink()
        (package / rel).mkdir()
    for rel, size in case.sizes.items():
        os.truncate(package / rel, size)
    return package


@pytest.fixture(autouse=True)
def never_hang():
    """A hang is a failure, not a stuck suite: every test here gets two minutes."""
    def expire(signum, frame):
        raise TimeoutError("hung for 120 s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(120)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() if p.stat().st_size < 2**24 else str(p.stat().st_size)
            for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


def test_the_corpus_has_at_least_forty_cases():
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_validate_answers_every_hostile_case(case, tmp_path):
    """Through the real CLI: the documented exit code, no traceback, nothing written, the expected
    findings; and, for invalid packages, Python's csv reader (the exact path) reports exactly what
    the CLI's DuckDB read reported. The DuckDB read computes physical lines arithmetically (blank
    lines, line breaks inside cells); Python's csv module counts them one by one. One CLI run per
    case serves both checks (they used to validate every case once more)."""
    package = materialize(case, tmp_path)
    before = snapshot(tmp_path)
    result = run_cli("validate", "--format", "json", str(package))
    assert result.exit_code == case.exit, result.output[-2000:]
    assert "Traceback" not in result.output
    assert snapshot(tmp_path) == before, "validate must not write anything"
    if case.exit == 2:
        line = result.output.strip()
        assert line.startswith("error: ") and len(line.splitlines()) == 1
        return
    findings = json.loads(result.output)["findings"]
    for path, line, code in case.expected:
        assert any(f["path"] == path and (line is None or f["line"] == line) and (code is None or f["code"] == code)
                   for f in findings), f"expected {(path, line, code)}; got {[(f['path'], f['line'], f['code']) for f in findings][:20]}"
    assert_catalogued(findings)
    if case.exit == 1:
        from ihr.validate import ValidationOptions, validate_package

        fast = {(f["path"], f["line"] or 0, f["column"] or "", f["code"]) for f in findings}
        slow = {f.key() for f in validate_package(package, options=ValidationOptions(reader="exact")).findings}
        assert fast == slow


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_fmt_never_loses_a_row_on_hostile_input(case, tmp_path):
    package = materialize(case, tmp_path)
    tables = {p: p.read_bytes() for p in (package / "tables").glob("*.csv") if p.is_file() and not p.is_symlink()}
    result = run_cli("fmt", str(package))
    assert result.exit_code in (0, 1, 2), result.output
    for path, before in tables.items():
        after = path.read_bytes()
        if after == before:
            continue
        try:
            old_header, old_rows = parse_table(before)
        except Refused:
            pytest.fail(f"{path.name} was rewritten although it cannot be parsed losslessly")
        new_header, new_rows = parse_table(after)
        as_set = lambda header, rows: sorted(tuple(sorted(zip(header, r))) for r in rows)
        assert as_set(old_header, old_rows) == as_set(new_header, new_rows)


def test_validate_of_an_unreadable_package_path_is_a_usage_error(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = run_cli("validate", str(fifo))
    assert result.exit_code == 2


def test_lines_stay_exact_after_blank_lines_and_multi_line_cells(tmp_path):
    package = materialize(CASES[0], tmp_path)  # any copy of the valid package
    claims = package / "tables" / "claims.csv"
    lines = claims.read_text().splitlines()
    # line 1 header, 2 blank, 3-4 a row whose summary spans two lines, 5 blank, 6 a row, 7 a bad stance
    row1 = lines[1].replace("Said in a CNN interview", "Said in a CNN\ninterview", 1)  # inside a quoted cell
    assert row1 != lines[1]
    text = "\n".join([lines[0], "", row1, "", lines[2], lines[3].replace(",denies,", ",deny,")]) + "\n"
    claims.write_text(text)
    result = run_cli("validate", "--format", "json", str(package))
    found = {(f["line"], f["code"]) for f in json.loads(result.output)["findings"] if f["path"] == "tables/claims.csv"}
    assert {(2, "blank-row"), (3, "control-character"), (5, "blank-row"), (7, "enum")} <= found


UNSAFE = [c for c in CASES if c.fifos or c.dirs or c.sizes or "nested" in c.name]


@pytest.mark.parametrize("case", UNSAFE, ids=lambda c: c.name)
def test_special_files_and_json_bombs_end_promptly_in_real_processes(case, tmp_path):
    """The real `ihr` in its own process, with a timeout: a FIFO, a directory, a 200,000-deep
    descriptor or a 300 MB one gets a one-line answer and the documented exit code."""
    package = materialize(case, tmp_path)
    commands = [(["validate"], {case.exit})] + ([(["build", "--out", str(tmp_path / "b")], {1})] if case.exit == 1 else [])
    for command, allowed in commands:  # (fmt runs in-process on every case above)
        done = subprocess.run([sys.executable, "-m", "ihr", *command, str(package)], capture_output=True, text=True, timeout=60)
        assert done.returncode in allowed, (command, done.stdout[-1000:], done.stderr[-1000:])
        assert "Traceback" not in done.stderr + done.stdout
    if case.exit == 2:
        line = done.stderr.strip()
        assert line.startswith("error: ") and len(line.splitlines()) == 1
        assert ("refused unread" in line) if case.sizes else ("nested too deeply" in line)
