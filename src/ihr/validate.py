"""Run every validation layer over a package and collect all findings into one report."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from ihr.findings import Report

# Raw-text codes that make a row unfit for typing; such rows are kept out of the Pandera layer.
UNTYPEABLE = {"type", "required", "enum", "pattern", "length", "invalid-date", "minimum", "maximum"}


def validate_package(path: str | Path = ".", today: dt.date | None = None, con=None) -> Report:
    """Validate the package at `path` (a directory or its datapackage.json).

    Raises PackageUnreadable when there is no usable descriptor at all; every other problem is a
    finding in the returned report. Given a DuckDB connection, the raw tables stay in its `raw`
    schema afterwards, so `ihr build` does not read the files a second time.
    """
    import duckdb

    from ihr.checks.descriptor import load_package
    from ihr.checks.files import load_table
    from ihr.checks.rows import check_rows_and_keys
    from ihr.checks.semantic import check_semantics
    from ihr.checks.typed import check_typed

    started = time.perf_counter()
    report = Report()
    package, found = load_package(path)
    report.extend(found)
    own_connection = con is None
    if own_connection:
        con = duckdb.connect()
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    loaded: set[str] = set()
    rows: dict[str, int] = {}
    for name, table in package.tables.items():
        result, found = load_table(con, package.root, table)
        report.extend(found)
        if result.loaded:
            loaded.add(name)
        rows[name] = result.rows
    row_findings = check_rows_and_keys(con, package, loaded)
    report.extend(row_findings)
    excluded: dict[str, set[int]] = {}
    for f in row_findings:
        if f.code in UNTYPEABLE and f.table and f.line:
            excluded.setdefault(f.table, set()).add(f.line)
    report.extend(check_typed(con, package, loaded, excluded))
    report.extend(check_semantics(con, package, loaded, today or dt.date.today()))
    if own_connection:
        con.close()
    report.stats = {
        "package": package.name,
        "version": package.version,
        "tables": len(package.tables),
        "rows": rows,
        "seconds": round(time.perf_counter() - started, 3),
    }
    return report
