"""`ihr build`: validated CSVs -> a typed DuckDB database with the views, and one Parquet file per table.

Types, keys and column order all come from the Table Schemas. Each partial date column `c` becomes
`c` (DATE at its first day), `c_precision` (year | month | day) and `c_text` (the original text).
The database and the Parquet files are written to unique temporary names, fsynced and renamed into
place under a lock on the output directory: concurrent builds take turns and a killed build leaves
the previous outputs usable. The database is in DuckDB's v1.0.0 storage format; its primary-key
indexes need DuckDB >= 1.1.0 to read (1.0.0 fails with "field id: 103"), the oldest version
`make test` opens it with (OLDEST_DUCKDB, pinned in the Makefile).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ihr.constraints import FIELD_TYPES
from ihr.sql import quote_ident, sql_string
from ihr.findings import PackageUnreadable, Report
from ihr.package import FieldSpec, PackageSpec, TableSpec

if TYPE_CHECKING:
    from ihr.validate import Validation

DATABASE_NAME = "iran-hamas-relations.duckdb"
STORAGE_VERSION = "v1.0.0"
OLDEST_DUCKDB = "1.1.0"  # the oldest DuckDB that opens the database (README; Makefile's .venv-duckdb1)
VIEWS_PATH = "schemas/views.sql"


class BuildRefused(Exception):
    """The package does not validate; nothing is built from invalid data."""

    def __init__(self, report: Report):
        super().__init__(f"validation failed with {len(report.errors)} error(s)")
        self.report = report


@dataclass
class BuildResult:
    database: Path
    parquet_dir: Path
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def typed_columns(f: FieldSpec) -> list[tuple[str, str, str]]:
    """(name, SQL type, SQL expression over the raw text column) for one schema field."""
    col = quote_ident(f.name)
    if f.partial_date:
        return [
            (f.name, "DATE", f"pd_first({col})"),
            (f"{f.name}_precision", "VARCHAR", f"pd_precision({col})"),
            (f"{f.name}_text", "VARCHAR", col),
        ]
    sql_type = FIELD_TYPES[f.type].sql_type if f.type in FIELD_TYPES else "VARCHAR"
    return [(f.name, sql_type, col if sql_type == "VARCHAR" else f"CAST({col} AS {sql_type})")]


def table_ddl(table: TableSpec, package: PackageSpec) -> str:
    """CREATE TABLE from the Table Schema: types, NOT NULL, primary key and (non-self) foreign keys."""
    lines = []
    for f in table.fields:
        for name, sql_type, _ in typed_columns(f):
            not_null = " NOT NULL" if f.required and not name.endswith(("_precision", "_text")) else ""
            lines.append(f"{quote_ident(name)} {sql_type}{not_null}")
    if table.primary_key:
        lines.append("PRIMARY KEY (" + ", ".join(quote_ident(k) for k in table.primary_key) + ")")
    for fk in table.foreign_keys:
        target = package.tables.get(fk.resource)
        if target is None or fk.resource == table.name or tuple(fk.reference_fields) != target.primary_key:
            continue  # DuckDB keeps foreign keys only to another table's primary key
        lines.append("FOREIGN KEY (" + ", ".join(quote_ident(c) for c in fk.fields) + ") REFERENCES "
                     + quote_ident(fk.resource) + " (" + ", ".join(quote_ident(c) for c in fk.reference_fields) + ")")
    return f"CREATE TABLE {quote_ident(table.name)} (\n  " + ",\n  ".join(lines) + "\n)"


def git_commit(root: Path) -> str:
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def build_time() -> str:
    """UTC build time; SOURCE_DATE_EPOCH (reproducible builds) wins over the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch else dt.datetime.now(dt.timezone.utc)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def load_raw_tables(con, package: PackageSpec) -> None:
    """Read every CSV as text into raw.<table> (the same reader validation uses)."""
    from ihr.read import load_table

    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    for table in package.tables.values():
        load_table(con, package.root, table)


def ordered_tables(package: PackageSpec) -> list[TableSpec]:
    """Parents before children, so that foreign keys can be declared and checked on load."""
    return [package.tables[name] for name in package.load_order()]


LOCK_NAME = f".{DATABASE_NAME}.lock"
TMP_PREFIX = f".{DATABASE_NAME}."  # + a unique part + ".tmp": one temp file per build


@contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """Builds into one directory take turns (flock on a lock file there): a second build waits,
    then writes its own complete database; the lock goes with the process if it is killed."""
    import fcntl

    with open(out / LOCK_NAME, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_outputs(con, package: PackageSpec, views_path: Path, database: Path, parquet_dir: Path) -> dict[str, int]:
    """Write the database and the Parquet files to unique temporary names, make them durable, then
    rename each into place: a build killed at any moment leaves the previous outputs as they were.
    Called under `build_lock`, so leftovers of killed builds can be cleared first."""
    out = database.parent
    for leftover in out.glob(f"{TMP_PREFIX}*.tmp*"):
        leftover.unlink(missing_ok=True)
    for leftover in out.glob(".parquet.*.tmp"):
        shutil.rmtree(leftover, ignore_errors=True)
    tmp = out / f"{TMP_PREFIX}{os.getpid()}.{secrets.token_hex(4)}.tmp"
    staging = Path(tempfile.mkdtemp(prefix=".parquet.", suffix=".tmp", dir=out))
    try:
        con.execute(f"ATTACH {sql_string(tmp)} AS db (STORAGE_VERSION '{STORAGE_VERSION}')")
        con.execute("USE db")
        rows: dict[str, int] = {}
        for table in ordered_tables(package):
            con.execute(table_ddl(table, package))
            exprs = ", ".join(expr for f in table.fields for _, _, expr in typed_columns(f))
            order = ", ".join(quote_ident(k) for k in table.primary_key) or "1"
            con.execute(f"INSERT INTO {quote_ident(table.name)} SELECT {exprs} FROM memory.raw.{quote_ident(table.name)} ORDER BY {order}")
            rows[table.name] = con.execute(f"SELECT count(*) FROM {quote_ident(table.name)}").fetchall()[0][0]
        con.execute("CREATE TABLE build_info (dataset_name VARCHAR, dataset_version VARCHAR, git_commit VARCHAR, built_at_utc VARCHAR, "
                    "dataset_title VARCHAR, homepage VARCHAR)")
        con.execute("INSERT INTO build_info VALUES (?, ?, ?, ?, ?, ?)",
                    [package.name, package.version, git_commit(package.root), build_time(),
                     str(package.descriptor.get("title", "")), str(package.descriptor.get("homepage", ""))])
        con.execute(views_path.read_text(encoding="utf-8"))
        exports = [(t.name, ", ".join(quote_ident(k) for k in t.primary_key) or "ALL") for t in ordered_tables(package)]
        for name, order in exports + [("build_info", "ALL")]:
            target = staging / f"{name}.parquet"
            con.execute(f"COPY (SELECT * FROM {quote_ident(name)} ORDER BY {order}) TO {sql_string(target)} "
                        "(FORMAT parquet, COMPRESSION zstd)")
        con.execute("USE memory")
        con.execute("DETACH db")
        for written in [tmp, *staging.iterdir()]:
            _fsync(written)
        parquet_dir.mkdir(exist_ok=True)
        os.replace(tmp, database)
        for written in sorted(staging.iterdir()):
            os.replace(written, parquet_dir / written.name)
        for directory in (out, parquet_dir):
            _fsync(directory)
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
    return rows


def build_package(path: str | Path = ".", out_dir: str | Path = "build", threads: int | None = None,
                  memory_limit: str | None = None) -> BuildResult:
    """Validate, then write the database and the Parquet files. Raises BuildRefused on invalid data.

    `threads=1` makes the Parquet output byte-for-byte repeatable (releases use it); for
    `memory_limit` see `ihr.connection`."""
    from ihr.checks.descriptor import load_package
    from ihr.connection import working_connection
    from ihr.validate import validate_loaded

    package, found = load_package(path, reference_check=False)
    with working_connection(threads, memory_limit) as con:
        return build_validated(validate_loaded(package, found, con=con), con, out_dir)


def build_validated(validation: Validation, con, out_dir: str | Path = "build") -> BuildResult:
    """Write the database and the Parquet files from a package validated into `con` (its raw tables
    are read there: no file is read and no descriptor parsed again). Raises BuildRefused when the
    validation found errors."""
    import time

    started = time.perf_counter()
    if not validation.report.valid:
        raise BuildRefused(validation.report)
    package = validation.package
    views_path = package.root / VIEWS_PATH
    if not views_path.is_file():
        raise PackageUnreadable(f"{views_path}: missing; the views are part of the package")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    parquet_dir = out / "parquet"
    database = out / DATABASE_NAME
    with build_lock(out):
        rows = _write_outputs(con, package, views_path, database, parquet_dir)
    seconds = validation.report.stats.get("seconds", 0) + time.perf_counter() - started
    return BuildResult(database, parquet_dir, rows, round(seconds, 3))


def package_inputs(root: Path) -> list[Path]:
    """The files a build reads: the descriptor, each declared resource and schema, and the views.
    An unreadable descriptor yields just itself (the build will say what is wrong with it)."""
    from ihr.package import DESCRIPTOR_NAME, read_json

    descriptor, broken = read_json(root / DESCRIPTOR_NAME, DESCRIPTOR_NAME)
    inputs = [root / DESCRIPTOR_NAME, root / VIEWS_PATH]
    if broken is None and isinstance(descriptor, dict):
        for resource in descriptor.get("resources") or []:
            if isinstance(resource, dict):
                inputs += [root / v for v in (resource.get("path"), resource.get("schema")) if isinstance(v, str)]
    return inputs


def database_is_stale(root: Path, database: Path) -> bool:
    """True when the database is missing or older than any file the package declares (descriptor,
    tables, schemas, views), so that `ihr query` rebuilds it."""
    if not database.exists():
        return True
    built = database.stat().st_mtime
    return any(p.exists() and p.stat().st_mtime > built for p in package_inputs(Path(root)))
