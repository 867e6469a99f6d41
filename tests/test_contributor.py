"""The contributor path: what a first-time contributor runs, and messages they can act on."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from conftest import ROOT, VALID, run_cli


def test_errors_only_hides_warnings_in_text_but_counts_them(valid_package):
    claims = valid_package / "tables" / "claims.csv"
    lines = claims.read_text().splitlines()
    lines[3] = lines[3].replace(",denies,", ",deny,")
    claims.write_text("\n".join(lines))  # an enum error on line 4; no final newline is a warning
    for flag in ("--errors-only", "-q"):
        result = run_cli("validate", flag, str(valid_package))
        assert result.exit_code == 1
        assert "tables/claims.csv:4: stance: enum:" in result.output
        assert " warning " not in result.output
        last = result.output.rstrip().splitlines()[-1]
        assert last.startswith("INVALID: 1 error(s), 1 warning(s) in 13 tables")
        assert last.endswith("(warnings not listed: --errors-only)")
    full = run_cli("validate", str(valid_package))
    assert "warning line-ending" in full.output
    as_json = json.loads(run_cli("validate", "-q", "--format", "json", str(valid_package)).output)
    assert {f["severity"] for f in as_json["findings"]} == {"error", "warning"}
