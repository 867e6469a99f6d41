"""The fast reader: DuckDB parses the file; it succeeds only when every record's physical line is
known exactly, and otherwise returns None for the exact reader to take over."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import duckdb

from ihr.findings import Finding
from ihr.read.findings import UNEXPECTED_END, blank_row, malformed, ragged_row
from ihr.read.layout import Layout, finish
from ihr.read.lines import LineCountMismatch, Lines, line_steps, unterminated_tail
from ihr.read.scan import ByteFacts, find_blank_lines
from ihr.sql import quote_ident


class RecordsSpanLines(Exception):
    """Go straight to the read for files whose records span lines."""


def read_with_duckdb(con: duckdb.DuckDBPyConnection, layout: Layout, file: Path, facts_of: Callable[[], ByteFacts],
               read_from: Path | None = None) -> list[Finding] | None:
    """Let DuckDB parse; succeed when every record's physical line is known exactly.

    First read: parallel, one spare column declared and padding on, with empty cells read as ''
    rather than NULL, so a short row shows a NULL in its last real column and a long one a non-NULL
    spare column. DuckDB refuses that read when records span lines; the second read then has the
    exact width and no padding, and short and long rows land in the rejects table with DuckDB's
    line numbers (a serial padded read is the last resort). Invalid UTF-8, bad quoting, rows two
    or more cells too long in the padded read, and line counts that do not add up send the file to
    the slow path (returns None), which reports them at their exact lines. `facts_of()` gives the
    byte scan's facts (waiting for it if it runs alongside).
    """
    table, header = layout.table, layout.header
    width = len(header)
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width + 1)) + "}"
    path_literal = "'" + str(read_from or file).replace("'", "''") + "'"
    data_table = f"raw.{quote_ident('__data_' + table.name)}"

    def read(parallel: bool, padded: bool = True) -> None:
        # No row_number() window here: it would halve the read speed. Rows keep file order, so the
        # physical line is computed from rowid below.
        con.execute("DROP TABLE IF EXISTS __rejects; DROP TABLE IF EXISTS __rejects_scan")  # this file's rejects only
        if padded:
            spec, ragged = columns, f"CASE WHEN c{width} IS NOT NULL THEN 'extra-cell' WHEN c{width - 1} IS NULL THEN 'missing-cell' END"
        else:  # exact width: short and long rows land in the rejects table instead
            spec, ragged = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}", "CAST(NULL AS VARCHAR)"
        inner = (f"SELECT {layout.fields('')}, {ragged} AS __ragged "
                 f"""FROM read_csv({path_literal}, header=true, columns={spec}, auto_detect=false,
                    delim=',', quote='"', escape='"', strict_mode=true, null_padding={str(padded).lower()}, nullstr='\x01',
                    store_rejects=true, rejects_table='__rejects', rejects_scan='__rejects_scan',
                    parallel={str(parallel).lower()})""")
        counted.append(con.execute(f"CREATE OR REPLACE TABLE {data_table} AS {layout.wrap(inner)}").fetchall()[0][0])

    padded = True
    counted: list[int] = []
    try:
        try:
            if layout.records_may_span_lines:
                raise RecordsSpanLines()  # as in an earlier file: spare the padded read's refusal
            read(parallel=True)
        except (duckdb.Error, RecordsSpanLines):
            # DuckDB's parallel reader refuses padding with quoted line breaks: records span lines,
            # so flag every cell holding a line break in the same pass, and read without padding
            # (short and long rows become rejects, whose line numbers DuckDB reports).
            layout.line_feeds = True
            try:
                read(parallel=True, padded=False)
                padded = False
            except duckdb.Error:
                read(parallel=False)
        # One row per rejected record (DuckDB may list a short row once per missing cell), with
        # every kind of error DuckDB saw in it.
        rejects = con.execute("SELECT line, first(error_type ORDER BY error_type), first(csv_line), "
                              "list(DISTINCT error_type ORDER BY error_type), min(line_byte_position) "
                              "FROM __rejects GROUP BY line ORDER BY line").fetchall()
        records = counted[-1]  # CREATE TABLE AS returns the rows it wrote
    except duckdb.Error:
        con.execute(f"DROP TABLE IF EXISTS {data_table}")
        return None
    facts = facts_of()
    # An unterminated quote in the last record: everything before it is read, as on the slow path.
    tail = unterminated_tail(read_from or file, rejects, facts.chunk_lines if read_from is None else None)
    if tail is not None:
        rejects = rejects[:-1]
    ragged_rejects = {"MISSING COLUMNS": "missing-cell", "TOO MANY COLUMNS": "extra-cell"}
    # DuckDB numbers rejected records reliably in LF files; a carriage return shifts its count, so
    # such a file is read again from its LF copy (`load_table`).
    usable = not padded and all(set(kinds) <= ragged_rejects.keys() for *_, kinds, _ in rejects) and not (
        facts.carriage_returns and read_from is None)
    if (rejects and not usable) or facts.error or facts.lone_cr or facts.nul:
        con.execute(f"DROP TABLE {data_table}")
        return None
    # The lines the records DuckDB read (and the blank lines among them) must account for.
    expected_lines = facts.physical_lines if tail is None else tail - 1
    # Physical lines: record k starts on line k + 2, plus the line breaks inside earlier records'
    # cells, plus the blank lines DuckDB skipped before it (rowids skip rejected records). Breaks
    # are counted on the rows that hold any (all flagged when `line_feeds` is set; few); a count
    # that does not add up (a "blank line" inside a quoted cell, say) sends the file to the slow
    # path.
    # DuckDB's text of a rejected record starts with the blank lines before it, if any.
    rejected = [(line, (text or "").lstrip("\n").count("\n")) for line, _, text, *_ in rejects]
    blanks: list[int] = []
    embedded: list[tuple[int, int]] = []
    total = records + len(rejected) + 1 + sum(b for _, b in rejected)
    if total != expected_lines:
        if layout.flag_for is None or layout.line_feeds:
            # Every row holding a line break is flagged (or every row is stored whole): count the
            # breaks first; when they account for every extra line, there is no blank line to find.
            breaks = " + ".join(f"coalesce(length({layout.stored(n)}) - length(replace({layout.stored(n)}, chr(10), '')), 0)"
                                for n in table.field_names if n in header) or "0"
            holding = "__flag" if layout.flag_for is not None else "true"
            embedded = con.execute(f"SELECT rowid, b FROM (SELECT rowid, {breaks} AS b FROM {data_table} WHERE {holding}) "
                                   f"WHERE b > 0 ORDER BY rowid").fetchall()
        if total + sum(b for _, b in embedded) != expected_lines:
            # Of the original file, also when DuckDB reads an LF copy.
            blanks = facts.blank_lines if facts.blank_lines is not None else find_blank_lines(file, facts.chunk_lines)
            if tail is not None:  # the unterminated record swallows the lines after its start
                blanks = [line for line in blanks if line < tail]
        if total + len(blanks) + sum(b for _, b in embedded) != expected_lines:
            if layout.flag_for is not None and not layout.line_feeds:
                # Line breaks inside cells: read again, flagging every cell that holds one.
                con.execute(f"DROP TABLE {data_table}")
                layout.line_feeds = True
                return read_with_duckdb(con, layout, file, facts_of, read_from)
            con.execute(f"DROP TABLE {data_table}")
            return None
    try:
        steps, rejected_lines = line_steps(blanks, embedded, rejected)
    except LineCountMismatch:
        con.execute(f"DROP TABLE {data_table}")
        return None
    lines = Lines(con, data_table, steps, layout.steps_in_expression)
    # Line numbers are exact now: short and long rows are reported here and dropped, as the slow
    # path would, without re-reading the file in Python.
    ragged = con.execute(f"SELECT {lines.expr}, __ragged FROM {lines.source} WHERE __ragged IS NOT NULL ORDER BY 1").fetchall()
    ragged = sorted(ragged + [(line, ragged_rejects[kind]) for line, (_, kind, *_) in zip(rejected_lines, rejects)])
    found = [blank_row(table, line) for line in blanks] + [ragged_row(table, line, code, width) for line, code in ragged]
    if tail is not None:
        found.append(malformed(table, tail, UNEXPECTED_END))
    finish(con, layout, data_table, lines, materialize=not lines.in_view, ragged=bool(ragged))
    lines.drop()
    return found
