"""The catalogue of finding codes: every code `ihr validate` can report, once, with its severity,
its layer, what it means and how to fix it.

Codes owned by a registered unit take their entry from it: a field constraint from
`ihr.constraints`, a row rule from `ihr.checks.row_rules.ROW_RULES`, a semantic rule from its `@rule`
registration (the first sentence of its docstring, and its `fix`). The codes of the descriptor, file
and key checks, and those the text rules emit, are written out below. `ihr validate --list-rules`
prints the catalogue, the codebook lists it, and a test fails on any finding whose code is not in it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CodeInfo:
    code: str
    severity: str  # error | warning | "error, warning" (the one code with both: line-ending)
    layer: str  # descriptor | file | rows | pandera | semantic
    description: str
    fix: str


def _entries(layer: str, severity: str, *rows: tuple[str, str, str]) -> list[CodeInfo]:
    return [CodeInfo(code, severity, layer, description, fix) for code, description, fix in rows]


BASE: list[CodeInfo] = [
    *_entries(
        "descriptor", "error",
        ("invalid-json", "datapackage.json or a Table Schema is not valid JSON (or is too large or deep to read)",
         "fix the JSON at the line given"),
        ("invalid-descriptor", "the descriptor or a schema breaks the Data Package spec or names something that does not exist",
         "correct the property the message names"),
        ("unknown-property", "a property neither the Data Package v2 spec nor this project defines (a typo, most often)",
         "correct its spelling or remove it"),
        ("unsupported-constraint", "a Table Schema constraint this validator does not enforce (jsonSchema)",
         "remove it, or check the rule another way"),
        ("unsafe-path", "a resource or schema path that leaves the package, or is not a regular file",
         "use a relative path to a regular file inside the package"),
    ),
    *_entries(
        "file", "error",
        ("missing-file", "a resource's file does not exist or cannot be read", "add the file or correct the resource path"),
        ("encoding", "a file is not UTF-8", "save it as UTF-8"),
        ("bom", "a file starts with a byte-order mark", "save it as UTF-8 without BOM"),
        ("empty-file", "a file has no header row", "write at least the header row"),
        ("malformed-csv", "a line cannot be parsed as CSV (an unclosed quote, most often)", "close the quote or fix the line"),
        ("blank-row", "an empty line between rows", "delete the line"),
        ("missing-cell", "a row with fewer cells than the header", "add the missing cells (empty ones are fine)"),
        ("extra-cell", "a row with more cells than the header (an unquoted comma, most often)", "quote the cell or remove the cell"),
        ("missing-header", "a column of the schema is missing from the header", "add the column"),
        ("extra-header", "a header column the schema does not declare", "remove it, or declare it in the schema"),
        ("blank-header", "a header cell is empty", "name the column as the schema does"),
        ("duplicate-header", "a column name appears twice in the header", "remove or rename the repeated column"),
        ("header-order", "the header's columns are not in the schema's order", "reorder the columns (ihr fmt does it)"),
    ),
    CodeInfo("line-ending", "error, warning", "file",
             "a carriage return (CRLF or CR line ends) is an error; a last line without a newline is a warning",
             "save with LF line ends and a final newline (ihr fmt does it)"),
    CodeInfo("type", "error", "rows", "a value that is not of the field's type (number, integer, boolean)",
             "write the value in the type's form (1.5, 42, true)"),
    *_entries(
        "rows", "error",
        ("primary-key", "a primary key used on an earlier line", "give the row its own id, or merge the two rows"),
        ("foreign-key", "a reference to an id that does not exist in the table it names", "correct the id (the hint names the nearest)"),
    ),
]


def catalogue() -> dict[str, CodeInfo]:
    """Every finding code, by code."""
    from ihr.dataset.hygiene import EMITTED
    from ihr.checks.semantic import RULES
    from ihr.checks.text import TEXT_CHECKS, TEXT_FIXES
    from ihr.checks.row_rules import ROW_RULES
    from ihr.constraints import CONSTRAINTS

    entries = list(BASE)
    seen_constraint_codes: set[str] = set()
    for c in CONSTRAINTS:  # minLength and maxLength (and the bounds) share a code: the first describes it
        if c.code not in seen_constraint_codes:
            seen_constraint_codes.add(c.code)
            entries.append(CodeInfo(c.code, "error", "rows", c.describe, "correct the value so that it fits the field (see the codebook)"))
    entries += [CodeInfo(r.code, "error", "pandera", r.message, r.fix) for r in ROW_RULES]

    entries += [CodeInfo(code, "error", "semantic", f"a text cell {message}", TEXT_FIXES[code]) for code, message in TEXT_CHECKS]
    entries += [CodeInfo(code, "error", "semantic", description, fix) for code, (description, fix) in EMITTED.items()]
    for r in RULES:
        if r.emits:
            continue  # its findings carry the codes it emits, catalogued above
        entries.append(CodeInfo(r.code, r.severity, "semantic", first_sentence(r.why), r.fix))
    by_code: dict[str, CodeInfo] = {}
    for e in entries:
        if e.code in by_code:
            raise ValueError(f"finding code {e.code!r} is catalogued twice")
        by_code[e.code] = e
    return by_code


def first_sentence(text: str) -> str:
    words = " ".join(text.split())
    end = words.find(". ")
    return words if end < 0 else words[:end + 1]
