"""The file-level findings, worded once: whichever reader read a file never shows in the report."""

from __future__ import annotations

from ihr.findings import Finding
from ihr.package import TableSpec


def header_findings(table: TableSpec, header: list[str], shown: str) -> list[Finding]:
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


# Findings both paths report, worded alike: which path read a file never shows in the report.
def blank_row(table: TableSpec, line: int) -> Finding:
    return Finding(table.path, line, None, "blank-row", "error", "the row is empty", table=table.name, layer="file")


def ragged_row(table: TableSpec, line: int, code: str, width: int) -> Finding:
    return Finding(table.path, line, None, code, "error",
                   f"row has {'more' if code == 'extra-cell' else 'fewer'} cells than the header's {width}; the row is not checked further",
                   table=table.name, layer="file")


UNEXPECTED_END = "unexpected end of data"  # what Python's csv module says of a quote still open at the end


def malformed(table: TableSpec, line: int, reason: str) -> Finding:
    return Finding(table.path, line, None, "malformed-csv", "error",
                   f"cannot parse from here on ({reason}); an unterminated quote is the usual cause",
                   table=table.name, layer="file")


def _file_finding(table: TableSpec, line: int | None, code: str, message: str, severity: str = "error") -> Finding:
    return Finding(table.path, line, None, code, severity, message, table=table.name, layer="file")


def not_regular(table: TableSpec, kind: str) -> Finding:
    return Finding(table.path, None, None, "unsafe-path", "error", f"{kind}, not a regular file; refused unread",
                   table=table.name, layer="file")


def missing_file(table: TableSpec, reason: str | None = None) -> Finding:
    return _file_finding(table, None, "missing-file", f"cannot read: {reason}" if reason else "the file does not exist")


def wide_encoding(table: TableSpec) -> Finding:
    return _file_finding(table, 1, "encoding", "the file is UTF-16 (or another wide encoding); save it as UTF-8")


def invalid_utf8(table: TableSpec, line: int, byte: int) -> Finding:
    return _file_finding(table, line, "encoding", f"byte {byte:#04x} is not valid UTF-8 (is the file latin-1 or cp1252?)")


def bom(table: TableSpec) -> Finding:
    return _file_finding(table, 1, "bom", "the file starts with a byte-order mark; save as UTF-8 without BOM")


def carriage_returns(table: TableSpec, line: int | None, count: int) -> Finding:
    return _file_finding(table, line, "line-ending", f"{count} carriage return(s), the first on this line; use LF line ends only")


def no_final_newline(table: TableSpec, line: int) -> Finding:
    return _file_finding(table, line, "line-ending", "the last line has no newline at its end", severity="warning")


def empty_file(table: TableSpec) -> Finding:
    return _file_finding(table, 1, "empty-file", "the file is empty; it needs at least the header row")


def unparsable_header(table: TableSpec, reason: str) -> Finding:
    return _file_finding(table, 1, "malformed-csv", f"cannot parse the header: {reason}")
