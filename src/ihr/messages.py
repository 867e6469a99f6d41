"""Findings a person can act on: a `pattern` finding says in words what the field wants.

The regular expression alone ("does not match the pattern ^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")
tells a contributor little. Each field with a pattern carries a human description in its Table
Schema, in the custom field property `patternDescription` (a sibling of `constraints`; the codebook
shows it too), and the finding's message leads with it. A date written day-first or month-first
(`04/10/2024`) also gets a hint that its order is ambiguous and the two ISO readings.
"""

from __future__ import annotations

import dataclasses
import re

from ihr.findings import Finding
from ihr.package import PackageSpec

SLASHED_DATE = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")


def date_order_hint(value: str) -> str | None:
    """For `04/10/2024`: which ISO dates it may mean, since the day/month order is ambiguous."""
    match = SLASHED_DATE.match(value or "")
    if not match:
        return None
    a, b, year = int(match[1]), int(match[2]), match[3]
    readings = sorted({f"{year}-{m:02d}-{d:02d}" for d, m in ((a, b), (b, a)) if 1 <= m <= 12 and 1 <= d <= 31})
    if len(readings) == 2:
        return f"the day/month order of {value} is ambiguous: write {readings[0]} or {readings[1]}, whichever the source means"
    if readings:
        return f"write it as {readings[0]}"
    return None


def humanize(findings: list[Finding], package: PackageSpec) -> list[Finding]:
    """The findings with every `pattern` message led by the field's pattern description."""
    out = []
    for f in findings:
        table = package.tables.get(f.table or "")
        if f.code != "pattern" or table is None or f.column not in table.field_names:
            out.append(f)
            continue
        spec = table.field(f.column)
        if not spec.pattern_description:
            out.append(f)
            continue
        shown = f'"{f.value}"' if f.value is not None else "the value"
        hint = (date_order_hint(f.value or "") if spec.partial_date else None) or f.hint
        out.append(dataclasses.replace(f, message=f"{shown}: {spec.pattern_description} (pattern {spec.pattern})", hint=hint))
    return out
