"""`ihr fmt` is idempotent and loses nothing; `ihr diff` reports exact cells and the right bump."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import VALID, assembled, build_package, fixture_package, run_cli
from ihr.checks.descriptor import load_package
from ihr.fmt import canonical_bytes, parse_table

PACKAGE, _ = load_package(assembled())
CLAIMS = PACKAGE.tables["claims"]


def rows_as_multiset(data: bytes) -> list[tuple[tuple[str, str], ...]]:
    header, rows = parse_table(data)
    return sorted(tuple(sorted(zip(header, r))) for r in rows)


cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(cell, min_size=len(CLAIMS.fields), max_size=len(CLAIMS.fields)), max_size=8),
       permutation=st.permutations(list(range(len(CLAIMS.fields)))), crlf=st.booleans())
def test_fmt_is_idempotent_and_keeps_every_value(rows, permutation, crlf):
    """Random cells (quotes, commas, newlines, spaces, any script) in a shuffled column order."""
    header = [CLAIMS.field_names[i] for i in permutation]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n" if crlf else "\n", quoting=csv.QUOTE_ALL)
    writer.writerows([header] + [[r[i] for i in permutation] for r in rows])
    original = buffer.getvalue().encode("utf-8")
    once = canonical_bytes(CLAIMS, original)
    assert canonical_bytes(CLAIMS, once) == once
    assert rows_as_multiset(once) == rows_as_multiset(original)
    assert len(parse_table(once)[1]) == len(rows)
    # every carriage return left in the output is part of a value, never a line end
    assert once.count(b"\r") == sum(c.count("\r") for r in rows for c in r)
    if not any("\n" in c or "\r" in c for r in rows for c in r):  # then every line is a whole record
        for line in once.decode().split("\n"):
            assert line == line.rstrip(), line


def test_fmt_check_names_files_and_fmt_fixes_them(tmp_path):
    package = build_package(tmp_path)
    claims = package / "tables" / "claims.csv"
    lines = claims.read_text().splitlines()
    claims.write_text("\r\n".join([lines[0], lines[3], lines[1], lines[2]]) + "\r\n")
    before = rows_as_multiset(claims.read_bytes())
    check = run_cli("fmt", "--check", str(package))
    assert check.exit_code == 1
    assert "tables/claims.csv: would-reformat" in check.output
    assert claims.read_bytes().count(b"\r\n") == 4  # --check changed nothing
    done = run_cli("fmt", str(package))
    assert done.exit_code == 0 and "tables/claims.csv: reformatted" in done.output
    assert claims.read_text() == (VALID / "tables" / "claims.csv").read_text()
    assert rows_as_multiset(claims.read_bytes()) == before
    assert run_cli("fmt", "--check", str(package)).exit_code == 0


def test_fmt_refuses_a_ragged_file_and_leaves_it_alone(tmp_path):
    package = build_package(tmp_path, "extra-cell")
    events = package / "tables" / "events.csv"
    before = events.read_bytes()
    result = run_cli("fmt", str(package))
    assert result.exit_code == 1
    assert "tables/events.csv: refused" in result.output
    assert events.read_bytes() == before


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout.strip()


def make_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    fixture_package(repo)
    git(repo, "init", "-q")
    git(repo, "-c", "user.email=t@example.org", "-c", "user.name=t", "add", "-A")
    git(repo, "-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-qm", "one")
    return repo


def commit(repo: Path) -> None:
    git(repo, "-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-qam", "next")


def test_diff_between_git_revisions_reports_exact_rows_and_cells(tmp_path, monkeypatch):
    repo = make_repo(tmp_path)
    actors = repo / "tables" / "actors.csv"
    text = actors.read_text()
    text = text.replace("Senior Hamas official quoted in October 2023.", "Senior Hamas official.")
    text = text.replace("wall-street-journal,The Wall Street Journal,media_organization,,USA,WSJ,1889,,United States daily newspaper.\n", "")
    text += "zz-new-actor,New actor,other,,,,,,Added in the second revision.\n"
    actors.write_text(text)
    commit(repo)
    monkeypatch.chdir(repo)
    result = run_cli("diff", "HEAD~1", "HEAD", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    tables = {t["name"]: t for t in report["tables"]}
    assert list(tables) == ["actors"]
    assert [d["key"] for d in tables["actors"]["added"]] == [["zz-new-actor"]]
    assert tables["actors"]["added"][0]["row"]["description"] == "Added in the second revision."
    assert [d["key"] for d in tables["actors"]["removed"]] == [["wall-street-journal"]]
    assert tables["actors"]["changed"] == [{"key": ["mahmoud-mirdawi"], "cells": [
        {"column": "description", "old": "Senior Hamas official quoted in October 2023.", "new": "Senior Hamas official."}]}]
    assert report["bump"] == "minor"
    assert report["version_needed"] == "0.2.0"
    text_out = run_cli("diff", "HEAD~1", "HEAD").output
    assert text_out.splitlines()[1] == ("a minor change, but the version in datapackage.json is unchanged (0.1.0): "
                                        "the next release must be at least 0.2.0")
    descriptor = repo / "datapackage.json"
    descriptor.write_text(descriptor.read_text().replace('"version": "0.1.0"', '"version": "0.1.1"'))
    assert "is not bumped far enough (0.1.1): the next release must be at least 0.2.0" in run_cli("diff", "HEAD~1", ".").output
    descriptor.write_text(descriptor.read_text().replace('"version": "0.1.1"', '"version": "0.2.0"'))
    bumped = json.loads(run_cli("diff", "HEAD~1", ".", "--format", "json").output)
    assert bumped["version_needed"] is None and "must be at least" not in run_cli("diff", "HEAD~1", ".").output
    assert '~ mahmoud-mirdawi: description: "Senior Hamas official quoted in October 2023." → "Senior Hamas official."' in text_out


def test_corrections_only_are_a_patch(tmp_path):
    old = build_package(tmp_path / "a")
    new = build_package(tmp_path / "b")
    events = new / "tables" / "events.csv"
    events.write_text(events.read_text().replace("Southern Israel", "Southern Israel near Gaza"))
    report = json.loads(run_cli("diff", str(old), str(new), "--format", "json").output)
    assert report["bump"] == "patch"


def test_schema_changes_set_the_bump(tmp_path):
    old = build_package(tmp_path / "a")
    looser = build_package(tmp_path / "b")
    schema = looser / "schemas" / "claim_relations.schema.json"
    data = json.loads(schema.read_text())
    relation = next(f for f in data["fields"] if f["name"] == "relation")
    relation["constraints"]["enum"].append("elaborates")
    relation["categories"].append({"value": "elaborates", "label": "Adds detail."})
    schema.write_text(json.dumps(data))
    report = json.loads(run_cli("diff", str(old), str(looser), "--format", "json").output)
    assert report["bump"] == "minor"
    assert report["tables"][0]["schema"][0]["change"] == "enum-loosened"
    broken = build_package(tmp_path / "c")
    schema = broken / "schemas" / "claim_relations.schema.json"
    data = json.loads(schema.read_text())
    data["fields"] = [f for f in data["fields"] if f["name"] != "notes"]
    schema.write_text(json.dumps(data))
    report = json.loads(run_cli("diff", str(old), str(broken), "--format", "json").output)
    assert report["bump"] == "major"
    assert {"field": "notes", "change": "field-removed", "detail": "", "bump": "major"} in report["tables"][0]["schema"]


def test_diff_of_a_package_with_itself_is_empty(tmp_path):
    package = build_package(tmp_path)
    result = run_cli("diff", str(package), str(package))
    assert result.exit_code == 0
    assert result.output.strip().endswith("no changes")
    assert json.loads(run_cli("diff", str(package), str(package), "--format", "json").output)["bump"] == "none"


def test_diff_of_something_unreadable_exits_2(tmp_path):
    result = run_cli("diff", str(tmp_path / "nothing-here"), str(build_package(tmp_path)))
    assert result.exit_code == 2 and result.output.startswith("error:")
