"""File layer: bytes, encoding, line ends, header and row widths; then load the rows as raw text.

Each table lands in DuckDB as `raw."<table>"`: one VARCHAR column per schema field (empty cells as
NULL, absent columns as all-NULL) plus `__line`, the physical line the record starts on (header = 1).
The fast path lets DuckDB read the file; the slow path (Python's csv module) is only taken when the
file has something to report or records that span lines, so that every line number stays exact.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ihr.findings import Finding
from ihr.package import TableSpec

BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
csv.field_size_limit(2**31 - 1)


@dataclass
class LoadedTable:
    name: str
    path: str
    header: list[str]
    rows: int
    loaded: bool


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _header_findings(table: TableSpec, header: list[str], shown: str) -> list[Finding]:
    found: list[Finding] = []
    expected = table.field_names
    for name in sorted({h for h in header if header.count(h) > 1}):
        found.append(Finding(shown, 1, name, "duplicate-header", "error", f"column {name!r} appears more than once", value=name, table=table.name, layer="file"))
    for name in expected:
        if name not in header:
            found.append(Finding(shown, 1, name, "missing-header", "error", f"column {name!r} is missing from the header", table=table.name, layer="file"))
    for name in header:
        if name not in expected:
            blank = name.strip() == ""
            found.append(Finding(shown, 1, name, "blank-header" if blank else "extra-header", "error",
                                 "a header cell is blank" if blank else f"column {name!r} is not in the schema",
                                 value=name, table=table.name, layer="file"))
    present = [h for h in header if h in expected]
    if not found and present != [n for n in expected if n in present]:
        found.append(Finding(shown, 1, None, "header-order", "error",
                             f"columns are out of schema order; expected {', '.join(expected)}", table=table.name, layer="file"))
    return found


def _empty_table(con: duckdb.DuckDBPyConnection, table: TableSpec) -> None:
    cols = ", ".join(f"{quote_ident(f)} VARCHAR" for f in table.field_names)
    con.execute(f'CREATE OR REPLACE TABLE raw.{quote_ident(table.name)} (__line BIGINT, {cols})')


def _select_list(table: TableSpec, header: list[str]) -> str:
    """Schema fields in schema order from the file's columns; absent ones as NULL."""
    parts = ["__line"]
    for name in table.field_names:
        if name in header:
            idx = header.index(name)
            parts.append(f"NULLIF(c{idx}, '') AS {quote_ident(name)}")
        else:
            parts.append(f"CAST(NULL AS VARCHAR) AS {quote_ident(name)}")
    return ", ".join(parts)


def _blank_lines(data: bytes) -> list[int]:
    """Physical line numbers of empty lines (DuckDB skips them while reading), by a byte scan."""
    if b"\n\n" not in data:
        return []
    lines, line, last = [], 1, 0
    for match in re.finditer(rb"\n(?=\n)", data):
        line += data.count(b"\n", last, match.start() + 1)
        last = match.start() + 1
        lines.append(line)
    return lines


def _fast_load(con: duckdb.DuckDBPyConnection, table: TableSpec, file: Path, header: list[str], physical_lines: int,
               blanks: list[int]) -> list[Finding] | None:
    """Let DuckDB parse; succeed when every record is one line, so line numbers stay exact.

    One spare column is declared and padding is on, with empty cells read as '' rather than NULL:
    a short row then shows a NULL in its last real column, a long one a non-NULL spare column.
    Invalid UTF-8, bad quoting and rows two or more cells too long land in the rejects table; they,
    and records spanning several lines, send the file to the slow path (returns None), which
    reports them at their exact lines.
    """
    width = len(header)
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width + 1)) + "}"
    path_literal = "'" + str(file).replace("'", "''") + "'"
    target = f"raw.{quote_ident(table.name)}"
    data_table = f"raw.{quote_ident('__data_' + table.name)}"
    fields = _select_list(table, header)[len("__line, "):]
    names = ", ".join(quote_ident(n) for n in table.field_names)
    def read(parallel: bool) -> None:
        # No row_number() window here: it would halve the read speed. Rows keep file order, so the
        # physical line is computed from rowid below.
        con.execute("DROP TABLE IF EXISTS __rejects; DROP TABLE IF EXISTS __rejects_scan")  # this file's rejects only
        con.execute(
            f"""CREATE OR REPLACE TABLE {data_table} AS
            SELECT {fields},
                   CASE WHEN c{width} IS NOT NULL THEN 'extra-cell' WHEN c{width - 1} IS NULL THEN 'missing-cell' END AS __ragged
            FROM read_csv({path_literal}, header=true, columns={columns}, auto_detect=false,
                delim=',', quote='"', escape='"', strict_mode=true, null_padding=true, nullstr='\\x01',
                store_rejects=true, rejects_table='__rejects', rejects_scan='__rejects_scan',
                max_line_size=20000000, parallel={str(parallel).lower()})"""
        )

    try:
        try:
            read(parallel=True)
        except duckdb.Error:
            read(parallel=False)  # DuckDB's parallel reader refuses padding with quoted line breaks
        rejected = con.execute("SELECT count(*) FROM __rejects").fetchall()[0][0]
        records = con.execute(f"SELECT count(*) FROM {data_table}").fetchall()[0][0]
    except duckdb.Error:
        con.execute(f"DROP TABLE IF EXISTS {data_table}")
        return None
    if rejected:
        con.execute(f"DROP TABLE {data_table}")
        return None
    # Physical lines: record k starts on s_k = k + 2 plus the line breaks inside earlier records'
    # cells, plus one per skipped blank line above it; blank j lies before record k exactly when
    # blanks[j] - j <= s_k. Any other mismatch (a line break inside a column we do not keep, a
    # "blank line" that is really inside a quoted cell) sends the file to the slow path.
    start_expr = "CAST(rowid AS BIGINT) + 2"
    multiline = False
    if records + 1 + len(blanks) != physical_lines:
        breaks = " + ".join(f"coalesce(length({quote_ident(n)}) - length(replace({quote_ident(n)}, chr(10), '')), 0)"
                            for n in table.field_names if n in header) or "0"
        embedded = con.execute(f"SELECT coalesce(sum({breaks}), 0) FROM {data_table}").fetchall()[0][0]
        if records + 1 + len(blanks) + embedded != physical_lines:
            con.execute(f"DROP TABLE {data_table}")
            return None
        multiline = True
        con.execute(f"""CREATE OR REPLACE TABLE {data_table} AS
            SELECT *, CAST(rowid AS BIGINT) + 2 + CAST(coalesce(sum({breaks}) OVER (ORDER BY rowid ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS BIGINT) AS __start
            FROM {data_table} ORDER BY rowid""")
        start_expr = "__start"
    line_expr = start_expr
    if blanks:
        thresholds = ", ".join(str(b - j) for j, b in enumerate(blanks))
        line_expr += f" + (SELECT count(*) FROM (SELECT unnest([{thresholds}]) AS t) WHERE t <= {start_expr})"
    line_expr = f"CAST({line_expr} AS BIGINT)"
    # Line numbers are exact now: short and long rows are reported here and dropped, as the slow
    # path would, without re-reading the file in Python.
    ragged = con.execute(f"SELECT {line_expr}, __ragged FROM {data_table} WHERE __ragged IS NOT NULL ORDER BY 1").fetchall()
    found = [Finding(table.path, line, None, "blank-row", "error", "the row is empty", table=table.name, layer="file")
             for line in blanks] + [Finding(table.path, line, None, code, "error",
                     f"row has {'more' if code == 'extra-cell' else 'fewer'} cells than the header's {width}; the row is not checked further",
                     table=table.name, layer="file") for line, code in ragged]
    if ragged or blanks or multiline:  # materialise, so the line arithmetic runs once
        con.execute(f"CREATE OR REPLACE TABLE {target} AS SELECT {line_expr} AS __line, {names} FROM {data_table} WHERE __ragged IS NULL")
        con.execute(f"DROP TABLE {data_table}")
    else:
        con.execute(f"CREATE OR REPLACE VIEW {target} AS SELECT {line_expr} AS __line, {names} FROM {data_table}")
    return found


def _slow_load(con: duckdb.DuckDBPyConnection, table: TableSpec, text: str, header: list[str], shown: str) -> list[Finding]:
    """Parse with Python's csv module, tracking the physical line of every record."""
    import pyarrow as pa

    found: list[Finding] = []
    width = len(header)
    columns: list[list[str | None]] = [[] for _ in range(width)]
    lines: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        next(reader)
        start = reader.line_num + 1
        for row in reader:
            if not row:
                found.append(Finding(shown, start, None, "blank-row", "error", "the row is empty", table=table.name, layer="file"))
            elif len(row) != width:
                code = "missing-cell" if len(row) < width else "extra-cell"
                found.append(Finding(shown, start, None, code, "error",
                                     f"row has {len(row)} cells, the header has {width}; the row is not checked further",
                                     table=table.name, layer="file"))
            else:
                lines.append(start)
                for i, cell in enumerate(row):
                    columns[i].append(cell if cell != "" else None)
            start = reader.line_num + 1
    except csv.Error as exc:
        found.append(Finding(shown, start, None, "malformed-csv", "error",
                             f"cannot parse from here on ({exc}); an unterminated quote is the usual cause",
                             table=table.name, layer="file"))
    arrow = pa.table({"__line": pa.array(lines, pa.int64()), **{f"c{i}": pa.array(col, pa.string()) for i, col in enumerate(columns)}})
    con.register("__arrow", arrow)
    con.execute(f"CREATE OR REPLACE TABLE raw.{quote_ident(table.name)} AS SELECT {_select_list(table, header)} FROM __arrow")
    con.unregister("__arrow")
    return found


def load_table(con: duckdb.DuckDBPyConnection, root: Path, table: TableSpec) -> tuple[LoadedTable, list[Finding]]:
    """Check one CSV file and load its rows into `raw.<table>`; never raises on bad content."""
    shown = table.path
    file = root / table.path
    found: list[Finding] = []
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        _empty_table(con, table)
        return LoadedTable(table.name, shown, [], 0, False), [
            Finding(shown, None, None, "missing-file", "error", "the file does not exist", table=table.name, layer="file")]
    except OSError as exc:
        _empty_table(con, table)
        return LoadedTable(table.name, shown, [], 0, False), [
            Finding(shown, None, None, "missing-file", "error", f"cannot read: {exc.strerror}", table=table.name, layer="file")]
    sample = data[:4096]
    if data.startswith(UTF16_BOMS) or (sample and sample.count(b"\x00") > len(sample) // 4):
        _empty_table(con, table)
        return LoadedTable(table.name, shown, [], 0, False), [
            Finding(shown, 1, None, "encoding", "error", "the file is UTF-16 (or another wide encoding); save it as UTF-8", table=table.name, layer="file")]
    slow = False
    if data.startswith(BOM):
        found.append(Finding(shown, 1, None, "bom", "error", "the file starts with a byte-order mark; save as UTF-8 without BOM", table=table.name, layer="file"))
        data = data[len(BOM):]  # DuckDB skips a UTF-8 BOM itself, so the fast path still applies
    if b"\r" in data:
        first = _line_of_offset(data, data.index(b"\r"))
        returns = data.count(b"\r")
        found.append(Finding(shown, first, None, "line-ending", "error",
                             f"{returns} carriage return(s), the first on this line; use LF line ends only",
                             table=table.name, layer="file"))
        slow = True
    if b"\x00" in data:
        slow = True
    if not data or data.isspace():
        _empty_table(con, table)
        return LoadedTable(table.name, shown, [], 0, False), found + [
            Finding(shown, 1, None, "empty-file", "error", "the file is empty; it needs at least the header row", table=table.name, layer="file")]
    # The header is parsed from the first line alone; the whole file is decoded only on the slow
    # path (DuckDB rejects invalid UTF-8 on the fast one, which sends the file there).
    end = data.find(b"\n")
    first_line = data[:end] if end >= 0 else data
    try:
        header = next(csv.reader(io.StringIO(first_line.decode("utf-8", errors="replace"), newline="")))
    except (csv.Error, StopIteration) as exc:
        _empty_table(con, table)
        return LoadedTable(table.name, shown, [], 0, False), found + [
            Finding(shown, 1, None, "malformed-csv", "error", f"cannot parse the header: {exc}", table=table.name, layer="file")]
    found += _header_findings(table, header, shown)
    physical_lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if not data.endswith(b"\n"):
        found.append(Finding(shown, physical_lines, None, "line-ending", "warning", "the last line has no newline at its end", table=table.name, layer="file"))
    fast = None if slow else _fast_load(con, table, file, header, physical_lines, _blank_lines(data))
    if fast is not None:
        found += fast
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            found.append(Finding(shown, _line_of_offset(data, exc.start), None, "encoding", "error",
                                 f"byte {data[exc.start]:#04x} is not valid UTF-8 (is the file latin-1 or cp1252?)",
                                 table=table.name, layer="file"))
            text = data.decode("utf-8", errors="replace")
        found += _slow_load(con, table, text, header, shown)
    rows = con.execute(f"SELECT count(*) FROM raw.{quote_ident(table.name)}").fetchall()[0][0]
    return LoadedTable(table.name, shown, header, rows, True), found
