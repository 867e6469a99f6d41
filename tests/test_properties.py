"""Property-based tests: random damage never crashes validation; diff and its replay agree;
an interrupted write leaves the old file whole."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import VALID, assembled, fixture_package, run_cli
from ihr.checks.descriptor import load_package
from ihr.diff import apply_table_diff, diff_tables
from ihr.fmt import parse_table
from ihr.tablefile import atomic_write_bytes, canonical_csv

TABLES = sorted(p.name for p in (VALID / "tables").glob("*.csv"))
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@st.composite
def mutation(draw):
    """One random edit to one table file: flip, insert, delete or duplicate bytes or lines."""
    name = draw(st.sampled_from(TABLES))
    data = bytearray((VALID / "tables" / name).read_bytes())
    kind = draw(st.sampled_from(["flip", "insert", "delete", "duplicate-line", "truncate", "swap-lines"]))
    at = draw(st.integers(0, max(len(data) - 1, 0)))
    if kind == "flip":
        data[at] = draw(st.integers(0, 255))
    elif kind == "insert":
        data[at:at] = draw(st.binary(min_size=1, max_size=8))
    elif kind == "delete":
        del data[at: at + draw(st.integers(1, 20))]
    elif kind == "truncate":
        data = data[:at]
    else:
        lines = bytes(data).split(b"\n")
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        if kind == "duplicate-line":
            lines.insert(j, lines[i])
        else:
            lines[i], lines[j] = lines[j], lines[i]
        data = bytearray(b"\n".join(lines))
    return name, bytes(data)


@SETTINGS
@given(edit=mutation())
def test_random_damage_never_crashes_validate(edit, tmp_path_factory):
    name, data = edit
    package = tmp_path_factory.mktemp("mut") / "pkg"
    fixture_package(package)
    (package / "tables" / name).write_bytes(data)
    result = run_cli("validate", "--format", "json", str(package))
    assert result.exit_code in (0, 1), result.output[-1000:]


PACKAGE, _ = load_package(assembled())
ACTORS = PACKAGE.tables["actors"]
slug = st.from_regex(r"[a-z]{1,6}(-[a-z0-9]{1,4})?", fullmatch=True)
value = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=10)


@st.composite
def actor_table(draw):
    ids = draw(st.lists(slug, unique=True, max_size=8))
    return {i: {f.name: (i if f.name == "actor_id" else draw(value)) for f in ACTORS.fields} for i in ids}


def write_package(root: Path, rows: dict[str, dict[str, str]]) -> object:
    fixture_package(root)
    data = canonical_csv(ACTORS.field_names, [[r[f] for f in ACTORS.field_names] for r in rows.values()])
    (root / "tables" / "actors.csv").write_bytes(data)
    return load_package(root)[0]


def keyed(rows: dict[str, dict[str, str]]) -> dict[tuple[str, ...], dict[str, str]]:
    return {(k,): v for k, v in rows.items()}


@SETTINGS
@given(a=actor_table(), b=actor_table())
def test_applying_diff_a_b_to_a_gives_b(a, b, tmp_path_factory):
    root = tmp_path_factory.mktemp("diff")
    old, new = write_package(root / "a", a), write_package(root / "b", b)
    table_diff = diff_tables(old, new, "actors")
    assert apply_table_diff(keyed(a), table_diff) == keyed(b)
    same = diff_tables(old, old, "actors")
    assert same.is_empty and not same.added and not same.removed and not same.changed


def test_an_interrupted_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    target = tmp_path / "claims.csv"
    target.write_bytes(b"old,content\n")
    os.chmod(target, 0o640)

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_bytes(target, b"new,content\n" * 1000)
    assert target.read_bytes() == b"old,content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.csv"]  # no temporary file left behind
    monkeypatch.undo()
    atomic_write_bytes(target, b"new,content\n")
    assert target.read_bytes() == b"new,content\n" and (target.stat().st_mode & 0o777) == 0o640


def test_fmt_interrupted_mid_write_keeps_the_table(tmp_path, monkeypatch):
    package = tmp_path / "pkg"
    fixture_package(package)
    claims = package / "tables" / "claims.csv"
    lines = claims.read_text().splitlines()
    claims.write_text("\n".join([lines[0], lines[3], lines[1], lines[2]]) + "\n")
    before = claims.read_bytes()

    def crash(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError):
        run_cli("fmt", str(package))
    assert claims.read_bytes() == before
    assert not [p for p in (package / "tables").iterdir() if p.name.startswith(".")]
    assert sorted(parse_table(before)[1]) == sorted(parse_table(claims.read_bytes())[1])
