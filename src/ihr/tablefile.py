"""Reading and writing table files in their canonical form, without ever losing a row on the way.

Canonical form: UTF-8 without BOM, LF line ends, header in schema order, rows sorted by primary key,
minimal quoting. Writes go to a temporary file in the same directory and are renamed into place, so
an interrupted write leaves the old file whole.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable, Sequence

from ihr.package import TableSpec


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` via a temporary sibling and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)  # keep the file's permissions; mkstemp would leave 0600
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


NEEDS_QUOTES = (",", '"', "\n", "\r")


def quote_cell(cell: str) -> str:
    """Minimal quoting, plus quotes around leading or trailing white space so no line ends in it."""
    if cell and (any(ch in cell for ch in NEEDS_QUOTES) or cell != cell.strip()):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def canonical_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    lines = [",".join(quote_cell(c) for c in row) for row in [header, *rows]]
    return ("\n".join(lines) + "\n").encode("utf-8")


def sort_key(table: TableSpec, header: Sequence[str]):
    """Rows sort by primary key, then by the whole row so that the order is total."""
    positions = [header.index(k) for k in table.primary_key if k in header]
    return lambda row: ([row[i] for i in positions], list(row))


def write_table(path: Path, table: TableSpec, rows: Iterable[dict[str, str]]) -> int:
    """Write dict rows in canonical form; a key outside the schema is refused rather than dropped."""
    header = table.field_names
    materialised = []
    for row in rows:
        unknown = set(row) - set(header)
        if unknown:
            raise ValueError(f"{path}: columns not in the schema: {sorted(unknown)}")
        materialised.append([row.get(name) or "" for name in header])
    materialised.sort(key=sort_key(table, header))
    atomic_write_bytes(path, canonical_csv(header, materialised))
    return len(materialised)
