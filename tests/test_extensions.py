"""This dataset's rules come from its own metadata (`ihr:` properties, ihr/extensions.py): another
package gets the generic checks only, and a rule's reach is what the metadata says."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from conftest import ROOT, build_package, run_cli
from ihr.validate import validate_package


def edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def codes(package: Path) -> list[tuple[str, int | None, str | None, str]]:
    return [(f.path, f.line, f.column, f.code) for f in validate_package(package).sorted_findings()]


def test_dataset_rules_run_only_when_the_package_lists_them(tmp_path):
    package = build_package(tmp_path, "duplicate-claim")
    assert any(c[3] == "duplicate-claim" for c in codes(package))
    edit_json(package / "datapackage.json", lambda d: d.update({"ihr:rules": [r for r in d["ihr:rules"] if r != "duplicate-claim"]}))
    assert not any(c[3] == "duplicate-claim" for c in codes(package))


def test_a_package_without_ihr_metadata_gets_the_generic_checks_only(tmp_path):
    package = build_package(tmp_path, "person-without-affiliation")
    assert any(c[3] == "person-without-affiliation" for c in codes(package))
    edit_json(package / "datapackage.json", lambda d: [d.pop(k) for k in list(d) if k.startswith("ihr:")])
    for schema in (package / "schemas").glob("*.schema.json"):
        edit_json(schema, lambda d: [d.pop(k) for k in list(d) if k.startswith("ihr:")])
    result = run_cli("validate", "--format", "json", str(package))
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["findings"] == []


def test_date_pairs_are_read_from_the_schema(tmp_path):
    package = build_package(tmp_path, "date-order")
    assert ("tables/events.csv", 2, "date_end", "date-order") in codes(package)
    edit_json(package / "schemas" / "events.schema.json", lambda d: d.pop("ihr:datePairs"))
    assert not any(c[3] == "date-order" for c in codes(package))


def test_sourced_tables_are_read_from_the_schema(tmp_path):
    package = build_package(tmp_path, "missing-source")
    found = [c for c in codes(package) if c[3] == "missing-source"]
    assert found
    table = found[0][0].split("/")[-1].removesuffix(".csv")
    edit_json(package / "schemas" / f"{table}.schema.json", lambda d: d.pop("ihr:sourcedBy"))
    assert not any(c[3] == "missing-source" for c in codes(package))


def test_other_tools_namespaced_properties_pass_and_ours_are_checked(tmp_path):
    package = build_package(tmp_path)
    edit_json(package / "datapackage.json", lambda d: d.update({"foo:owner": "someone", "ihr:rulez": [], "ihr:rules": ["no-such-rule"]}))
    edit_json(package / "schemas" / "events.schema.json", lambda d: d.update({"ihr:datePairs": [["date_start", "date_finish"]]}))
    found = {(f.path, f.code, f.message) for f in validate_package(package).errors}
    assert ("datapackage.json", "unknown-property", "package: unknown property 'ihr:rulez' (a typo, or not in the Data Package v2 spec)") in found
    assert ("datapackage.json", "invalid-descriptor", "ihr:rules names unknown rule 'no-such-rule' (ihr validate --list-rules)") in found
    assert ("schemas/events.schema.json", "invalid-descriptor", "ihr:datePairs names unknown field 'date_finish'") in found
    assert not any("foo:owner" in message for _, _, message in found)


# The parts of `ihr` that present this dataset (its rules, the explorer, stats, charts) may name
# its tables; the validator and the tools around it may not.
PRESENTS_THIS_DATASET = ("dataset/", "site/", "stats.py", "charts.py")


def _string_constants(tree: ast.AST) -> list[ast.Constant]:
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and ast.get_docstring(node, clean=False) is not None}
    return [node for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_the_validator_names_no_table_of_this_dataset():
    """Table names live in the metadata: a rule that needs one is a dataset rule (ihr/dataset/).
    Names the specs or our extensions give properties ("sources" of a package, "redirects" of
    `ihr:redirects`) are not table names."""
    from ihr.checks.descriptor import PACKAGE_PROPERTIES, RESOURCE_PROPERTIES
    from ihr.extensions import PACKAGE_EXTENSIONS, SCHEMA_EXTENSIONS

    tables = {r["name"] for r in json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["resources"]}
    properties = PACKAGE_PROPERTIES | RESOURCE_PROPERTIES | {p.split(":", 1)[1] for p in PACKAGE_EXTENSIONS | SCHEMA_EXTENSIONS}
    named = re.compile(r"(?<![\w.:-])(" + "|".join(sorted(tables, key=len, reverse=True)) + r")(?![\w:-])")
    found = []
    for module in sorted((ROOT / "src" / "ihr").rglob("*.py")):
        rel = module.relative_to(ROOT / "src" / "ihr").as_posix()
        if rel.startswith(PRESENTS_THIS_DATASET):
            continue
        for node in _string_constants(ast.parse(module.read_text(encoding="utf-8"))):
            found += [f"{rel}:{node.lineno}: {m.group(1)}" for m in named.finditer(node.value)
                      if not (node.value == m.group(1) and m.group(1) in properties)]
    assert found == []
    assert {"claims", "sources", "actors"} <= tables  # the pattern has something to find


def test_a_malformed_redirects_block_is_one_finding_not_a_crash(tmp_path):
    """The redirect rule and `ihr merge` read `ihr:redirects` through `PackageSpec.redirects`, which
    hands out only a complete block: an incomplete one is the descriptor check's finding alone."""
    package = build_package(tmp_path)
    edit_json(package / "datapackage.json", lambda d: d["ihr:redirects"].pop("old"))
    result = run_cli("validate", "--format", "json", str(package))
    assert result.exit_code == 1, result.output
    assert [(f["path"], f["code"]) for f in json.loads(result.output)["findings"] if f["severity"] == "error"] == [
        ("datapackage.json", "invalid-descriptor")]
