"""Physical line numbers for the records DuckDB read: a step function of rowid built from blank
lines, line breaks inside cells and rejected records, and the line of an unterminated last record."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ihr.read.scan import CHUNK, line_of_offset


class LineCountMismatch(Exception):
    """The byte scan and DuckDB's records disagree on where lines are; the slow path decides."""


def line_steps(blanks: list[int], embedded: list[tuple[int, int]],
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


def step_tree(steps: list[tuple[int, int]], lo: int = 0, hi: int | None = None) -> str:
    """SQL for add(rowid) as a balanced tree of CASE expressions: about log2(steps) comparisons
    per row, with no join and no table to build."""
    hi = len(steps) if hi is None else hi
    if hi - lo == 1:
        return str(steps[lo][1])
    mid = (lo + hi) // 2
    return f"CASE WHEN rowid < {steps[mid][0]} THEN {step_tree(steps, lo, mid)} ELSE {step_tree(steps, mid, hi)} END"


class Lines:
    """Where a data table's physical line numbers come from: rowid + 2, plus a step function of
    rowid when blank lines, multi-line records or rejected rows shift them. The step function is
    a CASE tree, evaluated once into a `__line` column of the data table (raw.<table> stays a view
    over it); only with very many steps is it an ASOF join with a step table, and the table is
    then materialised once."""

    def __init__(self, con: duckdb.DuckDBPyConnection, data_table: str, steps: list[tuple[int, int]],
                 steps_in_expression: int = STEPS_IN_EXPRESSION) -> None:
        self.con = con
        self.steps: str | None = None
        self.source = data_table
        self.in_view = True
        if not any(add for _, add in steps):
            self.expr = "CAST(rowid AS BIGINT) + 2"
        elif len(steps) <= steps_in_expression:
            # Stored once: evaluating the tree in the view cost every query that read the table
            # (binding it alone took 5 ms for 400 steps), more than this one pass does.
            con.execute(f"ALTER TABLE {data_table} ADD COLUMN __line BIGINT")
            con.execute(f"UPDATE {data_table} SET __line = CAST(rowid AS BIGINT) + 2 + ({step_tree(steps)})")
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


def line_at(file: Path, offset: int, chunk_lines: dict[tuple[int, int], int] | None) -> int:
    """The physical line holding byte `offset`, counting only the piece the scan did not count."""
    lines, start = 0, 0
    for (piece, size), count in sorted((chunk_lines or {}).items()):
        if piece != start or piece + size > offset:
            break
        lines, start = lines + count, piece + size
    with open(file, "rb") as fh:
        fh.seek(start)
        return lines + line_of_offset(fh.read(offset - start), offset - start)


def unterminated_tail(file: Path, rejects: list[tuple], chunk_lines: dict[tuple[int, int], int] | None) -> int | None:
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
    return line_at(file, offset, chunk_lines)
