"""`ihr site` writes a page per row, honest timelines and no reference to another origin (no browser
needed here; tests/test_site_browser.py drives Chromium)."""

from __future__ import annotations

import csv
import json
import re

import pytest

from conftest import fixture_package, run_cli

pytest.importorskip("jinja2")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    package = tmp_path_factory.mktemp("site") / "pkg"
    fixture_package(package, "views")
    result = run_cli("site", str(package), "--no-sql")
    assert result.exit_code == 0, result.output
    return package, package / "build" / "site"


def _ids(package, table, key):
    with open(package / "tables" / f"{table}.csv", newline="", encoding="utf-8") as fh:
        return [row[key] for row in csv.DictReader(fh)]


def test_every_row_has_its_page(site):
    package, out = site
    for folder, table, key in (("actors", "actors", "actor_id"), ("events", "events", "event_id"), ("claims", "claims", "claim_id"),
                               ("sources", "sources", "source_id"), ("questions", "propositions", "proposition_id")):
        for row_id in _ids(package, table, key):
            page = (out / folder / f"{row_id}.html").read_text(encoding="utf-8")
            assert "0.1.0" in page and "Cite as:" in page  # version and citation on every page


def test_a_claim_page_lists_exactly_its_sources(site):
    package, out = site
    with open(package / "tables" / "claim_sources.csv", newline="", encoding="utf-8") as fh:
        expected = sorted(r["source_id"] for r in csv.DictReader(fh) if r["claim_id"] == "c-israel-affirms")
    page = (out / "claims" / "c-israel-affirms.html").read_text(encoding="utf-8")
    listed = re.findall(r'<li data-source-id="([^"]+)"', page)
    assert sorted(listed) == expected and len(expected) == 3
    assert "2 independent origin" not in page and "1 independent origin" in page  # two reposts of one original


def test_the_timeline_draws_every_event_at_its_precision(site):
    package, out = site
    page = (out / "timeline.html").read_text(encoding="utf-8")
    marks = re.findall(r'<rect class="event precision-(\w+)" x="([\d.]+)" y="\d+" width="([\d.]+)"[^>]*data-event-id="([^"]+)"', page)
    assert sorted(m[3] for m in marks) == sorted(_ids(package, "events", "event_id"))
    width = {m[3]: float(m[2]) for m in marks}
    # e-year (1987), e-month (1987-12) and e-day (1987-12-14): a year is drawn wider than a month, a month wider than a day.
    assert width["e-year"] > width["e-month"] > width["e-day"]


def test_retired_ids_still_resolve(site):
    package, out = site
    with open(package / "tables" / "redirects.csv", newline="", encoding="utf-8") as fh:
        redirects = list(csv.DictReader(fh))
    for r in redirects:
        folder = {"actors": "actors", "sources": "sources", "events": "events", "claims": "claims"}.get(r["table_name"])
        if folder:
            page = (out / folder / f"{r['old_id']}.html").read_text(encoding="utf-8")
            assert f'url={r["new_id"]}.html' in page


def test_no_page_loads_anything_from_another_origin(site):
    _, out = site
    for path in out.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        # Links to original sources are fine; nothing the browser fetches by itself may leave the site.
        assert not re.search(r'<(script|link|img|iframe)[^>]+(src|href)="(https?:)?//', text), path


def test_search_index_and_funding_csv(site):
    _, out = site
    index = json.loads((out / "search-index.json").read_text(encoding="utf-8"))
    assert any(e["url"] == "actors/analyst-a.html" for e in index)
    rows = list(csv.DictReader((out / "data" / "funding_estimates.csv").open(encoding="utf-8")))
    assert {r["claim_id"] for r in rows} >= {"c-israel-affirms", "c-range", "c-gbp-pledge"}


def test_site_without_node_packages_is_refused_with_a_hint(tmp_path):
    package = tmp_path / "pkg"
    fixture_package(package, "views")
    result = run_cli("site", str(package))
    assert result.exit_code == 2
    assert "npm ci --prefix site" in result.output
