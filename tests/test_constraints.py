"""A field constraint is stated once (ihr.constraints) and reaches every consumer from there.

The test takes `exclusiveMaximum` out of the registry, shows that nothing knows it, then registers
one new entry for it and sees that entry in the descriptor check, validate (SQL), the Pandera
model, build, diff and the codebook.
"""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import pytest

from conftest import build_package
from ihr.build import BuildRefused, build_package as build
from ihr.checks.descriptor import load_package
from ihr.checks.row_rules import schema_for
from ihr.codebook import render_codebook
from ihr.constraints import CONSTRAINTS, FIELD_TYPES, Cell, CellCheck, Constraint, registered
from ihr.diff import diff_packages
from ihr.package import FieldSpec
from ihr.validate import validate_package

PROPERTY = "exclusiveMaximum"
SCHEMA = "schemas/claim_sources.schema.json"


def strictly_below(bound, field, cell: Cell) -> list[CellCheck]:
    return [CellCheck(field.name, "maximum", f"{cell.present} AND {cell.parses} AND {cell.typed} >= {bound}",
                      f"is not strictly below {bound}")]


def pandera_below(bound, field):
    import pandera.polars as pa

    return pa.Check.less_than(bound)


NEW_ENTRY = Constraint(PROPERTY, "maximum", lambda v, f: f"strictly below {v}", strictly_below, pandera_below, "less_than",
                       tighter=lambda old, new: new is not None and (old is None or new < old), types=frozenset({"integer", "number"}))


def with_bound(package: Path, bound: int) -> Path:
    """The package with credibility (line 2 of the fixture's claim_sources holds 2) limited to < bound."""
    path = package / SCHEMA
    schema = json.loads(path.read_text(encoding="utf-8"))
    for field in schema["fields"]:
        if field["name"] == "credibility":
            field["constraints"][PROPERTY] = bound
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    return package


@pytest.fixture
def without_entry():
    """The registry without exclusiveMaximum, restored afterwards."""
    saved = list(CONSTRAINTS)
    CONSTRAINTS[:] = [c for c in CONSTRAINTS if c.property != PROPERTY]
    yield
    CONSTRAINTS[:] = saved


def test_an_unregistered_constraint_is_unknown_to_the_descriptor_check(tmp_path, without_entry):
    package = with_bound(build_package(tmp_path), 2)
    report = validate_package(package)
    assert [(f.path, f.code, f.value) for f in report.errors] == [(SCHEMA, "unknown-property", PROPERTY)]


def test_one_registered_entry_reaches_every_consumer(tmp_path, without_entry):
    plain = build_package(tmp_path / "plain")
    bounded = with_bound(build_package(tmp_path / "bounded"), 2)
    with registered(NEW_ENTRY):
        # validate: the SQL condition of the entry, at the failing cell
        report = validate_package(bounded)
        failing = [(f.path, f.line, f.column, f.code, f.message) for f in report.errors]
        assert ("tables/claim_sources.csv", 2, "credibility", "maximum", '"2" is not strictly below 2') in failing
        assert {f[3] for f in failing} == {"maximum"}
        # Pandera: the column carries the entry's check
        package, _ = load_package(bounded)
        column = schema_for(package.tables["claim_sources"]).columns["credibility"]
        assert any(check.name == "less_than" for check in column.checks)
        # build: refused on the finding the entry produced
        with pytest.raises(BuildRefused) as refused:
            build(bounded, tmp_path / "out")
        assert any(f.code == "maximum" and f.column == "credibility" for f in refused.value.report.errors)
        # diff: adding the bound tightens the schema (a major version)
        changes = [c for t in diff_packages(str(plain), str(bounded)).tables for c in t.schema]
        assert [(c.field, c.change, c.detail, c.bump) for c in changes] == [("credibility", "exclusive-maximum", "None -> 2", "major")]
        # the codebook words it
        assert "strictly below 2" in render_codebook(package)
    # a looser bound passes
    with registered(NEW_ENTRY):
        assert validate_package(with_bound(plain, 7)).valid


def test_every_constraint_property_of_table_schema_is_enforced_or_refused():
    """Table Schema v2's constraints: each is a registry entry or refused as unsupported, never ignored."""
    from ihr.checks.descriptor import known_constraint_properties
    from ihr.constraints import UNSUPPORTED_CONSTRAINTS, constraint_properties

    spec = {"required", "unique", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
            "jsonSchema", "pattern", "enum"}
    assert spec == constraint_properties() | UNSUPPORTED_CONSTRAINTS == known_constraint_properties()


def test_an_unsupported_constraint_is_refused_with_its_location(tmp_path):
    package = build_package(tmp_path)
    path = package / SCHEMA
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["fields"][0]["constraints"] = {**schema["fields"][0].get("constraints", {}), "jsonSchema": {"type": "string"}}
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    report = validate_package(package)
    assert [(f.path, f.code, f.value) for f in report.errors] == [(SCHEMA, "unsupported-constraint", "jsonSchema")]


@pytest.mark.parametrize("bound, line_fails", [(2, True), (1, False)])
def test_exclusive_bounds_are_enforced(tmp_path, bound, line_fails):
    package = build_package(tmp_path)
    path = package / SCHEMA
    schema = json.loads(path.read_text(encoding="utf-8"))
    for field in schema["fields"]:
        if field["name"] == "credibility":
            field["constraints"]["exclusiveMinimum"] = bound
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    found = [(f.line, f.code, f.message) for f in validate_package(package).errors if f.path == "tables/claim_sources.csv"]
    assert ((2, "minimum", f'"2" is not above the exclusive minimum {bound}') in found) is line_fails


def test_field_types_cover_every_type_the_descriptor_accepts():
    from ihr.checks.descriptor import SUPPORTED_TYPES

    assert SUPPORTED_TYPES == set(FIELD_TYPES)
    assert all(dataclasses.is_dataclass(t) for t in FIELD_TYPES.values())


def test_every_check_has_a_violation_or_says_why_not():
    from ihr.checks.text import TEXT_CODES
    from ihr.catalogue import catalogue
    from ihr.violations import CONSTRAINT_VIOLATIONS, DATE_RULE_VIOLATIONS, TEXT_VIOLATIONS, TYPE_VIOLATIONS

    assert set(CONSTRAINT_VIOLATIONS) == {c.property for c in CONSTRAINTS}
    assert set(DATE_RULE_VIOLATIONS) <= set(catalogue())
    assert set(TYPE_VIOLATIONS) == set(FIELD_TYPES)
    assert set(TEXT_VIOLATIONS) == set(TEXT_CODES)
    assert all(callable(v) or (isinstance(v, str) and v) for v in [*CONSTRAINT_VIOLATIONS.values(), *TYPE_VIOLATIONS.values()])


def test_every_violation_is_reported_at_its_cell_and_nowhere_else(tmp_path):
    """Each check's violation, written into a real CSV, is reported by `ihr validate` with exactly
    its code at its line and column: every check the schemas use is shown to fire. Reference
    fields and the keys they point to are left out: changing one breaks a reference too; the two
    dates of a period are never broken in one row (a future start puts its end before it). A future
    date is still a date: the dataset's own rules (`ihr:rules`), which weigh it against other rows,
    may add a finding of theirs (a claim dated before its claimant's start, itself moved into the
    future); every other violation is reported with its code alone."""
    import csv
    import random

    from conftest import fixture_package
    from ihr.violations import DATE_RULE_VIOLATIONS, violations

    rng, exercised = random.Random(5), set()
    schemas, _ = load_package(Path(__file__).parent.parent, reference_check=False)
    wanted = {code for t in schemas.tables.values() for f in t.fields for code, _ in violations(f)}
    keys = {(t.name, name) for t in schemas.tables.values() for fk in t.foreign_keys for name in fk.fields} | {
        (fk.resource, name) for t in schemas.tables.values() for fk in t.foreign_keys for name in fk.reference_fields}
    for fixture in ("valid", "views"):
        todo = [(t.name, f, code, hook) for t in schemas.tables.values() for f in t.fields
                if (t.name, f.name) not in keys for code, hook in violations(f)]
        for round_ in range(8):
            package = fixture_package(tmp_path / f"{fixture}-{round_}", fixture)
            tables = {n: list(csv.reader(io.StringIO((package / t.path).read_text(encoding="utf-8")))) for n, t in schemas.tables.items()}
            placed, later = [], []
            for name, field, code, hook in todo:
                rows, col = tables[name], tables[name][0].index(field.name)
                slot = next((pair for pair in schemas.tables[name].date_pairs if field.name in pair), field.name)
                values = [(j, new) for j in range(1, len(rows)) if (new := hook(field, rows[j][col], rng)) is not None]
                free = [(j, new) for j, new in values if (name, j, slot) not in {p[:3] for p in placed}]
                if free:
                    rows[free[0][0]][col] = free[0][1]
                    placed.append((name, free[0][0], slot, col, field.name, code))
                elif values:  # every row's cell already broken this round
                    later.append((name, field, code, hook))
            for name, rows in tables.items():
                with (package / schemas.tables[name].path).open("w", encoding="utf-8", newline="") as fh:
                    csv.writer(fh, lineterminator="\n").writerows(rows)
            found: dict[tuple, set[str]] = {}
            for f in validate_package(package).findings:
                found.setdefault((f.path, f.line, f.column), set()).add(f.code)
            for name, j, _, col, column, code in placed:
                rows = tables[name]
                line = 1 + j + sum(cell.count("\n") for row in rows[:j] for cell in row)
                codes = found.get((schemas.tables[name].path, line, column), set())
                others = codes - {code} - (schemas.dataset_rules if code in DATE_RULE_VIOLATIONS else set())
                assert code in codes and not others, (name, line, column, rows[j][col], code, codes)
                exercised.add(code)
            todo = later
            if not todo:
                break
    assert exercised == wanted


def test_cell_codes_asks_the_validators_sql():
    """`cell_codes` (what synth.py checks its samples with) gives each constraint's violation its code
    alone, and a text check's or a date rule's none (those are not cell SQL)."""
    import random

    from ihr.checks.text import TEXT_CODES
    from ihr.violations import cell_codes, violations

    rng = random.Random(2)
    schemas, _ = load_package(Path(__file__).parent.parent, reference_check=False)
    for table in schemas.tables.values():
        for field in table.fields:
            cases = [(code, hook(field, "Some text", rng)) for code, hook in violations(field)]
            got = cell_codes([field], [[value] for _, value in cases if value is not None])
            expected = [set() if code in TEXT_CODES or code == "future-date" else {(field.name, code)}
                        for code, value in cases if value is not None]
            assert got == expected, (table.name, field.name, cases)


@pytest.mark.parametrize("field", [
    FieldSpec.of("n", "integer", exclusiveMinimum=3), FieldSpec.of("n", "number", exclusiveMaximum=2.5),
    FieldSpec.of("n", "number", minimum=0.5, maximum=7), FieldSpec.of("t", minLength=5, maxLength=12),
    FieldSpec.of("b", "boolean", required=True), FieldSpec.of("n", "number", enum=[1.5, 2.5]),
], ids=lambda f: ",".join(k for k, _ in f.constraints) or f.type)
def test_violations_no_schema_uses_fail_their_check_alone(field):
    """The entries the repository's schemas do not carry (exclusive bounds, minLength, booleans...)
    are held to the same contract, by the validator's SQL."""
    import random

    from ihr.checks.text import TEXT_CODES
    from ihr.violations import cell_codes, violations

    rng, cases = random.Random(3), violations(field)
    assert cases
    for code, hook in cases:
        value = hook(field, "1" if field.type != "string" else "valid text", rng)
        assert cell_codes([field], [[value]]) == [set() if code in TEXT_CODES else {(field.name, code)}], (code, value)


def test_every_row_rule_has_a_violation_reported_where_the_rule_says(tmp_path):
    """Each row rule's violation, applied to a row of a fixture package, is reported with exactly its
    code at that row and the rule's column."""
    import csv
    import random

    from conftest import fixture_package
    from ihr.checks.row_rules import ROW_RULES
    from ihr.dataset.row_rules import ROW_RULE_VIOLATIONS

    assert set(ROW_RULE_VIOLATIONS) == {r.code for r in ROW_RULES}
    rng = random.Random(4)
    for rule in ROW_RULES:
        for fixture in ("valid", "views"):
            package = fixture_package(tmp_path / f"{rule.code}-{fixture}", fixture)
            table, _ = load_package(package, reference_check=False)
            table = table.tables[rule.table]
            rows = list(csv.reader(io.StringIO((package / table.path).read_text(encoding="utf-8"))))
            found = next(((j, change) for j in range(1, len(rows))
                          if (change := ROW_RULE_VIOLATIONS[rule.code](table, dict(zip(rows[0], rows[j])), rng))), None)
            if found is not None:
                break
        assert found is not None, f"no fixture row can break {rule.code}"
        j, change = found
        for column, value in change.items():
            rows[j][rows[0].index(column)] = value
        with (package / table.path).open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows(rows)
        codes = {f.code for f in validate_package(package).findings if (f.path, f.line, f.column) == (table.path, j + 1, rule.column)}
        assert codes == {rule.code}, (rule.code, change)
