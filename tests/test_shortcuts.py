"""The validator's fast shortcuts must agree with the exact checks they stand in for.

Each shortcut is a cheaper condition used on every row (string comparison of partial dates, a
row flag that must be true wherever a check fails, the pattern analysis that lets a field skip the
text tests); hypothesis looks for a value where shortcut and exact check disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ihr.checks.descriptor import load_package
from ihr.checks.rows import PARTIAL_DATE_MACROS, cell_checks, row_flag_condition
from ihr.checks.text import pattern_implies_clean, text_problems, values_are_clean
from ihr.package import FieldSpec, TableSpec

SETTINGS = settings(max_examples=300, deadline=None)


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    c.execute(PARTIAL_DATE_MACROS)
    yield c
    c.close()


def partial_dates():
    """Well-formed and broken partial dates, biased towards the edges (0000, month 00/13, 31 Feb)."""
    year = st.sampled_from(["0000", "0001", "1987", "1999", "2000", "2024", "2026", "9999"])
    month = st.sampled_from(["00", "01", "02", "09", "10", "12", "13"])
    day = st.sampled_from(["00", "01", "28", "29", "30", "31", "32"])
    junk = st.text(alphabet="0123456789- x", max_size=11)
    return st.one_of(year, st.tuples(year, month).map("-".join), st.tuples(year, month, day).map("-".join), junk)


@SETTINGS
@given(a=partial_dates(), b=partial_dates())
def test_pd_before_agrees_with_comparing_dates(con, a, b):
    exact, fast = con.execute("SELECT coalesce(pd_last($1) < pd_first($2), false), coalesce(pd_before($1, $2), false)", [a, b]).fetchone()
    assert fast == exact, (a, b)


def _field(**constraints) -> FieldSpec:
    return FieldSpec.of("x", constraints.pop("type", "string"), **constraints)


FIELDS = [
    _field(minLength=3, maxLength=10),
    _field(partialDate=True, pattern=r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"),
    _field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", maxLength=12),
    _field(enum=("affirms", "denies")),
    _field(type="integer", minimum=1, maximum=6),
    _field(type="number", minimum=0),
    _field(type="number", exclusiveMinimum=0, exclusiveMaximum=1.5),
    _field(required=True),
]


@SETTINGS
@given(index=st.integers(0, len(FIELDS) - 1),
       value=st.one_of(st.none(), partial_dates(), st.text(max_size=14),
                       st.text(alphabet="aé-1 \t\u00a0\u3000=+@x\u0301\u212b\r\x07", max_size=14)))
def test_row_flag_is_true_wherever_a_check_fails(con, index, value):
    """The flag may be true on good rows (they are rechecked) but never false on a bad one."""
    field = FIELDS[index]
    table = TableSpec(name="t", path="t.csv", schema_path=None, fields=[field])
    con.execute("CREATE OR REPLACE TEMP TABLE t AS SELECT CAST($1 AS VARCHAR) AS x", [value or None])
    failing = [c.code for c in cell_checks(field) if con.execute(f"SELECT coalesce({c.condition}, false) FROM t").fetchone()[0]]
    dirty = field.type == "string" and value and bool(text_problems(value))
    # What the byte scan would report for a file holding this cell: its control bytes (carriage
    # returns included); a line feed inside a cell makes the line count disagree, and the read
    # starts over with `line_feeds` set.
    present = frozenset(ord(c) for c in (value or "") if ord(c) < 32 and c != "\n" or ord(c) == 127)
    line_feeds = "\n" in (value or "")
    for control in (None, present, present | {7, 11, 12, 27, 31}):
        for non_ascii in (True, False):
            if not non_ascii and not (value or "").isascii():
                continue
            flag = row_flag_condition(table, control, non_ascii, frozenset(), line_feeds)
            flagged = con.execute(f"SELECT CASE WHEN {flag} THEN true ELSE false END FROM t").fetchone()[0]  # as the read does
            if failing or dirty:
                assert flagged, (value, failing, control, non_ascii)


CLEAN_PATTERNS = [r"^[a-z0-9]+(-[a-z0-9]+)*$", r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$", r"^[A-Z]{3}$", r"^Q[1-9][0-9]*$",
                  r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", r"^[0-9]+\.[0-9]+\.[0-9]+$"]
UNCLEAN_PATTERNS = [r"^https?://[^\s@/]+(/[^\s]*)?$", r"^.*$", r"^[a-z ]+$", r"^-?[0-9]+$", r"^[a-z]+ $", r"(?i)^[a-z]+$",
                    r"^[a-z]|[0-9 ]$", r"^\w+$", r"^[a-z]+\n?$", r"^(=|[a-z])+$", r"[^x]"]


@pytest.mark.parametrize("pattern", CLEAN_PATTERNS)
def test_patterns_of_clean_text_are_recognised(pattern):
    assert pattern_implies_clean(pattern)


@pytest.mark.parametrize("pattern", UNCLEAN_PATTERNS)
def test_patterns_that_admit_dirty_text_are_not(pattern):
    assert not pattern_implies_clean(pattern)


@SETTINGS
@given(pattern=st.sampled_from(CLEAN_PATTERNS), data=st.data())
def test_every_value_of_a_clean_pattern_is_clean_text(pattern, data):
    value = data.draw(st.from_regex(pattern, fullmatch=True))
    assert not text_problems(value), value


def test_every_schema_pattern_and_enum_the_read_trusts_is_clean():
    """The real schemas: every pattern the read trusts is among those the property above samples
    from, and every string enum holds clean values only."""
    package, _ = load_package(".")
    for table in package.tables.values():
        for f in table.fields:
            if f.enum is not None and f.type == "string":
                assert values_are_clean(f.enum), (table.name, f.name)
            if f.pattern and pattern_implies_clean(f.pattern):
                assert f.pattern in CLEAN_PATTERNS, (table.name, f.name, f.pattern)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_row_rule_candidates_cover_every_failing_row(con, data):
    """Pandera sees only the rows a rule's `candidates` SQL selects; no failing row may be left out."""
    import polars as pl

    from ihr.checks.row_rules import ROW_RULES

    for rule in ROW_RULES:
        row = {c: data.draw(st.sampled_from([None, "funds", "USD", "per_year", "about", "1000", "praises"]), label=c) for c in rule.needs}
        frame = pl.DataFrame({c: [v] for c, v in row.items()}, schema={c: pl.Utf8 for c in rule.needs})
        passes = frame.select(rule.passes()).item()
        con.execute("CREATE OR REPLACE TEMP TABLE r AS SELECT " + ", ".join(f"CAST(${i + 1} AS VARCHAR) AS {c}" for i, c in enumerate(rule.needs)),
                    list(row.values()))
        candidate = con.execute(f"SELECT coalesce({rule.candidates}, true) FROM r").fetchone()[0]
        if not passes:
            assert candidate, (rule.code, row)


def test_reference_pattern_is_checked_row_by_row_when_the_referenced_file_is_missing(tmp_path):
    """Without the referenced table there is no foreign-key check to lean on: every row is checked."""
    import json

    from conftest import build_package, run_cli

    package = build_package(tmp_path)
    (package / "tables" / "sources.csv").unlink()
    cs = package / "tables" / "claim_sources.csv"
    cs.write_text(cs.read_text().replace(",mediaite-2023-10-08-wsj-repost,para 1-2,", ",Mediaite 2023,para 1-2,"))
    result = run_cli("validate", "--format", "json", str(package))
    assert result.exit_code == 1
    got = {(f["path"], f["line"], f["column"], f["code"]) for f in json.loads(result.output)["findings"]}
    assert ("tables/sources.csv", None, None, "missing-file") in got
    assert ("tables/claim_sources.csv", 3, "source_id", "pattern") in got


@pytest.mark.parametrize("name", [None, "broken-schema-json", "unknown-property", "unsafe-path", "foreign-key"])
def test_reference_check_in_background_reports_what_running_it_first_does(name, tmp_path):
    from conftest import build_package

    from ihr.validate import validate_package

    package = build_package(tmp_path, name)
    first = validate_package(package, reference_in_background=False)
    background = validate_package(package)
    assert [f.to_dict() for f in background.sorted_findings()] == [f.to_dict() for f in first.sorted_findings()]


def test_a_schema_only_frictionless_rejects_is_left_out_as_before(tmp_path):
    """Our own schema checks accept a numeric field title; frictionless does not. Validation then
    starts over without that table, so the report matches running frictionless first."""
    import json

    from conftest import TABLES_IN_FIXTURE, build_package, run_cli

    from ihr.validate import validate_package

    package = build_package(tmp_path)
    schema_file = package / "schemas" / "redirects.schema.json"
    schema = json.loads(schema_file.read_text())
    schema["fields"][3]["title"] = 5
    schema_file.write_text(json.dumps(schema, indent=2))
    result = run_cli("validate", str(package))
    assert result.exit_code == 1
    assert "schemas/redirects.schema.json: invalid-descriptor: Field is not valid: 5 is not of type 'string'" in result.output
    assert result.output.strip().splitlines()[-1] == f"INVALID: 1 error(s), 0 warning(s) in {TABLES_IN_FIXTURE - 1} tables, 29 rows"
    first = validate_package(package, reference_in_background=False)
    assert [f.to_dict() for f in validate_package(package).sorted_findings()] == [f.to_dict() for f in first.sorted_findings()]


@pytest.mark.parametrize("name", [None, "missing-source", "unused-source", "foreign-key", "derived-from-cycle", "missing-header"])
def test_rules_reading_the_foreign_key_joins_agree_with_their_own_queries(name, tmp_path):
    """missing-source and unused-source read the unreferenced rows the foreign-key joins kept;
    without them they join on their own. Both ways must report the same."""
    from conftest import build_package

    from ihr.validate import ValidationOptions, validate_package

    package = build_package(tmp_path, name)
    shared = [f.to_dict() for f in validate_package(package).sorted_findings()]
    alone = [f.to_dict() for f in validate_package(package, options=ValidationOptions(share_key_joins=False)).sorted_findings()]
    assert shared == alone


@settings(max_examples=400, deadline=None)
@given(layout=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2), st.booleans()), min_size=1, max_size=15))
def test_line_steps_give_every_record_its_physical_line(layout):
    """The read numbers records from rowid plus a step function built from the blank lines, the
    line breaks inside cells and the records DuckDB rejected (numbered by DuckDB as record index
    + 2 + blank lines before); walking a file line by line must give the same start lines."""
    import bisect

    from ihr.read.lines import line_steps

    line, kept_starts, rejected_starts, blanks, embedded, rejected = 1, [], [], [], [], []
    for k, (blank_lines_before, breaks_inside, is_rejected) in enumerate(layout):
        for _ in range(blank_lines_before):
            line += 1
            blanks.append(line)
        line += 1
        if is_rejected:
            rejected.append((k + 2 + len(blanks), breaks_inside))
            rejected_starts.append(line)
        else:
            if breaks_inside:
                embedded.append((len(kept_starts), breaks_inside))
            kept_starts.append(line)
        line += breaks_inside
    steps, rejected_lines = line_steps(blanks, embedded, rejected)
    firsts = [first for first, _ in steps]
    for rowid, start in enumerate(kept_starts):
        assert rowid + 2 + steps[bisect.bisect_right(firsts, rowid) - 1][1] == start
    assert rejected_lines == rejected_starts


@pytest.mark.parametrize("control", [None, frozenset(), frozenset({7}), frozenset({7, 11, 12, 27, 31, 127})])
@pytest.mark.parametrize("line_feeds", [False, True])
def test_row_flag_is_false_on_every_clean_row(con, control, line_feeds):
    """Flagging clean rows costs memory and time (they are rechecked); on the valid package no
    row may be flagged, whatever the byte scan found. A NULL condition counts as flagged."""
    from conftest import VALID, assembled

    from ihr.checks.rows import deferred_pattern_fields

    package, _ = load_package(assembled())
    for table in package.tables.values():
        flag = row_flag_condition(table, control, True, frozenset(deferred_pattern_fields(package, table)), line_feeds)
        path = str(VALID / table.path)
        flagged = con.execute(f"SELECT count(*) FROM read_csv('{path}', header=true, all_varchar=true) WHERE coalesce({flag}, true)").fetchone()[0]
        assert flagged == 0, table.name


@settings(max_examples=200, deadline=None)
@given(adds=st.lists(st.integers(0, 5), min_size=1, max_size=40), gaps=st.data())
def test_step_tree_is_the_step_function(con, adds, gaps):
    """The CASE tree that shifts line numbers in the raw view gives, for every rowid, the `add` of
    the last step starting at or before it (what the ASOF join with the step table gave)."""
    import bisect

    from ihr.read.lines import step_tree

    firsts = [0]
    for _ in adds[1:]:
        firsts.append(firsts[-1] + gaps.draw(st.integers(1, 6)))
    steps = list(zip(firsts, adds))
    rows = firsts[-1] + 8
    con.execute(f"CREATE OR REPLACE TEMP TABLE step_rows AS SELECT range FROM range({rows})")
    got = con.execute(f"SELECT rowid, {step_tree(steps)} FROM step_rows ORDER BY rowid").fetchall()
    assert got == [(r, adds[bisect.bisect_right(firsts, r) - 1]) for r in range(rows)]


@pytest.mark.parametrize("name", ["multi-line-ragged-blank", "crlf-multi-line-ragged", "blank-line", "newline-in-cell",
                                  "ragged-short-row", "ragged-long-row"])
def test_many_line_steps_fall_back_to_the_step_table_with_the_same_findings(name, tmp_path):
    """Past STEPS_IN_EXPRESSION steps the raw table is materialised through an ASOF join instead
    of the CASE tree; both must place every finding on the same line."""
    from test_hostile import materialize

    from ihr.validate import ValidationOptions, validate_package

    sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hostile"))
    from cases import CASES

    package = materialize(next(c for c in CASES if c.name == name), tmp_path)
    in_view = [f.to_dict() for f in validate_package(package).sorted_findings()]
    materialised = [f.to_dict() for f in validate_package(package, options=ValidationOptions(line_steps_in_expression=0)).sorted_findings()]
    assert in_view == materialised
    assert any(f["line"] and f["line"] > 2 for f in in_view)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=120).map(lambda b: bytes(b"\n\na\"\r"[x % 5] for x in b)), chunk=st.integers(1, 9))
def test_blank_lines_are_found_across_chunk_boundaries(data, chunk, tmp_path_factory):
    """Both chunked searches for empty lines (in the byte scan, and afterwards) must give what a search of the whole file gives, also
    when a pair of line feeds straddles two chunks and when blank lines come in runs."""
    import re

    import ihr.read.scan as files

    path = tmp_path_factory.mktemp("blank") / "t.csv"
    path.write_bytes(data)
    expected, line, last = [], 1, 0
    for match in re.finditer(rb"\n(?=\n)", data):
        line += data.count(b"\n", last, match.start() + 1)
        last = match.start() + 1
        expected.append(line)
    assert files.scan_bytes(path, blank_lines=True, chunk_size=chunk).blank_lines == expected
    assert files.find_blank_lines(path, chunk_size=chunk) == expected
    assert files.find_blank_lines(path, files.scan_bytes(path, chunk_size=chunk).chunk_lines, chunk_size=chunk) == expected


def test_code_points_below_u0300_never_need_normalising():
    """The read's NFC test runs only on cells holding a code point from U+0300 on (MAY_DENORMALIZE):
    every earlier one is a starter that NFC leaves alone, alone or after any other of them, and
    none is the second half of a canonical composition."""
    import unicodedata

    low = [chr(c) for c in range(0x300)]
    assert all(unicodedata.combining(c) == 0 and unicodedata.normalize("NFC", c) == c for c in low)
    seconds = set()
    for code in range(0x110000):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            seconds.add(int(parts[1], 16))
    assert not seconds & set(range(0x300))
    # Hangul vowels and trailing consonants compose algorithmically; they lie far above U+0300.
    assert min(seconds | {0x1161, 0x11A8}) >= 0x300


def urlish():
    """Strings near the URL pattern's edges: both schemes and near misses, empty hosts, @, every
    white space RE2 knows, and non-ASCII."""
    start = st.sampled_from(["http://", "https://", "http:/", "ftp://", "HTTP://", "https:///", "", "http://@"])
    rest = st.text(alphabet="ab.:/@?#-_ \t\n\x0b\x0c\r\u00a0é", max_size=12)
    return st.tuples(start, rest).map("".join)


@SETTINGS
@given(value=st.one_of(urlish(), st.text(max_size=12)))
def test_url_prefilter_flags_every_url_the_pattern_rejects(con, value):
    from ihr.checks.rows import URL_PATTERN, pattern_prefilter

    rejected, flagged = con.execute(
        f"SELECT NOT regexp_full_match($1, '{URL_PATTERN}'), CASE WHEN {pattern_prefilter(URL_PATTERN, '$1')} THEN true ELSE false END",
        [value]).fetchone()
    if rejected:
        assert flagged, value


def test_hints_from_earlier_files_change_no_finding(tmp_path):
    """Once a file has blank lines or records spanning lines, the files loaded after it (larger
    ones) are searched for blank lines in the background and read without the padded attempt;
    the findings must be exactly those of reading every file on its own, line for line."""
    from conftest import fixture_package

    from ihr.validate import ValidationOptions, validate_package

    package = tmp_path / "package"
    fixture_package(package)
    relations = package / "tables" / "claim_relations.csv"  # a small file: loaded early
    header, row = relations.read_text().splitlines()[:2]
    multi_line = row.replace("Published in the same article.", '"Published in the same' + chr(10) + 'article."')
    assert multi_line != row
    relations.write_text(f"{header}\n\n{multi_line}\n")
    claims = package / "tables" / "claims.csv"  # the largest file: loaded last
    lines = claims.read_text().splitlines()
    short = ",".join(lines[2].split(",")[:5])
    claims.write_text("\n".join([lines[0], lines[1], "", short, *lines[2:]]) + "\n")

    with_hints = [f.to_dict() for f in validate_package(package).sorted_findings()]
    alone = [f.to_dict() for f in validate_package(package, options=ValidationOptions(learn_across_files=False)).sorted_findings()]
    assert with_hints == alone
    found = {(f["path"], f["line"], f["code"]) for f in with_hints}
    assert {("tables/claim_relations.csv", 2, "blank-row"), ("tables/claim_relations.csv", 3, "control-character"),
            ("tables/claims.csv", 3, "blank-row"), ("tables/claims.csv", 4, "missing-cell")} <= found


@pytest.mark.parametrize("name", ["unterminated-quote", "unterminated-quote-last-row", "unterminated-quote-after-damage",
                                  "unterminated-quote-then-quoted-cell", "multi-line-ragged-blank", "crlf-multi-line-ragged",
                                  "mixed-line-ends", "blank-line", "newline-in-cell", "ragged-short-row", "ragged-long-row",
                                  "utf-8-bom", "no-final-newline", "stray-quote"])
def test_duckdb_read_reports_what_the_python_csv_reader_does(name, tmp_path):
    """Whichever path reads a file (DuckDB, or Python's csv module when DuckDB cannot place a
    record), the findings are the same, message for message; and the cases DuckDB can place
    (an unterminated quote in the last record among them) do not fall back."""
    from test_hostile import materialize

    from ihr.validate import ValidationOptions, validate_package

    sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hostile"))
    from cases import CASES

    case = next(c for c in CASES if c.name == name)
    package = materialize(case, tmp_path)
    report = validate_package(package)
    either = [f.to_dict() for f in report.sorted_findings()]
    fell_back = sorted(name for name, reader in report.stats["paths"]["readers"].items() if reader == "python")
    exact = validate_package(package, options=ValidationOptions(reader="exact"))
    assert set(exact.stats["paths"]["readers"].values()) == {"python"}
    python_only = [f.to_dict() for f in exact.sorted_findings()]
    assert either == python_only
    if name in ("unterminated-quote-last-row", "unterminated-quote-after-damage"):
        assert fell_back == [], "DuckDB's read places an unterminated quote in the last record"
    if name == "unterminated-quote-then-quoted-cell":
        assert fell_back == ["claim_relations"]


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=120).map(lambda b: bytes(b"\na,\"\r\n"[x % 6] for x in b).replace(b"\r\n", b"\n").replace(b"\r", b"\r\n")),
       chunk=st.integers(1, 9), kept=st.sampled_from([0, 1, 3, 1 << 16]))
def test_lf_copy_around_carriage_returns_is_the_replaced_file(data, chunk, kept, tmp_path_factory):
    """The scan's offsets of carriage returns (kept while few, across pieces of any size) and the
    kernel copy around them give the same LF copy as replacing every CRLF in the whole file."""
    import ihr.read.scan as files

    path = tmp_path_factory.mktemp("lf") / "t.csv"
    path.write_bytes(data)
    facts = files.scan_bytes(path, chunk_size=chunk, cr_offsets_kept=kept)
    positions = [i for i, byte in enumerate(data) if byte == 13]
    assert facts.cr_offsets == (positions if len(positions) <= kept else None)
    assert not facts.lone_cr
    copy = files.normalized_copy(path, facts.cr_offsets)
    try:
        assert copy.read_bytes() == data.replace(b"\r\n", b"\n")
    finally:
        copy.unlink()


@pytest.mark.parametrize("name", ["amount-incomplete", "unfindable-source", "type-number", "credibility-out-of-range"])
def test_typed_layer_in_its_thread_reports_what_running_it_after_the_row_checks_does(name, tmp_path):
    """Pandera starts on its own cursor once the row checks of claims and sources ran; the
    findings must be those of running it afterwards on the main connection, rows the SQL layer
    excluded included."""
    from conftest import build_package

    from ihr.validate import ValidationOptions, validate_package

    package = build_package(tmp_path, name)
    report = validate_package(package)
    threaded = [f.to_dict() for f in report.sorted_findings()]
    assert report.stats["paths"]["pandera"] == "thread", "the typed layer did not start in its thread"
    in_turn = validate_package(package, options=ValidationOptions(in_threads=False))
    assert in_turn.stats["paths"]["pandera"] == "inline"
    inline = [f.to_dict() for f in in_turn.sorted_findings()]
    assert threaded == inline
    assert threaded


@pytest.mark.parametrize("name", ["date-order", "derived-from-cycle", "missing-source", "unused-source", "duplicate-url",
                                  "claim-after-death", "redirect-to-nowhere", "untrimmed", "amount-incomplete"])
def test_layers_in_threads_report_what_running_them_in_turn_does(name, tmp_path):
    """The semantic rules that need no key check, and the typed layer, run on cursors of their own
    in threads; every finding must be what running every layer in turn on one connection gives."""
    from conftest import build_package

    from ihr.validate import ValidationOptions, validate_package

    package = build_package(tmp_path, name)
    threaded = [f.to_dict() for f in validate_package(package).sorted_findings()]
    in_turn = [f.to_dict() for f in validate_package(package, options=ValidationOptions(in_threads=False)).sorted_findings()]
    assert threaded == in_turn
    assert {f["layer"] for f in threaded} & {"semantic", "pandera"}


@pytest.mark.parametrize("ends", ["all", "one"])
def test_a_load_on_its_own_leaves_no_lf_copy_behind(ends, tmp_path, monkeypatch):
    """`ihr build` and `ihr query` load files without a shared scan: the scan made for one file,
    and any LF copy it wrote, end with that load, whichever way DuckDB read the file."""
    import tempfile

    from conftest import fixture_package

    from ihr.read import load_table

    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    package = tmp_path / "package"
    fixture_package(package)
    events = package / "tables" / "events.csv"
    body = events.read_bytes()
    events.write_bytes(body.replace(b"\n", b"\r\n") if ends == "all" else body.replace(b"\n", b"\r\n", 2))
    spec = load_package(package)[0].tables["events"]
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw")
    loaded, found = load_table(con, package, spec)
    assert loaded.rows == body.count(b"\n") - 1
    assert ("line-ending", 1) in {(f.code, f.line) for f in found}
    assert list(temp.iterdir()) == []


@settings(max_examples=400, deadline=None)
@given(value=st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(["/home/", "/tmp/x", "~/", "C:\\x", "file://a", "notes.md", "a.CSV", "x.docx", "é", " ", "(", "'",
                              "helper", "Subagents", "this session", "TODO", "merge it with the row", "not seen by this",
                              "to the lead", "as an AI", "language model", "by", "ſ", "K", "-", "_", "."]), max_size=8).map("".join)))
def test_hygiene_prefilters_keep_every_cell_a_problem_matches(con, value):
    """The SQL prefilter of each hygiene problem is true wherever its Python expression matches."""
    from ihr.dataset.hygiene import PROBLEMS, prose_prefilter_sql

    if any(pattern.search(value) for _, pattern, _ in PROBLEMS):
        assert con.execute(f"SELECT {prose_prefilter_sql('$1')}", [value]).fetchone()[0], value


@settings(max_examples=400, deadline=None)
@given(host=st.text(alphabet="abcXYZ.-:0[]@", min_size=1, max_size=8), path=st.text(alphabet="ab/%.~-?#=&", max_size=10),
       scheme=st.sampled_from(["http", "https", "HTTP", "ftp"]), www=st.booleans(), slash=st.booleans(),
       extra=st.sampled_from(["", "#top", "?utm_source=x", "&fbclid=1", "?a=1&utm_medium=y#f"]))
def test_url_buckets_never_separate_urls_with_one_key(con, host, path, scheme, www, slash, extra):
    """duplicate-source keys in Python only the urls sharing a SQL bucket (or with none): two urls
    url_key calls one document must never land in different buckets."""
    from ihr.dataset.duplicates import URL_BUCKET_SQL
    from ihr.checks.urls import url_key

    a = f"{scheme}://{host}/{path}"
    b = f"{scheme.lower()}://{'www.' if www else ''}{host.upper()}/{path}{'/' if slash else ''}{extra}"
    try:
        same = url_key(a) == url_key(b)
    except ValueError:  # urlsplit refuses some hosts ("[" unbalanced): nothing to compare
        return
    buckets = [con.execute(f"SELECT {URL_BUCKET_SQL} FROM (SELECT $1 AS url)", [u]).fetchone()[0] for u in (a, b)]
    if same and None not in buckets:
        assert buckets[0] == buckets[1], (a, b, buckets)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.tuples(st.lists(st.sampled_from(["alpha", "Beta", "GAMMA", "delta", "epsilon", "zeta", "x", "été", "Straße",
                                                          "strasse", "ǅemal", "ab_cd", "12345", "iran's"]), max_size=7),
                               st.sampled_from(["AFP", "Reuters", "IRNA"]), st.sampled_from(["2024-01-01", "2024-01-02"])),
                     max_size=25),
       marked_every=st.integers(0, 5))
def test_similar_titles_in_sql_finds_what_comparing_every_pair_does(con, rows, marked_every):
    """duplicate-source compares all-ASCII groups in DuckDB and the others in Python; every pair
    compared in Python must give the same."""
    from ihr.dataset.duplicates import similar_titles_by_pairs, similar_titles_in_sql

    table = [(i + 2, f"s{i}", " ".join(words), publisher, date) for i, (words, publisher, date) in enumerate(rows)]
    con.execute("CREATE OR REPLACE TEMP TABLE titles (__line BIGINT, source_id VARCHAR, title VARCHAR, publisher VARCHAR, published_date VARCHAR)")
    if table:
        con.executemany("INSERT INTO titles VALUES (?, ?, ?, ?, ?)", table)
    marked = {frozenset(("s1", "s3"))}
    if marked_every:
        marked |= {frozenset((f"s{i}", f"s{i + 1}")) for i in range(0, len(rows), marked_every)}
    reported = {(2, "s0")} if rows else set()
    assert (list(similar_titles_in_sql(con, "SELECT * FROM titles", marked, set(reported)))
            == list(similar_titles_by_pairs(table, marked, set(reported))))
