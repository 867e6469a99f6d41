"""`ihr merge TABLE OLD NEW`: retire a duplicate row in favour of the row it duplicates.

Every reference to OLD (any foreign key in any table that points at TABLE, self-references such
as `parent_id` and `derived_from_id` included) is re-pointed to NEW; link rows that become
identical to one NEW already has are dropped; cells NEW leaves empty are filled from OLD (NEW's
own values always win); OLD's row is removed; and `redirects` gets `OLD -> NEW`, so old links keep
resolving. Nothing is written unless every step succeeds, and each file is replaced atomically.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from ihr.package import PackageSpec, TableSpec
from ihr.tablefile import write_table



class MergeRefused(Exception):
    """The merge cannot be done as asked (unknown table or id, a key of several columns)."""


@dataclass
class MergeResult:
    table: str
    old_id: str
    new_id: str
    repointed: dict[str, int] = field(default_factory=dict)  # "table.column" -> cells changed
    dropped_links: dict[str, int] = field(default_factory=dict)  # table -> rows that became duplicates
    filled: list[str] = field(default_factory=list)  # columns of NEW filled from OLD


def _read(root: Path, table: TableSpec) -> list[dict[str, str]]:
    with open(root / table.path, newline="", encoding="utf-8") as fh:
        return [{k: v or "" for k, v in row.items()} for row in csv.DictReader(fh)]


def merge_rows(package: PackageSpec, table_name: str, old_id: str, new_id: str, reason: str) -> MergeResult:
    """Merge OLD into NEW in `table_name` (see the module docstring); returns what changed."""
    table = package.tables.get(table_name)
    if table is None:
        raise MergeRefused(f"no table {table_name!r} in the package")
    if len(table.primary_key) != 1:
        raise MergeRefused(f"{table_name} has no single-column primary key to merge on")
    if old_id == new_id:
        raise MergeRefused("OLD and NEW are the same id")
    key = table.primary_key[0]
    data = {name: _read(package.root, t) for name, t in package.tables.items()}
    rows = data[table_name]
    old = next((r for r in rows if r.get(key) == old_id), None)
    new = next((r for r in rows if r.get(key) == new_id), None)
    if old is None or new is None:
        missing = old_id if old is None else new_id
        raise MergeRefused(f'no {key} "{missing}" in {table_name}')
    result = MergeResult(table_name, old_id, new_id)
    for column in table.field_names:
        if column != key and not new.get(column) and old.get(column):
            new[column] = old[column]
            result.filled.append(column)
    data[table_name] = [r for r in rows if r is not old]
    for name, other in package.tables.items():
        columns = [fk.fields[0] for fk in other.foreign_keys
                   if fk.resource == table_name and len(fk.fields) == 1 and fk.reference_fields == (key,)]
        if not columns:
            continue
        for column in columns:
            changed = 0
            for row in data[name]:
                if row.get(column) == old_id:
                    row[column] = new_id
                    changed += 1
            if changed:
                result.repointed[f"{name}.{column}"] = changed
        if other.primary_key and name != table_name:
            seen: set[tuple[str, ...]] = set()
            kept = []
            for row in data[name]:
                pk = tuple(row.get(c, "") for c in other.primary_key)
                if pk in seen:
                    result.dropped_links[name] = result.dropped_links.get(name, 0) + 1
                    continue
                seen.add(pk)
                kept.append(row)
            data[name] = kept
    touched = {table_name} | {k.split(".")[0] for k in result.repointed}
    spec = package.redirects
    if spec is not None:
        redirects, old_col, new_col, table_col = (spec[k] for k in ("resource", "old", "new", "table"))
        for r in data[redirects]:  # earlier redirects to OLD now lead to NEW
            if r.get(new_col) == old_id and r.get(table_col) == table_name:
                r[new_col] = new_id
        row = {old_col: old_id, new_col: new_id, table_col: table_name}
        for key, value in (("reason", reason), ("version", package.version)):
            if key in spec:
                row[spec[key]] = value
        data[redirects].append(row)
        touched.add(redirects)
    for name in sorted(touched):
        write_table(package.root / package.tables[name].path, package.tables[name], data[name])
    return result
