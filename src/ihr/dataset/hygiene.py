"""Shipped data speaks of the world only: no machine's paths, no files outside the dataset, no notes
on how a row was made, no tracking parameters in urls.

Each table is scanned once: SQL returns only the cells whose text (or url) could fail, each
problem's RE2 prefilter matching at least every cell its Python expression does (a test checks
them against each other), and Python names the exact problem.
"""

from __future__ import annotations

import re
from typing import Iterable

from ihr.sql import quote_ident
from ihr.checks.semantic import RuleContext, _finding, rule
from ihr.checks.urls import tracking_free
from ihr.findings import Finding
from ihr.package import FieldSpec, PackageSpec, TableSpec

# A path on some machine: /home/x/…, /tmp/…, ~/…, C:\… or file:// (not a url's path, not "and/or").
LOCAL_PATH = re.compile(r"(?:^|[\s(\"'])(?:/(?:home|tmp|root|Users|var|etc|mnt|opt|work|srv|private|Volumes)/\S+|~/\S+|[A-Za-z]:\\\S+|file://\S+)")
# A file named as if it sat beside the data: notes.md, research.txt, script.py, sheet.xlsx.
FILE_REFERENCE = re.compile(r"(?<![/\w.-])[\w-]+\.(?:md|txt|py|ipynb|json|csv|tsv|xlsx?|docx?|yaml|yml|log)\b", re.I)
# Notes about the making of a row rather than about its source.
WORKFLOW_NOTE = re.compile(
    r"\b(?:helpers?|subagents?|this session|TODO|FIXME|XXX|merge (?:it |this )?with (?:its|the|this|that) (?:row|entry|claim|source|event)"
    r"|not (?:seen|checked|verified|read) by (?:this|the|me|us)|(?:by|to) the lead|as an AI|language model)\b", re.I)
# RE2 supersets of the three expressions above, one per problem (RE2 has no look-behind; its \\b
# is ASCII, so it matches wherever Python's Unicode one does, and more).
PREFILTERS = {
    "local-path": ("(/(home|tmp|root|Users|var|etc|mnt|opt|work|srv|private|Volumes)/|~/|[A-Za-z]:\\\\|file://)", ""),
    "file-reference": ("\\.(md|txt|py|ipynb|json|csv|tsv|xlsx?|docx?|yaml|yml|log)\\b", "i"),
    "workflow-note": ("(helper|subagent|this session|todo|fixme|xxx|merge (it |this )?with |not (seen|checked|verified|read) by "
                      "|(by|to) the lead|as an ai|language model)", "i"),
}

PROBLEMS = (
    ("local-path", LOCAL_PATH, "names a path on some machine ({match}); say what is known about the source instead"),
    ("file-reference", FILE_REFERENCE, "refers to a file ({match}) that is not part of the dataset"),
    ("workflow-note", WORKFLOW_NOTE, "is a note on how the row was made ({match}); say what is known about the source instead"),
)


# The codes this rule reports (never "hygiene" itself), with what each means and how to fix it.
EMITTED = {
    "local-path": ("a cell names a path on some machine", "say what is known about the source instead"),
    "file-reference": ("a cell refers to a file that is not part of the dataset", "say what the file said, with its source"),
    "workflow-note": ("a cell notes how the row was made rather than what is known of the source",
                      "say what is known about the source instead"),
    "tracking-parameter": ("a url carries tracking or pop-up parameters (utm_*, fbclid, TB_iframe)",
                           "write the url without them (the message shows it)"),
}
HYGIENE_CODES = tuple(EMITTED)


def is_url_field(field: FieldSpec) -> bool:
    return bool(field.pattern and field.pattern.startswith("^https?://"))


def _text_fields(table: TableSpec) -> tuple[list[str], list[str]]:
    """(prose columns, url columns) of a table; ids and enums can hold neither problem."""
    prose = [f.name for f in table.fields if f.type == "string" and not is_url_field(f) and f.enum is None and not f.pattern]
    urls = [f.name for f in table.fields if is_url_field(f)]
    return prose, urls


def prose_prefilter_sql(column: str) -> str:
    """SQL true for a prose cell one of the problems could match (every such cell, and a few more)."""
    return " OR ".join(f"regexp_matches({column}, '{pattern}'{f', {chr(39)}{flags}{chr(39)}' if flags else ''})"
                       for pattern, flags in PREFILTERS.values())


def _scan(ctx: RuleContext) -> Iterable[tuple[str, int, str, str]]:
    """(table, line, column, value) of every cell a prefilter keeps, one SQL pass per table."""
    for name in sorted(ctx.loaded):
        prose, urls = _text_fields(ctx.table(name))
        cells = [(c, prose_prefilter_sql(quote_ident(c))) for c in prose] + [(c, f"contains({quote_ident(c)}, '?')") for c in urls]
        if not cells:
            continue
        parts = [f"SELECT __line, {i} AS col, {quote_ident(c)} AS value FROM raw.{quote_ident(name)} WHERE {test}"
                 for i, (c, test) in enumerate(cells)]
        rows = ctx.con.execute(" UNION ALL ".join(parts) + " ORDER BY __line, col").fetchall()
        for line, col, value in rows:
            yield name, line, cells[col][0], value


def _prose_fields(package: PackageSpec) -> dict[str, list[str]]:
    return {name: _text_fields(table)[0] for name, table in package.tables.items()}


@rule("hygiene", "error", reads=_prose_fields, fix="say what is known about the source instead", emits=HYGIENE_CODES,
      dataset=True)
def data_speaks_of_the_world(ctx: RuleContext) -> Iterable[Finding]:
    """A published row must not name a path on someone's machine, a file readers do not get, or how
    it was made ("not seen by this helper"), and a url must not carry tracking or pop-up parameters
    (utm_*, fbclid, TB_iframe): readers cannot act on any of them, and they leak the making of the data."""
    for name, line, column, value in _scan(ctx):
        field = ctx.table(name).field(column)
        if is_url_field(field):
            clean, dropped = tracking_free(value)
            if dropped:
                yield _finding(ctx, name, line, column, "tracking-parameter", "error",
                               f"carries tracking parameters ({', '.join(dropped)}); write it as {clean}", value)
            continue
        for code, pattern, message in PROBLEMS:
            match = pattern.search(value)
            if match:
                shown = match.group(0).strip().strip("\"'();,.")
                yield _finding(ctx, name, line, column, code, "error", message.format(match=shown), value)
