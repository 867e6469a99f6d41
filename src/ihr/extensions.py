"""The `ihr:` properties: this dataset's rules, stated as metadata in its own descriptor.

The library holds the checks; which of them a package wants, and on which fields, is the
package's to say. A Data Package without these properties gets the generic checks only (types,
constraints, keys, files, text hygiene); ours declares, in `datapackage.json`:

- `ihr:rules`: the codes of the dataset rules to run (the rules of `ihr.dataset`, which name
  this dataset's tables: duplicates, affiliations, propositions, funding figures...);
- `ihr:redirects`: the table of retired ids ({resource, table, old, new}: its table-name, old-id
  and new-id fields; optionally reason and version, the fields `ihr merge` fills);
- `ihr:targets` and `ihr:goals`: the counts `ihr stats` measures a release against (targets fail
  `ihr stats --check`; goals are shown only);

and in a Table Schema:

- `ihr:datePairs`: [[start, end], ...] fields bounding a period (`date-order`);
- `ihr:sourcedBy`: {resource, field}: the link table every row needs a row in (`missing-source`).

Chains (parent_id, derived_from_id) need no property: they are the schema's self-references.
Properties with another prefix (`foo:bar`) belong to other tools and are left alone.
"""

from __future__ import annotations

from typing import Any

from ihr.findings import Finding
from ihr.package import EXTENSION_PREFIX, DESCRIPTOR_NAME

PACKAGE_EXTENSIONS = {"ihr:rules", "ihr:redirects", "ihr:targets", "ihr:goals"}
SCHEMA_EXTENSIONS = {"ihr:datePairs", "ihr:sourcedBy"}


def is_foreign_extension(key: str) -> bool:
    """A namespaced property of another tool (`prefix:name`, not ours)."""
    return ":" in key and not key.startswith(EXTENSION_PREFIX) and not key.startswith(("http:", "https:"))


def _bad(path: str, message: str) -> Finding:
    return Finding(path, None, None, "invalid-descriptor", "error", message, layer="descriptor")


def schema_extension_findings(schema: dict[str, Any], shown_as: str, resource_names: set[str]) -> list[Finding]:
    """Shape of a schema's `ihr:` properties: every field they name exists."""
    names = {f.get("name") for f in schema.get("fields") or [] if isinstance(f, dict)}
    found = []
    pairs = schema.get("ihr:datePairs")
    if pairs is not None:
        if not (isinstance(pairs, list) and all(isinstance(p, list) and len(p) == 2 for p in pairs)):
            found.append(_bad(shown_as, "ihr:datePairs must be a list of [start, end] field pairs"))
        else:
            found += [_bad(shown_as, f"ihr:datePairs names unknown field {f!r}") for p in pairs for f in p if f not in names]
    link = schema.get("ihr:sourcedBy")
    if link is not None:
        if not (isinstance(link, dict) and isinstance(link.get("resource"), str) and isinstance(link.get("field"), str)):
            found.append(_bad(shown_as, "ihr:sourcedBy must be {\"resource\": ..., \"field\": ...}"))
        elif link["resource"] not in resource_names:
            found.append(_bad(shown_as, f"ihr:sourcedBy names unknown resource {link['resource']!r}"))
    return found


def package_extension_findings(descriptor: dict[str, Any], known_rules: set[str]) -> list[Finding]:
    """Shape of the descriptor's `ihr:` properties: rules that exist, a redirects table that is declared."""
    found = []
    rules = descriptor.get("ihr:rules")
    if rules is not None:
        if not isinstance(rules, list):
            found.append(_bad(DESCRIPTOR_NAME, "ihr:rules must be a list of rule codes"))
        else:
            found += [_bad(DESCRIPTOR_NAME, f"ihr:rules names unknown rule {r!r} (ihr validate --list-rules)")
                      for r in rules if r not in known_rules]
    redirects = descriptor.get("ihr:redirects")
    if redirects is not None:
        keys, optional = ("resource", "table", "old", "new"), ("reason", "version")
        if not (isinstance(redirects, dict) and all(isinstance(redirects.get(k), str) for k in keys)
                and all(isinstance(redirects.get(k, ""), str) for k in optional)):
            found.append(_bad(DESCRIPTOR_NAME, f"ihr:redirects must give {', '.join(keys)} (and may give {', '.join(optional)})"))
    for key in ("ihr:targets", "ihr:goals"):
        value = descriptor.get(key)
        if value is not None and not (isinstance(value, dict) and all(isinstance(v, (int, float)) for v in value.values())):
            found.append(_bad(DESCRIPTOR_NAME, f"{key} must map measure names to numbers"))
    return found
