"""Read one table's CSV file into DuckDB, with the file findings: encoding, BOM, line ends, empty
file, header, then the rows by the fast reader or the exact one."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ihr.findings import Finding
from ihr.package import TableSpec, not_a_regular_file
from ihr.read.duckdb_reader import read_with_duckdb
from ihr.read import findings
from ihr.read.layout import Layout, RowCondition, empty_table
from ihr.read.lines import STEPS_IN_EXPRESSION
from ihr.read.python_reader import read_with_python
from ihr.read.scan import BOM, UTF16_BOMS, ByteFacts, ScanAhead, line_of_offset, normalized_copy
from ihr.sql import quote_ident


READERS = ("auto", "exact")


@dataclass
class LoadedTable:
    name: str
    path: str
    header: list[str]
    rows: int
    loaded: bool
    reader: str = ""  # which reader read the rows: "duckdb" (fast) or "python" (exact)


def read_header(file: Path) -> tuple[bytes, int]:
    """The first line's bytes (without the line feed) and the file size, reading no more than needed."""
    size = file.stat().st_size
    with open(file, "rb") as fh:
        head = fh.read(65536)
        while b"\n" not in head and len(head) < size:
            more = fh.read(1 << 20)
            if not more:
                break
            head += more
    return head, size


def load_table(con: duckdb.DuckDBPyConnection, root: Path, table: TableSpec,
               flag_for: RowCondition | None = None, keep: set[str] | None = None,
               scans: ScanAhead | None = None, reader: str = "auto",
               steps_in_expression: int = STEPS_IN_EXPRESSION) -> tuple[LoadedTable, list[Finding]]:
    """Check one CSV file and load its rows into `raw.<table>`; never raises on bad content.

    `flag_for`: the row condition the read evaluates on every row (`RowCondition`).
    `keep`: the fields to store in raw.<table>; None keeps all. `scans`: byte scans running ahead
    of the reads. `reader`: "auto" lets DuckDB read whatever it can place exactly; "exact" reads
    every file with Python's csv module (the simple path, which the tests compare with the fast one).
    `steps_in_expression`: line steps past which line numbers come from an ASOF join (`Lines`).
    """
    if reader not in READERS:
        raise ValueError(f"reader must be one of {READERS}")
    if scans is None:  # a scan of this file alone, closed after it (an LF copy it made goes with it)
        own = ScanAhead([root / table.path])
        try:
            return load_table(con, root, table, flag_for, keep, own, reader, steps_in_expression)
        finally:
            own.close()
    file = root / table.path

    def unread(*found: Finding) -> tuple[LoadedTable, list[Finding]]:
        empty_table(con, table, keep)
        return LoadedTable(table.name, table.path, [], 0, False), list(found)

    kind = not_a_regular_file(file)
    if kind is not None:  # checked before opening: opening a FIFO blocks until a writer comes
        return unread(findings.not_regular(table, kind))
    try:
        head, size = read_header(file)
    except FileNotFoundError:
        return unread(findings.missing_file(table))
    except OSError as exc:
        return unread(findings.missing_file(table, exc.strerror))
    found: list[Finding] = []
    sample = head[:4096]
    if head.startswith(UTF16_BOMS) or (sample and sample.count(b"\x00") > len(sample) // 4):
        return unread(findings.wide_encoding(table))
    if head.startswith(BOM):
        found.append(findings.bom(table))
        head = head[len(BOM):]  # DuckDB skips a UTF-8 BOM itself, so the fast path still applies
    if not head or (len(head) + (3 if found else 0) >= size and head.isspace()):
        if b"\r" in head:
            found.append(findings.carriage_returns(table, line_of_offset(head, head.index(b"\r")), head.count(b"\r")))
        return unread(*found, findings.empty_file(table))
    # The header is parsed from the first line alone; the whole file is decoded only on the slow
    # path (DuckDB rejects invalid UTF-8 on the fast one, which sends the file there).
    end = head.find(b"\n")
    first_line = head[:end] if end >= 0 else head
    try:
        header = next(csv.reader(io.StringIO(first_line.decode("utf-8", errors="replace"), newline="")))
    except (csv.Error, StopIteration) as exc:
        return unread(*found, findings.unparsable_header(table, str(exc)))
    found += findings.header_findings(table, header, table.path)
    layout = Layout(table, header, keep, flag_for)
    layout.records_may_span_lines = scans.multi_line_records
    layout.steps_in_expression = steps_in_expression
    if flag_for is not None:  # the row condition depends on the bytes: wait for this file's scan
        known = scans.facts(file)
        if known.nul or known.error is not None:
            layout.control, layout.non_ascii = None, True
        else:
            layout.control = known.control | ({13} if known.carriage_returns else set())
            layout.non_ascii = known.non_ascii

    def facts_of() -> ByteFacts:
        return scans.facts(file)

    fast_allowed = reader == "auto"
    known_crlf = flag_for is not None and known.carriage_returns and not known.lone_cr and not known.nul
    # CRLF: straight to the LF copy
    fast = read_with_duckdb(con, layout, file, facts_of) if fast_allowed and not known_crlf else None
    facts = facts_of()
    if facts.carriage_returns:
        found.append(findings.carriage_returns(table, facts.first_cr_line, facts.carriage_returns))
        if fast_allowed and fast is None and not facts.lone_cr and not facts.nul:  # CRLF on some lines: read an LF copy
            copy, facts.lf_copy = facts.lf_copy or normalized_copy(file, facts.cr_offsets), None
            try:
                fast = read_with_duckdb(con, layout, file, lambda: facts, read_from=copy)
            finally:
                copy.unlink(missing_ok=True)
    if not facts.ends_with_newline:
        found.append(findings.no_final_newline(table, facts.physical_lines))
    if fast is not None:
        found += fast
    else:
        layout.control, layout.non_ascii = None, True
        data = file.read_bytes()
        if data.startswith(BOM):
            data = data[len(BOM):]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            found.append(findings.invalid_utf8(table, line_of_offset(data, exc.start), data[exc.start]))
            text = data.decode("utf-8", errors="replace")
        del data
        found += read_with_python(con, layout, text)
    if any(f.code == "blank-row" for f in found):
        scans.expect_blank_lines()  # the files still to be scanned are searched in the background
    if fast is not None and layout.line_feeds:
        scans.expect_multi_line_records()
    rows = con.execute(f"SELECT count(*) FROM raw.{quote_ident(table.name)}").fetchall()[0][0]
    return LoadedTable(table.name, table.path, header, rows, True, "duckdb" if fast is not None else "python"), found
