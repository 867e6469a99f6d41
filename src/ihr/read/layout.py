"""How a table lands in DuckDB: `raw."<table>"` (kept fields and `__line`) and the flagged rows
with every field in `raw."__flagged_<table>"`; the fast and the exact reader both fill them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import duckdb

from ihr.package import TableSpec
from ihr.read.lines import STEPS_IN_EXPRESSION, Lines
from ihr.sql import quote_ident


def flagged_table(name: str) -> str:
    """The table holding the flagged rows of `name`, with every field."""
    return f"raw.{quote_ident('__flagged_' + name)}"


class RowCondition(Protocol):
    """What the read evaluates on every row, in the same pass as the parse: SQL true for a row that
    may hold a finding (`ihr.checks.rows.RowFlag`), given what the file's bytes hold: the control
    bytes it contains (None: unknown), whether any byte is non-ASCII, and whether records span
    lines. The rows it flags are kept whole in `raw."__flagged_<table>"`."""

    def __call__(self, control: frozenset[int] | None, non_ascii: bool, line_feeds: bool) -> str | None: ...


@dataclass
class Layout:
    """How a table's fields are stored in the intermediate `__data_<table>` table."""

    table: TableSpec
    header: list[str]
    keep: set[str] | None
    flag_for: RowCondition | None
    control: frozenset[int] | None = None  # control bytes in the file; None: unknown
    non_ascii: bool = True
    line_feeds: bool = False  # records span lines: flag every cell with a line break
    records_may_span_lines: bool = False  # an earlier file's did: skip the padded parallel read
    steps_in_expression: int = STEPS_IN_EXPRESSION  # line steps beyond which an ASOF join replaces the CASE tree
    _flags: dict = field(default_factory=dict)

    @property
    def flag(self) -> str | None:
        if self.flag_for is None:
            return None
        key = (self.control, self.non_ascii, self.line_feeds)
        if key not in self._flags:  # the condition is long; build it once per state
            self._flags[key] = self.flag_for(*key)
        return self._flags[key]

    def kept(self, name: str) -> bool:
        return self.keep is None or name in self.keep

    def stored(self, name: str) -> str:
        """The column that holds `name` in the data table (dropped fields only on flagged rows)."""
        return quote_ident(name if self.kept(name) else "__t_" + name)

    def fields(self, source: str) -> str:
        """Schema fields in schema order from the source's c<i> columns; absent ones as NULL."""
        parts = []
        for name in self.table.field_names:
            if name in self.header:
                parts.append(f"NULLIF({source}c{self.header.index(name)}, '') AS {quote_ident(name)}")
            else:
                parts.append(f"CAST(NULL AS VARCHAR) AS {quote_ident(name)}")
        return ", ".join(parts)

    def outer(self) -> str:
        """Kept fields as they are, the others only where the row is flagged; plus the flag."""
        if self.flag is None:
            return ", ".join(quote_ident(n) for n in self.table.field_names) + ", __ragged"
        parts = [quote_ident(n) if self.kept(n) else f"CASE WHEN __flag THEN {quote_ident(n)} END AS {self.stored(n)}"
                 for n in self.table.field_names]
        return ", ".join(parts) + ", __ragged, __flag"

    def wrap(self, inner: str, extra: str = "") -> str:
        """Select the stored columns from `inner`, evaluating the flag once per row."""
        if self.flag is None:
            return f"SELECT {extra}{self.outer()} FROM ({inner})"
        return f"SELECT {extra}{self.outer()} FROM (SELECT *, CASE WHEN {self.flag} THEN true ELSE false END AS __flag FROM ({inner}))"

    def kept_names(self) -> str:
        return "".join(", " + quote_ident(n) for n in self.table.field_names if self.kept(n))

    def all_stored(self) -> str:
        return "".join(f", {self.stored(n)} AS {quote_ident(n)}" for n in self.table.field_names)


def empty_table(con: duckdb.DuckDBPyConnection, table: TableSpec, keep: set[str] | None = None) -> None:
    kept = [f for f in table.field_names if keep is None or f in keep]
    cols = "".join(f", {quote_ident(f)} VARCHAR" for f in kept)
    con.execute(f'CREATE OR REPLACE TABLE raw.{quote_ident(table.name)} (__line BIGINT{cols})')


def finish(con: duckdb.DuckDBPyConnection, layout: Layout, data_table: str, lines: "Lines | str",
            materialize: bool, ragged: bool = True) -> None:
    """Create raw.<table> (kept fields; a view over the data table unless `materialize`) and, with
    a flag, the flagged rows with all fields. `ragged`: short or long rows may be in the data
    table, to be left out."""
    target = f"raw.{quote_ident(layout.table.name)}"
    source, line_expr = (lines.source, lines.expr) if isinstance(lines, Lines) else (data_table, lines)
    if layout.flag is not None:
        con.execute(f"CREATE OR REPLACE TABLE {flagged_table(layout.table.name)} AS SELECT {line_expr} AS __line{layout.all_stored()} "
                    f"FROM {source} WHERE __flag AND __ragged IS NULL ORDER BY __line")
    if materialize:  # the line arithmetic runs once, and short or long rows go
        con.execute(f"CREATE OR REPLACE TABLE {target} AS SELECT {line_expr} AS __line{layout.kept_names()} "
                    f"FROM {source} WHERE __ragged IS NULL ORDER BY __line")
        con.execute(f"DROP TABLE {data_table}")
    else:
        where = " WHERE __ragged IS NULL" if ragged else ""
        con.execute(f"CREATE OR REPLACE VIEW {target} AS SELECT {line_expr} AS __line{layout.kept_names()} FROM {data_table}{where}")
