"""Entities kept resolved: the duplicate keys, marking a pair distinct, and `ihr merge` through the CLI."""

from __future__ import annotations

import csv
import json

import pytest

from conftest import build_package, run_cli
from ihr.dataset.duplicates import name_key
from ihr.checks.urls import tracking_free, url_key


def read(path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def findings(package) -> list[tuple]:
    result = run_cli("validate", "--format", "json", str(package))
    return [(f["path"], f["line"], f["column"], f["code"]) for f in json.loads(result.output)["findings"]]


@pytest.mark.parametrize("a, b", [("Taher al-Nono", "Taher al-Nounou"), ("Saleh al-Arouri", "Saleh Arouri"),
                                  ("Hizbullah", "Hezbollah"), ("Qasem Soleimani", "Qassem Suleimani"),
                                  ("Mohammad", "Muhammad"), ("Ismail Haniyeh", "Ismail Haniye")])
def test_transliteration_variants_share_a_name_key(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize("a, b", [("Iran", "Iraq"), ("Hamas", "Hezbollah"), ("Ali Khamenei", "Ali Larijani")])
def test_different_names_keep_different_keys(a, b):
    assert name_key(a) != name_key(b)


def test_tracking_parameters_are_removed_and_nothing_else_changes():
    assert tracking_free("https://a.org/x?id=7&utm_source=tw&q=a%20b#p2") == ("https://a.org/x?id=7&q=a%20b#p2", ["utm_source"])
    assert tracking_free("https://a.org/x/?autoplay=1&TB_iframe=true&width=900&height=500") == (
        "https://a.org/x/?autoplay=1", ["TB_iframe", "width", "height"])
    assert tracking_free("https://a.org/img?width=900") == ("https://a.org/img?width=900", [])  # no thickbox: a real size
    assert url_key("http://WWW.A.org/x/#top") == url_key("https://a.org/x?fbclid=1") == "a.org/x"


def test_a_pair_marked_distinct_is_not_reported(tmp_path):
    package = build_package(tmp_path, "duplicate-actor")
    assert ("tables/actors.csv", 11, "actor_id", "duplicate-actor") in findings(package)
    (package / "tables" / "not_duplicates.csv").write_text(
        "table_name,id,other_id,reason\nactors,mahmud-mirdawi,mahmoud-mirdawi,Two officials of one name.\n", encoding="utf-8")
    assert not [f for f in findings(package) if f[3] in ("duplicate-actor", "stale-not-duplicate")]


def test_merge_repoints_every_reference_and_records_the_redirect(tmp_path):
    package = build_package(tmp_path)
    tables = package / "tables"
    with open(tables / "sources.csv", "a", encoding="utf-8") as fh:
        fh.write("wsj-2023-10-08-plot-story,Iran Helped Plot Attack on Israel Over Several Weeks,The Wall Street Journal,"
                 "Summer Said,2023-10-08,news_report,en,,,,B,,\n")
    with open(tables / "claim_sources.csv", "a", encoding="utf-8") as fh:
        fh.write("hamas-sources-2023-irgc-approved-attack,wsj-2023-10-08-plot-story,para 2,2\n")  # same claim: a link that collides
    result = run_cli("merge", "sources", "wsj-2023-10-08-plot-story", "wsj-2023-10-08-iran-helped-plot",
                     "--reason", "One WSJ story entered twice.", "--package", str(package))
    assert result.exit_code == 0, result.output
    assert "claim_sources.source_id: 1 reference(s) re-pointed" in result.output
    assert "claim_sources: 1 row(s) dropped as now identical to one of wsj-2023-10-08-iran-helped-plot" in result.output
    assert "wsj-2023-10-08-iran-helped-plot: filled from wsj-2023-10-08-plot-story: author" in result.output
    sources = {r["source_id"]: r for r in read(tables / "sources.csv")}
    assert "wsj-2023-10-08-plot-story" not in sources and sources["wsj-2023-10-08-iran-helped-plot"]["author"] == "Summer Said"
    assert read(tables / "redirects.csv") == [{"old_id": "wsj-2023-10-08-plot-story", "new_id": "wsj-2023-10-08-iran-helped-plot",
                                               "table_name": "sources", "reason": "One WSJ story entered twice.", "version": "0.1.0"}]
    assert run_cli("validate", str(package)).exit_code == 0
    assert run_cli("fmt", "--check", str(package)).exit_code == 0  # written in canonical form


def test_merge_refuses_unknown_ids_and_changes_nothing(tmp_path):
    package = build_package(tmp_path)
    before = {p.name: p.read_bytes() for p in (package / "tables").iterdir()}
    result = run_cli("merge", "actors", "no-such-actor", "iran", "--reason", "x", "--package", str(package))
    assert result.exit_code == 1
    assert 'error: no actor_id "no-such-actor" in actors' in result.output
    assert {p.name: p.read_bytes() for p in (package / "tables").iterdir()} == before
