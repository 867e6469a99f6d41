"""Semantic layer: rules across rows and tables that no single column constraint can express.

Each rule is a small registered function whose docstring says why it exists; the codebook and
`ihr validate --list-rules` show those docstrings. Rules query the raw tables with set-based SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Iterable

import duckdb

from ihr.read import flagged_table
from ihr.sql import quote_ident, sql_string
from ihr.checks.text import TEXT_CODES, text_findings
from ihr.findings import Finding, Severity
from ihr.package import PackageSpec, TableSpec



@dataclass
class RuleContext:
    con: duckdb.DuckDBPyConnection
    package: PackageSpec
    loaded: set[str]
    today: dt.date
    unreferenced: dict[tuple[str, str], str] = field(default_factory=dict)  # see rows.unreferenced_table

    def has(self, *tables: str) -> bool:
        return all(t in self.loaded for t in tables)

    def table(self, name: str) -> TableSpec:
        return self.package.tables[name]


# Free-text fields a rule reads, per table: the read stores only keys and constrained fields
# unless a rule asks for more (`ihr.validate.fields_needed_after_read`).
Reads = Callable[[PackageSpec], dict[str, Iterable[str]]]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    tables: tuple[str, ...]
    run: Callable[[RuleContext], Iterable[Finding]]
    after_keys: bool = False  # reads what the key checks left (`RuleContext.unreferenced`)
    reads: Reads | None = None
    fix: str = ""  # how to fix what it finds, for the finding catalogue
    emits: tuple[str, ...] = ()  # the codes it reports when they are not its own (catalogued where they are defined)
    dataset: bool = False  # one of this dataset's own rules: runs only when the package lists it in `ihr:rules`
    unreferenced: Callable[[PackageSpec], set[tuple[str, str]]] | None = None  # (child, field) joins it reads

    def applies_to(self, package: PackageSpec) -> bool:
        if self.dataset and self.code not in package.dataset_rules:
            return False
        return all(t in package.tables for t in self.tables)

    @property
    def why(self) -> str:
        return (self.run.__doc__ or "").strip()


RULES: list[Rule] = []


def rule(code: str, severity: Severity, *tables: str, after_keys: bool = False,
         reads: Reads | dict[str, tuple[str, ...]] | None = None, fix: str = "",
         emits: tuple[str, ...] = (), dataset: bool | None = None,
         unreferenced: Callable[[PackageSpec], set[tuple[str, str]]] | None = None,
         ) -> Callable[[Callable[[RuleContext], Iterable[Finding]]], Callable]:
    """Register a rule; `reads` names the free-text fields it needs ({table: fields}, or a function
    of the package for rules over every table). A rule naming tables of this dataset is a dataset
    rule (`dataset`, by default whether it names tables): it runs only when the package's
    `ihr:rules` lists it. `unreferenced` names the foreign keys whose unreferenced parent rows it
    reads (`RuleContext.unreferenced`, kept by the key checks' joins)."""
    def register(fn: Callable[[RuleContext], Iterable[Finding]]) -> Callable:
        reads_fn = (lambda package, fields=reads: fields) if isinstance(reads, dict) else reads
        RULES.append(Rule(code, severity, tables, fn, after_keys, reads_fn, fix, emits,
                          bool(tables) if dataset is None else dataset, unreferenced))
        return fn
    return register


def dataset_rule_codes() -> set[str]:
    """Codes a package may list in `ihr:rules`: the registered dataset rules and the row rules."""
    from ihr.checks.row_rules import ROW_RULES

    return {r.code for r in RULES if r.dataset} | {r.code for r in ROW_RULES}


def unreferenced_wanted(package: PackageSpec) -> frozenset[tuple[str, str]]:
    """The (child table, field) joins whose unreferenced parent rows the package's rules read."""
    wanted: set[tuple[str, str]] = set()
    for r in RULES:
        if r.unreferenced is not None and r.applies_to(package):
            wanted |= r.unreferenced(package)
    return frozenset(wanted)


def fields_rules_read(package: PackageSpec, table: str) -> set[str]:
    """The free-text fields of `table` that the registered rules applying to `package` read."""
    needed: set[str] = set()
    for r in RULES:
        if r.reads is not None and r.applies_to(package):
            needed.update(r.reads(package).get(table, ()))
    return needed


def _finding(ctx: RuleContext, table: str, line: int, column: str | None, code: str, severity: Severity,
             message: str, value: str | None = None) -> Finding:
    return Finding(ctx.table(table).path, line, column, code, severity, message, value=value, table=table, layer="semantic")


def _partial_date_fields(table: TableSpec) -> list[str]:
    return [f.name for f in table.fields if f.partial_date]


def _string_fields(table: TableSpec) -> list[str]:
    return [f.name for f in table.fields if f.type == "string"]


def _sourced(package: PackageSpec) -> list[tuple[str, str, str]]:
    """(table, link table, key) for every table whose rows need a source (`ihr:sourcedBy`)."""
    return [(name, *t.sourced_by) for name, t in package.tables.items() if t.sourced_by is not None]


@rule("missing-source", "error", after_keys=True, fix="add a row to the link table that cites a source",
      unreferenced=lambda package: {(link, key) for _, link, key in _sourced(package)})
def every_row_is_sourced(ctx: RuleContext) -> Iterable[Finding]:
    """A claim, event or affiliation without a source is an unsourced assertion, which this dataset
    never publishes (the tables are those whose schema declares `ihr:sourcedBy`)."""
    for main, link, key in _sourced(ctx.package):
        if not ctx.has(main, link):
            continue
        kept = ctx.unreferenced.get((link, key))  # left by the foreign-key check's join
        if kept is not None:
            rows = ctx.con.execute(f"SELECT __line, v FROM {kept} ORDER BY __line").fetchall()
        else:
            m_key, l_key = quote_ident(key), quote_ident(key)
            rows = ctx.con.execute(
                f"SELECT m.__line, m.{m_key} FROM raw.{quote_ident(main)} m WHERE m.{m_key} IS NOT NULL AND NOT EXISTS "
                f"(SELECT 1 FROM raw.{quote_ident(link)} l WHERE l.{l_key} = m.{m_key}) ORDER BY m.__line").fetchall()
        for line, value in rows:
            yield _finding(ctx, main, line, key, "missing-source", "error",
                           f'"{value}" has no row in {link}; every {main[:-1]} needs at least one source', value)


@rule("date-order", "error", fix="swap or correct the dates")
def ends_after_starts(ctx: RuleContext) -> Iterable[Finding]:
    """A period that ends before it starts is a typo; partial dates compare at their shared precision
    (the pairs are those a schema declares in `ihr:datePairs`)."""
    for table, spec in ctx.package.tables.items():
        if not ctx.has(table):
            continue
        for start, end in spec.date_pairs:
            s_col, e_col = quote_ident(start), quote_ident(end)
            rows = ctx.con.execute(
                f"SELECT __line, {s_col}, {e_col} FROM raw.{quote_ident(table)} WHERE pd_before({e_col}, {s_col}) ORDER BY __line").fetchall()
            for line, s, e in rows:
                yield _finding(ctx, table, line, end, "date-order", "error", f'"{e}" is before {start} "{s}"', e)


@rule("future-date", "error", fix="correct the date")
def no_future_dates(ctx: RuleContext) -> Iterable[Finding]:
    """The dataset records what happened and was said; a date after today is a typo."""
    today = ctx.today.isoformat()
    for name in sorted(ctx.loaded):
        table = ctx.table(name)
        for col in _partial_date_fields(table):
            c = quote_ident(col)
            rows = ctx.con.execute(
                f"SELECT __line, {c} FROM raw.{quote_ident(name)} WHERE pd_before('{today}', {c}) ORDER BY __line").fetchall()
            for line, value in rows:
                yield _finding(ctx, name, line, col, "future-date", "error", f'"{value}" is in the future (today is {today})', value)


@rule("cycle", "error", fix="break the loop: one row in it names the wrong parent")
def chains_have_no_cycles(ctx: RuleContext) -> Iterable[Finding]:
    """parent_id and derived_from_id form trees; a cycle makes hierarchies and origin counts endless
    (every foreign key of a table into itself is such a chain)."""
    for table, spec in ctx.package.tables.items():
        if not ctx.has(table):
            continue
        for fk in spec.chains:
            yield from _cycles(ctx, table, fk.reference_fields[0], fk.fields[0])


def _cycles(ctx: RuleContext, table: str, key: str, parent: str) -> Iterable[Finding]:
    """Findings for every row on a loop of one chain (`key` <- `parent`) of `table`."""
    ctx.con.execute(
        f"CREATE OR REPLACE TEMP TABLE __edges AS SELECT {quote_ident(key)} AS child, {quote_ident(parent)} AS parent, "
        f"min(__line) AS line FROM raw.{quote_ident(table)} WHERE {quote_ident(key)} IS NOT NULL AND {quote_ident(parent)} IS NOT NULL GROUP BY ALL")
    # Peel chains from their top: an edge whose parent has no parent itself cannot be on a
    # cycle. What survives is the cycles and the chains that run into them (few rows).
    while ctx.con.execute("DELETE FROM __edges WHERE parent NOT IN (SELECT child FROM __edges)").fetchall()[0][0]:
        pass
    edges = ctx.con.execute("SELECT child, parent, line FROM __edges ORDER BY 1, 2").fetchall()
    ctx.con.execute("DROP TABLE __edges")
    up = {child: par for child, par, _ in edges}
    line_of = {child: line for child, _, line in edges}
    state: dict[str, int] = {}  # 1 = on the current walk, 2 = known to end
    for start in up:
        walk = []
        node: str | None = start
        while node is not None and node in up and state.get(node) is None:
            state[node] = 1
            walk.append(node)
            node = up[node]
        if node is not None and state.get(node) == 1:
            loop = walk[walk.index(node):]
            first = loop.index(min(loop))
            loop = loop[first:] + loop[:first]
            for member in loop:
                yield _finding(ctx, table, line_of[member], parent, "cycle", "error",
                               f"{parent} chain loops: {' -> '.join(loop + [loop[0]])}", up[member])
        for member in walk:
            state[member] = 2


@rule("redirect", "error", fix="correct the redirect row")
def redirects_resolve(ctx: RuleContext) -> Iterable[Finding]:
    """Ids are minted once and never reused: a retired id must be gone from its table, and the id
    it redirects to must exist, or old links to the dataset break silently (the redirects table is
    the one `ihr:redirects` names; an id is a table's one-field primary key)."""
    spec = ctx.package.redirects
    if spec is None or not ctx.has(spec["resource"]):
        return
    resource, name_col, old_col, new_col = (quote_ident(spec[k]) for k in ("resource", "table", "old", "new"))
    for table, t in ctx.package.tables.items():
        if len(t.primary_key) != 1 or not ctx.has(table) or table == spec["resource"]:
            continue
        key = quote_ident(t.primary_key[0])
        rows = ctx.con.execute(
            f"""SELECT r.__line, r.{old_col}, r.{new_col},
                   EXISTS (SELECT 1 FROM raw.{quote_ident(table)} t WHERE t.{key} = r.{old_col}) AS old_in_use,
                   EXISTS (SELECT 1 FROM raw.{quote_ident(table)} t WHERE t.{key} = r.{new_col}) AS new_exists
                FROM raw.{resource} r WHERE r.{name_col} = {sql_string(table)} ORDER BY r.__line""").fetchall()
        for line, old, new, old_in_use, new_exists in rows:
            if old_in_use:
                yield _finding(ctx, spec["resource"], line, spec["old"], "redirect", "error",
                               f'"{old}" is retired but still used in {table}; ids are never reused', old)
            if not new_exists:
                yield _finding(ctx, spec["resource"], line, spec["new"], "redirect", "error",
                               f'"{new}" does not exist in {table}', new)


@rule("text-hygiene", "error", fix="trim, NFC-normalise and clean the cell (ihr fmt fixes white space)", emits=TEXT_CODES)
def text_is_clean(ctx: RuleContext) -> Iterable[Finding]:
    """Text cells must be trimmed, NFC-normalised, single-line and safe to open in a spreadsheet, so
    that diffs stay clean, ids compare equal, and no downloaded CSV runs a formula."""
    # The read flagged every row with a suspect text cell (ihr.checks.text.suspect_sql) and kept
    # those rows whole; only they are classified here.
    for name in sorted(ctx.loaded):
        columns = _string_fields(ctx.table(name))
        if not columns:
            continue
        quoted = [quote_ident(c) for c in columns]
        rows = ctx.con.execute(f"SELECT __line, {', '.join(quoted)} FROM {flagged_table(name)} ORDER BY __line").fetchall()
        path = ctx.table(name).path
        for line, *values in rows:
            for col, value in zip(columns, values):
                if value is not None:
                    yield from text_findings(path, name, line, col, value)


def check_semantics(con: duckdb.DuckDBPyConnection, package: PackageSpec, loaded: set[str], today: dt.date,
                    unreferenced: dict[tuple[str, str], str] | None = None, after_keys: bool | None = None,
                    share: tuple[int, int] = (0, 1)) -> list[Finding]:
    """Run the rules (with `after_keys`, only those that do or do not read what the key checks
    left: the others need the raw tables alone and may run while the key checks do). `share`
    (i, n): only every n-th of those rules from the i-th, so that n cursors can run them at once."""
    ctx = RuleContext(con, package, loaded, today, unreferenced or {})
    found: list[Finding] = []
    chosen = [r for r in RULES if r.applies_to(package) and after_keys in (None, r.after_keys)]
    index, count = share
    for r in chosen[index::count]:
        found += list(r.run(ctx))
    return found


# This dataset's own rules register on import; each runs only when a package lists it in `ihr:rules`.
import ihr.dataset  # noqa: E402,F401
