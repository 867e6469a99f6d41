"""The README's example queries print exactly the output shown under them (on the current data)."""

from __future__ import annotations

import importlib.util

from conftest import ROOT
from ihr.query import render_result, run_query

spec = importlib.util.spec_from_file_location("readme_queries", ROOT / "scripts" / "readme_queries.py")
readme_queries = importlib.util.module_from_spec(spec)
spec.loader.exec_module(readme_queries)


def test_readme_has_five_example_queries_with_their_real_output(tmp_path):
    found = readme_queries.examples((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(found) >= 5
    for match in found:
        actual = render_result(run_query(match["sql"], ROOT, out_dir=tmp_path), "table", max_width=10_000) + "\n"
        assert actual == match["out"], f"stale README output for:\n{match['sql']}\nrun scripts/readme_queries.py --write"
