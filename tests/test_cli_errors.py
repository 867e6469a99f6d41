"""One mapping from domain errors to exit codes and messages (ihr/cli/errors.py), used by every command."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, build_package, run_cli

CLI = ROOT / "src" / "ihr" / "cli"


def test_no_command_catches_errors_itself():
    for module in CLI.glob("*.py"):
        if module.name == "errors.py":
            continue
        assert "except" not in module.read_text(encoding="utf-8"), f"{module.name} maps an error itself; use domain_errors"


@pytest.mark.parametrize("args, message", [
    (("build", "{package}", "--out", "{tmp}/out"), "error: not built, the package does not validate"),
    (("query", "SELECT 1", "--package", "{package}"), "error: the database cannot be built, the package does not validate"),
    (("charts", "{package}", "--out", "{tmp}/charts"), "error: no charts, the package does not validate"),
])
def test_a_refusal_prints_the_findings_and_exits_1(tmp_path, args, message):
    package = build_package(tmp_path, "foreign-key")
    result = run_cli(*[a.format(package=package, tmp=tmp_path) for a in args])
    assert result.exit_code == 1, result.output
    assert 'tables/claims.csv:3: claimant_id: foreign-key: "hamass"' in result.output
    assert result.output.strip().splitlines()[-1] == message


@pytest.mark.parametrize("command", ["validate", "build", "stats", "docs", "fmt"])
def test_an_unreadable_package_exits_2_with_one_line(tmp_path: Path, command):
    (tmp_path / "datapackage.json").write_text("{ not json", encoding="utf-8")
    result = run_cli(command, str(tmp_path))
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: ") and len(result.output.strip().splitlines()) == 1
