"""A value that breaks one check of a field, for every field constraint, field type and text check.

Each entry of `ihr.constraints` (CONSTRAINTS by property, FIELD_TYPES by name) and each text check
(`ihr.checks.text.TEXT_CODES`), and the future-date rule, has a violation here: given a field, a valid value of it and a random
source, a value that fails that check and no other check of the field, or None when the field
cannot fail it alone. An entry that no single cell can break says why instead (a string).
The dataset's row rules have theirs next to them (`ihr.dataset.row_rules.ROW_RULE_VIOLATIONS`). tests/test_constraints.py writes
every violation into a real package and asserts that `ihr validate` reports exactly its code at
that cell, so every check is shown to fire; scripts/synth.py draws its faults from here. `cell_codes` asks the validator's own SQL what a value fails.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from ihr.checks.text import TEXT_CODES
from ihr.constraints import CONSTRAINTS, FIELD_TYPES, NUMERIC_TYPES
from ihr.package import FieldSpec, TableSpec

if TYPE_CHECKING:
    import duckdb

Violation = Callable[[FieldSpec, str, random.Random], "str | None"]


def _first(field: FieldSpec, candidates: list[str]) -> str | None:
    """The first candidate that keeps the field's length and is no value of its enum (so fails one check)."""
    limit = field.max_length or math.inf
    return next((c for c in candidates if c and len(c) <= limit and c not in map(str, field.enum or ())), None)


def _enum(field: FieldSpec, old: str, rng: random.Random) -> str | None:
    if field.type in NUMERIC_TYPES:
        values = [float(v) for v in field.enum]
        low, high = field.minimum, field.maximum
        return next((str(int(v)) for v in (max(values) + 1, min(values) - 1)
                     if (low is None or v >= low) and (high is None or v <= high)), None)
    if field.pattern:
        return None  # a value outside the list would fail the pattern too, or match the list
    return _first(field, rng.sample([old.capitalize(), old.upper(), old + "s", old.replace("_", " "), "unknown"], 5))


def _pattern(field: FieldSpec, old: str, rng: random.Random) -> str | None:
    if field.enum is not None:
        return None  # the enum fails first
    old, year = old or "x", old[:4] if old[:4].isdigit() else "2010"
    # Never 4, 7 or 10 characters in a date column: the dataset's date rules read those as dates.
    tries = [f"{old} ?", f"#{old}", f"{old.upper()}!", old.lower(), f"{old}  x", old.replace("https://", ""),
             f"{year}/{old[5:7] or '01'}", f"ca. {year}"]
    return _first(field, [c for c in rng.sample(tries, len(tries)) if not re.search(field.pattern, c)
                          and not (field.partial_date and len(c) in (4, 7, 10))])


def _too_long(field: FieldSpec, old: str, rng: random.Random) -> str | None:
    if field.pattern or field.enum is not None:
        return None  # a pattern or a list decides first
    limit, words = field.max_length, (old or "text").split()
    text = " ".join(words * (limit // (len(" ".join(words)) + 1) + 2))[:limit + 1 + int(rng.random() * 40)].rstrip()
    return text if len(text) > limit else None


def _too_short(field: FieldSpec, old: str, rng: random.Random) -> str | None:
    n = field.min_length
    return None if field.pattern or field.enum is not None or n < 2 or not old else old[:n - 1].strip() or None


def _past(prop: str) -> Violation:
    """A whole number past the bound `prop`: above an upper one, below a lower one (strictly, so it
    breaks an exclusive bound as well)."""
    sign = 1 if prop.lower().endswith("maximum") else -1

    def violate(field: FieldSpec, old: str, rng: random.Random) -> str | None:
        bound = field.constraint(prop)
        edge = math.ceil(bound) if sign > 0 else math.floor(bound)
        return None if field.enum is not None else str(edge + sign * (1 + int(rng.random() * 1000)))
    return violate


def _invalid_date(field: FieldSpec, old: str, rng: random.Random) -> str | None:
    year = old[:4] if old[:4].isdigit() and old[:4] != "0000" else "2010"
    return rng.choice([f"{year}-02-30", f"{year}-13", f"{year}-04-31", f"{year}-00", "0000", f"{year}-06-31"])


def _not_a(kind: str) -> Violation:
    words = {"number": ["n/a", "about 5 million", "1,5", "high"], "integer": ["high", "2.5", "one"], "boolean": ["yes", "maybe"]}
    return lambda field, old, rng: rng.choice(words[kind])


def _future(field: FieldSpec, old: str, rng: random.Random) -> str | None:
    """A date in the next thirty years, at the precision of a day, month or year."""
    today = dt.date.today()
    first, last = dt.date(today.year + 1, 1, 1).toordinal(), dt.date(today.year + 30, 12, 31).toordinal()
    return dt.date.fromordinal(first + int(rng.random() * (last - first))).isoformat()[:rng.choice((10, 10, 7, 4))]


def _text(make: Callable[[str, random.Random], str]) -> Violation:
    """A text check's violation of a non-empty value, kept within the field's length."""
    def violate(field: FieldSpec, old: str, rng: random.Random) -> str | None:
        value = make(old, rng) if old else None
        return value if value and len(value) <= (field.max_length or math.inf) else None
    return violate


def _control(old: str, rng: random.Random) -> str:
    ch = rng.choice("\n\n\x07\x0b\x1b\x0c\x1f\x7f")
    return old.replace(" ", ch if ch == "\n" or rng.random() < 0.5 else " " + ch, 1) if " " in old else old + ch + "x"


def _formula(old: str, rng: random.Random) -> str:
    return rng.choice(["=", "+", "-", "@", '=HYPERLINK("https://example.org","']) + old  # a tab would be untrimmed too


CONSTRAINT_VIOLATIONS: dict[str, Violation | str] = {
    "required": lambda field, old, rng: "" if field.required else None,
    "enum": _enum,
    "pattern": _pattern,
    "minLength": _too_short,
    "maxLength": _too_long,
    **{prop: _past(prop) for prop in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")},
    "partialDate": _invalid_date,
    "unique": "checked over the whole column: a value repeated from another row, not one cell's",
}
TYPE_VIOLATIONS: dict[str, Violation | str] = {
    "string": "any text is a string",
    **{kind: _not_a(kind) for kind in ("number", "integer", "boolean")},
}
# The generic rules on one cell (`ihr.checks.semantic`), by code: they judge every partial-date field.
DATE_RULE_VIOLATIONS: dict[str, Violation] = {"future-date": _future}
TEXT_VIOLATIONS: dict[str, Violation] = {
    "untrimmed": _text(lambda old, rng: rng.choice([" " + old, old + " "])),
    "not-nfc": _text(lambda old, rng: old.replace("e", "e\u0301", 1) if "e" in old else old + " Cafe\u0301"),
    "control-character": _text(_control),
    "formula-injection": _text(_formula),
}


# A row rule's violation (the dataset's are next to their rules, `ihr.dataset.row_rules`): given a
# table and a valid row of it (values by column), the changes that make the row fail that rule
# alone, or None when it cannot.
RowViolation = Callable[[TableSpec, dict[str, str], random.Random], "dict[str, str] | None"]


def free_text(field: FieldSpec) -> bool:
    """A string field without a list, pattern or date shape: only the text checks judge its text."""
    return field.type == "string" and field.enum is None and field.pattern is None and not field.partial_date


def violations(field: FieldSpec) -> list[tuple[str, Violation]]:
    """(finding code, violation) of every check the field carries and a cell can fail alone, in
    registry order (tried on a stand-in value: a violation that gives None for the field itself, as
    a length on a patterned field, whose pattern decides first, is left out)."""
    hooks = [(c.code, CONSTRAINT_VIOLATIONS[c.property]) for c in CONSTRAINTS if c.value(field) is not None]
    hooks += [("type", TYPE_VIOLATIONS[field.type])] if field.type in FIELD_TYPES else []
    hooks += list(DATE_RULE_VIOLATIONS.items()) if field.partial_date else []
    hooks += [(code, TEXT_VIOLATIONS[code]) for code in TEXT_CODES] if free_text(field) else []
    return [(code, hook) for code, hook in hooks if callable(hook) and hook(field, "x", random.Random(0)) is not None]


def cell_codes(fields: list[FieldSpec], rows: list[list[str]], con: duckdb.DuckDBPyConnection | None = None) -> list[set[tuple[str, str]]]:
    """(column, code) of every cell check each row fails, by the validator's own SQL; "" is a missing value.
    `con`: a connection to reuse across calls (a new one costs a few milliseconds)."""
    import duckdb

    from ihr.checks.rows import PARTIAL_DATE_MACROS
    from ihr.sql import quote_ident

    con = con or duckdb.connect()
    con.execute(PARTIAL_DATE_MACROS)
    checks = [c for f in fields for c in f.sql_checks()]
    if not rows or not checks:
        return [set() for _ in rows]
    columns = ", ".join(f"unnest(?::VARCHAR[]) AS {quote_ident(f.name)}" for f in fields)
    flags = ", ".join(f"coalesce({c.condition}, false)" for c in checks)
    query = f"SELECT {flags} FROM (SELECT unnest(range({len(rows)})) AS __i, {columns}) ORDER BY __i"
    found = con.execute(query, [[r[j] or None for r in rows] for j in range(len(fields))]).fetchall()
    return [{(c.column, c.code) for c, bad in zip(checks, row) if bad} for row in found]
