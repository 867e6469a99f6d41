"""The SQL examples in README.md and docs/questions.md print exactly the output shown under them
(on the current data), and `ihr docs` both finds stale outputs and refreshes them."""

from __future__ import annotations

import shutil

from conftest import ROOT, run_cli
from ihr.examples import find_examples, refresh_all


def test_every_example_in_the_documents_shows_its_real_output(tmp_path):
    results = refresh_all(ROOT, write=False, out_dir=tmp_path)
    assert {r.path.name for r in results} == {"README.md", "questions.md"}
    assert sum(r.n_examples for r in results) >= 17
    for result in results:
        assert result.stale_sql == [], f"stale output in {result.path}; run `ihr docs`"


def test_the_questions_document_answers_twelve_questions():
    text = (ROOT / "docs" / "questions.md").read_text(encoding="utf-8")
    assert len(find_examples(text)) >= 12
    for number in range(1, 13):
        assert f"## {number}." in text


def test_ihr_docs_reports_and_then_refreshes_a_stale_output(tmp_path):
    package = tmp_path / "package"
    shutil.copytree(ROOT, package, ignore=shutil.ignore_patterns(".git", ".venv*", "build", "dist", "__pycache__"))
    readme = package / "README.md"
    text = readme.read_text(encoding="utf-8")
    first = find_examples(text)[0]
    readme.write_text(text[:first.start("out")] + "stale\n" + text[first.end("out"):], encoding="utf-8")
    checked = run_cli("docs", "--check", str(package))
    assert checked.exit_code == 1
    assert "README.md: " in checked.output and "examples, 1 stale" in checked.output
    assert run_cli("docs", str(package)).exit_code == 0
    assert readme.read_text(encoding="utf-8") == text
    assert run_cli("docs", "--check", str(package)).exit_code == 0


def test_every_documented_example_gives_the_same_answer_in_duckdb_1x(tmp_path):
    """The questions promise answers in DuckDB 1.x as well as 2.x: run each example in both on the
    same built database and compare the rows."""
    import json
    import os
    import subprocess

    import duckdb
    import pytest

    python = os.environ.get("IHR_DUCKDB1_PYTHON")
    if not python:
        pytest.skip("IHR_DUCKDB1_PYTHON not set; `make test` provides a DuckDB 1.x environment")
    assert run_cli("build", str(ROOT), "--out", str(tmp_path)).exit_code == 0
    database = tmp_path / "iran-hamas-relations.duckdb"
    sqls = [m["sql"] for name in ("README.md", "docs/questions.md")
            for m in find_examples((ROOT / name).read_text(encoding="utf-8"))]
    (tmp_path / "examples.json").write_text(json.dumps(sqls), encoding="utf-8")
    script = (
        "import duckdb, json, sys; c = duckdb.connect(sys.argv[1], read_only=True);"
        "assert duckdb.__version__.startswith('1.'), duckdb.__version__;"
        "print(json.dumps([c.execute(q).fetchall() for q in json.load(open(sys.argv[2]))], default=str))"
    )
    done = subprocess.run([python, "-c", script, str(database), str(tmp_path / "examples.json")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    con = duckdb.connect(str(database), read_only=True)
    current = json.loads(json.dumps([con.execute(q).fetchall() for q in sqls], default=str))
    con.close()
    assert json.loads(done.stdout) == current
