"""Repository-level checks: workflow files, generated docs, canonical tables, CLI help texts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from ihr.cli import cli

BIN = Path(sys.executable).parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def test_there_are_validate_and_release_workflows():
    assert [p.name for p in WORKFLOWS] == ["release.yml", "validate.yml"]


def test_workflows_match_the_github_schema():
    done = subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                           *map(str, WORKFLOWS)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_workflows_pass_the_zizmor_audit():
    done = subprocess.run([str(BIN / "zizmor"), "--offline", str(ROOT / ".github" / "workflows")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_codebook_is_current():
    result = run_cli("docs", "--check", str(ROOT))
    assert result.exit_code == 0, result.output


def test_tables_are_in_canonical_form():
    result = run_cli("fmt", "--check", str(ROOT))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_text(name):
    command = cli.commands[name]
    assert command.help and len(command.help) > 20, name
    result = run_cli(name, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output


def test_help_does_not_import_the_heavy_libraries():
    """`ihr --help` must stay fast: no polars, pandas, pyarrow, duckdb or frictionless at import."""
    code = ("import sys; from ihr.cli import cli\n"
            "heavy = [m for m in ('polars', 'pandas', 'pyarrow', 'duckdb', 'frictionless', 'pandera') if m in sys.modules]\n"
            "print(','.join(heavy))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
