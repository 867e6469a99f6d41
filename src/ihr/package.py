"""Read datapackage.json and its Table Schemas into plain specs: the one place the schema is parsed.

Everything downstream (SQL checks, Pandera models, the codebook, the database) works from these
specs, so a column is declared once, in the JSON, and nowhere else.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ihr.findings import Finding, PackageUnreadable

if TYPE_CHECKING:
    from ihr.checks.descriptor import ReferenceChecks
    from ihr.constraints import CellCheck

DESCRIPTOR_NAME = "datapackage.json"
# datapackage.json and each Table Schema are refused unread above this size (ours are a few kB; a
# descriptor of hundreds of MB is a mistake or an attack, and parsing it would hold it all in memory).
MAX_DESCRIPTOR_BYTES = 10 * 1024 * 1024


def not_a_regular_file(path: Path) -> str | None:
    """What `path` is when it is not a regular file (a FIFO would block a reader forever, a device
    never ends), or None for a regular or a missing file. Symlinks are followed."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"unreadable ({exc.strerror})"
    if stat.S_ISREG(mode):
        return None
    kinds = [(stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")]
    return next((name for test, name in kinds if test(mode)), "not a regular file")


@dataclass(frozen=True)
class Category:
    value: str | int
    label: str


@dataclass(frozen=True)
class FieldSpec:
    """One field of a Table Schema. Its constraints are kept as the descriptor states them; what a
    constraint means (its SQL, Pandera check, codebook words, version bump) is asked of
    `ihr.constraints`, through the methods below, by every consumer."""

    name: str
    type: str
    description: str = ""
    pattern_description: str = ""  # the custom field property `patternDescription`: the pattern in words
    categories: tuple[Category, ...] = ()
    constraints: tuple[tuple[str, Any], ...] = ()  # (property, value) of every constraint the field carries

    @classmethod
    def of(cls, name: str, type: str = "string", **constraints: Any) -> FieldSpec:
        """A field from constraint properties as a schema writes them (`pattern=`, `maxLength=`...)."""
        return cls(name, type, constraints=tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in constraints.items()))

    def constraint(self, prop: str) -> Any:
        """The value of constraint `prop` on this field, None when it has none."""
        return next((v for k, v in self.constraints if k == prop), None)

    required = property(lambda self: bool(self.constraint("required")))
    unique = property(lambda self: bool(self.constraint("unique")))
    enum = property(lambda self: self.constraint("enum"))
    pattern = property(lambda self: self.constraint("pattern"))
    min_length = property(lambda self: self.constraint("minLength"))
    max_length = property(lambda self: self.constraint("maxLength"))
    minimum = property(lambda self: self.constraint("minimum"))
    maximum = property(lambda self: self.constraint("maximum"))
    partial_date = property(lambda self: bool(self.constraint("partialDate")))

    def sql_checks(self) -> list[CellCheck]:
        """SQL conditions over the raw text that find every cell breaking the type or a constraint."""
        from ihr.constraints import sql_checks

        return sql_checks(self)

    def codebook_text(self) -> str:
        from ihr.constraints import codebook_words

        return codebook_words(self)

@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


@dataclass
class TableSpec:
    name: str
    path: str
    schema_path: str | None
    fields: list[FieldSpec]
    primary_key: tuple[str, ...] = ()
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    missing_values: tuple[str, ...] = ("",)
    title: str = ""
    description: str = ""
    extensions: dict[str, Any] = field(default_factory=dict)  # the schema's `ihr:` properties, unprefixed

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def date_pairs(self) -> list[tuple[str, str]]:
        """(start, end) fields that bound a period (`ihr:datePairs`): the end may not precede the start."""
        return [(str(a), str(b)) for a, b in self.extensions.get("datePairs") or []]

    @property
    def sourced_by(self) -> tuple[str, str] | None:
        """(link table, its field naming this table's key) when every row needs a source (`ihr:sourcedBy`)."""
        link = self.extensions.get("sourcedBy")
        return (str(link["resource"]), str(link["field"])) if isinstance(link, dict) else None

    @property
    def chains(self) -> list[ForeignKey]:
        """Foreign keys into the table itself (parent_id, derived_from_id): trees, never cycles."""
        return [fk for fk in self.foreign_keys if fk.resource == self.name and len(fk.fields) == 1]

    def field(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


@dataclass
class PackageSpec:
    root: Path
    descriptor: dict[str, Any]
    tables: dict[str, TableSpec]
    reference_checks: ReferenceChecks | None = None  # frictionless's metadata checks still to run, if deferred

    @property
    def extensions(self) -> dict[str, Any]:
        """The descriptor's `ihr:` properties, unprefixed (see `ihr.extensions`)."""
        return unprefixed(self.descriptor)

    @property
    def dataset_rules(self) -> frozenset[str]:
        """Codes of the dataset's own rules the package asks for (`ihr:rules`); none for another package."""
        rules = self.extensions.get("rules")
        return frozenset(str(r) for r in rules) if isinstance(rules, list) else frozenset()

    @property
    def redirects(self) -> dict[str, str] | None:
        """The table of retired ids and its fields (`ihr:redirects`: resource, table, old, new, and
        optionally reason and version), when the package names one it has in full (a malformed
        `ihr:redirects` is reported by the descriptor check, not used)."""
        spec = self.extensions.get("redirects")
        if not isinstance(spec, dict):
            return None
        spec = {k: v for k, v in spec.items() if isinstance(v, str)}
        required = ("resource", "table", "old", "new")
        return spec if all(k in spec for k in required) and spec["resource"] in self.tables else None

    @property
    def name(self) -> str:
        return str(self.descriptor.get("name", ""))

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version", ""))

    def load_order(self) -> list[str]:
        """Table names with every table after the tables its foreign keys point to (self-references
        and references to undeclared tables aside), in descriptor order where the keys leave a choice.
        A cycle between tables cannot be ordered: its tables follow in descriptor order."""
        remaining = list(self.tables)
        needs = {name: {fk.resource for fk in t.foreign_keys if fk.resource != name and fk.resource in self.tables}
                 for name, t in self.tables.items()}
        order: list[str] = []
        while remaining:
            ready = next((n for n in remaining if needs[n] <= set(order)), remaining[0])
            order.append(ready)
            remaining.remove(ready)
        return order


EXTENSION_PREFIX = "ihr:"


def unprefixed(obj: dict[str, Any]) -> dict[str, Any]:
    """An object's `ihr:` properties without the prefix."""
    return {k[len(EXTENSION_PREFIX):]: v for k, v in obj.items() if k.startswith(EXTENSION_PREFIX)}


def resolve_descriptor_path(path: str | Path) -> Path:
    """Accept a package directory or its datapackage.json; refuse anything else (exit 2)."""
    p = Path(path)
    if p.is_dir():
        p = p / DESCRIPTOR_NAME
    kind = not_a_regular_file(p)
    if kind is not None:
        raise PackageUnreadable(f"{p}: {kind}, not a regular file; refused unread")
    if not p.is_file():
        raise PackageUnreadable(f"{p}: no such file (expected a package directory or its {DESCRIPTOR_NAME})")
    size = p.stat().st_size
    if size > MAX_DESCRIPTOR_BYTES:
        raise PackageUnreadable(f"{p}: {size:,} bytes; a descriptor over {MAX_DESCRIPTOR_BYTES // 2**20} MB is refused unread")
    return p


def read_json(path: Path, shown_as: str) -> tuple[Any, Finding | None]:
    """Parse a JSON file; a syntax error, nesting too deep to parse, a file over the size limit or
    one that is not a regular file becomes a finding instead of a traceback or a hang."""
    kind = not_a_regular_file(path)
    if kind is not None:
        return None, Finding(shown_as, None, None, "unsafe-path", "error", f"{kind}, not a regular file; refused unread",
                             layer="descriptor")
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    if size > MAX_DESCRIPTOR_BYTES:
        return None, Finding(shown_as, None, None, "invalid-json", "error",
                             f"{size:,} bytes; a descriptor or schema over {MAX_DESCRIPTOR_BYTES // 2**20} MB is refused unread",
                             layer="descriptor")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, Finding(shown_as, None, None, "encoding", "error", f"not UTF-8: {exc.reason}", layer="descriptor")
    except OSError as exc:
        return None, Finding(shown_as, None, None, "missing-file", "error", f"cannot read: {exc.strerror}", layer="descriptor")
    try:
        return json.loads(text), None
    except RecursionError:
        return None, Finding(shown_as, 1, None, "invalid-json", "error",
                             "nested too deeply to parse (arrays or objects inside each other thousands of levels deep)",
                             layer="descriptor")
    except json.JSONDecodeError as exc:
        return None, Finding(
            shown_as, exc.lineno, None, "invalid-json", "error",
            f"broken JSON at column {exc.colno}: {exc.msg}", layer="descriptor",
        )


def inside_package(root: Path, relative: str) -> bool:
    """True when a resource path stays inside the package, symlinks resolved."""
    if not relative or relative.startswith(("/", "\\")) or "\\" in relative or ":" in relative.split("/")[0]:
        return False
    if any(part == ".." for part in relative.split("/")):
        return False
    try:
        target = (root / relative).resolve()
        return target.is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return False


def field_from_descriptor(d: dict[str, Any]) -> FieldSpec:
    from ihr.constraints import CONSTRAINTS

    c = d.get("constraints") or {}
    cats = tuple(
        Category(x["value"], str(x.get("label", ""))) for x in d.get("categories") or [] if isinstance(x, dict) and "value" in x
    )
    held = []
    for constraint in CONSTRAINTS:
        value = (d if constraint.on_field else c).get(constraint.property)
        if value is not None and value is not False and constraint.accepts(value):
            held.append((constraint.property, tuple(value) if isinstance(value, list) else value))
    return FieldSpec(
        name=str(d.get("name", "")),
        type=str(d.get("type", "any")),
        description=str(d.get("description", "")),
        pattern_description=str(d.get("patternDescription") or ""),
        categories=cats,
        constraints=tuple(held),
    )


def table_from_descriptor(resource: dict[str, Any], schema: dict[str, Any], schema_path: str | None) -> TableSpec:
    pk = schema.get("primaryKey") or []
    if isinstance(pk, str):
        pk = [pk]
    fks = []
    for fk in schema.get("foreignKeys") or []:
        fields = fk.get("fields")
        ref = fk.get("reference") or {}
        ref_fields = ref.get("fields")
        fields = [fields] if isinstance(fields, str) else list(fields or [])
        ref_fields = [ref_fields] if isinstance(ref_fields, str) else list(ref_fields or [])
        fks.append(ForeignKey(tuple(fields), str(ref.get("resource") or resource["name"]), tuple(ref_fields)))
    return TableSpec(
        name=str(resource["name"]),
        path=str(resource["path"]),
        schema_path=schema_path,
        fields=[field_from_descriptor(f) for f in schema.get("fields") or [] if isinstance(f, dict)],
        primary_key=tuple(pk),
        foreign_keys=fks,
        missing_values=tuple(schema.get("missingValues", [""])),
        title=str(resource.get("title", "")),
        description=str(resource.get("description", "")),
        extensions=unprefixed(schema),
    )
