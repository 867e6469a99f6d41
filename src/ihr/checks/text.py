"""Text hygiene tests, shared by the read (a cheap SQL prefilter) and the text-hygiene rule (the exact tests)."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ihr.findings import Finding

CONTROL_CHARACTERS = r"[\x00-\x08\x0a-\x1f\x7f]"
FORMULA_START = r"^[=+\-@\t\r]"

TEXT_CHECKS = (
    ("untrimmed", "has leading or trailing white space"),
    ("not-nfc", "is not in Unicode NFC form"),
    ("control-character", "contains a control character or line break"),
    ("formula-injection", "starts with =, +, -, @ or a tab, which spreadsheets run as a formula"),
)
TEXT_CODES = tuple(code for code, _ in TEXT_CHECKS)  # what the text-hygiene rule reports
TEXT_FIXES = {
    "untrimmed": "remove the white space (ihr fmt does it)",
    "not-nfc": "normalise the text to NFC (ihr fmt does it)",
    "control-character": "remove the character; a line break inside a cell is not allowed",
    "formula-injection": "reword so the cell does not start with =, +, -, @ or a tab",
}
EDGE_SPACE = (" ", "\u00a0", "\u3000")
CONTROL_RE = re.compile(CONTROL_CHARACTERS)
FORMULA_RE = re.compile(FORMULA_START)
EDGE_CHARACTERS = " \t\n\r\u00a0\u3000"


def text_problems(value: str) -> list[tuple[str, str]]:
    """Which of the text checks a cell fails (the same tests as the SQL prefilter, in Python)."""
    problems = []
    if value[:1] in EDGE_SPACE or value[-1:] in EDGE_SPACE or value[:1] in "\t\n\r" or value[-1:] in "\t\n\r":
        problems.append(TEXT_CHECKS[0])
    if unicodedata.normalize("NFC", value) != value:
        problems.append(TEXT_CHECKS[1])
    if CONTROL_RE.search(value):
        problems.append(TEXT_CHECKS[2])
    if FORMULA_RE.search(value):
        problems.append(TEXT_CHECKS[3])
    return problems




def text_findings(path: str, table: str, line: int, column: str, value: str) -> list["Finding"]:
    """The text-hygiene findings for one cell (the text-hygiene rule's wording)."""
    from ihr.findings import Finding

    shown = value if len(value) <= 60 else value[:60] + "…"
    return [Finding(path, line, column, code, "error", f"{shown!r} {msg}", value=value, table=table, layer="semantic")
            for code, msg in text_problems(value)]


MAX_CONTAINS_TESTS = 8
TAB = 9
# First characters a text check objects to (edge white space, line breaks, formula starts), as
# code points for one ord() per cell instead of a regular expression.
BAD_FIRST_CODES = tuple(sorted({ord(c) for c in EDGE_CHARACTERS + "=+@-"}))
# Every code point below U+0300 has canonical combining class 0 and is unchanged by NFC, and none
# combines with what precedes it, so a cell made of them alone is in NFC (a test checks this on
# the Python side, whose verdict counts); only cells with a later code point need normalising.
MAY_DENORMALIZE = "[\\x{0300}-\\x{10FFFF}]"


def control_sql(column: str, control: frozenset[int] | None) -> str | None:
    """SQL true for a cell holding one of the `control` characters (None: any control character).

    The byte scan tells which control bytes a file holds at all; a few `contains` tests (memchr)
    are much cheaper than a regular expression over every cell. A tab in `control` only says the
    file holds tabs (they matter at a cell's edges, `suspect_sql`); it is no control character."""
    if control is not None:
        control = control - {TAB}
    if control is None or len(control) > MAX_CONTAINS_TESTS:
        return f"regexp_matches({column}, '{CONTROL_CHARACTERS}')"
    if not control:
        return None
    return " OR ".join(f"contains({column}, chr({b}))" for b in sorted(control))


def suspect_sql(column: str, control: frozenset[int] | None = None, non_ascii: bool = True) -> str:
    """SQL true for a cell that may fail a text check, for the read's row flag; Python classifies
    the few flagged cells exactly (`text_problems`).

    No regular expression on the common path: one ord() for the first character, suffix() for a
    trailing space (and tab, where the file holds tabs: `control`), `contains` for the control
    bytes the file holds (see `control_sql`); a trailing line break or carriage return is a control
    character and caught there. Only a cell with non-ASCII text (`non_ascii`: the file has some)
    is tested for a trailing no-break or ideographic space and, when it holds a code point from
    U+0300 on, for NFC. The read evaluates the flag inside CASE WHEN, so each AND stops early."""
    tests = [f"ord({column}) IN ({', '.join(map(str, BAD_FIRST_CODES))})", f"suffix({column}, ' ')"]
    if control is None or TAB in control:
        tests.append(f"suffix({column}, chr({TAB}))")
    control_test = control_sql(column, control)
    if control_test:
        tests.append(control_test)
    if non_ascii:
        tests.append(f"(strlen({column}) <> length({column}) AND (suffix({column}, chr(160)) OR suffix({column}, chr(12288)) "
                     f"OR (regexp_matches({column}, '{MAY_DENORMALIZE}') AND {column} <> nfc_normalize({column}))))")
    return f"({column} IS NOT NULL AND ({' OR '.join(tests)}))"


# --- Which fields need the text prefilter at all ------------------------------------------------
# A field whose every allowed value is clean text cannot fail a text check without also failing its
# own enum or pattern check, which flags the row anyway; the read then skips the text tests there.

SAFE_CHARACTERS = frozenset(range(0x20, 0x7F))  # printable ASCII: no control character, always NFC
BAD_FIRST = frozenset(map(ord, " \t=+@-"))
BAD_LAST = frozenset(map(ord, " \t"))
_WIDEST_RANGE = 256

CharSet = frozenset | None  # None: any character


@dataclass(frozen=True)
class _Shape:
    """What a regular expression can match: may it be empty, and which characters can come first,
    last, or anywhere (None = any character, the safe answer for anything not understood)."""

    nullable: bool
    first: CharSet
    last: CharSet
    chars: CharSet


_ANYTHING = _Shape(True, None, None, None)
_EMPTY = _Shape(True, frozenset(), frozenset(), frozenset())


def _union(a: CharSet, b: CharSet) -> CharSet:
    return None if a is None or b is None else a | b


def _class_chars(items: list) -> CharSet:
    chars: set[int] = set()
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            chars.add(arg)
        elif name == "RANGE" and arg[1] - arg[0] < _WIDEST_RANGE:
            chars.update(range(arg[0], arg[1] + 1))
        else:  # NEGATE, CATEGORY, wide ranges
            return None
    return frozenset(chars)


def _sequence(parts: list[_Shape]) -> _Shape:
    first: CharSet = frozenset()
    for p in parts:
        first = _union(first, p.first)
        if not p.nullable:
            break
    last: CharSet = frozenset()
    for p in reversed(parts):
        last = _union(last, p.last)
        if not p.nullable:
            break
    chars: CharSet = frozenset()
    for p in parts:
        chars = _union(chars, p.chars)
    return _Shape(all(p.nullable for p in parts), first, last, chars)


def _shape(parsed) -> _Shape:
    parts = []
    for op, arg in parsed:
        name = str(op)
        if name == "LITERAL":
            one = frozenset([arg])
            parts.append(_Shape(False, one, one, one))
        elif name == "IN":
            chars = _class_chars(arg)
            parts.append(_Shape(False, chars, chars, chars))
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            low, _high, sub = arg
            inner = _shape(sub)
            parts.append(_Shape(low == 0 or inner.nullable, inner.first, inner.last, inner.chars))
        elif name == "SUBPATTERN":
            _group, add_flags, _del_flags, sub = arg
            parts.append(_shape(sub) if not add_flags else _ANYTHING)
        elif name == "BRANCH":
            alternatives = [_shape(sub) for sub in arg[1]]
            first: CharSet = frozenset()
            last: CharSet = frozenset()
            chars: CharSet = frozenset()
            for a in alternatives:
                first, last, chars = _union(first, a.first), _union(last, a.last), _union(chars, a.chars)
            parts.append(_Shape(any(a.nullable for a in alternatives), first, last, chars))
        elif name == "AT" and str(arg) in ("AT_BEGINNING", "AT_END", "AT_BEGINNING_STRING", "AT_END_STRING"):
            parts.append(_EMPTY)
        else:  # anything else (., lookarounds, back references): assume the worst
            parts.append(_ANYTHING)
    return _sequence(parts) if parts else _EMPTY


@functools.lru_cache(maxsize=None)
def pattern_implies_clean(pattern: str) -> bool:
    """True when every value matching `pattern` (as a whole) passes all text checks.

    Conservative: a pattern this analysis does not fully understand counts as not clean."""
    try:
        from re import _parser as parser  # Python >= 3.11
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_parse as parser  # type: ignore[no-redef]
    try:
        parsed = parser.parse(pattern)
        shape = _shape(parsed)
    except Exception:  # noqa: BLE001 - an unparseable pattern is simply not known to be clean
        return False
    if parsed.state.flags & (re.IGNORECASE | re.VERBOSE):  # case folding reaches non-ASCII letters
        return False
    if shape.chars is None or shape.first is None or shape.last is None:
        return False
    return shape.chars <= SAFE_CHARACTERS and not (shape.first & BAD_FIRST) and not (shape.last & BAD_LAST)


def values_are_clean(values) -> bool:
    """True when every allowed enum value passes all text checks."""
    return all(isinstance(v, str) and v and not text_problems(v) for v in values)
