#!/usr/bin/env python3
"""Benchmark `ihr validate` and `ihr build` on synthetic packages, against frictionless and a DuckDB floor.

    python scripts/bench.py [--sizes 10000,100000,1000000] [--repeat 3] [--out build/bench.json]

For each size N (claims) a clean package is generated with scripts/synth.py; the largest N and 100k
also get a faulty one (--fault-rate 0.001). Packages live in a work directory (default: a fixed
directory under the system temp dir) and are reused when size, seed, fault rate, synth.py and the
schemas are unchanged.

Every command runs as a whole subprocess, interleaved round-robin over commands and sizes, `repeat`
times; wall time and the child's peak RSS (os.wait4) are recorded:

  ihr-validate   ihr validate DIR --format json
  frictionless   frictionless validate --limit-errors 0 DIR/datapackage.json   (once only at >= 1M claims)
  ihr-build      ihr build DIR --out TMP
  floor          python + duckdb reading every CSV as VARCHAR columns into tables (the least any
                 validator must do)

plus `ihr --help` and `ihr validate` on the repository's own data (5 times each). Reported: medians,
rows/s, peak RSS, ihr/floor and frictionless/ihr ratios, the growth exponent of ihr validate time
between sizes, parity (every row or cell frictionless flags in the faulty 100k package is flagged by
ihr too, same covering rule as tests/test_parity.py, frictionless row numbers mapped to physical lines)
and whether ihr reports every fault injected into the faulty packages.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
FAULT_RATE = 0.001
PARITY_SIZE = 100_000
csv.field_size_limit(2**31 - 1)

FLOOR = r"""
import json, sys
from pathlib import Path
import duckdb
root = Path(sys.argv[1])
descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
con = duckdb.connect()
for res in descriptor["resources"]:
    schema = res["schema"]
    if isinstance(schema, str):
        schema = json.loads((root / schema).read_text(encoding="utf-8"))
    cols = "{" + ", ".join("'%s': 'VARCHAR'" % f["name"] for f in schema["fields"]) + "}"
    path = str(root / res["path"]).replace("'", "''")
    con.execute(f'''CREATE TABLE "{res['name']}" AS SELECT * FROM read_csv('{path}', header=true, columns={cols},
                    auto_detect=false, delim=',', quote='"', escape='"')''')
print(sum(con.execute(f'SELECT count(*) FROM "{r["name"]}"').fetchone()[0] for r in descriptor["resources"]))
"""


def exe(name: str) -> str:
    p = BIN / name
    if p.exists():
        return str(p)
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"bench: cannot find {name} next to {sys.executable} or on PATH")
    return found


def label(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def run(argv: list[str], stdout_path: Path | None = None, cwd: Path | None = None) -> dict:
    """Run one command as a child; wall seconds, exit code and the child's own peak RSS (MB)."""
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    err_path = Path(tempfile.mkstemp(prefix="bench-err-")[1])
    try:
        with open(err_path, "wb") as err:
            started = time.perf_counter()
            proc = subprocess.Popen(argv, stdout=out, stderr=err, cwd=cwd)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        tail = err_path.read_text(errors="replace")[-2000:]
    finally:
        if stdout_path:
            out.close()
        err_path.unlink(missing_ok=True)
    rss_kb = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss / 1024
    return {"seconds": round(wall, 4), "exit": proc.returncode, "peak_rss_mb": round(rss_kb / 1024, 1),
            "stderr_tail": tail if proc.returncode not in (0, 1) else ""}


def fingerprint() -> str:
    h = hashlib.sha256()
    # synth.py's faults come from ihr.violations: a change there changes the packages too
    for p in [HERE / "synth.py", ROOT / "src" / "ihr" / "violations.py", ROOT / "datapackage.json", *sorted((ROOT / "schemas").glob("*"))]:
        if p.is_file():
            h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]


def count_rows(pkg: Path) -> dict[str, int]:
    """Data rows per table file (physical lines minus the header; exact for clean packages)."""
    counts = {}
    for f in sorted((pkg / "tables").glob("*.csv")):
        n = 0
        last = b"\n"
        with open(f, "rb") as fh:
            while chunk := fh.read(1 << 24):
                n += chunk.count(b"\n")
                last = chunk[-1:]
        counts[f.stem] = n - 1 + (last != b"\n")
    return counts


def ensure_package(work: Path, claims: int, seed: int, fault_rate: float) -> dict:
    name = f"synth-{label(claims)}-s{seed}" + (f"-f{fault_rate:g}" if fault_rate else "")
    pkg = work / name
    marker = pkg / ".bench-synth.json"
    want = {"claims": claims, "seed": seed, "fault_rate": fault_rate, "fingerprint": fingerprint()}
    if marker.exists():
        info = json.loads(marker.read_text())
        if all(info.get(k) == v for k, v in want.items()) and (pkg / "datapackage.json").exists():
            info["reused"] = True
            return info
    if pkg.exists():
        shutil.rmtree(pkg)
    argv = [sys.executable, str(HERE / "synth.py"), "--claims", str(claims), "--out", str(pkg), "--seed", str(seed), "--quiet"]
    if fault_rate:
        argv += ["--fault-rate", str(fault_rate)]
    print(f"  synth {name} ...", end="", flush=True, file=sys.stderr)
    r = run(argv)
    if r["exit"] != 0:
        raise SystemExit(f"bench: synth failed for {name}:\n{r['stderr_tail']}")
    rows = count_rows(pkg)
    info = {**want, "path": str(pkg), "rows": rows, "total_rows": sum(rows.values()),
            "bytes": sum(f.stat().st_size for f in (pkg / "tables").glob("*.csv")),
            "synth_seconds": r["seconds"], "synth_peak_rss_mb": r["peak_rss_mb"]}
    marker.write_text(json.dumps(info, indent=1))
    print(f" {r['seconds']:.1f}s, {info['total_rows']:,} rows", file=sys.stderr)
    info["reused"] = False
    return info


def record_start_lines(path: Path) -> list[int]:
    """Physical start line of every record (index 0 = header = line 1), as csv and frictionless count records."""
    starts = []
    with open(path, encoding="utf-8", errors="replace", newline="") as fh:
        if fh.read(1) != "\ufeff":
            fh.seek(0)
        reader = csv.reader(fh)
        line = 1
        try:
            for _ in reader:
                starts.append(line)
                line = reader.line_num + 1
        except csv.Error:
            starts.append(line)
    return starts


def parity(pkg: Path, work: Path, frictionless: str, ihr: str) -> dict:
    """Every row/cell frictionless flags must be covered by an ihr finding (tests/test_parity.py's rule)."""
    fl_out, ihr_out = work / "parity-frictionless.json", work / "parity-ihr.json"
    fr = run([frictionless, "validate", "--json", "--limit-errors", "0", str(pkg / "datapackage.json")], fl_out)
    ir = run([ihr, "validate", str(pkg), "--format", "json"], ihr_out)
    report = json.loads(fl_out.read_text())
    findings = json.loads(ihr_out.read_text())["findings"]
    ours = {(f["path"], f["line"], f["column"]) for f in findings if f["line"]}
    ours_lines = {(p, n) for p, n, _ in ours}
    theirs, raw_theirs = set(), set()
    for task in report.get("tasks", []):
        place = task.get("place") or (task.get("resource") or {}).get("path")
        errors = [e for e in task.get("errors", []) if e.get("rowNumber") is not None]
        if not errors:
            continue
        starts = record_start_lines(pkg / place)
        for e in errors:
            n, field = e["rowNumber"], e.get("fieldName") or None
            raw_theirs.add((place, n, field, e["type"]))
            line = starts[n - 1] if 0 < n <= len(starts) else n
            theirs.add((place, line, field, e["type"]))

    def covered(t, lines_mapped=True):
        path, line, field, _ = t
        if field is None:
            return (path, line) in ours_lines
        return (path, line, field) in ours or (path, line, None) in ours
    missing = sorted((t for t in theirs if not covered(t)), key=lambda t: (t[0], t[1], t[2] or ""))
    missing_unmapped = [t for t in raw_theirs if not covered(t)]
    return {"package": str(pkg), "frictionless_seconds": fr["seconds"], "ihr_seconds": ir["seconds"],
            "frictionless_row_errors": len(theirs), "ihr_findings": len(findings),
            "uncovered": [dict(zip(("path", "line", "field", "type"), t)) for t in missing[:50]],
            "uncovered_count": len(missing), "ok": not missing,
            "uncovered_without_line_mapping": len(missing_unmapped),
            "note": "frictionless rowNumber counts records, ihr counts physical lines; rowNumbers are mapped "
                    "to the physical start line of the record before comparing (multi-line records shift them)"}


def detection(pkg: Path, work: Path, ihr: str) -> dict:
    out = work / f"detect-{pkg.name}.json"
    r = run([ihr, "validate", str(pkg), "--format", "json"], out)
    findings = json.loads(out.read_text())["findings"]
    found = {(f["path"], f["line"], f["column"], f["code"]) for f in findings}
    faults = json.loads((pkg / "faults.json").read_text())
    injected = {(f["path"], f["line"], f["column"], f["code"]) for f in faults}
    missed = [f for f in faults if (f["path"], f["line"], f["column"], f["code"]) not in found]
    extra = [f for f in findings if (f["path"], f["line"], f["column"], f["code"]) not in injected]
    by_code: dict[str, int] = {}
    for f in faults:
        by_code[f["code"]] = by_code.get(f["code"], 0) + 1
    return {"package": str(pkg), "seconds": r["seconds"], "exit": r["exit"], "injected": len(faults),
            "codes": by_code, "missed": missed[:50], "missed_count": len(missed), "all_reported": not missed,
            "findings": len(findings), "findings_not_injected": len(extra),
            "findings_not_injected_sample": [{k: f[k] for k in ("path", "line", "column", "code", "message")} for f in extra[:20]]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000", help="claims per package, comma-separated")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "bench.json")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / f"ihr-bench-{os.getuid()}")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-frictionless", action="store_true", help="skip frictionless timings (parity still runs)")
    args = ap.parse_args(argv)
    sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()})
    work: Path = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    ihr, frictionless = exe("ihr"), exe("frictionless")

    print(f"bench: sizes {', '.join(label(n) for n in sizes)}, repeat {args.repeat}, work dir {work}", file=sys.stderr)
    clean = {n: ensure_package(work, n, args.seed, 0.0) for n in sizes}
    faulty_sizes = sorted({max(sizes), PARITY_SIZE})
    faulty = {n: ensure_package(work, n, args.seed, FAULT_RATE) for n in faulty_sizes}

    # commands: (name, size or None, argv builder, repeat?)
    def cmds_for(n: int, info: dict) -> list[tuple[str, list[str] | None, bool]]:
        pkg = info["path"]
        big = n >= 1_000_000
        out = [("ihr-validate", [ihr, "validate", pkg, "--format", "json"], True)]
        if not args.no_frictionless:
            out.append(("frictionless", [frictionless, "validate", "--limit-errors", "0", str(Path(pkg) / "datapackage.json")], not big))
        out.append(("ihr-build", None, True))
        out.append(("floor", [sys.executable, "-c", FLOOR, pkg], True))
        return out

    runs: list[dict] = []
    print("bench: timing (round-robin)", file=sys.stderr)
    for rep in range(args.repeat):
        for n in sizes:
            info = clean[n]
            for name, argv_, repeated in cmds_for(n, info):
                if rep > 0 and not repeated:
                    continue
                build_dir = None
                if name == "ihr-build":
                    build_dir = Path(tempfile.mkdtemp(prefix="build-", dir=work))
                    argv_ = [ihr, "build", info["path"], "--out", str(build_dir)]
                r = run(argv_)
                if build_dir:
                    shutil.rmtree(build_dir, ignore_errors=True)
                r.update({"command": name, "claims": n, "rows": info["total_rows"], "package": "clean", "rep": rep})
                runs.append(r)
                flag = "" if r["exit"] == 0 else f"  exit {r['exit']}!"
                print(f"  [{rep + 1}/{args.repeat}] {name:<13} {label(n):>5} {r['seconds']:8.2f}s {r['peak_rss_mb']:8.0f} MB{flag}", file=sys.stderr)
        # the faulty largest package exercises the validator's slow (Python csv) path
        n = max(sizes)
        r = run([ihr, "validate", faulty[n]["path"], "--format", "json"])
        r.update({"command": "ihr-validate-faulty", "claims": n, "rows": faulty[n]["total_rows"], "package": "faulty", "rep": rep})
        runs.append(r)
        print(f"  [{rep + 1}/{args.repeat}] {'validate-faulty':<13} {label(n):>5} {r['seconds']:8.2f}s {r['peak_rss_mb']:8.0f} MB", file=sys.stderr)

    real_rows = sum(count_rows(ROOT).values())
    for rep in range(5):
        for name, argv_ in (("ihr --help", [ihr, "--help"]), ("ihr validate (repo)", [ihr, "validate", str(ROOT), "--format", "json"])):
            r = run(argv_)
            r.update({"command": name, "claims": None, "rows": real_rows, "package": "repository", "rep": rep})
            runs.append(r)

    # summary
    summary = []
    keys = []
    for r in runs:
        k = (r["command"], r["claims"], r["package"])
        if k not in keys:
            keys.append(k)
    for k in keys:
        rs = [r for r in runs if (r["command"], r["claims"], r["package"]) == k]
        secs = [r["seconds"] for r in rs]
        med = statistics.median(secs)
        summary.append({"command": k[0], "claims": k[1], "package": k[2], "rows": rs[0]["rows"], "n": len(rs),
                        "median_s": round(med, 3), "min_s": round(min(secs), 3), "max_s": round(max(secs), 3),
                        "rows_per_s": round(rs[0]["rows"] / med) if med and rs[0]["rows"] else None,
                        "peak_rss_mb": max(r["peak_rss_mb"] for r in rs),
                        "exits": sorted({r["exit"] for r in rs})})

    def med(cmd, n, package="clean"):
        for s in summary:
            if s["command"] == cmd and s["claims"] == n and s["package"] == package:
                return s["median_s"]
        return None
    ratios = []
    for n in sizes:
        v, fl, fr = med("ihr-validate", n), med("frictionless", n), med("floor", n)
        ratios.append({"claims": n, "ihr_validate_over_floor": round(v / fr, 2) if v and fr else None,
                       "ihr_build_over_floor": round(med("ihr-build", n) / fr, 2) if fr and med("ihr-build", n) else None,
                       "frictionless_over_ihr_validate": round(fl / v, 2) if fl and v else None})
        faulty_v = med("ihr-validate-faulty", n, "faulty")
        if faulty_v and fr:
            ratios[-1]["ihr_validate_faulty_over_floor"] = round(faulty_v / fr, 2)
    growth = []
    for a, b in zip(sizes, sizes[1:]):
        ta, tb = med("ihr-validate", a), med("ihr-validate", b)
        ra, rb = clean[a]["total_rows"], clean[b]["total_rows"]
        entry = {"from": a, "to": b, "ihr_validate": round(math.log(tb / ta) / math.log(rb / ra), 3) if ta and tb else None}
        for cmd in ("ihr-build", "frictionless", "floor"):
            ca, cb = med(cmd, a), med(cmd, b)
            entry[cmd.replace("-", "_")] = round(math.log(cb / ca) / math.log(rb / ra), 3) if ca and cb else None
        growth.append(entry)

    print("bench: parity and detection", file=sys.stderr)
    par = parity(Path(faulty[PARITY_SIZE]["path"]), work, frictionless, ihr)
    det = {label(n): detection(Path(faulty[n]["path"]), work, ihr) for n in faulty_sizes}

    notes = []
    if any(n >= 1_000_000 for n in sizes) and not args.no_frictionless:
        notes.append("frictionless ran once (not repeated) at sizes >= 1M claims")
    notes.append("peak RSS is the child's own ru_maxrss (os.wait4); rows/s = data rows of the package / median seconds")
    notes.append(f"faulty packages: --fault-rate {FAULT_RATE}; ihr-validate-faulty times the largest one (files with a CR, bad UTF-8, an unterminated quote, blank lines, records spanning lines, ragged rows)")
    result = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(),
                    "versions": versions()},
        "sizes": sizes, "repeat": args.repeat, "seed": args.seed, "workdir": str(work),
        "packages": {"clean": {label(n): clean[n] for n in sizes}, "faulty": {label(n): faulty[n] for n in faulty_sizes}},
        "summary": summary, "ratios": ratios, "growth_exponents": growth, "parity": par, "detection": det,
        "runs": runs, "notes": notes,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print_report(result)
    print(f"\nwritten {args.out}")
    return 0


def versions() -> dict:
    out = {}
    for mod in ("duckdb", "frictionless", "polars", "pandera", "ihr"):
        try:
            from importlib.metadata import version
            out[mod] = version(mod)
        except Exception:
            out[mod] = None
    return out


def print_report(res: dict) -> None:
    print(f"\nihr benchmark  ({res['machine']['platform']}, {res['machine']['cpus']} CPUs, python {res['machine']['python']}, "
          f"duckdb {res['machine']['versions'].get('duckdb')}, frictionless {res['machine']['versions'].get('frictionless')})")
    head = f"{'command':<22}{'claims':>7}{'rows':>11}{'n':>3}{'median s':>10}{'min s':>9}{'max s':>9}{'rows/s':>12}{'peak MB':>9}"
    print(head)
    print("-" * len(head))
    for s in res["summary"]:
        n = label(s["claims"]) if s["claims"] else "repo"
        name = s["command"] + (" *" if any(e not in (0, 1) for e in s["exits"]) else "")
        rps = f"{s['rows_per_s']:,}" if s["rows_per_s"] else "-"
        print(f"{name:<22}{n:>7}{s['rows']:>11,}{s['n']:>3}{s['median_s']:>10.3f}{s['min_s']:>9.3f}{s['max_s']:>9.3f}{rps:>12}{s['peak_rss_mb']:>9.0f}")
    print("\nratios (medians):")
    for r in res["ratios"]:
        print(f"  {label(r['claims']):>5}: ihr validate / floor = {r['ihr_validate_over_floor']}, "
              f"ihr build / floor = {r['ihr_build_over_floor']}, frictionless / ihr validate = {r['frictionless_over_ihr_validate']}"
              + (f", ihr validate faulty / floor = {r['ihr_validate_faulty_over_floor']}" if "ihr_validate_faulty_over_floor" in r else ""))
    for g in res["growth_exponents"]:
        print(f"growth exponent {label(g['from'])} -> {label(g['to'])}: ihr validate {g['ihr_validate']}, ihr build {g['ihr_build']}, "
              f"frictionless {g['frictionless']}, floor {g['floor']}  (1.0 = linear)")
    p = res["parity"]
    print(f"parity (faulty {label(PARITY_SIZE)}): frictionless flags {p['frictionless_row_errors']} rows/cells, "
          f"{p['uncovered_count']} not covered by ihr -> {'OK' if p['ok'] else 'FAIL'} "
          f"({p['uncovered_without_line_mapping']} without mapping record numbers to lines)")
    for u in p["uncovered"][:10]:
        print(f"    uncovered: {u}")
    for k, d in res["detection"].items():
        print(f"detection (faulty {k}): {d['injected']} injected faults, {d['missed_count']} missed -> "
              f"{'OK' if d['all_reported'] else 'FAIL'}; {d['findings_not_injected']} findings beyond them")
        for m in d["missed"][:10]:
            print(f"    missed: {m}")
    for n in res["notes"]:
        print(f"note: {n}")


if __name__ == "__main__":
    sys.exit(main())
