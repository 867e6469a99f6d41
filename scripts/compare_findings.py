#!/usr/bin/env python3
"""Record every finding `ihr validate` gives on a fixed set of packages, and compare two records.

A refactoring of the validator must not change what it says. This script runs one `ihr` (any
installed copy: give its Python with --python) over every broken fixture, every hostile case, the
repository's own data and any extra package directories, and writes the findings, message for
message, to a JSON file; `compare` then lists every difference between two such files.

    python scripts/compare_findings.py record before.json --python /path/to/old/.venv/bin/python [--extra DIR ...]
    python scripts/compare_findings.py record after.json [--extra DIR ...]
    python scripts/compare_findings.py compare before.json after.json

The packages are built from this checkout's fixtures (tests/conftest.py and tests/test_hostile.py
assemble them), so both records see the same bytes. Exit status of compare: 0 identical, 1 not.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
# Fields that make a finding what it is; `layer` is bookkeeping of where it was found and may move.
COMPARED = ("path", "line", "column", "code", "severity", "message", "value", "table", "hint")
PER_CASE_SECONDS = 120


def packages(work: Path, extra: list[Path]) -> dict[str, Path]:
    """Case name -> package directory: broken fixtures, hostile cases, the real data, extras."""
    sys.path[:0] = [str(TESTS), str(TESTS / "fixtures" / "hostile")]
    from conftest import broken_names, build_package  # noqa: PLC0415 - test helpers, imported on demand
    from test_hostile import CASES, materialize  # noqa: PLC0415

    found = {"valid": build_package(work / "valid-root")}
    for name in broken_names():
        found[f"broken/{name}"] = build_package(work / "broken", name)
    for case in CASES:
        (work / "hostile").mkdir(exist_ok=True)
        found[f"hostile/{case.name}"] = materialize(case, work / "hostile")
    found["repository"] = ROOT
    for directory in extra:
        found[f"extra/{directory.name}"] = directory
    return found


def run(python: str, package: Path) -> dict:
    """The validator's verdict on one package: exit code and its findings (or its one-line error)."""
    try:
        done = subprocess.run([python, "-m", "ihr", "validate", "--format", "json", str(package)],
                              capture_output=True, text=True, timeout=PER_CASE_SECONDS)
    except subprocess.TimeoutExpired:
        return {"exit": "timeout", "findings": []}
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        return {"exit": done.returncode, "error": done.stderr.strip().splitlines()[-1:] or [""], "findings": []}
    findings = [{k: f.get(k) for k in COMPARED} for f in report.get("findings", [])]
    root = str(package)
    for f in findings:  # temporary directories differ between runs
        for k in ("message", "hint", "value"):
            if isinstance(f[k], str):
                f[k] = f[k].replace(root, "<package>")
    return {"exit": done.returncode, "findings": findings, "layers": sorted({f.get("layer", "") for f in report.get("findings", [])})}


def record(out: Path, python: str, extra: list[Path]) -> None:
    with tempfile.TemporaryDirectory(prefix="ihr-compare-") as tmp:
        cases = packages(Path(tmp), extra)
        result = {}
        for name, package in cases.items():
            result[name] = run(python, package)
    out.write_text(json.dumps(result, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    total = sum(len(r["findings"]) for r in result.values())
    print(f"{len(result)} packages, {total} findings -> {out}")


def _without_temp_paths(result: dict) -> dict:
    """The one-line error of an unreadable package names its temporary directory: not compared."""
    if "error" in result:
        result = {**result, "error": [re.sub(r"/[^ ]*/ihr-compare-[^/]+/", "<tmp>/", e) for e in result["error"]]}
    return result


def compare(before: Path, after: Path) -> int:
    a = json.loads(before.read_text(encoding="utf-8"))
    b = json.loads(after.read_text(encoding="utf-8"))
    differences = 0
    for name in sorted(set(a) | set(b)):
        if name not in a or name not in b:
            print(f"{name}: only in {'after' if name not in a else 'before'}")
            differences += 1
            continue
        x, y = _without_temp_paths(a[name]), _without_temp_paths(b[name])
        if x.get("exit") != y.get("exit") or x.get("error") != y.get("error"):
            print(f"{name}: exit {x.get('exit')} {x.get('error', '')} -> {y.get('exit')} {y.get('error', '')}")
            differences += 1
        key = lambda f: json.dumps(f, sort_keys=True)  # noqa: E731
        gone = sorted(set(map(key, x["findings"])) - set(map(key, y["findings"])))
        new = sorted(set(map(key, y["findings"])) - set(map(key, x["findings"])))
        for f in gone:
            print(f"{name}: - {f}")
        for f in new:
            print(f"{name}: + {f}")
        differences += len(gone) + len(new)
    print(f"{len(set(a) | set(b))} packages compared, {differences} difference(s)")
    return 1 if differences else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("out", type=Path)
    rec.add_argument("--python", default=sys.executable, help="the Python whose `ihr` is recorded")
    rec.add_argument("--extra", type=Path, action="append", default=[], help="another package directory to include")
    cmp_ = sub.add_parser("compare")
    cmp_.add_argument("before", type=Path)
    cmp_.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "record":
        record(args.out, args.python, args.extra)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
