"""Row rules and the Pandera layer: rules over several columns of one row, which a Table Schema
cannot state, run by Pandera models derived from the Table Schemas.

Pandera only sees typed frames built from rows that passed the raw-text layer, so a bad cell is
reported once (by SQL) and never again as a side effect of failing to parse. What Pandera checks
that the SQL layer does not: the row rules (`ROW_RULES`, polars expressions over typed values),
and that the typed frame has exactly the schema's columns and dtypes; the column constraints are
left out of the models during validation because the same rows already passed them in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from ihr.sql import quote_ident
from ihr.checks.rows import typed_expression
from ihr.findings import Finding
from ihr.package import FieldSpec, PackageSpec, TableSpec

if TYPE_CHECKING:
    import duckdb
    import pandera.polars as pa
    import polars as pl

# Pandera's failures that are not a field constraint's (those map through `ihr.constraints`).
PANDERA_STRUCTURE_CODES = {"column_in_dataframe": "missing-header", "column_in_schema": "extra-header"}


@dataclass(frozen=True)
class RowRule:
    """A rule over several columns of one row; `passes` builds a polars expression true for good rows.

    `candidates` is SQL true for every row the rule could fail (a superset, tested against
    `passes`), so that Pandera sees those rows only instead of the whole table."""

    table: str
    code: str
    column: str
    message: str
    passes: Callable[[], "pl.Expr"]
    needs: tuple[str, ...]
    candidates: str
    fix: str = ""  # for the finding catalogue


# The registered row rules; this dataset's register on import of `ihr.dataset` (see the end).
ROW_RULES: list[RowRule] = []


def row_rules_for(package: PackageSpec) -> list[RowRule]:
    """The row rules the package asks for (`ihr:rules`) on tables it has."""
    return [r for r in ROW_RULES if r.code in package.dataset_rules and r.table in package.tables]


def column_for(field: FieldSpec, with_checks: bool = True) -> "pa.Column":
    """The Pandera column that states the same type and constraints as a Table Schema field."""
    import pandera.polars as pa

    from ihr.constraints import pandera_checks, pandera_dtype

    return pa.Column(pandera_dtype(field), checks=pandera_checks(field) if with_checks else [], nullable=not field.required,
                     unique=False, coerce=False, description=field.description or None)


def schema_for(table: TableSpec, column_checks: bool = True, columns: list[str] | None = None,
               row_rules: list[RowRule] | None = None) -> "pa.DataFrameSchema":
    """Derive the Pandera model of a table from its Table Schema, plus its row rules.

    During validation the column checks are left out (`column_checks=False`): the frames hold only
    rows that already passed the very same constraints in SQL, so running them again could never
    fail and would only double the cost. Types, nullability and the row rules still run, on the
    `columns` the row rules need when given (the rest were typed in SQL already).
    """
    import pandera.polars as pa

    rules = [r for r in (ROW_RULES if row_rules is None else row_rules)
             if r.table == table.name and all(c in table.field_names for c in r.needs)]
    checks = [pa.Check(lambda data, r=r: data.lazyframe.select(r.passes()), name=r.code) for r in rules]
    fields = [f for f in table.fields if columns is None or f.name in columns]
    return pa.DataFrameSchema({f.name: column_for(f, column_checks) for f in fields}, checks=checks, strict=True,
                              ordered=True, name=table.name, coerce=False)


def typed_frame(con: "duckdb.DuckDBPyConnection", table: TableSpec, excluded_lines: set[int],
                columns: list[str] | None = None, where: str = "true") -> "pl.DataFrame":
    """Typed rows of a raw table (all fields, or `columns`; rows matching `where`), minus the lines
    whose raw text already failed."""
    exprs = ", ".join(["__line"] + [typed_expression(f) for f in table.fields if columns is None or f.name in columns])
    con.execute("CREATE OR REPLACE TEMP TABLE __excluded AS SELECT CAST(unnest($1) AS BIGINT) AS line", [sorted(excluded_lines)])
    return con.sql(
        f"SELECT {exprs} FROM raw.{quote_ident(table.name)} WHERE ({where}) AND __line NOT IN (SELECT line FROM __excluded) ORDER BY __line"
    ).pl()


def check_typed(con: "duckdb.DuckDBPyConnection", package: PackageSpec, loaded: set[str],
                excluded: dict[str, set[int]]) -> list[Finding]:
    """Validate each typed frame with its derived Pandera schema; failures become findings."""
    import pandera.polars as pa

    from ihr.constraints import pandera_codes

    codes = pandera_codes() | PANDERA_STRUCTURE_CODES
    enabled = row_rules_for(package)
    rules_by_code = {(r.table, r.code): r for r in enabled}
    found: list[Finding] = []
    with_rules = {r.table for r in enabled}
    for name, table in package.tables.items():
        # A table without row rules has nothing left for Pandera to find: its types, nullability
        # and column constraints were checked in SQL on exactly these rows.
        if name not in loaded or name not in with_rules:
            continue
        rules = [r for r in enabled if r.table == name]
        columns = [f for f in table.field_names if any(f in r.needs for r in rules)]
        where = " OR ".join(f"({r.candidates})" for r in rules)
        frame = typed_frame(con, table, excluded.get(name, set()), columns, where)
        if frame.height == 0:
            continue
        lines = frame["__line"].to_list()
        try:
            schema_for(table, column_checks=False, columns=columns, row_rules=rules).validate(frame.drop("__line"), lazy=True)
            continue
        except pa.errors.SchemaErrors as exc:
            cases = exc.failure_cases
        for case in cases.iter_rows(named=True):
            check = str(case["check"] or "")
            base = check.split("(")[0]
            rule = rules_by_code.get((name, check))
            code = rule.code if rule else codes.get(base, "pandera-" + base.replace("_", "-"))
            column = rule.column if rule else case["column"]
            index = case["index"]
            line = lines[index] if index is not None and 0 <= index < len(lines) else None
            message = rule.message if rule else f"pandera check {check} failed"
            value = None if rule else (None if case["failure_case"] is None else str(case["failure_case"]))
            found.append(Finding(table.path, line, column, code, "error", message, value=value, table=name, layer="pandera"))
    return found


# This dataset's own row rules register on import; each runs only when a package lists it in `ihr:rules`.
import ihr.dataset  # noqa: E402,F401
