"""Turn a report into what people and CI read: text, JSON, or GitHub workflow commands."""

from __future__ import annotations

import json
from itertools import groupby

from ihr.findings import Finding, Report


def _line_text(f: Finding) -> str:
    where = f"{f.path}:{f.line}" if f.line else f.path
    column = f" {f.column}:" if f.column else ""
    hint = f" ({f.hint})" if f.hint else ""
    level = "" if f.severity == "error" else " warning"
    return f"{where}:{column}{level} {f.code}: {f.message}{hint}"


def render_text(report: Report, limit: int | None = None, errors_only: bool = False) -> str:
    """Findings grouped by file, then one summary line; `limit` caps the list and says what it left
    out. `errors_only` hides warnings from the list (the summary line still counts them), so that a
    contributor sees what blocks them first."""
    out: list[str] = []
    findings = [f for f in report.sorted_findings() if not errors_only or f.severity == "error"]
    shown = findings if limit is None else findings[:limit]
    for path, group in groupby(shown, key=lambda f: f.path):
        out.append(f"{path}")
        out.extend("  " + _line_text(f) for f in group)
    left_out = len(findings) - len(shown)
    if left_out > 0:
        out.append(f"… {left_out} more finding(s) not shown; use --max-findings 0 or --format json to see all")
    out.append(summary_line(report) + (" (warnings not listed: --errors-only)" if errors_only and report.warnings else ""))
    return "\n".join(out)


def summary_line(report: Report) -> str:
    rows = sum((report.stats.get("rows") or {}).values())
    verdict = "valid" if report.valid else "INVALID"
    return (f"{verdict}: {len(report.errors)} error(s), {len(report.warnings)} warning(s) "
            f"in {report.stats.get('tables', 0)} tables, {rows} rows")


def render_json(report: Report) -> str:
    """The report as JSON, one finding per line: json's C encoder writes each line (indenting
    everything falls back to its pure-Python encoder, a tenth of a second per 5,000 findings),
    and a line per finding greps and diffs well."""
    data = report.to_dict()
    findings = data.pop("findings")
    head = {k: v for k, v in data.items() if k != "stats"}
    parts = [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in head.items()]
    rows = ",\n".join("    " + json.dumps(f, ensure_ascii=False) for f in findings)
    parts.append('  "findings": [' + ("\n" + rows + "\n  ]" if findings else "]"))
    parts.append('  "stats": ' + json.dumps(data.get("stats", {}), ensure_ascii=False, indent=2).replace("\n", "\n  "))
    return "{\n" + ",\n".join(parts) + "\n}"


def _escape_property(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def render_github(report: Report) -> str:
    """GitHub workflow commands, so each finding shows up as an annotation on the pull request."""
    out = []
    for f in report.sorted_findings():
        props = [f"file={_escape_property(f.path)}"]
        if f.line:
            props.append(f"line={f.line}")
        props.append(f"title={_escape_property(f.code)}")
        column = f"{f.column}: " if f.column else ""
        hint = f" ({f.hint})" if f.hint else ""
        out.append(f"::{f.severity} {','.join(props)}::{_escape_data(column + f.message + hint)}")
    out.append(summary_line(report))
    return "\n".join(out)


def render_catalogue(codes: dict) -> str:
    """The finding catalogue as a text table: code, severity, layer, then meaning and fix indented."""
    lines = [f"{len(codes)} finding codes (ihr.catalogue)", ""]
    for code, info in sorted(codes.items()):
        lines.append(f"{code}  [{info.severity}; {info.layer}]")
        lines.append(f"    {info.description}")
        if info.fix:
            lines.append(f"    fix: {info.fix}")
    return "\n".join(lines)
