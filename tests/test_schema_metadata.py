"""The schema is the single source of truth: check the metadata itself, and that what is derived
from it (Pandera models, fixture copies) agrees with it field by field."""

from __future__ import annotations

import json
import re

import polars as pl
import pytest

from conftest import FIXTURES, ROOT, fixture_package
from ihr.checks.descriptor import load_package
from ihr.checks.semantic import RULES
from ihr.checks.row_rules import ROW_RULES, schema_for

PACKAGE, DESCRIPTOR_FINDINGS = load_package(ROOT)
TABLES = list(PACKAGE.tables.values())
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def test_descriptor_of_the_repository_is_clean():
    assert DESCRIPTOR_FINDINGS == []
    assert len(TABLES) == 15


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_every_field_is_described_and_named_in_snake_case(table):
    for field in table.fields:
        assert field.description, f"{table.name}.{field.name} has no description"
        assert SNAKE.match(field.name), field.name


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_every_enum_value_has_a_definition(table):
    for field in table.fields:
        if field.enum is None:
            continue
        defined = [c.value for c in field.categories]
        assert defined == list(field.enum), f"{table.name}.{field.name}: categories and enum differ"
        assert all(c.label.strip() for c in field.categories), f"{table.name}.{field.name}: a value lacks a definition"
        if field.type == "string" and field.name not in ("reliability",):
            assert all(SNAKE.match(str(v)) for v in field.enum), f"{table.name}.{field.name}: enum values are snake_case"


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_keys_name_real_fields_and_tables(table):
    assert table.primary_key and all(k in table.field_names for k in table.primary_key)
    for fk in table.foreign_keys:
        assert all(f in table.field_names for f in fk.fields)
        target = PACKAGE.tables[fk.resource]
        assert all(f in target.field_names for f in fk.reference_fields)


def test_id_columns_end_in_id_and_date_columns_are_partial_dates():
    for table in TABLES:
        for field in table.fields:
            if field.name.endswith("_date") or field.name.startswith(("date_", "valid_")):
                assert field.partial_date, f"{table.name}.{field.name}"


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_pandera_model_agrees_with_the_table_schema_field_by_field(table):
    model = schema_for(table)
    assert list(model.columns) == table.field_names
    expected_dtype = {"string": pl.Utf8, "number": pl.Float64, "integer": pl.Int64}
    for field in table.fields:
        column = model.columns[field.name]
        assert column.dtype.type == expected_dtype[field.type], field.name
        assert column.nullable is (not field.required), field.name
        stats = {c.name: c.statistics for c in column.checks}
        if field.enum is not None:
            assert list(stats["isin"]["allowed_values"]) == list(field.enum), field.name
        else:
            assert "isin" not in stats
        if field.pattern:
            assert stats["str_matches"]["pattern"] == field.pattern, field.name
        else:
            assert "str_matches" not in stats
        if field.max_length is not None:
            assert stats["str_length"]["max_value"] == field.max_length, field.name
        if field.minimum is not None:
            assert stats["greater_than_or_equal_to"]["min_value"] == field.minimum, field.name


def test_row_rules_name_existing_columns_and_are_explained():
    for rule in ROW_RULES:
        table = PACKAGE.tables[rule.table]
        assert rule.column in table.field_names and set(rule.needs) <= set(table.field_names)
        assert rule.message


def test_every_semantic_rule_says_why_it_exists():
    assert len(RULES) >= 10
    for rule in RULES:
        assert len(rule.why) > 20, rule.code


@pytest.mark.parametrize("fixture", ["valid", "views"])
def test_fixture_packages_use_the_repository_schemas(fixture, tmp_path):
    """Fixture packages must not drift from the real schema, or the fixtures test something else:
    a fixture holds only its tables (one per resource), and its package is assembled from the
    repository's descriptor and schemas."""
    source = FIXTURES / fixture
    assert sorted(p.name for p in source.iterdir()) == ["tables"]
    resources = json.loads((ROOT / "datapackage.json").read_text())["resources"]
    assert sorted(p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file()) == sorted(r["path"] for r in resources)
    package = fixture_package(tmp_path / fixture, fixture)
    assert json.loads((package / "datapackage.json").read_text()) == json.loads((ROOT / "datapackage.json").read_text())
    assert sorted(p.name for p in (package / "schemas").iterdir()) == sorted(p.name for p in (ROOT / "schemas").iterdir())
    for path in sorted((ROOT / "schemas").iterdir()):
        assert (package / "schemas" / path.name).read_text() == path.read_text(), path.name
