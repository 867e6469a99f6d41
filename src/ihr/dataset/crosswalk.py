"""Crosswalk rules: the ids `actor_identifiers` gives our actors in outside registers (Wikidata,
UCDP, ACLED) are what joins this dataset to others, so a malformed or shared id silently joins the
wrong rows.

The format of each scheme's ids lives here, in IDENTIFIER_FORMATS, and nowhere else: the schema
cannot make one column's pattern depend on another column, so the rule reads it from this table
and its docstring (shown by the codebook and `ihr validate --list-rules`) is written from it.
"""

from __future__ import annotations

import re
from typing import Iterable

from ihr.checks.semantic import RuleContext, _finding, rule
from ihr.findings import Finding

TABLE = "actor_identifiers"

# scheme -> (pattern its ids match, or None for free text; what the pattern means)
IDENTIFIER_FORMATS: dict[str, tuple[str | None, str]] = {
    "wikidata": (r"^Q[1-9][0-9]*$", "Q followed by a number without leading zero (Q38799)"),
    "ucdp": (r"^[1-9][0-9]*$", "a positive whole number without leading zero"),
    "acled": (None, "free text: the actor name as ACLED writes it"),
}


@rule("identifier-format", "error", TABLE, fix="write the identifier in its scheme's format")
def identifiers_fit_their_scheme(ctx: RuleContext) -> Iterable[Finding]:
    """An identifier that does not have its scheme's form (a lowercase q, a leading zero, a label
    in place of an id) joins nothing, or the wrong item, in the register it points to."""
    rows = ctx.con.execute(f"SELECT __line, scheme, identifier FROM raw.{TABLE} "
                           "WHERE scheme IS NOT NULL AND identifier IS NOT NULL ORDER BY __line").fetchall()
    for line, scheme, identifier in rows:
        pattern, meaning = IDENTIFIER_FORMATS.get(scheme, (None, ""))
        if pattern is not None and not re.fullmatch(pattern, identifier):
            yield _finding(ctx, TABLE, line, "identifier", "identifier-format", "error",
                           f'"{identifier}" is not a {scheme} id: expected {meaning}', identifier)


identifiers_fit_their_scheme.__doc__ = (identifiers_fit_their_scheme.__doc__ or "") + " Formats: " + "; ".join(
    f"{scheme}: {meaning}" + (f" (`{pattern}`)" if pattern else "") for scheme, (pattern, meaning) in IDENTIFIER_FORMATS.items()) + "."


@rule("shared-identifier", "error", TABLE, fix="keep the identifier on the one actor it names")
def identifiers_name_one_actor(ctx: RuleContext) -> Iterable[Finding]:
    """One outside id given to two of our actors means either the two are one actor entered twice
    (merge them) or one of them points at the wrong item (a namesake, a parent organisation);
    either way every join through that id doubles or mixes their rows."""
    rows = ctx.con.execute(
        f"""SELECT b.__line, b.actor_id, b.scheme, b.identifier, a.actor_id, a.__line
            FROM raw.{TABLE} a JOIN raw.{TABLE} b ON a.scheme = b.scheme AND a.identifier = b.identifier
                 AND a.actor_id <> b.actor_id AND a.__line < b.__line
            WHERE NOT EXISTS (SELECT 1 FROM raw.{TABLE} c WHERE c.scheme = b.scheme AND c.identifier = b.identifier
                              AND c.actor_id <> b.actor_id AND c.__line < a.__line)
            ORDER BY b.__line""").fetchall()
    for line, actor_id, scheme, identifier, other, other_line in rows:
        yield _finding(ctx, TABLE, line, "identifier", "shared-identifier", "error",
                       f'{scheme} id "{identifier}" of "{actor_id}" is already given to "{other}" (line {other_line}); '
                       "one of the two mappings is wrong, or the two actors are one", identifier)
