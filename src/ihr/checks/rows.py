"""Rows and keys layer: set-based SQL generated from the Table Schemas and run in DuckDB.

Nothing here loops over rows in Python: each constraint becomes a WHERE clause, each key a GROUP BY
or an anti-join, and only the failures travel back to Python to become findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import duckdb

from ihr.read import flagged_table
from ihr.constraints import FIELD_TYPES, URL_PATTERN, CellCheck, pattern_prefilter  # noqa: F401 - the last two: tests
from ihr.sql import quote_ident, sql_string
from ihr.checks.text import pattern_implies_clean, suspect_sql, text_findings, values_are_clean
from ihr.findings import Finding
from ihr.package import FieldSpec, ForeignKey, PackageSpec, TableSpec

HINT_LIMIT = 200  # "did you mean" hints for at most this many broken references per key
HINT_BLOCKING_IDS = 20_000  # above this many ids, hints compare only ids with the same first characters
HINT_BLOCK_PREFIX = 5

PARTIAL_DATE_MACROS = """
CREATE OR REPLACE TEMP MACRO pd_valid(s) AS CASE
    WHEN NOT regexp_full_match(s, '[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?') THEN false
    ELSE CASE length(s)
    WHEN 4 THEN s <> '0000'
    WHEN 7 THEN substr(s, 1, 4) <> '0000' AND substr(s, 6, 2) BETWEEN '01' AND '12'
    WHEN 10 THEN substr(s, 1, 4) <> '0000' AND TRY_CAST(s AS DATE) IS NOT NULL
    ELSE false END END;
CREATE OR REPLACE TEMP MACRO pd_first(s) AS CASE
    WHEN NOT pd_valid(s) THEN NULL
    WHEN length(s) = 4 THEN make_date(CAST(s AS INTEGER), 1, 1)
    WHEN length(s) = 7 THEN make_date(CAST(substr(s, 1, 4) AS INTEGER), CAST(substr(s, 6, 2) AS INTEGER), 1)
    ELSE TRY_CAST(s AS DATE) END;
CREATE OR REPLACE TEMP MACRO pd_last(s) AS CASE
    WHEN NOT pd_valid(s) THEN NULL
    WHEN length(s) = 4 THEN make_date(CAST(s AS INTEGER), 12, 31)
    WHEN length(s) = 7 THEN last_day(make_date(CAST(substr(s, 1, 4) AS INTEGER), CAST(substr(s, 6, 2) AS INTEGER), 1))
    ELSE TRY_CAST(s AS DATE) END;
-- a lies wholly before b, i.e. pd_last(a) < pd_first(b), without building dates: ISO partial dates
-- compare as strings like their periods, except that a prefix (1987 vs 1987-12) means overlap.
CREATE OR REPLACE TEMP MACRO pd_before(a, b) AS a < b AND NOT starts_with(b, a) AND pd_valid(a) AND pd_valid(b);
CREATE OR REPLACE TEMP MACRO pd_precision(s) AS CASE length(s) WHEN 4 THEN 'year' WHEN 7 THEN 'month' WHEN 10 THEN 'day' END;
"""


def cell_checks(field: FieldSpec) -> list[CellCheck]:
    """The field's type and constraints as SQL conditions over its raw text (`ihr.constraints`)."""
    return field.sql_checks()


def typed_expression(field: FieldSpec) -> str:
    """SQL that turns a raw text column into its typed value (NULL when it does not parse)."""
    col = quote_ident(field.name)
    ftype = FIELD_TYPES.get(field.type, FIELD_TYPES["string"])
    return col if ftype.name == "string" else f"{ftype.typed_select(col)} AS {col}"


def needs_text_prefilter(field: FieldSpec) -> bool:
    """False when the field's enum or pattern admits clean text only: a dirty cell there fails
    that check and is flagged by it already."""
    if field.type != "string":
        return False
    if field.enum is not None and values_are_clean(field.enum):
        return False
    return not (field.pattern and pattern_implies_clean(field.pattern))


def deferred_pattern_fields(package: PackageSpec, table: TableSpec) -> dict[str, ForeignKey]:
    """Reference fields whose pattern check waits for the foreign-key check, by field name.

    A value there either exists in the referenced field, which carries the same pattern and is
    checked row by row (so a bad value there is flagged in the parent), or it is a broken
    reference; the pattern, and the text tests the pattern stands in for, then run on those few
    values (`_deferred_pattern_findings`) instead of on every row of the child table."""
    deferred: dict[str, ForeignKey] = {}
    for fk in table.foreign_keys:
        target = package.tables.get(fk.resource)
        if target is None or len(fk.fields) != 1 or len(fk.reference_fields) != 1:
            continue
        try:
            field, referenced = table.field(fk.fields[0]), target.field(fk.reference_fields[0])
        except KeyError:
            continue
        if not field.pattern or field.pattern != referenced.pattern or not pattern_implies_clean(field.pattern):
            continue
        if any(referenced.name in other.fields for other in target.foreign_keys):
            continue  # the parent defers it too: no row-by-row check to lean on
        deferred[field.name] = fk
    return deferred


@dataclass(frozen=True)
class RowFlag:
    """The row condition of one table for the read (`ihr.read.layout.RowCondition`): every cell and
    text check of its fields, the deferred reference patterns left out."""

    table: TableSpec
    deferred: frozenset[str] = frozenset()

    def __call__(self, control: frozenset[int] | None, non_ascii: bool, line_feeds: bool) -> str | None:
        return row_flag_condition(self.table, control, non_ascii, self.deferred, line_feeds)


def row_flag_condition(table: TableSpec, control: frozenset[int] | None = None, non_ascii: bool = True,
                       deferred: frozenset[str] = frozenset(), line_feeds: bool = False) -> str | None:
    """SQL true for a row where any cell check or text check could fail.

    The read evaluates it on every row in the same pass as the parse; the exact checks then run on
    the flagged rows alone (`_cell_findings`, the text-hygiene rule). `control` (the control bytes
    the file holds, None if unknown) and `non_ascii` come from the byte scan; `deferred` fields
    leave their pattern to the foreign-key check (`deferred_pattern_fields`). With `line_feeds`
    (records span lines) every cell holding a line break is flagged, so that the read can count
    the breaks on the flagged rows alone."""
    if line_feeds and control is not None:
        control = control | {10}
    conditions = [c.flag for f in table.fields for c in cell_checks(f) if not (c.code == "pattern" and f.name in deferred)]
    conditions += [suspect_sql(quote_ident(f.name), control, non_ascii) for f in table.fields if needs_text_prefilter(f)]
    if line_feeds:
        conditions += [f"({quote_ident(f.name)} IS NOT NULL AND contains({quote_ident(f.name)}, chr(10)))"
                       for f in table.fields if not needs_text_prefilter(f)]
    return " OR ".join(f"({c})" for c in conditions) if conditions else None


def _cell_findings(con: duckdb.DuckDBPyConnection, table: TableSpec, untypeable: set[int]) -> list[Finding]:
    """The cells breaking a type or constraint; the lines of those whose check says the row cannot
    be typed are added to `untypeable`."""
    checks = [c for f in table.fields for c in cell_checks(f)]
    if not checks:
        return []
    source = flagged_table(table.name)
    parts = [
        f"SELECT __line, {i} AS check_no, CAST({quote_ident(c.column)} AS VARCHAR) AS value FROM {source} WHERE {c.condition}"
        for i, c in enumerate(checks)
    ]
    rows = con.execute(" UNION ALL ".join(parts)).fetchall()
    found = []
    for line, check_no, value in rows:
        c = checks[check_no]
        if c.untypeable:
            untypeable.add(line)
        msg = f"{_show(value)} {c.message}" if value is not None else c.message
        found.append(Finding(table.path, line, c.column, c.code, "error", msg, value=value, table=table.name, layer="rows"))
    return found


def _show(value: str | None, limit: int = 80) -> str:
    if value is None:
        return "(empty)"
    text = value if len(value) <= limit else value[:limit] + "…"
    return '"' + text.replace("\n", "\\n") + '"'


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _duplicates(con: duckdb.DuckDBPyConnection, table: TableSpec, columns: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """(line, first line, value) of every repeat of a key.

    Grouping 64-bit hashes is several times cheaper than grouping the strings; a repeated key
    always repeats its hash, so only rows whose hash repeats are grouped exactly (a hash collision
    costs a little time, never a finding): those rows are kept from a second scan (a materialised
    CTE, small), and grouped and fetched from there."""
    key = ", ".join(quote_ident(k) for k in columns)
    not_null = " AND ".join(f"{quote_ident(k)} IS NOT NULL" for k in columns)
    source = f"raw.{quote_ident(table.name)}"
    match = " AND ".join(f"t.{quote_ident(k)} = d.{quote_ident(k)}" for k in columns)
    return con.execute(
        f"""WITH h AS (SELECT hash({key}) AS h FROM {source} WHERE {not_null} GROUP BY 1 HAVING count(*) > 1),
                 t AS MATERIALIZED (SELECT __line, {key} FROM {source} WHERE {not_null} AND hash({key}) IN (SELECT h FROM h)),
                 d AS (SELECT {key}, min(__line) AS first_line FROM t GROUP BY ALL HAVING count(*) > 1)
            SELECT t.__line, d.first_line, concat_ws(', ', {', '.join('t.' + quote_ident(k) for k in columns)})
            FROM t JOIN d ON {match} WHERE t.__line <> d.first_line ORDER BY t.__line"""
    ).fetchall()


def _primary_key_findings(con: duckdb.DuckDBPyConnection, table: TableSpec) -> list[Finding]:
    if not table.primary_key:
        return []
    rows = _duplicates(con, table, table.primary_key)
    column = table.primary_key[0] if len(table.primary_key) == 1 else ",".join(table.primary_key)
    return [
        Finding(table.path, line, column, "primary-key", "error",
                f"{_show(value)} repeats the primary key first used on line {first}", value=value, table=table.name, layer="rows")
        for line, first, value in rows
    ]


def _unique_findings(con: duckdb.DuckDBPyConnection, table: TableSpec) -> list[Finding]:
    found = []
    for field in table.fields:
        if not field.unique or (field.name,) == table.primary_key:
            continue
        found += [Finding(table.path, line, field.name, "unique", "error", f"{_show(v)} is already used on line {first}",
                          value=v, table=table.name, layer="rows") for line, first, v in _duplicates(con, table, (field.name,))]
    return found


def _nearest_ids(con: duckdb.DuckDBPyConnection, broken: list[str], table: str, column: str) -> dict[str, str]:
    """For each broken reference, the most similar existing id (Jaro-Winkler >= 0.85), in SQL.

    Comparing every broken value with every id costs broken x ids similarity computations (200 x
    1M took seconds). Above HINT_BLOCKING_IDS rows in the referenced table, only ids sharing the
    first HINT_BLOCK_PREFIX characters and within one character of the value's length are
    compared (one equi-join on both), the neighbours a single typo outside those characters
    leaves: ids built from a publisher and a year share their first characters by the ten
    thousand, and scoring each pair is what costs."""
    if not broken:
        return {}
    col = quote_ident(column)
    source = f"raw.{quote_ident(table)}"
    many = con.execute(f"SELECT count(*) FROM {source}").fetchall()[0][0] > HINT_BLOCKING_IDS
    if many:
        k = HINT_BLOCK_PREFIX
        values = (f"(SELECT v, left(v, {k}) AS block, CAST(strlen(v) + d AS BIGINT) AS n "
                  f"FROM (SELECT CAST(unnest($1) AS VARCHAR) AS v), (VALUES (-1), (0), (1)) AS t(d))")
        pairs = (f"{values} b JOIN {source} p ON left(p.{col}, {k}) = b.block "
                 f"AND CAST(strlen(p.{col}) AS BIGINT) = b.n")
    else:
        pairs = f"(SELECT CAST(unnest($1) AS VARCHAR) AS v) b, {source} p"
    # No DISTINCT copy of the ids: a repeated id only scores the same twice. Ties go to the first id.
    rows = con.execute(
        f"""SELECT v, first(id ORDER BY score DESC, id) FROM (
                SELECT b.v, p.{col} AS id, jaro_winkler_similarity(b.v, p.{col}) AS score FROM {pairs} WHERE p.{col} IS NOT NULL)
            WHERE score >= 0.85 GROUP BY v""", [sorted(set(broken))]).fetchall()
    return dict(rows)


def unreferenced_table(child: str, field: str) -> str:
    """The temporary table of (__line, v): rows of the referenced table that no `child.field` names."""
    return quote_ident(f"__unreferenced_{child}_{field}")


def _foreign_key_findings(con: duckdb.DuckDBPyConnection, package: PackageSpec, table: TableSpec, loaded: set[str],
                          broken: dict[str, str] | None = None, unreferenced: dict[tuple[str, str], str] | None = None,
                          wanted: frozenset[tuple[str, str]] = frozenset()) -> list[BrokenReferences]:
    """Joins against the referenced tables; `broken` collects, per single reference field whose
    check ran, the temporary table holding (__line, v) of every broken reference.

    For the (child table, field) pairs in `wanted`, the same join (then a full outer one) also keeps
    the referenced rows nothing points at, in `unreferenced_table`, recorded in `unreferenced`:
    the semantic rules missing-source and unused-source read them instead of joining again."""
    found = []
    for fk in table.foreign_keys:
        target = package.tables.get(fk.resource)
        if target is None or target.name not in loaded or len(fk.fields) != len(fk.reference_fields):
            continue
        child = quote_ident(table.name)
        parent = quote_ident(target.name)
        not_null = " AND ".join(f"c.{quote_ident(f)} IS NOT NULL" for f in fk.fields)
        match = " AND ".join(f"p.{quote_ident(r)} = c.{quote_ident(f)}" for f, r in zip(fk.fields, fk.reference_fields))
        value = "concat_ws(', ', " + ", ".join(f"c.{quote_ident(f)}" for f in fk.fields) + ")"
        kept = quote_ident(f"__broken_{table.name}_{'_'.join(fk.fields)}")
        first_ref = quote_ident(fk.reference_fields[0])
        pair = (table.name, fk.fields[0])
        if len(fk.fields) == 1 and pair in wanted:
            # A referenced row nothing points at has no child key (a child row with an empty key
            # matches nothing either, but has no parent key): testing the key, not the child's
            # line, leaves the line to be computed on the few rows kept.
            joined = quote_ident(f"__joined_{table.name}_{fk.fields[0]}")
            con.execute(
                f"""CREATE OR REPLACE TEMP TABLE {joined} AS SELECT c.__line, {value} AS v, p.__line AS parent_line, p.{first_ref} AS parent_value
                    FROM raw.{child} c FULL OUTER JOIN raw.{parent} p ON {match}
                    WHERE ({not_null} AND p.{first_ref} IS NULL) OR (c.{quote_ident(fk.fields[0])} IS NULL AND p.{first_ref} IS NOT NULL)""")
            con.execute(f"CREATE OR REPLACE TEMP TABLE {kept} AS SELECT __line, v FROM {joined} WHERE __line IS NOT NULL")
            con.execute(f"CREATE OR REPLACE TEMP TABLE {unreferenced_table(*pair)} AS "
                        f"SELECT parent_line AS __line, parent_value AS v FROM {joined} WHERE __line IS NULL")
            con.execute(f"DROP TABLE {joined}")
            if unreferenced is not None:
                unreferenced[pair] = unreferenced_table(*pair)
        else:
            # A left join, not NOT EXISTS: DuckDB then builds its hash table on the smaller side.
            con.execute(
                f"""CREATE OR REPLACE TEMP TABLE {kept} AS SELECT c.__line, {value} AS v FROM raw.{child} c
                    LEFT JOIN raw.{parent} p ON {match} WHERE {not_null} AND p.{first_ref} IS NULL""")
        if broken is not None and len(fk.fields) == 1:
            broken[fk.fields[0]] = kept
        rows = con.execute(f"SELECT __line, v FROM {kept} ORDER BY __line").fetchall()
        if rows:
            found.append(BrokenReferences(table, fk, rows))
    return found


@dataclass
class BrokenReferences:
    """The broken references of one foreign key, (line, value) in line order; they become
    findings once the "did you mean" hints of every key naming the same table are known."""

    table: TableSpec
    fk: ForeignKey
    rows: list[tuple[int, str]]

    @property
    def hinted(self) -> tuple[str, str] | None:
        """(table, field) whose ids the first HINT_LIMIT values are compared with."""
        return (self.fk.resource, self.fk.reference_fields[0]) if len(self.fk.reference_fields) == 1 else None

    def findings(self, hints: dict[str, str]) -> list[Finding]:
        column, target_field = ",".join(self.fk.fields), ",".join(self.fk.reference_fields)
        return [Finding(self.table.path, line, column, "foreign-key", "error",
                        f"{_show(v)} is not {_article(target_field)} {target_field} in {self.fk.resource}", value=v,
                        table=self.table.name, hint=f'did you mean "{hints[v]}"?' if v in hints else None, layer="rows")
                for line, v in self.rows]


def _foreign_key_hints(con: duckdb.DuckDBPyConnection, broken: list[BrokenReferences]) -> dict[tuple[str, str], dict[str, str]]:
    """One similarity search per referenced (table, field), for the values of every key naming
    it: sources.source_id, say, is named by three keys, and each search scans the whole table."""
    wanted: dict[tuple[str, str], set[str]] = {}
    for b in broken:
        if b.hinted is not None:
            wanted.setdefault(b.hinted, set()).update(v for _, v in b.rows[:HINT_LIMIT])
    return {target: _nearest_ids(con, sorted(values), *target) for target, values in wanted.items()}


def _deferred_pattern_findings(con: duckdb.DuckDBPyConnection, package: PackageSpec, table: TableSpec, name: str,
                               fk: ForeignKey, broken: str | None, untypeable: set[int]) -> list[Finding]:
    """Pattern and text findings for a deferred reference field (see `deferred_pattern_fields`).

    Candidates: the broken references, plus the rows using a value that fails the pattern in the
    referenced table's flagged rows; without a foreign-key check (the referenced file is missing),
    every row."""
    field = table.field(name)
    check = next(c for c in cell_checks(field) if c.code == "pattern")
    col = quote_ident(name)
    source = f"raw.{quote_ident(table.name)}"
    if broken is None:
        candidates = f"SELECT __line, {col} FROM {source} WHERE {col} IS NOT NULL"
    else:
        ref = quote_ident(fk.reference_fields[0])
        bad_parent = (f"SELECT {ref} FROM {flagged_table(fk.resource)} WHERE {ref} IS NOT NULL "
                      f"AND NOT regexp_full_match({ref}, {sql_string(field.pattern)})")
        candidates = (f"SELECT __line, v AS {col} FROM {broken} UNION "
                      f"SELECT __line, {col} FROM {source} WHERE {col} IN ({bad_parent})")
    rows = con.execute(f"SELECT __line, {col} FROM ({candidates}) WHERE {check.condition} ORDER BY __line").fetchall()
    found = []
    for line, value in rows:
        if check.untypeable:
            untypeable.add(line)
        found.append(Finding(table.path, line, name, "pattern", "error", f"{_show(value)} {check.message}", value=value,
                             table=table.name, layer="rows"))
        found += text_findings(table.path, table.name, line, name, value)
    return found


def check_rows_and_keys(con: duckdb.DuckDBPyConnection, package: PackageSpec, loaded: set[str],
                        unreferenced: dict[tuple[str, str], str] | None = None,
                        wanted: frozenset[tuple[str, str]] = frozenset(),
                        on_table: "Callable[[str, set[int]], None] | None" = None) -> list[Finding]:
    """Run every generated constraint and key check over the loaded raw tables (for `unreferenced`
    and `wanted`, see `_foreign_key_findings`). `on_table(name, lines)` hears, as soon as a table's
    checks ran, which of its lines hold a cell that cannot be typed (the typed layer leaves them out)."""
    found: list[Finding] = []
    references: list[BrokenReferences] = []
    for name, table in package.tables.items():
        if name not in loaded:
            continue
        untypeable: set[int] = set()
        own = _cell_findings(con, table, untypeable) + _primary_key_findings(con, table) + _unique_findings(con, table)
        broken: dict[str, str] = {}
        references += _foreign_key_findings(con, package, table, loaded, broken, unreferenced, wanted)
        for field, fk in deferred_pattern_fields(package, table).items():
            own += _deferred_pattern_findings(con, package, table, field, fk, broken.get(field), untypeable)
        found += own
        if on_table is not None:
            on_table(name, untypeable)
    hints = _foreign_key_hints(con, references)
    for b in references:
        found += b.findings(hints.get(b.hinted, {}) if b.hinted else {})
    return found
