"""`ihr diff OLD NEW`: what changed between two versions of the package, row by row and cell by
cell, and the SemVer bump the change requires under the Data Package versioning rules:
a schema break is major; new rows, tables, fields or looser constraints are minor; corrections of
existing cells only are patch.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator

from ihr.constraints import constraint_changes
from ihr.fmt import Refused, parse_table
from ihr.package import DESCRIPTOR_NAME, PackageSpec, TableSpec

BUMPS = ["none", "patch", "minor", "major"]


class DiffError(Exception):
    """OLD or NEW cannot be read as a package; exit 2."""


@dataclass
class SchemaChange:
    field: str
    change: str
    detail: str
    bump: str


@dataclass
class CellChange:
    column: str
    old: str
    new: str


@dataclass
class RowChange:
    key: list[str]
    cells: list[CellChange]


@dataclass
class RowDelta:
    key: list[str]
    row: dict[str, str]


@dataclass
class TableDiff:
    name: str
    status: str = "changed"  # added | removed | changed | unchanged
    added: list[RowDelta] = field(default_factory=list)
    removed: list[RowDelta] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    schema: list[SchemaChange] = field(default_factory=list)

    @property
    def bump(self) -> str:
        levels = [c.bump for c in self.schema]
        if self.status == "removed":
            levels.append("major")
        if self.status == "added" or self.added or self.removed:
            levels.append("minor")
        if self.changed:
            levels.append("patch")
        return max(levels, key=BUMPS.index, default="none")

    @property
    def is_empty(self) -> bool:
        return self.status == "unchanged" and not (self.added or self.removed or self.changed or self.schema)


@dataclass
class DiffReport:
    old: str
    new: str
    old_version: str
    new_version: str
    tables: list[TableDiff]

    @property
    def bump(self) -> str:
        return max((t.bump for t in self.tables), key=BUMPS.index, default="none")

    @property
    def version_needed(self) -> str | None:
        """The lowest version the next release may carry when `new_version` is not bumped far
        enough over `old_version` for these changes; None when it is (or a version is unreadable)."""
        old, new = _semver(self.old_version), _semver(self.new_version)
        if old is None or new is None or self.bump == "none":
            return None
        needed = {"major": (old[0] + 1, 0, 0), "minor": (old[0], old[1] + 1, 0), "patch": (old[0], old[1], old[2] + 1)}[self.bump]
        return None if new >= needed else ".".join(map(str, needed))

    def version_note(self) -> str | None:
        needed = self.version_needed
        if needed is None:
            return None
        state = "is unchanged" if self.new_version == self.old_version else "is not bumped far enough"
        return (f"a {self.bump} change, but the version in datapackage.json {state} ({self.new_version}): "
                f"the next release must be at least {needed}")

    def to_dict(self) -> dict:
        return {"old": self.old, "new": self.new, "old_version": self.old_version, "new_version": self.new_version,
                "bump": self.bump, "version_needed": self.version_needed, "tables": [dict(asdict(t), bump=t.bump) for t in self.tables if not t.is_empty]}


def _semver(version: str) -> tuple[int, int, int] | None:
    try:
        major, minor, patch = (int(x) for x in version.lstrip("v").split("-")[0].split("+")[0].split("."))
    except ValueError:
        return None
    return major, minor, patch


@contextlib.contextmanager
def materialize(spec: str, repo: Path = Path(".")) -> Iterator[Path]:
    """A package directory for `spec`: a directory, a release zip, or a git revision of `repo`."""
    from ihr.archive import UnsafeArchive, extract_tar, extract_zip

    path = Path(spec)
    if path.is_dir():
        if not (path / DESCRIPTOR_NAME).is_file():
            raise DiffError(f"{spec}: no {DESCRIPTOR_NAME} in this directory")
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="ihr-diff-") as tmp:
        target = Path(tmp)
        if path.is_file():
            try:
                extract_zip(path, target)
            except UnsafeArchive as exc:
                raise DiffError(str(exc)) from None
            roots = [p.parent for p in target.rglob(DESCRIPTOR_NAME)]
            if not roots:
                raise DiffError(f"{spec}: no {DESCRIPTOR_NAME} in the archive")
            yield min(roots, key=lambda p: len(p.parts))
            return
        rev = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}"], cwd=repo,
                             capture_output=True, text=True)
        if rev.returncode != 0:
            raise DiffError(f"{spec}: not a directory, a zip or a git revision")
        proc = subprocess.Popen(["git", "archive", "--format=tar", rev.stdout.strip()], cwd=repo, stdout=subprocess.PIPE)
        try:
            extract_tar(proc.stdout, target)
        except UnsafeArchive as exc:
            raise DiffError(str(exc)) from None
        finally:
            proc.stdout.close()
            proc.wait()
        if not (target / DESCRIPTOR_NAME).is_file():
            raise DiffError(f"{spec}: no {DESCRIPTOR_NAME} at that revision")
        yield target


def _field_changes(old: TableSpec, new: TableSpec) -> list[SchemaChange]:
    changes: list[SchemaChange] = []
    old_fields = {f.name: f for f in old.fields}
    new_fields = {f.name: f for f in new.fields}
    for name in old_fields.keys() - new_fields.keys():
        changes.append(SchemaChange(name, "field-removed", "", "major"))
    for name in new_fields.keys() - old_fields.keys():
        level = "major" if new_fields[name].required else "minor"
        changes.append(SchemaChange(name, "field-added", "required" if new_fields[name].required else "optional", level))
    for name in sorted(old_fields.keys() & new_fields.keys()):
        a, b = old_fields[name], new_fields[name]
        if a.type != b.type or a.partial_date != b.partial_date:
            changes.append(SchemaChange(name, "retyped", f"{a.type} -> {b.type}", "major"))
        changes += [SchemaChange(name, c.kind, c.detail, c.level) for c in constraint_changes(a, b)]
        if a.description != b.description or a.categories != b.categories and a.enum == b.enum:
            changes.append(SchemaChange(name, "documentation", "description or definitions changed", "patch"))
    if old.primary_key != new.primary_key:
        changes.append(SchemaChange(",".join(new.primary_key), "primary-key", f"{list(old.primary_key)} -> {list(new.primary_key)}", "major"))
    if {(f.fields, f.resource) for f in new.foreign_keys} - {(f.fields, f.resource) for f in old.foreign_keys}:
        changes.append(SchemaChange("", "foreign-key-added", "", "major"))
    return changes


def _rows(package: PackageSpec, table: TableSpec) -> tuple[list[str], dict[tuple[str, ...], dict[str, str]]]:
    try:
        header, rows = parse_table((package.root / table.path).read_bytes())
    except (OSError, Refused) as exc:
        raise DiffError(f"{table.path}: {exc}") from None
    keys = [k for k in table.primary_key if k in header] or header
    index = [header.index(k) for k in keys]
    return header, {tuple(r[i] for i in index): dict(zip(header, r)) for r in rows}


def diff_tables(old: PackageSpec, new: PackageSpec, name: str) -> TableDiff:
    if name not in new.tables:
        return TableDiff(name, status="removed")
    if name not in old.tables:
        _, rows = _rows(new, new.tables[name])
        return TableDiff(name, status="added", added=[RowDelta(list(k), rows[k]) for k in sorted(rows)])
    result = TableDiff(name, schema=_field_changes(old.tables[name], new.tables[name]))
    _, before = _rows(old, old.tables[name])
    _, after = _rows(new, new.tables[name])
    result.added = [RowDelta(list(k), after[k]) for k in sorted(after.keys() - before.keys())]
    result.removed = [RowDelta(list(k), before[k]) for k in sorted(before.keys() - after.keys())]
    for key in sorted(before.keys() & after.keys()):
        a, b = before[key], after[key]
        cells = [CellChange(c, a.get(c, ""), b.get(c, "")) for c in new.tables[name].field_names
                 if c in a and c in b and a[c] != b[c]]
        if cells:
            result.changed.append(RowChange(list(key), cells))
    if not (result.added or result.removed or result.changed or result.schema):
        result.status = "unchanged"
    return result


def diff_packages(old_spec: str, new_spec: str, repo: Path = Path(".")) -> DiffReport:
    from ihr.checks.descriptor import load_package

    with materialize(old_spec, repo) as old_dir, materialize(new_spec, repo) as new_dir:
        old, _ = load_package(old_dir)
        new, _ = load_package(new_dir)
        names = list(old.tables) + [n for n in new.tables if n not in old.tables]
        tables = [diff_tables(old, new, n) for n in names]
        return DiffReport(old_spec, new_spec, old.version, new.version, tables)


def apply_table_diff(rows: dict[tuple[str, ...], dict[str, str]], diff: TableDiff) -> dict[tuple[str, ...], dict[str, str]]:
    """Replay a table diff on the old rows (keyed by primary key); gives the new rows."""
    result = {k: dict(v) for k, v in rows.items()}
    for delta in diff.removed:
        del result[tuple(delta.key)]
    for change in diff.changed:
        for cell in change.cells:
            result[tuple(change.key)][cell.column] = cell.new
    for delta in diff.added:
        result[tuple(delta.key)] = dict(delta.row)
    return result


def _key(key: list[str]) -> str:
    return ", ".join(key)


def render_diff(report: DiffReport, output_format: str = "text", limit: int = 50) -> str:
    if output_format == "json":
        return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)
    md = output_format == "markdown"
    out: list[str] = []
    title = f"{report.old} ({report.old_version}) → {report.new} ({report.new_version}): {report.bump} change"
    out.append(f"## Data changes\n\n**{title}**\n" if md else title)
    note = report.version_note()
    if note:
        out.append(f"> {note}\n" if md else note)
    if md:
        out.append("| table | added | removed | changed | schema | bump |\n|---|---:|---:|---:|---:|---|")
        for t in report.tables:
            if not t.is_empty:
                out.append(f"| {t.name} | {len(t.added)} | {len(t.removed)} | {len(t.changed)} | {len(t.schema)} | {t.bump} |")
        out.append("")
    for t in report.tables:
        if t.is_empty:
            continue
        head = f"{t.name}: {t.status}, +{len(t.added)} -{len(t.removed)} ~{len(t.changed)} rows, {len(t.schema)} schema change(s) ({t.bump})"
        out.append(f"### {head}" if md else head)
        lines: list[str] = []
        lines += [f"schema {c.change} {c.field} {c.detail} ({c.bump})".replace("  ", " ") for c in t.schema]
        lines += [f"+ {_key(d.key)}" for d in t.added]
        lines += [f"- {_key(d.key)}" for d in t.removed]
        for row in t.changed:
            for cell in row.cells:
                lines.append(f"~ {_key(row.key)}: {cell.column}: {json.dumps(cell.old, ensure_ascii=False)} → {json.dumps(cell.new, ensure_ascii=False)}")
        shown = lines[:limit]
        if md:
            out.append("```diff" if shown else "")
        out += [("  " if not md else "") + line for line in shown]
        if len(lines) > limit:
            out.append(f"{'' if md else '  '}… {len(lines) - limit} more line(s); use --format json for all")
        if md and shown:
            out.append("```")
    if all(t.is_empty for t in report.tables):
        out.append("no changes")
    return "\n".join(out)
