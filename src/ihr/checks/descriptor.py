"""Descriptor layer: datapackage.json and the Table Schemas it points at, before any row is read."""

from __future__ import annotations

from dataclasses import dataclass, field

from pathlib import Path
from typing import Any

from ihr.constraints import FIELD_TYPES, UNSUPPORTED_CONSTRAINTS, constraint_properties, field_properties
from ihr.extensions import (PACKAGE_EXTENSIONS, SCHEMA_EXTENSIONS, is_foreign_extension, package_extension_findings,
                            schema_extension_findings)
from ihr.findings import Finding, PackageUnreadable
from ihr.package import (
    DESCRIPTOR_NAME,
    PackageSpec,
    TableSpec,
    inside_package,
    not_a_regular_file,
    read_json,
    resolve_descriptor_path,
    table_from_descriptor,
)

# Properties the Data Package v2 and Table Schema v2 specs define, plus our documented extensions
# (`partialDate` and `patternDescription` on fields; `gitCommit`, `gitDirty` and `preview` on a
# released package). Anything else is most likely a typo.
PACKAGE_PROPERTIES = {
    "$schema", "name", "id", "title", "description", "homepage", "version", "created", "keywords",
    "image", "licenses", "sources", "contributors", "resources", "profile", "gitCommit", "gitDirty", "preview",
}
RESOURCE_PROPERTIES = {
    "$schema", "name", "path", "data", "type", "title", "description", "format", "mediatype",
    "encoding", "bytes", "hash", "sources", "licenses", "schema", "dialect", "profile",
}
SCHEMA_PROPERTIES = {"$schema", "fields", "fieldsMatch", "missingValues", "primaryKey", "uniqueKeys", "foreignKeys"}
FIELD_PROPERTIES = {
    "name", "title", "type", "format", "description", "example", "constraints", "rdfType",
    "missingValues", "categories", "categoriesOrdered", "patternDescription",
}
SUPPORTED_TYPES = set(FIELD_TYPES)


def known_field_properties() -> set[str]:
    """Field properties: the spec's, ours, and the registered constraints that sit on a field."""
    return FIELD_PROPERTIES | field_properties()


def known_constraint_properties() -> set[str]:
    """Keys a `constraints` object may hold: the registered constraints, and those refused as unsupported."""
    return constraint_properties() | UNSUPPORTED_CONSTRAINTS


def _unknown(obj: Any, allowed: set[str], where: str, path: str) -> list[Finding]:
    """Properties neither the spec nor we define; another tool's namespaced ones (`foo:bar`) pass."""
    if not isinstance(obj, dict):
        return []
    return [
        Finding(path, None, None, "unknown-property", "error",
                f"{where}: unknown property {key!r} (a typo, or not in the Data Package v2 spec)",
                value=key, layer="descriptor")
        for key in sorted(set(obj) - allowed) if not is_foreign_extension(str(key))
    ]


def _frictionless_findings(descriptor: dict[str, Any], path: str, kind: str) -> list[Finding]:
    """Ask the reference implementation whether the descriptor itself is valid."""
    from frictionless import FrictionlessException, Package, Schema

    cls = Package if kind == "package" else Schema
    try:
        errors = list(cls.metadata_validate(descriptor))
    except FrictionlessException as exc:
        return [Finding(path, None, None, "invalid-descriptor", "error", str(exc.error.message), layer="descriptor")]
    except Exception as exc:  # frictionless raises assorted errors on malformed input
        return [Finding(path, None, None, "invalid-descriptor", "error", f"{type(exc).__name__}: {exc}", layer="descriptor")]
    return [Finding(path, None, None, "invalid-descriptor", "error", e.message, layer="descriptor") for e in errors]


@dataclass
class ReferenceChecks:
    """The frictionless metadata checks `load_package` left for later (`reference_check=False`),
    so that `ihr validate` can run them in a thread alongside the reads."""

    pending: list[tuple[dict[str, Any], str, str, str | None]] = field(default_factory=list)  # descriptor, path, kind, table

    def run(self) -> tuple[list[Finding], set[str]]:
        """The findings, and the tables whose schema frictionless rejects."""
        found: list[Finding] = []
        rejected: set[str] = set()
        for descriptor, path, kind, table in self.pending:
            errors = _frictionless_findings(descriptor, path, kind)
            found += errors
            if errors and table is not None:
                rejected.add(table)
        return found, rejected


def _schema_findings(schema: dict[str, Any], shown_as: str, later: ReferenceChecks | None = None,
                     table: str | None = None, resource_names: set[str] = frozenset()) -> list[Finding]:
    found = _unknown(schema, SCHEMA_PROPERTIES | SCHEMA_EXTENSIONS, "schema", shown_as)
    found += schema_extension_findings(schema, shown_as, set(resource_names))
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        return found + [Finding(shown_as, None, None, "invalid-descriptor", "error", "schema has no fields", layer="descriptor")]
    names = []
    for i, f in enumerate(fields):
        if not isinstance(f, dict):
            found.append(Finding(shown_as, None, None, "invalid-descriptor", "error", f"field {i} is not an object", layer="descriptor"))
            continue
        name = f.get("name", f"#{i}")
        names.append(name)
        found += _unknown(f, known_field_properties(), f"field {name!r}", shown_as)
        found += _unknown(f.get("constraints"), known_constraint_properties(), f"field {name!r} constraints", shown_as)
        for key in sorted(set(f.get("constraints") or {}) & UNSUPPORTED_CONSTRAINTS):
            found.append(Finding(shown_as, None, None, "unsupported-constraint", "error",
                                 f"field {name!r}: constraint {key!r} is not enforced by ihr; remove it or check it another way",
                                 value=key, layer="descriptor"))
        if f.get("type", "string") not in SUPPORTED_TYPES:
            found.append(Finding(shown_as, None, None, "invalid-descriptor", "error",
                                 f"field {name!r}: type {f.get('type')!r} is not supported by ihr", layer="descriptor"))
    for name in {n for n in names if names.count(n) > 1}:
        found.append(Finding(shown_as, None, None, "invalid-descriptor", "error", f"field {name!r} is declared twice", layer="descriptor"))
    pk = schema.get("primaryKey") or []
    for key in [pk] if isinstance(pk, str) else pk:
        if key not in names:
            found.append(Finding(shown_as, None, None, "invalid-descriptor", "error", f"primaryKey names unknown field {key!r}", layer="descriptor"))
    if not found:
        if later is not None:
            later.pending.append((schema, shown_as, "schema", table))
        else:
            found += _frictionless_findings(schema, shown_as, "schema")
    return found


def load_package(path: str | Path, reference_check: bool = True) -> tuple[PackageSpec, list[Finding]]:
    """Read and check the descriptor and schemas; tables whose schema is unusable are left out.

    With `reference_check=False` the frictionless metadata checks are not run but collected in
    the returned package's `reference_checks`; the caller runs them and must drop the tables
    they reject."""
    later = None if reference_check else ReferenceChecks()
    descriptor_path = resolve_descriptor_path(path)
    root = descriptor_path.parent
    descriptor, broken = read_json(descriptor_path, DESCRIPTOR_NAME)
    if broken is not None:
        raise PackageUnreadable(f"{descriptor_path}:{broken.line or 1}: {broken.code}: {broken.message}")
    if not isinstance(descriptor, dict):
        raise PackageUnreadable(f"{descriptor_path}: the descriptor is not a JSON object")
    from ihr.checks.semantic import dataset_rule_codes

    findings = _unknown(descriptor, PACKAGE_PROPERTIES | PACKAGE_EXTENSIONS, "package", DESCRIPTOR_NAME)
    findings += package_extension_findings(descriptor, dataset_rule_codes())
    resources = descriptor.get("resources")
    if not isinstance(resources, list):
        raise PackageUnreadable(f"{descriptor_path}: 'resources' must be a list")
    tables: dict[str, TableSpec] = {}
    for i, resource in enumerate(resources):
        if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
            findings.append(Finding(DESCRIPTOR_NAME, None, None, "invalid-descriptor", "error", f"resource {i} has no name", layer="descriptor"))
            continue
        name = resource["name"]
        findings += _unknown(resource, RESOURCE_PROPERTIES, f"resource {name!r}", DESCRIPTOR_NAME)
        rpath = resource.get("path")
        if not isinstance(rpath, str):
            findings.append(Finding(DESCRIPTOR_NAME, None, None, "invalid-descriptor", "error",
                                    f"resource {name!r}: path must be a single string", layer="descriptor"))
            continue
        if not inside_package(root, rpath):
            findings.append(Finding(DESCRIPTOR_NAME, None, None, "unsafe-path", "error",
                                    f"resource {name!r}: path {rpath!r} leaves the package", value=rpath, layer="descriptor"))
            continue
        kind = not_a_regular_file(root / rpath)
        if kind is not None:
            findings.append(Finding(DESCRIPTOR_NAME, None, None, "unsafe-path", "error",
                                    f"resource {name!r}: path {rpath!r} is {kind}, not a regular file; refused unread",
                                    value=rpath, layer="descriptor"))
            continue
        schema_ref = resource.get("schema")
        schema_path: str | None = None
        if isinstance(schema_ref, str):
            schema_path = schema_ref
            if not inside_package(root, schema_ref):
                findings.append(Finding(DESCRIPTOR_NAME, None, None, "unsafe-path", "error",
                                        f"resource {name!r}: schema {schema_ref!r} leaves the package", value=schema_ref, layer="descriptor"))
                continue
            schema, broken = read_json(root / schema_ref, schema_ref)
            if broken is not None:
                findings.append(broken)
                continue
        elif isinstance(schema_ref, dict):
            schema = schema_ref
        else:
            findings.append(Finding(DESCRIPTOR_NAME, None, None, "invalid-descriptor", "error",
                                    f"resource {name!r} has no schema", layer="descriptor"))
            continue
        if not isinstance(schema, dict):
            findings.append(Finding(schema_path or DESCRIPTOR_NAME, None, None, "invalid-descriptor", "error",
                                    "schema is not a JSON object", layer="descriptor"))
            continue
        names = {r.get("name") for r in resources if isinstance(r, dict)}
        schema_findings = _schema_findings(schema, schema_path or DESCRIPTOR_NAME, later, name, names)
        findings += schema_findings
        if any(f.severity == "error" for f in schema_findings):
            continue
        tables[name] = table_from_descriptor(resource, schema, schema_path)
    if not any(f.code == "unsafe-path" for f in findings):
        # frictionless resolves schema paths itself; only hand it descriptors that stay inside.
        stripped = {k: v for k, v in descriptor.items() if k in PACKAGE_PROPERTIES}
        stripped["resources"] = [
            {k: v for k, v in r.items() if k not in ("schema",)} for r in resources if isinstance(r, dict)
        ]
        if later is not None:
            later.pending.append((stripped, DESCRIPTOR_NAME, "package", None))
        else:
            findings += _frictionless_findings(stripped, DESCRIPTOR_NAME, "package")
    for table in tables.values():
        for fk in table.foreign_keys:
            target = tables.get(fk.resource)
            if fk.resource not in {r.get("name") for r in resources if isinstance(r, dict)}:
                findings.append(Finding(table.schema_path or DESCRIPTOR_NAME, None, None, "invalid-descriptor", "error",
                                        f"foreign key {list(fk.fields)} points at unknown resource {fk.resource!r}", layer="descriptor"))
            elif target is not None and any(f not in target.field_names for f in fk.reference_fields):
                findings.append(Finding(table.schema_path or DESCRIPTOR_NAME, None, None, "invalid-descriptor", "error",
                                        f"foreign key {list(fk.fields)} names fields missing from {fk.resource!r}", layer="descriptor"))
    package = PackageSpec(root=root, descriptor=descriptor, tables=tables)
    package.reference_checks = later
    return package, findings
