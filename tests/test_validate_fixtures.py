"""Every broken fixture yields its expected code at its expected place, through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import (PARITY_EXEMPT, ROOT, TABLES_IN_FIXTURE, assert_catalogued, broken_names, build_package, covered, expected_for,
                      frictionless_row_findings, run_cli)
from ihr.findings import Finding, Report
from ihr.render import render_text


def test_there_are_at_least_twenty_broken_fixtures():
    assert len(broken_names()) >= 20


def test_valid_fixture_has_no_findings(valid_package):
    result = run_cli("validate", "--format", "json", str(valid_package))
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["findings"] == []


@pytest.mark.parametrize("name", broken_names())
def test_broken_fixture(name, tmp_path):
    """One run of the CLI per fixture: the JSON report has the expected findings, every row or cell
    finding of frictionless (the reference validator) is among them, and the same report renders
    as text with every finding and the summary line (the text path through the CLI
    is exercised by the tests below; validating every fixture twice, once per format, doubled the
    suite's slowest part)."""
    package = build_package(tmp_path, name)
    expected = expected_for(name)
    result = run_cli("validate", "--format", "json", str(package))
    assert result.exit_code == expected["exit"], result.output
    report = json.loads(result.output)
    got = {(f["path"], f["line"], f["column"], f["code"]) for f in report["findings"]}
    for e in expected["expected"]:
        assert (e["path"], e["line"], e["column"], e["code"]) in got, f"missing {e}; got {sorted(got, key=str)}"
    assert report["valid"] is (expected["exit"] == 0)
    assert_catalogued(report["findings"])
    as_text = render_text(Report(findings=[Finding(**f) for f in report["findings"]], stats=report["stats"]))
    assert as_text.splitlines()[-1].startswith("valid:" if report["valid"] else "INVALID:")
    for f in report["findings"]:
        assert f"{f['code']}: {f['message']}" in as_text
    if name not in PARITY_EXEMPT:  # whatever row or cell frictionless flags, ihr flags too
        theirs = frictionless_row_findings(package / "datapackage.json")
        ours = {(f["path"], f["line"], f["column"]) for f in report["findings"] if f["line"]}
        missing = [t for t in sorted(theirs, key=str) if not covered(ours, t)]
        assert not missing, f"frictionless reports {missing} that ihr does not"


def test_text_names_file_line_column_and_suggests_the_nearest_id(tmp_path):
    package = build_package(tmp_path, "foreign-key")
    result = run_cli("validate", str(package))
    assert result.exit_code == 1
    assert ('tables/claims.csv:3: claimant_id: foreign-key: "hamass" is not an actor_id in actors '
            '(did you mean "hamas"?)') in result.output
    assert result.output.strip().splitlines()[-1] == f"INVALID: 1 error(s), 0 warning(s) in {TABLES_IN_FIXTURE} tables, 29 rows"


def test_github_format_annotates_the_pull_request(tmp_path):
    package = build_package(tmp_path, "foreign-key")
    result = run_cli("validate", "--format", "github", str(package))
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith(
        "::error file=tables/claims.csv,line=3,title=foreign-key::claimant_id: \"hamass\" is not an actor_id")


def test_warnings_use_the_warning_command(tmp_path):
    package = build_package(tmp_path, "unused-source")
    result = run_cli("validate", "--format", "github", str(package))
    assert result.exit_code == 0
    assert result.output.startswith("::warning file=tables/sources.csv,line=5,title=unused-source::")


def test_json_equals_the_library_report(tmp_path):
    from ihr.render import render_json
    from ihr.validate import validate_package

    package = build_package(tmp_path, "parent-cycle")
    result = run_cli("validate", "--format", "json", str(package))
    library = json.loads(render_json(validate_package(package)))
    cli = json.loads(result.output)
    for report in (library, cli):
        report["stats"].pop("seconds")
    assert cli == library


def test_json_has_one_finding_per_line(tmp_path):
    """Each finding is one line of the JSON (greps and diffs by line), in report order, with every
    field; a valid package gives an empty list."""
    from ihr.validate import validate_package

    package = build_package(tmp_path, "parent-cycle")
    result = run_cli("validate", "--format", "json", str(package))
    lines = [line.strip().rstrip(",") for line in result.output.splitlines() if line.startswith('    {"path"')]
    expected = [f.to_dict() for f in validate_package(package).sorted_findings()]
    assert len(expected) == 3
    assert [json.loads(line) for line in lines] == expected
    clean = run_cli("validate", "--format", "json", str(build_package(tmp_path)))
    assert '  "findings": [],' in clean.output and json.loads(clean.output)["findings"] == []


def test_text_list_is_capped_and_says_how_many_were_left_out(tmp_path):
    package = build_package(tmp_path, "parent-cycle")
    result = run_cli("validate", "--max-findings", "1", str(package))
    assert "… 2 more finding(s) not shown" in result.output
    full = run_cli("validate", "--format", "json", str(package))
    assert len(json.loads(full.output)["findings"]) == 3


def test_descriptor_path_is_accepted_as_well_as_the_directory(valid_package):
    assert run_cli("validate", str(valid_package / "datapackage.json")).exit_code == 0


def test_missing_path_is_a_usage_error(tmp_path):
    result = run_cli("validate", str(tmp_path / "nowhere"))
    assert result.exit_code == 2


def test_directory_without_descriptor_exits_2(tmp_path):
    result = run_cli("validate", str(tmp_path))
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_broken_descriptor_json_exits_2_with_its_line(valid_package):
    path = valid_package / "datapackage.json"
    path.write_text(path.read_text().replace('"version": "0.1.0",', '"version": "0.1.0"', 1))
    result = run_cli("validate", str(valid_package))
    assert result.exit_code == 2
    assert "datapackage.json:" in result.output and "invalid-json" in result.output


def test_the_installed_console_script_runs(valid_package):
    """The real entry point, as a separate process, as CI and users run it."""
    ihr = ROOT / ".venv" / "bin" / "ihr"
    command = [str(ihr)] if ihr.exists() else [sys.executable, "-m", "ihr"]
    done = subprocess.run([*command, "validate", str(valid_package)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("valid:")
