"""Run SQL against the built database and render the result; `ihr.connect()` for Python users."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ihr.build import DATABASE_NAME, build_package, database_is_stale


class QueryError(Exception):
    """The SQL did not run; the message is DuckDB's first line."""


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def ensure_database(root: str | Path = ".", out_dir: str | Path | None = None) -> Path:
    """The database path, building it first when it is missing or older than the tables."""
    root = Path(root)
    out = Path(out_dir) if out_dir is not None else root / "build"
    database = out / DATABASE_NAME
    if database_is_stale(root, database):
        build_package(root, out)
    return database


def connect(root: str | Path = ".", out_dir: str | Path | None = None):
    """A read-only DuckDB connection to the built database, with every table and view."""
    import duckdb

    return duckdb.connect(str(ensure_database(root, out_dir)), read_only=True)


def run_query(sql: str, root: str | Path = ".", out_dir: str | Path | None = None) -> QueryResult:
    import duckdb

    con = connect(root, out_dir)
    try:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description or []]
        rows = cursor.fetchall() if cursor.description else []
    except duckdb.Error as exc:
        raise QueryError(str(exc).strip().splitlines()[0]) from None
    finally:
        con.close()
    return QueryResult(columns, rows)


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    value = _plain(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else str(value)
    return str(value)


def render_result(result: QueryResult, output_format: str = "table", max_width: int = 60) -> str:
    if output_format == "json":
        return json.dumps([dict(zip(result.columns, (_plain(v) for v in row))) for row in result.rows],
                          ensure_ascii=False, indent=2)
    if output_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([[_cell(v) for v in row] for row in result.rows])
        return buffer.getvalue().rstrip("\n")
    cells = [[_cell(v) for v in row] for row in result.rows]
    cells = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in row] for row in cells]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(result.columns)]
    line = lambda values: " | ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()
    out = [line(result.columns), "-+-".join("-" * w for w in widths)]
    out += [line(r) for r in cells]
    out.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(out)


def load(table: str, root: str | Path = ".", out_dir: str | Path | None = None):
    """One table as a polars DataFrame, validated against the Pandera model derived from its schema."""
    import duckdb

    from ihr.checks.descriptor import load_package
    from ihr.read import load_table
    from ihr.checks.row_rules import schema_for, typed_frame

    package, _ = load_package(root)
    if table not in package.tables:
        raise KeyError(f"no table {table!r}; tables are {', '.join(package.tables)}")
    spec = package.tables[table]
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw")
    load_table(con, package.root, spec)
    frame = typed_frame(con, spec, excluded_lines=set()).drop("__line")
    con.close()
    return schema_for(spec).validate(frame)
