"""Findings are data: every check returns them, nothing prints them, the report judges them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at one place: a file, a physical line (header = 1) and a column."""

    path: str
    line: int | None
    column: str | None
    code: str
    severity: Severity
    message: str
    value: str | None = None
    table: str | None = None
    hint: str | None = None
    layer: str = ""

    def key(self) -> tuple[str, int, str, str]:
        """Identity used to drop the same problem found by two layers (SQL and Pandera)."""
        return (self.path, self.line or 0, self.column or "", self.code)

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))  # the fields are plain values: no need for asdict's deep copy


@dataclass
class Report:
    """Everything every layer found, plus counts; `valid` is derived, never set."""

    findings: list[Finding] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    def extend(self, found: Iterable[Finding]) -> None:
        seen = {f.key() for f in self.findings}
        for finding in found:
            if finding.key() not in seen:
                seen.add(finding.key())
                self.findings.append(finding)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not self.errors

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=lambda f: (f.path, f.line or 0, f.column or "", f.code))

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "findings": [f.to_dict() for f in self.sorted_findings()],
            "stats": {**self.stats, "errors": len(self.errors), "warnings": len(self.warnings)},
        }


class PackageUnreadable(Exception):
    """The package cannot be validated at all (no descriptor, broken JSON): exit 2, not 1."""
