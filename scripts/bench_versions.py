#!/usr/bin/env python3
"""Time two installed versions of `ihr` on the same packages, interleaved, beside the DuckDB floor.

    python scripts/bench_versions.py --before OLD/bin/ihr [--after NEW/bin/ihr] [--keep-metadata]
        [--after-extra "--memory-limit 1GB"] OUT.json PKG [PKG ...]

A refactoring's speed is judged against the code before it, on the same machine in the same run.
Each PKG (made by scripts/synth.py) is validated by both (and, if its name has "clean", built); the
"before" copy has the same tables (hard links) with the `ihr:` properties removed from the
descriptor and schemas, for versions that predate them (`--keep-metadata`: the package itself, for
versions that read them). `--after-extra` times the "after" version once more with those arguments
added (validate and build: "validate-after+", "build-after+"). REPEAT (environment, default 3) rounds;
wall time and peak RSS per command (os.wait4), medians and ratios to the floor in OUT.json.
"""
import json, os, shutil, statistics, subprocess, sys, time, tempfile
from pathlib import Path

PY = sys.executable
FLOOR = (Path(__file__).with_name("bench.py")).read_text(encoding="utf-8").split('FLOOR = r"""')[1].split('"""')[0]
REPEAT = int(os.environ.get("REPEAT", "3"))


def old_format(pkg: Path) -> Path:
    """The package with every ihr: property removed (the format the base version reads), sharing the tables."""
    old = pkg.parent / (pkg.name + "-old")
    if old.exists():
        shutil.rmtree(old)
    (old / "schemas").mkdir(parents=True)
    (old / "tables").mkdir()
    for f in (pkg / "tables").iterdir():
        os.link(f, old / "tables" / f.name)
    strip = lambda d: {k: v for k, v in d.items() if not k.startswith("ihr:")}
    (old / "datapackage.json").write_text(json.dumps(strip(json.loads((pkg / "datapackage.json").read_text())), indent=2))
    for s in (pkg / "schemas").iterdir():
        if s.suffix == ".json":
            (old / "schemas" / s.name).write_text(json.dumps(strip(json.loads(s.read_text())), indent=2))
        else:
            shutil.copy(s, old / "schemas" / s.name)
    return old


def run(cmd):
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, _, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        return wall, usage.ru_maxrss / 1024, out.read()


def main():
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", required=True, help="the ihr executable of the code before the change")
    ap.add_argument("--after", default=str(Path(sys.executable).with_name("ihr")), help="the ihr executable after it")
    ap.add_argument("--keep-metadata", action="store_true", help="give the before version the package as it is")
    ap.add_argument("--after-extra", default="", help="arguments for a second timing of the after version")
    ap.add_argument("out", type=Path)
    ap.add_argument("packages", type=Path, nargs="+")
    args = ap.parse_args()
    BASE, MAIN, out = args.before, args.after, args.out
    results = {}
    for pkg in args.packages:
        old = pkg if args.keep_metadata else old_format(pkg)
        extra = args.after_extra.split()
        cmds = {
            "floor": [PY, "-c", FLOOR, str(pkg)],
            "validate-before": [BASE, "validate", "--format", "json", str(old)],
            "validate-after": [MAIN, "validate", "--format", "json", str(pkg)],
        }
        if extra:
            cmds["validate-after+"] = [MAIN, "validate", "--format", "json", str(pkg), *extra]
        if "clean" in pkg.name:
            tmp = Path(tempfile.mkdtemp(prefix="ab-build-"))
            cmds["build-before"] = [BASE, "build", str(old), "--out", str(tmp / "before")]
            cmds["build-after"] = [MAIN, "build", str(pkg), "--out", str(tmp / "after")]
            if extra:
                cmds["build-after+"] = [MAIN, "build", str(pkg), "--out", str(tmp / "after+"), *extra]
        times = {k: [] for k in cmds}
        counts = {}
        for _ in range(REPEAT):
            for name, cmd in cmds.items():
                wall, rss, stdout = run(cmd)
                times[name].append((wall, rss))
                if name.startswith("validate"):
                    try:
                        counts[name] = len(json.loads(stdout)["findings"])
                    except Exception:
                        counts[name] = None
                print(pkg.name, name, round(wall, 3), round(rss), flush=True)
        floor = statistics.median(w for w, _ in times["floor"])
        results[pkg.name] = {k: {"median_s": round(statistics.median(w for w, _ in v), 3), "max_rss_mb": round(max(r for _, r in v)),
                                 "x_floor": round(statistics.median(w for w, _ in v) / floor, 2), "runs": [round(w, 3) for w, _ in v]}
                             for k, v in times.items()}
        results[pkg.name]["findings"] = counts
    out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
