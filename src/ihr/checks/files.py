"""File layer: bytes, encoding, line ends, header and row widths; then load the rows as raw text.

Each table lands in DuckDB as `raw."<table>"`: one VARCHAR column per kept schema field (empty
cells as NULL, absent columns as all-NULL) plus `__line`, the physical line the record starts on
(header = 1); `raw."<table>"` is a view over the data table that computes the line from rowid
(plus a step function when blank lines, multi-line records or rejected rows shift it). The fast
path lets DuckDB read the file; a second thread scans its bytes in one pass ahead of the read
(carriage returns, NUL, control bytes, tabs, non-ASCII, which the row condition depends on, and
the line feeds that check the line arithmetic). The slow path (Python's csv module) is only
taken when the file has something DuckDB cannot read with exact line numbers (invalid UTF-8, a
stray carriage return, NUL, an unterminated quote).

Given a row condition (`flag`), the read also evaluates it on every row in the same pass and keeps
the flagged rows, with all their cells, in `raw."__flagged_<table>"`: the cell and text checks then
run on those few rows instead of scanning the table again. Fields left out of `keep` are not stored
in `raw."<table>"` at all (free text nobody joins on), which is most of the memory of a large package.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb

from ihr.findings import Finding
from ihr.package import TableSpec, not_a_regular_file

BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
ALWAYS_SEARCH_BLANK_LINES = 1 << 24  # files up to 16 MiB are searched for blank lines in the scan
CHUNK = 1 << 18  # 256 KiB: each of the many memchr passes over a piece runs from the L2 cache
# Bytes below 0x20 (and DEL) a file may hold besides LF and CR: control characters, and the tab,
# which the text checks care about at a cell's edges only.
CONTROL_BYTES = bytes([*range(0x00, 0x0A), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
CONTROL_BYTE_NEEDLES = [bytes([b]) for b in CONTROL_BYTES]
TWO_LINE_FEEDS = re.compile(rb"\n\n")
# The LF copy in large pieces: each return from a read or write waits for the GIL, which the
# background scan holds between its own calls.
COPY_CHUNK = 1 << 24
CR_OFFSETS_KEPT = 1 << 16  # a file with a few CRLF lines is copied around them by the kernel
csv.field_size_limit(2**31 - 1)


@dataclass
class LoadedTable:
    name: str
    path: str
    header: list[str]
    rows: int
    loaded: bool


@dataclass
class ByteFacts:
    """What one pass over a file's bytes finds; computed while DuckDB parses the same file."""

    lines: int = 0  # line feeds
    ends_with_newline: bool = True
    carriage_returns: int = 0
    first_cr_line: int | None = None
    lone_cr: bool = False  # a carriage return not followed by a line feed
    nul: bool = False
    control: frozenset[int] = frozenset()  # CONTROL_BYTES the file holds (tab included)
    non_ascii: bool = False
    chunk_lines: dict[tuple[int, int], int] = field(default_factory=dict)  # (offset, size) of each piece read -> its line feeds
    blank_lines: list[int] | None = None  # physical lines that are empty (DuckDB skips them); None: not searched
    error: OSError | None = None
    cr_offsets: list[int] | None = field(default_factory=list)  # of each carriage return; None: too many
    lf_copy: Path | None = None  # a copy with CRLF turned into LF, made in the background for DuckDB

    @property
    def physical_lines(self) -> int:
        return self.lines + (0 if self.ends_with_newline else 1)


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def flagged_table(name: str) -> str:
    """The table holding the flagged rows of `name`, with every field."""
    return f"raw.{quote_ident('__flagged_' + name)}"


def file_size(file: Path) -> int:
    """Bytes in the file; -1 when it cannot be read (a missing file sorts first and is small)."""
    try:
        return file.stat().st_size
    except OSError:
        return -1


def _chunks(file: Path):
    """(offset, bytes) of a regular file in CHUNK-sized pieces, one buffer reused; the open file
    comes first so that a caller can peek past a piece."""
    if not file.is_file():  # a directory, a pipe: never block on it
        raise OSError(f"not a regular file: {file}")
    buffer = bytearray(CHUNK)
    offset = 0
    with open(file, "rb", buffering=0) as fh:
        while True:
            size = fh.readinto(buffer)
            if not size:
                return
            yield fh, offset, (buffer if size == CHUNK else bytes(buffer[:size]))
            offset += size


def _scan(file: Path, facts: ByteFacts, blank_lines: bool = False) -> None:
    """One pass over a file's bytes: carriage returns, control bytes (NUL among them), non-ASCII
    text, line feeds in all and per piece, the line of the first carriage return, and with
    `blank_lines` the empty lines (a search as costly as counting the line feeds)."""
    if blank_lines:
        facts.blank_lines = []
    previous_last = b""
    try:
        for fh, offset, chunk in _chunks(file):
            returns = chunk.count(b"\r") if b"\r" in chunk else 0  # `in` is a memchr; count is not
            if returns:
                if facts.first_cr_line is None:
                    facts.first_cr_line = facts.lines + chunk.count(b"\n", 0, chunk.index(b"\r")) + 1
                facts.carriage_returns += returns
                if facts.cr_offsets is not None:  # where they are, while few: the LF copy skips them
                    if facts.carriage_returns > CR_OFFSETS_KEPT:
                        facts.cr_offsets = None
                    else:
                        at = chunk.find(b"\r")
                        while at >= 0:
                            facts.cr_offsets.append(offset + at)
                            at = chunk.find(b"\r", at + 1)
                pairs = chunk.count(b"\r\n")
                ends_open = chunk[-1:] == b"\r"  # may pair with the next chunk's first byte
                facts.lone_cr = facts.lone_cr or returns - pairs - (1 if ends_open else 0) > 0
                if ends_open:
                    facts.lone_cr = facts.lone_cr or _next_byte(fh) != b"\n"
            if previous_last == b"\r" and chunk[:1] != b"\n":
                facts.lone_cr = True
            # One memchr per control byte not seen yet: twice as fast as a translate, which copies.
            found = [b for b in CONTROL_BYTE_NEEDLES if b[0] not in facts.control and b in chunk]
            if found:
                facts.control |= frozenset(b[0] for b in found)
            if not facts.non_ascii and not chunk.isascii():
                facts.non_ascii = True
            if facts.blank_lines is not None:
                _blank_lines_in(chunk, previous_last, facts.lines, facts.blank_lines)
            in_chunk = chunk.count(b"\n")
            facts.chunk_lines[(offset, len(chunk))] = in_chunk
            facts.lines += in_chunk
            previous_last = chunk[-1:]
        facts.ends_with_newline = previous_last in (b"", b"\n")
        facts.nul = 0 in facts.control
    except OSError as exc:
        facts.error = exc


def scan_bytes(file: Path, blank_lines: bool = False) -> ByteFacts:
    """What a file's bytes hold, in fixed-size pieces (low memory)."""
    facts = ByteFacts()
    _scan(file, facts, blank_lines)
    return facts


def lower_priority(niceness: int = 10) -> None:
    """Let this thread yield the CPU to DuckDB's threads when they compete: it works ahead of
    them, not on the critical path. Linux only (a thread id as the process id); a no-op elsewhere."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)
    except (AttributeError, OSError):
        pass


class ScanAhead:
    """Scan the files' bytes in a background thread, in the order they will be loaded (smallest
    first, see `validate_package`), so that each scan runs while DuckDB reads the file before it
    (DuckDB releases the GIL); one pass per file reads its bytes once.

    Blank lines are looked for in small files, and in the others only once a file of the
    package turned out to have some (found by this scan, or by a load: `expect_blank_lines`): the
    search would cost a clean package as much again as the scan, while damage of that kind tends
    to repeat across the files one person or tool edited. The same goes for records spanning
    lines (`expect_multi_line_records`)."""

    def __init__(self, files: list[Path]) -> None:
        self._facts = {f: ByteFacts() for f in files}
        self._ready = {f: threading.Event() for f in files}
        self._blank_lines = False
        self._stop = False
        self.multi_line_records = False
        self._thread = threading.Thread(target=self._run, args=(files,), daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop after the file being scanned and delete the LF copies no load took."""
        self._stop = True
        self._thread.join()
        for facts in self._facts.values():
            if facts.lf_copy is not None:
                facts.lf_copy.unlink(missing_ok=True)
                facts.lf_copy = None

    def expect_blank_lines(self) -> None:
        self._blank_lines = True

    def expect_multi_line_records(self) -> None:
        """Records spanning lines were found: `load_table` reads the files still to come without
        first trying DuckDB's padded parallel read, which refuses them (late, at times)."""
        self.multi_line_records = True

    def _run(self, files: list[Path]) -> None:
        lower_priority()
        for f in files:
            if self._stop:
                break
            facts = self._facts[f]
            _scan(f, facts, self._blank_lines or file_size(f) <= ALWAYS_SEARCH_BLANK_LINES)
            if facts.blank_lines:  # the small files, scanned first, tell whether to search the rest
                self._blank_lines = True
            if facts.carriage_returns and not (facts.lone_cr or facts.nul or facts.error):
                # CRLF on some lines: DuckDB will read an LF copy; write it here, ahead of the read.
                try:
                    facts.lf_copy = _normalized_copy(f, facts.cr_offsets)
                except OSError:
                    facts.lf_copy = None
            self._ready[f].set()

    def facts(self, file: Path) -> ByteFacts:
        if file not in self._ready:
            return scan_bytes(file)
        if self._stop:  # closed: what was not scanned is scanned here
            self._thread.join()
            return self._facts[file] if self._ready[file].is_set() else scan_bytes(file)
        self._ready[file].wait()
        return self._facts[file]


def _blank_lines(file: Path, chunk_lines: dict[tuple[int, int], int] | None = None) -> list[int]:
    """Physical line numbers of empty lines, by a chunked search of the file, when the scan did
    not look for them; its per-chunk line counts (`chunk_lines`) spare counting a piece of the
    same offset and size again."""
    found: list[int] = []
    lines, previous_last, offset = 0, b"", 0
    with open(file, "rb") as fh:
        while chunk := fh.read(CHUNK):
            _blank_lines_in(chunk, previous_last, lines, found)
            known = (chunk_lines or {}).get((offset, len(chunk)))
            lines += known if known is not None else chunk.count(b"\n")
            previous_last = chunk[-1:]
            offset += len(chunk)
    return found


def _next_byte(fh) -> bytes:
    """Peek at the next byte of an unbuffered file without consuming it."""
    here = fh.tell()
    byte = fh.read(1)
    fh.seek(here)
    return byte


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


def _empty_table(con: duckdb.DuckDBPyConnection, table: TableSpec, keep: set[str] | None = None) -> None:
    kept = [f for f in table.field_names if keep is None or f in keep]
    cols = "".join(f", {quote_ident(f)} VARCHAR" for f in kept)
    con.execute(f'CREATE OR REPLACE TABLE raw.{quote_ident(table.name)} (__line BIGINT{cols})')


def _blank_lines_in(chunk: bytes, previous_last: bytes, lines_before: int, into: list[int]) -> None:
    """Append the physical lines of the empty lines that start in `chunk`, given the last byte
    before it and the line feeds before it. sre finds a literal with memchr, twice as fast as
    bytes.find; searching again from one byte on keeps runs of blank lines (three line feeds are
    two blank lines)."""
    if previous_last == b"\n" and chunk[:1] == b"\n":  # a pair across the pieces' boundary
        into.append(lines_before + 1)
    match = TWO_LINE_FEEDS.search(chunk)
    line, last = lines_before + 1, 0
    while match:
        line += chunk.count(b"\n", last, match.start() + 1)
        last = match.start() + 1
        into.append(line)
        match = TWO_LINE_FEEDS.search(chunk, last)


@dataclass
class _Layout:
    """How a table's fields are stored in the intermediate `__data_<table>` table."""

    table: TableSpec
    header: list[str]
    keep: set[str] | None
    flag_for: "Callable[[frozenset[int] | None, bool, bool], str | None] | None"  # see load_table
    control: frozenset[int] | None = None  # control bytes in the file; None: unknown
    non_ascii: bool = True
    line_feeds: bool = False  # records span lines: flag every cell with a line break
    records_may_span_lines: bool = False  # an earlier file's did: skip the padded parallel read
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


class _RecordsSpanLines(Exception):
    """Go straight to the read for files whose records span lines."""


class LineCountMismatch(Exception):
    """The byte scan and DuckDB's records disagree on where lines are; the slow path decides."""


def _line_steps(blanks: list[int], embedded: list[tuple[int, int]],
                rejected: list[tuple[int, int]] = ()) -> tuple[list[tuple[int, int]], list[int]]:
    """Physical lines from rowids: (first rowid, add) steps such that the row with rowid r starts
    on line r + 2 + add(r), and the physical line of each rejected record.

    Inputs, each sorted: `blanks`, the physical lines of blank lines (DuckDB skips them);
    `embedded`, (rowid, line breaks inside its cells) of kept rows; `rejected`, (DuckDB's line
    number, line breaks inside) of records DuckDB rejected (too few or too many cells), DuckDB
    numbering lines as record index + 2 + blank lines before, i.e. not counting breaks inside
    cells. One sweep in file order, jumping over runs of ordinary records."""
    inf = float("inf")
    k = r = breaks = nblank = 0  # next record index, next rowid, breaks and blank lines so far
    ib = ir = ig = 0
    steps: list[tuple[int, int]] = [(0, 0)]
    rejected_lines: list[int] = []

    def note() -> None:
        add = (k - r) + nblank + breaks
        if steps[-1][0] == r:
            steps[-1] = (r, add)
        elif steps[-1][1] != add:
            steps.append((r, add))

    while ib < len(blanks) or ir < len(rejected) or ig < len(embedded):
        duck = k + 2 + nblank  # DuckDB's line number of the next record
        physical = duck + breaks  # where the next record starts unless a blank line is there
        next_blank = blanks[ib] if ib < len(blanks) else inf
        next_reject = rejected[ir][0] if ir < len(rejected) else inf
        next_break = embedded[ig][0] if ig < len(embedded) else inf
        if next_blank < physical or next_reject < duck or next_break < r:
            raise LineCountMismatch()
        if next_blank == physical:
            nblank += 1
            ib += 1
        elif next_reject == duck:
            rejected_lines.append(physical)
            breaks += rejected[ir][1]
            k += 1
            ir += 1
        elif next_break == r:
            breaks += embedded[ig][1]
            k += 1
            r += 1
            ig += 1
        else:  # a run of ordinary records up to the next event
            run = min(next_blank - physical, next_reject - duck, next_break - r)
            if run == inf:
                break
            k += int(run)
            r += int(run)
        note()
    return steps, rejected_lines


STEPS_IN_EXPRESSION = 4096  # beyond this many line steps, an ASOF join beats a CASE tree


def _step_tree(steps: list[tuple[int, int]], lo: int = 0, hi: int | None = None) -> str:
    """SQL for add(rowid) as a balanced tree of CASE expressions: about log2(steps) comparisons
    per row, with no join and no table to build."""
    hi = len(steps) if hi is None else hi
    if hi - lo == 1:
        return str(steps[lo][1])
    mid = (lo + hi) // 2
    return f"CASE WHEN rowid < {steps[mid][0]} THEN {_step_tree(steps, lo, mid)} ELSE {_step_tree(steps, mid, hi)} END"


class _Lines:
    """Where a data table's physical line numbers come from: rowid + 2, plus a step function of
    rowid when blank lines, multi-line records or rejected rows shift them. The step function is
    a CASE tree, evaluated once into a `__line` column of the data table (raw.<table> stays a view
    over it); only with very many steps is it an ASOF join with a step table, and the table is
    then materialised once."""

    def __init__(self, con: duckdb.DuckDBPyConnection, data_table: str, steps: list[tuple[int, int]]) -> None:
        self.con = con
        self.steps: str | None = None
        self.source = data_table
        self.in_view = True
        if not any(add for _, add in steps):
            self.expr = "CAST(rowid AS BIGINT) + 2"
        elif len(steps) <= STEPS_IN_EXPRESSION:
            # Stored once: evaluating the tree in the view cost every query that read the table
            # (binding it alone took 5 ms for 400 steps), more than this one pass does.
            con.execute(f"ALTER TABLE {data_table} ADD COLUMN __line BIGINT")
            con.execute(f"UPDATE {data_table} SET __line = CAST(rowid AS BIGINT) + 2 + ({_step_tree(steps)})")
            self.expr = "__line"
        else:
            self.in_view = False
            self.steps = "__line_steps"  # one file is loaded at a time; dropped after it
            con.execute(f"CREATE OR REPLACE TEMP TABLE {self.steps} AS SELECT CAST(unnest($1) AS BIGINT) AS first_rowid, "
                        f"CAST(unnest($2) AS BIGINT) AS add_lines", [[f for f, _ in steps], [a for _, a in steps]])
            self.source = (f"(SELECT d.*, CAST(d.rowid AS BIGINT) + 2 + s.add_lines AS __line_shifted FROM {data_table} d "
                           f"ASOF JOIN {self.steps} s ON d.rowid >= s.first_rowid)")
            self.expr = "__line_shifted"

    def drop(self) -> None:
        if self.steps:
            self.con.execute(f"DROP TABLE IF EXISTS {self.steps}")


def _finish(con: duckdb.DuckDBPyConnection, layout: _Layout, data_table: str, lines: "_Lines | str",
            materialize: bool, ragged: bool = True) -> None:
    """Create raw.<table> (kept fields; a view over the data table unless `materialize`) and, with
    a flag, the flagged rows with all fields. `ragged`: short or long rows may be in the data
    table, to be left out."""
    target = f"raw.{quote_ident(layout.table.name)}"
    source, line_expr = (lines.source, lines.expr) if isinstance(lines, _Lines) else (data_table, lines)
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


def _fast_load(con: duckdb.DuckDBPyConnection, layout: _Layout, file: Path, facts_of: Callable[[], ByteFacts],
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
                raise _RecordsSpanLines()  # as in an earlier file: spare the padded read's refusal
            read(parallel=True)
        except (duckdb.Error, _RecordsSpanLines):
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
    tail = _unterminated_tail(read_from or file, rejects, facts.chunk_lines if read_from is None else None)
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
            blanks = facts.blank_lines if facts.blank_lines is not None else _blank_lines(file, facts.chunk_lines)
            if tail is not None:  # the unterminated record swallows the lines after its start
                blanks = [line for line in blanks if line < tail]
        if total + len(blanks) + sum(b for _, b in embedded) != expected_lines:
            if layout.flag_for is not None and not layout.line_feeds:
                # Line breaks inside cells: read again, flagging every cell that holds one.
                con.execute(f"DROP TABLE {data_table}")
                layout.line_feeds = True
                return _fast_load(con, layout, file, facts_of, read_from)
            con.execute(f"DROP TABLE {data_table}")
            return None
    try:
        steps, rejected_lines = _line_steps(blanks, embedded, rejected)
    except LineCountMismatch:
        con.execute(f"DROP TABLE {data_table}")
        return None
    lines = _Lines(con, data_table, steps)
    # Line numbers are exact now: short and long rows are reported here and dropped, as the slow
    # path would, without re-reading the file in Python.
    ragged = con.execute(f"SELECT {lines.expr}, __ragged FROM {lines.source} WHERE __ragged IS NOT NULL ORDER BY 1").fetchall()
    ragged = sorted(ragged + [(line, ragged_rejects[kind]) for line, (_, kind, *_) in zip(rejected_lines, rejects)])
    found = [_blank_row(table, line) for line in blanks] + [_ragged_row(table, line, code, width) for line, code in ragged]
    if tail is not None:
        found.append(_malformed(table, tail, UNEXPECTED_END))
    _finish(con, layout, data_table, lines, materialize=not lines.in_view, ragged=bool(ragged))
    lines.drop()
    return found


# Findings both paths report, worded alike: which path read a file never shows in the report.
def _blank_row(table: TableSpec, line: int) -> Finding:
    return Finding(table.path, line, None, "blank-row", "error", "the row is empty", table=table.name, layer="file")


def _ragged_row(table: TableSpec, line: int, code: str, width: int) -> Finding:
    return Finding(table.path, line, None, code, "error",
                   f"row has {'more' if code == 'extra-cell' else 'fewer'} cells than the header's {width}; the row is not checked further",
                   table=table.name, layer="file")


UNEXPECTED_END = "unexpected end of data"  # what Python's csv module says of a quote still open at the end


def _malformed(table: TableSpec, line: int, reason: str) -> Finding:
    return Finding(table.path, line, None, "malformed-csv", "error",
                   f"cannot parse from here on ({reason}); an unterminated quote is the usual cause",
                   table=table.name, layer="file")


def _line_at(file: Path, offset: int, chunk_lines: dict[tuple[int, int], int] | None) -> int:
    """The physical line holding byte `offset`, counting only the piece the scan did not count."""
    lines, start = 0, 0
    for (piece, size), count in sorted((chunk_lines or {}).items()):
        if piece != start or piece + size > offset:
            break
        lines, start = lines + count, piece + size
    with open(file, "rb") as fh:
        fh.seek(start)
        return lines + _line_of_offset(fh.read(offset - start), offset - start)


def _unterminated_tail(file: Path, rejects: list[tuple], chunk_lines: dict[tuple[int, int], int] | None) -> int | None:
    """The physical line of the last record when it opens a quote that nothing closes, as DuckDB
    reports it (its last reject, an unquoted value); else None.

    Both parsers then read every record before it the same way and nothing after it (Python's
    csv module fails at the end of the data), so the fast path can report it. Checked against the
    bytes rather than trusted: the record starts a line, and the rest of the file holds exactly one
    quote, at the start of a cell."""
    if not rejects or rejects[-1][3] != ["UNQUOTED VALUE"] or rejects[-1][4] is None:
        return None
    offset = rejects[-1][4] - 1  # DuckDB counts bytes from 1
    if offset < 1:
        return None
    try:
        with open(file, "rb") as fh:
            fh.seek(offset - 1)
            if fh.read(1) != b"\n":
                return None
            head, quotes = b"", 0
            while piece := fh.read(CHUNK):
                if not head:
                    head = piece
                quotes += piece.count(b'"')
                if quotes > 1 or b"\r" in piece:
                    return None
    except OSError:
        return None
    quote = head.find(b'"')
    # The one quote opens a cell of this very record: at its start or right after a comma.
    if quote < 0 or (quote > 0 and head[quote - 1:quote] != b",") or b"\n" in head[:quote]:
        return None
    return _line_at(file, offset, chunk_lines)


def _slow_load(con: duckdb.DuckDBPyConnection, layout: _Layout, text: str) -> list[Finding]:
    """Parse with Python's csv module, tracking the physical line of every record."""
    import pyarrow as pa

    table, header = layout.table, layout.header
    found: list[Finding] = []
    width = len(header)
    kept: list[list[str]] = []  # full-width records; empty cells become NULL in SQL (`_Layout.fields`)
    lines: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        next(reader)
        start = reader.line_num + 1
        for row in reader:
            if not row:
                found.append(_blank_row(table, start))
            elif len(row) != width:
                found.append(_ragged_row(table, start, "missing-cell" if len(row) < width else "extra-cell", width))
            else:
                lines.append(start)
                kept.append(row)
            start = reader.line_num + 1
    except csv.Error as exc:
        found.append(_malformed(table, start, str(exc)))
    columns = list(zip(*kept)) if kept else [() for _ in range(width)]
    arrow = pa.table({"__line": pa.array(lines, pa.int64()), **{f"c{i}": pa.array(col, pa.string()) for i, col in enumerate(columns)}})
    data_table = f"raw.{quote_ident('__data_' + table.name)}"
    con.register("__arrow", arrow)
    inner = f"SELECT __line, {layout.fields('')}, CAST(NULL AS VARCHAR) AS __ragged FROM __arrow"
    con.execute(f"CREATE OR REPLACE TABLE {data_table} AS {layout.wrap(inner, extra='__line, ')}")
    con.unregister("__arrow")
    _finish(con, layout, data_table, "__line", materialize=True)
    return found


def _read_header(file: Path) -> tuple[bytes, int]:
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


def _normalized_copy(file: Path, cr_offsets: list[int] | None = None) -> Path:
    """A temporary copy with CRLF turned into LF (line numbers unchanged), for DuckDB to read.

    Given the offsets of the carriage returns (each followed by a line feed), the spans between
    them are copied inside the kernel (`os.copy_file_range`), four times faster than Python's
    bytes.replace, which searches and copies every byte itself."""
    fd, name = tempfile.mkstemp(suffix=".csv", prefix="ihr-lf-")
    if cr_offsets:
        try:
            with open(file, "rb") as fh:
                _copy_around(fh.fileno(), fd, cr_offsets, os.fstat(fh.fileno()).st_size)
            os.close(fd)
            return Path(name)
        except (OSError, AttributeError):  # no copy_file_range here: copy as below
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
    with os.fdopen(fd, "wb") as out, open(file, "rb") as fh:
        carry = b""
        while chunk := fh.read(COPY_CHUNK):
            chunk = carry + chunk
            carry = b"\r" if chunk.endswith(b"\r") else b""
            out.write(chunk[: len(chunk) - len(carry)].replace(b"\r\n", b"\n"))
        out.write(carry)
    return Path(name)


def _copy_around(source: int, target: int, skipped: list[int], size: int) -> None:
    """Copy file `source` to `target` leaving out the bytes at the offsets `skipped` (sorted)."""
    start = 0
    for end in [*skipped, size]:
        while start < end:
            copied = os.copy_file_range(source, target, end - start, start)
            if copied == 0:
                raise OSError("the file became shorter while being copied")
            start += copied
        start = end + 1


def load_table(con: duckdb.DuckDBPyConnection, root: Path, table: TableSpec,
               flag_for: Callable[[bool, bool], str | None] | None = None, keep: set[str] | None = None,
               scans: ScanAhead | None = None) -> tuple[LoadedTable, list[Finding]]:
    """Check one CSV file and load its rows into `raw.<table>`; never raises on bad content.

    `flag_for(control, non_ascii, line_feeds)`: the SQL condition, true for a row that may hold a
    finding (see module docstring), given what the file's bytes contain (see `_Layout`). `keep`: the fields to store in
    raw.<table>; None keeps all. `scans`: byte scans running ahead of the reads.
    """
    if scans is None:  # a scan of this file alone, closed after it (an LF copy it made goes with it)
        own = ScanAhead([root / table.path])
        try:
            return load_table(con, root, table, flag_for, keep, own)
        finally:
            own.close()
    shown = table.path
    file = root / table.path
    found: list[Finding] = []
    kind = not_a_regular_file(file)
    if kind is not None:  # checked before opening: opening a FIFO blocks until a writer comes
        _empty_table(con, table, keep)
        return LoadedTable(table.name, shown, [], 0, False), [
            Finding(shown, None, None, "unsafe-path", "error", f"{kind}, not a regular file; refused unread",
                    table=table.name, layer="file")]
    try:
        head, size = _read_header(file)
    except FileNotFoundError:
        _empty_table(con, table, keep)
        return LoadedTable(table.name, shown, [], 0, False), [
            Finding(shown, None, None, "missing-file", "error", "the file does not exist", table=table.name, layer="file")]
    except OSError as exc:
        _empty_table(con, table, keep)
        return LoadedTable(table.name, shown, [], 0, False), [
            Finding(shown, None, None, "missing-file", "error", f"cannot read: {exc.strerror}", table=table.name, layer="file")]
    sample = head[:4096]
    if head.startswith(UTF16_BOMS) or (sample and sample.count(b"\x00") > len(sample) // 4):
        _empty_table(con, table, keep)
        return LoadedTable(table.name, shown, [], 0, False), [
            Finding(shown, 1, None, "encoding", "error", "the file is UTF-16 (or another wide encoding); save it as UTF-8", table=table.name, layer="file")]
    if head.startswith(BOM):
        found.append(Finding(shown, 1, None, "bom", "error", "the file starts with a byte-order mark; save as UTF-8 without BOM", table=table.name, layer="file"))
        head = head[len(BOM):]  # DuckDB skips a UTF-8 BOM itself, so the fast path still applies
    if not head or (len(head) + (3 if found else 0) >= size and head.isspace()):
        if b"\r" in head:
            returns = head.count(b"\r")
            found.append(Finding(shown, _line_of_offset(head, head.index(b"\r")), None, "line-ending", "error",
                                 f"{returns} carriage return(s), the first on this line; use LF line ends only",
                                 table=table.name, layer="file"))
        _empty_table(con, table, keep)
        return LoadedTable(table.name, shown, [], 0, False), found + [
            Finding(shown, 1, None, "empty-file", "error", "the file is empty; it needs at least the header row", table=table.name, layer="file")]
    # The header is parsed from the first line alone; the whole file is decoded only on the slow
    # path (DuckDB rejects invalid UTF-8 on the fast one, which sends the file there).
    end = head.find(b"\n")
    first_line = head[:end] if end >= 0 else head
    try:
        header = next(csv.reader(io.StringIO(first_line.decode("utf-8", errors="replace"), newline="")))
    except (csv.Error, StopIteration) as exc:
        _empty_table(con, table, keep)
        return LoadedTable(table.name, shown, [], 0, False), found + [
            Finding(shown, 1, None, "malformed-csv", "error", f"cannot parse the header: {exc}", table=table.name, layer="file")]
    found += _header_findings(table, header, shown)
    layout = _Layout(table, header, keep, flag_for)
    layout.records_may_span_lines = scans.multi_line_records
    if flag_for is not None:  # the row condition depends on the bytes: wait for this file's scan
        known = scans.facts(file)
        if known.nul or known.error is not None:
            layout.control, layout.non_ascii = None, True
        else:
            layout.control = known.control | ({13} if known.carriage_returns else set())
            layout.non_ascii = known.non_ascii

    def facts_of() -> ByteFacts:
        return scans.facts(file)

    known_crlf = flag_for is not None and known.carriage_returns and not known.lone_cr and not known.nul
    fast = None if known_crlf else _fast_load(con, layout, file, facts_of)  # CRLF: straight to the LF copy
    facts = facts_of()
    if facts.carriage_returns:
        found.append(Finding(shown, facts.first_cr_line, None, "line-ending", "error",
                             f"{facts.carriage_returns} carriage return(s), the first on this line; use LF line ends only",
                             table=table.name, layer="file"))
        if fast is None and not facts.lone_cr and not facts.nul:  # CRLF on some lines: read an LF copy
            copy, facts.lf_copy = facts.lf_copy or _normalized_copy(file, facts.cr_offsets), None
            try:
                fast = _fast_load(con, layout, file, lambda: facts, read_from=copy)
            finally:
                copy.unlink(missing_ok=True)
    if not facts.ends_with_newline:
        found.append(Finding(shown, facts.physical_lines, None, "line-ending", "warning", "the last line has no newline at its end", table=table.name, layer="file"))
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
            found.append(Finding(shown, _line_of_offset(data, exc.start), None, "encoding", "error",
                                 f"byte {data[exc.start]:#04x} is not valid UTF-8 (is the file latin-1 or cp1252?)",
                                 table=table.name, layer="file"))
            text = data.decode("utf-8", errors="replace")
        del data
        found += _slow_load(con, layout, text)
    if any(f.code == "blank-row" for f in found):
        scans.expect_blank_lines()  # the files still to be scanned are searched in the background
    if fast is not None and layout.line_feeds:
        scans.expect_multi_line_records()
    rows = con.execute(f"SELECT count(*) FROM raw.{quote_ident(table.name)}").fetchall()[0][0]
    return LoadedTable(table.name, shown, header, rows, True), found
