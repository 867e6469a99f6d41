"""Run every validation layer over a package and collect all findings into one report."""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from ihr.findings import Finding, Report
from ihr.messages import humanize
from ihr.package import PackageSpec, TableSpec


def fields_needed_after_read(package: PackageSpec, table: TableSpec) -> set[str]:
    """The fields a check still reads once the file is loaded: keys, constrained columns (the
    semantic rules only use those) and the columns the Pandera row rules name.

    Every other field is free text, fully checked during the read; it stays out of raw.<table>,
    so a rule that used it by mistake fails loudly on every package instead of seeing NULLs."""
    from ihr.checks.semantic import fields_rules_read
    from ihr.checks.row_rules import row_rules_for

    needed = set(table.primary_key)
    for fk in table.foreign_keys:
        needed.update(fk.fields)
    for other in package.tables.values():
        for fk in other.foreign_keys:
            if fk.resource == table.name:
                needed.update(fk.reference_fields)
    for f in table.fields:
        if f.unique or f.enum is not None or f.pattern or f.partial_date or f.type != "string":
            needed.add(f.name)
    for r in row_rules_for(package):
        if r.table == table.name:
            needed.update(r.needs)
    needed.update(fields_rules_read(package, table.name))
    return needed


# The semantic rules that need no key check run on this many cursors at once, beside the key
# checks: most of their time is in DuckDB, which releases the GIL.
SEMANTIC_THREADS = 2


@dataclass(frozen=True)
class ValidationOptions:
    """Switches from each fast path to the simple exact one beside it, for the tests that compare
    the two (none changes a finding; each only costs time)."""

    reader: str = "auto"  # "exact": Python's csv module reads every file (ihr.read.READERS)
    share_key_joins: bool = True  # False: missing-source and unused-source query on their own
    in_threads: bool = True  # False: the semantic rules and Pandera run in turn on one connection
    learn_across_files: bool = True  # False: no file's scan looks for blank lines because another had some
    line_steps_in_expression: int | None = None  # line steps past which an ASOF join numbers lines (None: the default)


def _start_background_work(package: PackageSpec, options: ValidationOptions):
    _background(options, _import_typed_layer)
    return _background(options, package.reference_checks.run) if package.reference_checks else None


def _background(options: ValidationOptions, fn, *args):
    """`fn(*args)` in a thread, or at once with `in_threads=False`; `.result()` gives its value."""
    return _InBackground(fn, *args) if options.in_threads else _AtOnce(fn, *args)


def _import_typed_layer() -> None:
    try:
        import pandera.polars  # noqa: F401
    except Exception:  # noqa: BLE001 - the main thread imports it again and reports properly
        pass


class _AtOnce:
    """`fn(*args)` run at once on the calling thread, with the interface of `_InBackground`."""

    def __init__(self, fn, *args) -> None:
        self._value = fn(*args)

    def result(self):
        return self._value


class _InBackground:
    """Run a function in a daemon thread; `result()` waits and re-raises its exception."""

    def __init__(self, fn, *args) -> None:
        self._outcome: list = []
        self._thread = threading.Thread(target=self._run, args=(fn, *args), daemon=True)
        self._thread.start()

    def _run(self, fn, *args) -> None:
        from ihr.read import lower_priority

        lower_priority()  # needed only at the end; DuckDB's threads come first
        try:
            self._outcome.append((True, fn(*args)))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            self._outcome.append((False, exc))

    def result(self):
        self._thread.join()
        ok, value = self._outcome[0]
        if not ok:
            raise value
        return value


def _load_tables(con, package: PackageSpec, order: list[tuple[str, TableSpec]], scans, report: Report, *,
                 keep_all: bool, loaded: set[str], rows: dict[str, int], readers: dict[str, str], options: ValidationOptions):
    """Load every table in `order` into raw.<table>, adding the file findings to `report`;
    returns the background reference check, started during the last (largest) read."""
    from ihr.read import load_table
    from ihr.checks.rows import RowFlag, deferred_pattern_fields

    reference = None
    for index, (name, table) in enumerate(order):
        if index == len(order) - 1:
            # Pure Python work for other threads, started while DuckDB reads the largest file (it
            # releases the GIL there): frictionless's metadata check, and importing Pandera and
            # polars, which only the end needs. Started earlier, they would hold up the Python
            # side of the small files' loads (a slow-path read above all) for a third of a second.
            reference = _start_background_work(package, options)
        keep = None if keep_all else fields_needed_after_read(package, table)
        deferred = frozenset(deferred_pattern_fields(package, table))
        steps = {} if options.line_steps_in_expression is None else {"steps_in_expression": options.line_steps_in_expression}
        result, found = load_table(con, package.root, table, keep=keep, scans=scans, reader=options.reader,
                                   flag_for=RowFlag(table, deferred), **steps)
        report.extend(found)
        if result.reader:
            readers[name] = result.reader
        if result.loaded:
            loaded.add(name)
        rows[name] = result.rows
    return reference


def _on_cursor(check, cursor, *args):
    """Run `check(cursor, *args)` on a cursor of its own (a connection to the same database; the
    temporary macros and tables are a connection's own), then close it."""
    from ihr.checks.rows import PARTIAL_DATE_MACROS

    try:
        cursor.execute(PARTIAL_DATE_MACROS)
        return check(cursor, *args)
    finally:
        cursor.close()


class _TypedLayer:
    """Pandera on the typed frames, started on its own DuckDB cursor in a thread as soon as the
    row checks of every table it reads have run: Pandera's Python work then overlaps the key
    checks of the tables still to come, which run inside DuckDB (it releases the GIL)."""

    def __init__(self, con, package: PackageSpec, loaded: set[str], options: ValidationOptions) -> None:
        from ihr.checks.row_rules import row_rules_for

        self.con, self.package, self.loaded, self.options = con, package, loaded, options
        self.waiting = {r.table for r in row_rules_for(package)} & loaded
        self.excluded: dict[str, set[int]] = {}  # lines whose raw text cannot be typed (the rows layer says which)
        self.job: _InBackground | None = None
        self.ran_in = "inline"  # or "thread": where Pandera ran (report.stats["paths"])

    def table_checked(self, name: str, untypeable: set[int]) -> None:
        if untypeable:
            self.excluded[name] = untypeable
        self.waiting.discard(name)
        if not self.waiting and self.job is None and self.options.in_threads:
            from ihr.checks.row_rules import check_typed

            self.job = _InBackground(_on_cursor, check_typed, self.con.cursor(), self.package, self.loaded, self.excluded)
            self.ran_in = "thread"

    def findings(self) -> list[Finding]:
        if self.job is None:  # no table with row rules was loaded
            from ihr.checks.row_rules import check_typed

            return check_typed(self.con, self.package, self.loaded, self.excluded)
        return self.job.result()


@dataclass
class Validation:
    """A validated package: its spec and report, and, when validated into a caller's connection,
    the raw tables there with every field (so `ihr build` reads no file and parses no descriptor
    a second time)."""

    package: PackageSpec
    report: Report


def validate_package(path: str | Path = ".", today: dt.date | None = None, con=None,
                     reference_in_background: bool = True, options: ValidationOptions = ValidationOptions(),
                     memory_limit: str | None = None) -> Report:
    """Validate the package at `path` (a directory or its datapackage.json).

    Raises PackageUnreadable when there is no usable descriptor at all; every other problem is a
    finding in the returned report. Given a DuckDB connection, the raw tables stay in its `raw`
    schema afterwards with every field (see `validate_loaded`).

    frictionless's own metadata check (a sixth of a second, pure Python) runs in a thread while
    DuckDB reads the largest file (`reference_in_background`); with False it runs first.
    `memory_limit` caps DuckDB's memory in a connection of its own (see `ihr.connection`).
    """
    from ihr.checks.descriptor import load_package

    package, found = load_package(path, reference_check=not reference_in_background)
    return validate_loaded(package, found, today, con, options, memory_limit).report


def validate_loaded(package: PackageSpec, descriptor_findings: list[Finding], today: dt.date | None = None, con=None,
                    options: ValidationOptions = ValidationOptions(), memory_limit: str | None = None) -> Validation:
    """Validate a package whose descriptor `load_package` has read (its findings given).

    In the rare case that the frictionless metadata check, left pending by `load_package` and run
    alongside the reads, rejects a schema ours accepted, the package is read once more with that
    check run first, exactly as if it had: the table is then left out.

    Given a DuckDB connection, the raw tables stay in its `raw` schema afterwards with every field;
    without one, free-text fields are checked during the read and not kept (memory), and the
    connection of its own (capped at `memory_limit`, see `ihr.connection`) is closed on every path.

    `options` switch the fast paths to the simple ones beside them (`ValidationOptions`).
    """
    from ihr.checks.descriptor import load_package
    from ihr.connection import working_connection

    started = time.perf_counter()
    today = today or dt.date.today()
    own = con is None
    with working_connection(memory_limit=memory_limit) if own else nullcontext(con) as connection:
        report, rejected = _validate(connection, package, descriptor_findings, today, keep_all=not own, options=options)
        if rejected:
            package, descriptor_findings = load_package(package.root, reference_check=True)
            report, _ = _validate(connection, package, descriptor_findings, today, keep_all=not own, options=options)
    report.stats["seconds"] = round(time.perf_counter() - started, 3)
    return Validation(package, report)


def _validate(con, package: PackageSpec, descriptor_findings: list[Finding], today: dt.date, *, keep_all: bool,
              options: ValidationOptions) -> tuple[Report, set[str]]:
    """One pass of every layer; returns the report and the tables the pending frictionless check rejected."""
    from ihr.read import ScanAhead, file_size
    from ihr.checks.rows import PARTIAL_DATE_MACROS, check_rows_and_keys
    from ihr.checks.semantic import check_semantics, unreferenced_wanted

    report = Report()
    report.extend(descriptor_findings)
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute(PARTIAL_DATE_MACROS)
    loaded: set[str] = set()
    rows: dict[str, int] = {}
    # Smallest files first: the byte scan of the next file then always finishes while DuckDB
    # reads the current one, so no read waits for its scan (findings are sorted in the report).
    order = sorted(package.tables.items(), key=lambda item: file_size(package.root / item[1].path))
    scans = ScanAhead([package.root / t.path for _, t in order], learn=options.learn_across_files)
    readers: dict[str, str] = {}
    try:
        reference = _load_tables(con, package, order, scans, report, keep_all=keep_all, loaded=loaded, rows=rows,
                                 readers=readers, options=options)
    finally:
        scans.close()
    rows = {name: rows[name] for name in package.tables}
    if not order:
        reference = _start_background_work(package, options)
    unreferenced: dict[tuple[str, str], str] = {}
    # The semantic rules that need the raw tables alone run on their own cursor while the key
    # checks run; so does the typed layer, once the tables it reads are checked.
    semantics = [_background(options, _on_cursor, functools.partial(check_semantics, after_keys=False, share=(i, SEMANTIC_THREADS)),
                             con.cursor(), package, loaded, today) for i in range(SEMANTIC_THREADS)]
    typed = _TypedLayer(con, package, loaded, options)
    wanted = unreferenced_wanted(package) if options.share_key_joins else frozenset()
    row_findings = check_rows_and_keys(con, package, loaded, unreferenced, wanted, on_table=typed.table_checked)
    report.extend(row_findings)
    report.extend(typed.findings())
    for share in semantics:
        report.extend(share.result())
    report.extend(check_semantics(con, package, loaded, today, unreferenced, after_keys=True))
    if reference is not None:
        reference_findings, rejected = reference.result()
        if rejected:
            return report, rejected
        report.extend(reference_findings)
    report.findings = humanize(report.findings, package)
    report.stats = {"package": package.name, "version": package.version, "tables": len(package.tables), "rows": rows,
                    "paths": {"readers": readers, "pandera": typed.ran_in}}
    return report, set()
