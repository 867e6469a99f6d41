"""Every field type and field constraint the validator knows, each stated once.

A constraint is one entry of CONSTRAINTS: where it sits in a field descriptor, the finding code it
raises, the SQL conditions that find a failing raw cell, the Pandera check that states it on typed
frames, how the codebook words it and whether a change to it tightens the schema (a major version)
or loosens it (a minor one). The descriptor check (which properties exist), the rows layer, the
Pandera layer, the codebook and `ihr diff` all read these entries through `FieldSpec`'s methods;
none of them restates what a constraint means. Adding `exclusiveMinimum` was one entry here.

Field types (string, number, integer, boolean) are FIELD_TYPES entries in the same way: their
raw-text check, the typed SQL expression, the database column type and the Pandera dtype.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ihr.sql import quote_ident, sql_string

if TYPE_CHECKING:
    import pandera.polars as pa
    import polars as pl

    from ihr.package import FieldSpec

NUMBER_PATTERN = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
INTEGER_PATTERN = r"^[+-]?[0-9]+$"
PARTIAL_DATE_SHAPE = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
URL_PATTERN = r"^https?://[^\s@/]+(/[^\s]*)?$"
RE2_WHITESPACE = (9, 10, 11, 12, 13, 32)  # RE2's \s is [\t\n\f\r ]; the vertical tab is added for safety
# A UTF-8 character takes at most this many bytes: a string of fewer than n characters has fewer
# than 4n bytes, so a byte count (free: stored) rules most cells out before characters are counted.
MAX_UTF8_BYTES = 4


@dataclass(frozen=True)
class CellCheck:
    """One constraint on one column: the SQL condition that marks a failing cell, and how to say it.

    `prefilter`, when set, is a cheaper condition true for at least every failing cell; the read's
    row flag uses it, and `condition` then decides on the flagged rows."""

    column: str
    code: str
    condition: str
    message: str
    prefilter: str | None = None
    untypeable: bool = True  # a row it marks is kept out of the typed (Pandera) layer

    @property
    def flag(self) -> str:
        return self.prefilter or self.condition


@dataclass(frozen=True)
class FieldType:
    """A Table Schema field type: how raw text is checked and typed, in SQL, the database and Pandera."""

    name: str
    sql_type: str  # column type in the built database
    check: Callable[[str], str] | None  # SQL true for a present cell that is not of the type
    message: str
    parses: Callable[[str], str]  # SQL true when the raw text parses as the type
    typed: Callable[[str], str]  # SQL of the value, for comparisons in constraint checks
    typed_select: Callable[[str], str]  # SQL of the typed value for frames (NULL when it does not parse)
    pandera_dtype: str  # polars dtype name


FIELD_TYPES: dict[str, FieldType] = {t.name: t for t in (
    FieldType("string", "VARCHAR", None, "", lambda c: "true", lambda c: c, lambda c: c, "Utf8"),
    FieldType("number", "DOUBLE", lambda c: f"NOT regexp_full_match({c}, {sql_string(NUMBER_PATTERN)})", "is not a number",
              lambda c: f"regexp_full_match({c}, {sql_string(NUMBER_PATTERN)})", lambda c: f"TRY_CAST({c} AS DOUBLE)",
              lambda c: f"TRY_CAST({c} AS DOUBLE)", "Float64"),
    FieldType("integer", "BIGINT",
              lambda c: f"(NOT regexp_full_match({c}, {sql_string(INTEGER_PATTERN)}) OR TRY_CAST({c} AS BIGINT) IS NULL)",
              "is not an integer", lambda c: f"TRY_CAST({c} AS BIGINT) IS NOT NULL", lambda c: f"TRY_CAST({c} AS BIGINT)",
              lambda c: f"TRY_CAST({c} AS BIGINT)", "Int64"),
    FieldType("boolean", "BOOLEAN", lambda c: f"{c} NOT IN ('true', 'false')", "is not true or false", lambda c: "true",
              lambda c: c, lambda c: f"TRY_CAST({c} AS BOOLEAN)", "Boolean"),
)}
NUMERIC_TYPES = frozenset({"integer", "number"})


@dataclass(frozen=True)
class Cell:
    """What a constraint's SQL needs of the column it checks."""

    col: str  # the quoted column
    present: str  # SQL: the cell holds a value
    type: FieldType

    @property
    def parses(self) -> str:
        return self.type.parses(self.col)

    @property
    def typed(self) -> str:
        return self.type.typed(self.col)


@dataclass(frozen=True)
class Change:
    """A change of one constraint between two versions of a field, and the version part it bumps."""

    kind: str
    detail: str
    level: str  # major | minor | patch


def _tighter_upper(old: Any, new: Any) -> bool:
    return new is not None and (old is None or new < old)


def _tighter_lower(old: Any, new: Any) -> bool:
    return new is not None and (old is None or new > old)


@dataclass(frozen=True)
class Constraint:
    """One field constraint of Table Schema (or of our field extensions), and every projection of it.

    `value(field)` is the constraint's value on a field, None when the field does not carry it."""

    property: str  # key in the field's `constraints` object (or on the field, `on_field`)
    code: str  # the finding code
    words: Callable[[Any, FieldSpec], str]  # the codebook's wording ("" to say nothing)
    sql: Callable[[Any, FieldSpec, Cell], list[CellCheck]] = lambda v, f, cell: []
    pandera: Callable[[Any, FieldSpec], pa.Check | None] | None = None
    pandera_name: str | None = None  # the name Pandera gives its failures (mapped back to `code`)
    tighter: Callable[[Any, Any], bool] = _tighter_lower  # does the new value reject more?
    change_kind: str | None = None  # the kind ihr diff reports (default: the property in kebab case)
    diff: Callable[[Any, Any], Change] | None = None  # how ihr diff words a change, when not `change_kind`/`tighter`
    diffed: bool = True  # False: a change is reported otherwise (partialDate, with the type)
    untypeable: bool = True  # a row failing it is kept out of the typed (Pandera) layer
    on_field: bool = False  # a field property rather than one inside `constraints`
    types: frozenset[str] | None = None  # field types it applies to (None: all)
    describe: str = ""  # one line for the finding catalogue
    accepts: Callable[[Any], bool] = lambda value: True  # a descriptor value of another shape is ignored

    def value(self, field: FieldSpec) -> Any:
        if self.types is not None and field.type not in self.types:
            return None
        value = field.constraint(self.property)
        return None if value is False else value

    def change(self, old: Any, new: Any) -> Change:
        if self.diff is not None:
            return self.diff(old, new)
        kind = self.change_kind or "".join("-" + ch.lower() if ch.isupper() else ch for ch in self.property)
        return Change(kind, f"{old} -> {new}", "major" if self.tighter(old, new) else "minor")


def _required_sql(value: Any, field: FieldSpec, cell: Cell) -> list[CellCheck]:
    return [CellCheck(field.name, "required", f"{cell.col} IS NULL", "a value is required")]


def _enum_sql(values: tuple[Any, ...], field: FieldSpec, cell: Cell) -> list[CellCheck]:
    shown = ", ".join(str(v) for v in values)
    if field.type in NUMERIC_TYPES:
        cond = f"{cell.present} AND {cell.parses} AND {cell.typed} NOT IN ({', '.join(str(v) for v in values)})"
    else:
        cond = f"{cell.present} AND {cell.col} NOT IN ({', '.join(sql_string(v) for v in values)})"
    return [CellCheck(field.name, "enum", cond, f"is not one of: {shown}")]


def pattern_prefilter(pattern: str, col: str) -> str | None:
    """A cheaper condition, true for every present value the pattern rejects, for a pattern the
    schemas put on large columns; the regular expression then decides on the flagged rows.
    None: no shortcut known, the pattern itself is the flag. Each shortcut is tested against its
    pattern (tests/test_shortcuts.py)."""
    if pattern == URL_PATTERN:
        # Rejected: another scheme, an empty host, an @ in the host, white space anywhere.
        spaces = " OR ".join(f"contains({col}, chr({b}))" for b in RE2_WHITESPACE)
        return (f"NOT (prefix({col}, 'https://') OR prefix({col}, 'http://')) OR strlen({col}) <= 8 "
                f"OR prefix({col}, 'http:///') OR prefix({col}, 'https:///') OR contains({col}, '@') OR {spaces}")
    return None


def _pattern_sql(pattern: str, field: FieldSpec, cell: Cell) -> list[CellCheck]:
    shortcut = pattern_prefilter(pattern, cell.col)
    return [CellCheck(field.name, "pattern", f"{cell.present} AND NOT regexp_full_match({cell.col}, {sql_string(pattern)})",
                      f"does not match the pattern {pattern}", prefilter=f"{cell.present} AND ({shortcut})" if shortcut else None)]


def _min_length_sql(n: int, field: FieldSpec, cell: Cell) -> list[CellCheck]:
    # length() counts characters (a pass over the text); strlen() is the stored byte count.
    return [CellCheck(field.name, "length", f"{cell.present} AND length({cell.col}) < {int(n)}", f"is shorter than {n} characters",
                      prefilter=f"{cell.present} AND strlen({cell.col}) < {MAX_UTF8_BYTES * int(n)}")]


def _max_length_sql(n: int, field: FieldSpec, cell: Cell) -> list[CellCheck]:
    return [CellCheck(field.name, "length", f"{cell.present} AND length({cell.col}) > {int(n)}", f"is longer than {n} characters",
                      prefilter=f"{cell.present} AND strlen({cell.col}) > {int(n)}")]


def _bound(prop: str, code: str, fails: str, shown: str, message: str, pandera_name: str, upper: bool) -> Constraint:
    """A numeric bound: a cell that parses fails when `value fails bound`; `shown` is the codebook's sign."""
    def sql(bound: Any, field: FieldSpec, cell: Cell) -> list[CellCheck]:
        return [CellCheck(field.name, code, f"{cell.present} AND {cell.parses} AND {cell.typed} {fails} {bound}", f"{message} {bound}")]
    side = ("above the field's maximum (or not below its exclusiveMaximum)" if upper
            else "below the field's minimum (or not above its exclusiveMinimum)")
    return Constraint(prop, code, lambda v, f: f"{shown} {v:g}", sql, _check(pandera_name, _VALUE), pandera_name,
                      tighter=_tighter_upper if upper else _tighter_lower, types=NUMERIC_TYPES, describe=f"a number {side}")


def _partial_date_sql(value: Any, field: FieldSpec, cell: Cell) -> list[CellCheck]:
    shape = sql_string(field.pattern or PARTIAL_DATE_SHAPE)
    col, present = cell.col, cell.present
    # Every string of the date shape that pd_valid rejects has year 0000, a month outside 01-12, or
    # is a 10-character day that is not a date: no regular expression needed. A day from 01 to 28
    # exists in every month: only the others are cast.
    return [CellCheck(field.name, "invalid-date", f"{present} AND regexp_full_match({col}, {shape}) AND NOT pd_valid({col})",
                      "is not a real date",
                      prefilter=(f"{present} AND (prefix({col}, '0000') OR (strlen({col}) >= 7 AND substr({col}, 6, 2) NOT BETWEEN '01' AND '12')"
                                 f" OR (strlen({col}) = 10 AND substr({col}, 9, 2) NOT BETWEEN '01' AND '28' AND TRY_CAST({col} AS DATE) IS NULL))"))]


def _pattern_words(pattern: str, field: FieldSpec) -> str:
    if field.partial_date:
        return ""  # the partial-date wording says it
    return f"{field.pattern_description} (pattern `{pattern}`)" if field.pattern_description else f"pattern `{pattern}`"


def _required_change(old: Any, new: Any) -> Change:
    return Change("required", f"{bool(old)} -> {bool(new)}", "major" if new else "minor")


def _enum_change(old: Any, new: Any) -> Change:
    before, after = set(old or ()), set(new or ())
    if old is None:
        return Change("enum-added", f"{sorted(map(str, after))}", "major")
    if new is None or after >= before:
        return Change("enum-loosened", f"added {sorted(map(str, after - before))}", "minor")
    return Change("enum-tightened", f"removed {sorted(map(str, before - after))}", "major")


def _check(name: str, *args: Any) -> Callable[[Any, FieldSpec], pa.Check]:
    def build(value: Any, field: FieldSpec) -> pa.Check:
        import pandera.polars as pa

        return getattr(pa.Check, name)(*[value if a is _VALUE else a for a in args])
    return build


_VALUE = object()  # stands for the constraint's value in `_check`'s arguments


def _length_check(value: Any, field: FieldSpec) -> pa.Check:
    """One Pandera check for both length bounds, stated with minLength when the field has one."""
    import pandera.polars as pa

    return pa.Check.str_length(field.min_length, field.max_length)


def _max_length_check(value: Any, field: FieldSpec) -> pa.Check | None:
    return None if field.min_length is not None else _length_check(value, field)


CONSTRAINTS: list[Constraint] = [
    Constraint("required", "required", lambda v, f: "required", _required_sql, pandera_name="not_nullable",
               diff=_required_change, describe="a required field is empty"),
    Constraint("enum", "enum", lambda v, f: "one of the values below", _enum_sql, lambda v, f: _check("isin", list(v))(v, f), "isin",
               diff=_enum_change, accepts=lambda v: isinstance(v, list), describe="a value outside the field's list of allowed values"),
    Constraint("pattern", "pattern", _pattern_words, _pattern_sql, _check("str_matches", _VALUE), "str_matches",
               tighter=lambda old, new: new is not None, describe="a value that does not match the field's pattern"),
    Constraint("minLength", "length", lambda v, f: f"at least {v} characters", _min_length_sql, _length_check, "str_length",
               describe="a value shorter than minLength or longer than maxLength"),
    Constraint("maxLength", "length", lambda v, f: f"at most {v} characters", _max_length_sql, _max_length_check, "str_length",
               tighter=_tighter_upper, describe="a value shorter than minLength or longer than maxLength"),
    _bound("minimum", "minimum", "<", "≥", "is below the minimum", "greater_than_or_equal_to", upper=False),
    _bound("maximum", "maximum", ">", "≤", "is above the maximum", "less_than_or_equal_to", upper=True),
    _bound("exclusiveMinimum", "minimum", "<=", ">", "is not above the exclusive minimum", "greater_than", upper=False),
    _bound("exclusiveMaximum", "maximum", ">=", "<", "is not below the exclusive maximum", "less_than", upper=True),
    Constraint("partialDate", "invalid-date", lambda v, f: "partial date (YYYY, YYYY-MM or YYYY-MM-DD; a real date)",
               _partial_date_sql, on_field=True, diffed=False,
               describe="a date of the right shape that does not exist (month 13, 30 February, year 0000)"),
    # Checked over the whole column by the key checks (`ihr.checks.rows`), not cell by cell.
    Constraint("unique", "unique", lambda v, f: "unique", tighter=lambda old, new: bool(new), untypeable=False,
               describe="a value of a unique field used on an earlier line"),
]

# Table Schema constraints this validator does not enforce: a schema using one is refused clearly
# (`unsupported-constraint`) instead of passing unchecked.
UNSUPPORTED_CONSTRAINTS = frozenset({"jsonSchema"})


def constraint_properties() -> set[str]:
    """The keys a field's `constraints` object may hold."""
    return {c.property for c in CONSTRAINTS if not c.on_field}


def field_properties() -> set[str]:
    """Our constraints that sit on the field itself."""
    return {c.property for c in CONSTRAINTS if c.on_field}


def pandera_codes() -> dict[str, str]:
    """Pandera's name for a failed check -> our finding code."""
    return {c.pandera_name: c.code for c in CONSTRAINTS if c.pandera_name} | {"dtype": "type"}


def sql_checks(field: FieldSpec) -> list[CellCheck]:
    """The field's type check and every constraint it carries, as SQL over its raw text."""
    ftype = FIELD_TYPES.get(field.type, FIELD_TYPES["string"])
    col = quote_ident(field.name)
    cell = Cell(col, f"{col} IS NOT NULL", ftype)
    checks: list[CellCheck] = []
    for c in CONSTRAINTS:
        value = c.value(field)
        if value is None:
            continue
        checks += [check if c.untypeable else replace(check, untypeable=False) for check in c.sql(value, field, cell)]
    if ftype.check is not None:  # after `required`, before the other constraints
        type_check = CellCheck(field.name, "type", f"{cell.present} AND {ftype.check(col)}", ftype.message)
        checks.insert(1 if field.required else 0, type_check)
    return checks


def pandera_checks(field: FieldSpec) -> list[pa.Check]:
    """The Pandera checks stating the field's constraints on a typed frame."""
    checks = []
    for c in CONSTRAINTS:
        value = c.value(field)
        check = c.pandera(value, field) if value is not None and c.pandera is not None else None
        if check is not None:
            checks.append(check)
    return checks


def pandera_dtype(field: FieldSpec) -> pl.DataType:
    import polars as pl

    return getattr(pl, FIELD_TYPES.get(field.type, FIELD_TYPES["string"]).pandera_dtype)()


def codebook_words(field: FieldSpec) -> str:
    """The field's constraints in words, for the codebook."""
    parts = [c.words(value, field) for c in CONSTRAINTS if (value := c.value(field)) is not None]
    return "; ".join(p for p in parts if p)


def constraint_changes(old: FieldSpec, new: FieldSpec) -> list[Change]:
    """What changed in the field's constraints and the version part each change bumps."""
    changes = []
    for c in CONSTRAINTS:
        a, b = c.value(old), c.value(new)
        if c.diffed and a != b:
            changes.append(c.change(a, b))
    return changes


@contextmanager
def registered(constraint: Constraint) -> Iterator[None]:
    """Use `constraint` in place of the entry for the same property (or in addition) for a while:
    how a test shows that one entry reaches every consumer."""
    saved = list(CONSTRAINTS)
    CONSTRAINTS[:] = [c for c in CONSTRAINTS if c.property != constraint.property] + [constraint]
    try:
        yield
    finally:
        CONSTRAINTS[:] = saved
