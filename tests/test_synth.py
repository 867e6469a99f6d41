"""scripts/synth.py writes the packages `make bench` measures: a clean one must validate with no
finding at all, and every fault it injects must be reported where faults.json says (the check
scripts/bench.py makes), so that a schema change that synth.py has not followed fails here, quickly,
and not in an hour-long benchmark."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run_cli

ROOT = Path(__file__).parent.parent
SYNTH = ROOT / "scripts" / "synth.py"


def synth(out: Path, *extra: str) -> None:
    subprocess.run([sys.executable, str(SYNTH), "--claims", "300", "--out", str(out), "--quiet", *extra],
                   check=True, capture_output=True, text=True, timeout=120)


def validate(pkg: Path) -> tuple[int, list[dict]]:
    done = run_cli("validate", str(pkg), "--format", "json")  # the real CLI, in this process (no interpreter start)
    return done.exit_code, json.loads(done.output)["findings"]


def declared_paths(pkg: Path) -> set[str]:
    return {r["path"] for r in json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))["resources"]}


def test_clean_package_validates_without_findings(tmp_path: Path) -> None:
    pkg = tmp_path / "clean"
    synth(pkg)
    assert {f"tables/{p.name}" for p in (pkg / "tables").glob("*.csv")} == declared_paths(pkg)
    code, findings = validate(pkg)
    assert findings == [], findings[:10]
    assert code == 0


@pytest.mark.parametrize("extra", [(), ("--header-faults",)], ids=["rows", "headers"])
def test_every_injected_fault_is_reported(tmp_path: Path, extra: tuple[str, ...]) -> None:
    pkg = tmp_path / "faulty"
    synth(pkg, "--fault-rate", "0.01", "--seed", "3", *extra)
    faults = json.loads((pkg / "faults.json").read_text(encoding="utf-8"))
    code, findings = validate(pkg)
    found = {(f["path"], f["line"], f["column"], f["code"]) for f in findings}
    missed = [f for f in faults if (f["path"], f["line"], f["column"], f["code"]) not in found]
    assert missed == []
    assert code == 1
    codes = {f["code"] for f in faults}
    # the rules of the tables added since synth.py was first written are exercised too
    assert {"amount-range", "proposition-event", "missing-source", "duplicate-source"} <= codes
    assert {f["path"] for f in faults} >= {"tables/affiliations.csv", "tables/propositions.csv", "tables/actor_identifiers.csv"}
