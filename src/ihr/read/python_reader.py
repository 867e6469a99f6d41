"""The exact reader: Python's csv module, tracking the physical line of every record. It reads
what DuckDB cannot place (invalid UTF-8, a stray carriage return, NUL, bad quoting), and every
file when asked (`reader="exact"`): the simple path beside the fast one."""

from __future__ import annotations

import csv
import io

import duckdb

from ihr.findings import Finding
from ihr.read.findings import blank_row, malformed, ragged_row
from ihr.read.layout import Layout, finish
from ihr.sql import quote_ident


csv.field_size_limit(2**31 - 1)


def read_with_python(con: duckdb.DuckDBPyConnection, layout: Layout, text: str) -> list[Finding]:
    """Parse with Python's csv module, tracking the physical line of every record."""
    import pyarrow as pa

    table, header = layout.table, layout.header
    found: list[Finding] = []
    width = len(header)
    kept: list[list[str]] = []  # full-width records; empty cells become NULL in SQL (`Layout.fields`)
    lines: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        next(reader)
        start = reader.line_num + 1
        for row in reader:
            if not row:
                found.append(blank_row(table, start))
            elif len(row) != width:
                found.append(ragged_row(table, start, "missing-cell" if len(row) < width else "extra-cell", width))
            else:
                lines.append(start)
                kept.append(row)
            start = reader.line_num + 1
    except csv.Error as exc:
        found.append(malformed(table, start, str(exc)))
    columns = list(zip(*kept)) if kept else [() for _ in range(width)]
    arrow = pa.table({"__line": pa.array(lines, pa.int64()), **{f"c{i}": pa.array(col, pa.string()) for i, col in enumerate(columns)}})
    data_table = f"raw.{quote_ident('__data_' + table.name)}"
    con.register("__arrow", arrow)
    inner = f"SELECT __line, {layout.fields('')}, CAST(NULL AS VARCHAR) AS __ragged FROM __arrow"
    con.execute(f"CREATE OR REPLACE TABLE {data_table} AS {layout.wrap(inner, extra='__line, ')}")
    con.unregister("__arrow")
    finish(con, layout, data_table, "__line", materialize=True)
    return found
