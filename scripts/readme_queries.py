"""Check (default) or refresh (--write) the outputs of the SQL examples in README.md.

Each ```sql block in README.md followed directly by a plain ``` block is an example; the plain
block must be exactly what `ihr query` prints for that SQL on the current data.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = re.compile(r"```sql\n(?P<sql>.*?)```\n```\n(?P<out>.*?)```", re.S)


def examples(text: str) -> list[re.Match]:
    return list(EXAMPLE.finditer(text))


def run(sql: str) -> str:
    sys.path.insert(0, str(ROOT / "src"))
    from ihr.query import render_result, run_query

    return render_result(run_query(sql, ROOT), "table", max_width=10_000) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the output blocks in place")
    args = parser.parse_args()
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    stale = 0
    pieces, last = [], 0
    for match in examples(text):
        actual = run(match["sql"])
        if actual != match["out"]:
            stale += 1
        pieces += [text[last:match.start("out")], actual]
        last = match.end("out")
    pieces.append(text[last:])
    if args.write:
        readme.write_text("".join(pieces), encoding="utf-8")
        print(f"{len(examples(text))} examples, {stale} refreshed")
        return 0
    print(f"{len(examples(text))} examples, {stale} stale")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
