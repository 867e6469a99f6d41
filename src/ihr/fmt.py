"""`ihr fmt`: put every table file in canonical form without changing a single value.

Canonical form: UTF-8 without BOM, LF between records, header and columns in schema order, rows
sorted by primary key (then by the whole row, so the order is total), minimal quoting — plus quotes
around a cell with leading or trailing white space, so no line ends in white space. A file that
cannot be put in that form without losing something (unreadable, ragged, unknown columns) is
refused and left untouched.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ihr.package import PackageSpec, TableSpec
from ihr.tablefile import atomic_write_bytes, canonical_csv, sort_key

Status = Literal["unchanged", "reformatted", "would-reformat", "refused"]


@dataclass(frozen=True)
class FileResult:
    path: str
    status: Status
    message: str = ""


@dataclass
class FormatReport:
    files: list[FileResult] = field(default_factory=list)

    @property
    def refused(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "refused"]

    @property
    def changed(self) -> list[FileResult]:
        return [f for f in self.files if f.status in ("reformatted", "would-reformat")]


class Refused(Exception):
    pass


def parse_table(data: bytes) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV file; refuses anything it could not write back unchanged."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(f"not UTF-8 (byte {exc.start}); convert the file, fmt does not guess encodings") from None
    if not text.strip():
        raise Refused("the file is empty")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
        rows = []
        for row in reader:
            if not row:
                continue  # a blank line holds no value
            if len(row) != len(header):
                raise Refused(f"line {reader.line_num}: {len(row)} cells where the header has {len(header)}")
            rows.append(row)
    except csv.Error as exc:
        raise Refused(f"line {reader.line_num}: {exc}") from None
    return header, rows


def canonical_bytes(table: TableSpec, data: bytes) -> bytes:
    header, rows = parse_table(data)
    expected = table.field_names
    if sorted(header) != sorted(expected) or len(set(header)) != len(header):
        missing = sorted(set(expected) - set(header))
        extra = sorted(set(header) - set(expected))
        raise Refused(f"header does not match the schema (missing {missing}, extra {extra}); fix it by hand")
    order = [header.index(name) for name in expected]
    rows = [[row[i] for i in order] for row in rows]
    rows.sort(key=sort_key(table, expected))
    return canonical_csv(expected, rows)


def format_package(package: PackageSpec, check: bool = False) -> FormatReport:
    report = FormatReport()
    for table in package.tables.values():
        path = package.root / table.path
        try:
            data = path.read_bytes()
            new = canonical_bytes(table, data)
        except FileNotFoundError:
            report.files.append(FileResult(table.path, "refused", "the file does not exist"))
            continue
        except Refused as exc:
            report.files.append(FileResult(table.path, "refused", str(exc)))
            continue
        if new == data:
            report.files.append(FileResult(table.path, "unchanged"))
        elif check:
            report.files.append(FileResult(table.path, "would-reformat"))
        else:
            atomic_write_bytes(path, new)
            report.files.append(FileResult(table.path, "reformatted"))
    return report


def format_path(path: str | Path = ".", check: bool = False) -> FormatReport:
    from ihr.checks.descriptor import load_package

    package, _ = load_package(path)
    return format_package(package, check)
