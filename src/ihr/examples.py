"""SQL examples in the documentation, with their real output.

README.md and docs/questions.md show questions answered by one SQL statement, each followed by
what `ihr query` prints for it on the current data. `ihr docs` rewrites those outputs and
`ihr docs --check` fails when one is stale, so a contributor who adds a row refreshes them with the
same command that refreshes the codebook, and the documents never show an answer the data no
longer gives.

An example is a ```sql block followed directly by a plain ``` block (the output). A ```sql block
followed by anything else is shown without output and not run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

EXAMPLE_DOCUMENTS = ("README.md", "docs/questions.md")
EXAMPLE = re.compile(r"```sql\n(?P<sql>.*?)```\n```\n(?P<out>.*?)```", re.S)


@dataclass
class ExampleRefresh:
    """What refreshing one document's examples found: how many there are and which are stale."""

    path: Path
    n_examples: int
    stale_sql: list[str]
    text: str  # the document with every output block as the data gives it now


def find_examples(text: str) -> list[re.Match]:
    return list(EXAMPLE.finditer(text))


def refresh_examples(path: Path, root: Path, out_dir: Path | None = None) -> ExampleRefresh:
    """Run every example of the document at `path` against the package at `root`."""
    from ihr.query import render_result, run_query

    text = path.read_text(encoding="utf-8")
    pieces, last, stale = [], 0, []
    matches = find_examples(text)
    for match in matches:
        actual = render_result(run_query(match["sql"], root, out_dir), "table", max_width=10_000) + "\n"
        if actual != match["out"]:
            stale.append(match["sql"].strip())
        pieces += [text[last:match.start("out")], actual]
        last = match.end("out")
    pieces.append(text[last:])
    return ExampleRefresh(path, len(matches), stale, "".join(pieces))


def refresh_all(root: Path, write: bool, out_dir: Path | None = None) -> list[ExampleRefresh]:
    """Refresh (write=True) or only compare the examples of every document that has them."""
    results = []
    for name in EXAMPLE_DOCUMENTS:
        path = root / name
        if not path.exists():
            continue
        result = refresh_examples(path, root, out_dir)
        if write and result.stale_sql:
            path.write_text(result.text, encoding="utf-8")
        results.append(result)
    return results
