"""The explorer in a real browser: Debian's Chromium, driven by Playwright, over the site served from
127.0.0.1. The real data is built into a site once for the module; every test also checks that no
request left 127.0.0.1 and that the page logged no error. Screenshots go to build/test-artifacts/.

Skipped where Chromium or the console's npm packages are missing, unless IHR_REQUIRE_BROWSER=1
(.ci/run sets it, after installing both), which turns the skip into a failure.
"""

from __future__ import annotations

import csv
import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT

pytestmark = pytest.mark.xdist_group("browser")
CHROMIUM = os.environ.get("IHR_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "build" / "test-artifacts"


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)"
    if not (ROOT / "site" / "node_modules" / "@duckdb" / "duckdb-wasm").is_dir():
        return "the SQL console's npm packages are not installed (npm ci --prefix site)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    reason = _missing()
    if reason:
        if os.environ.get("IHR_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests required but cannot run: {reason}")
        pytest.skip(reason)
    from ihr.site import build_site

    package = tmp_path_factory.mktemp("explorer") / "pkg"
    shutil.copytree(ROOT, package, ignore=shutil.ignore_patterns(".git", ".venv*", "build", "dist", "__pycache__", "tests", "node_modules"))
    shutil.copytree(ROOT / "site" / "node_modules", package / "site" / "node_modules", symlinks=True)
    site = build_site(package, package / "build" / "site").out_dir
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield package, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm", ".js": "text/javascript"}

    def log_message(self, *args):  # the test output is not the place for an access log
        pass


@pytest.fixture(scope="module")
def browser(served):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, served):
    _, base = served
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    outside, errors = [], []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((base, "blob:", "data:")) else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    page.close()
    assert outside == [], f"requests left 127.0.0.1: {outside}"
    assert errors == [], f"console errors: {errors}"


def _rows(package: Path, table: str) -> list[dict]:
    with open(package / "tables" / f"{table}.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def test_every_page_type_renders_its_row(page, served):
    package, base = served
    checks = {"actors/iran.html": "Iran", "events/2023-10-07-hamas-attack-on-southern-israel.html": "Hamas-led assault",
              "sources/wsj-2023-10-08-iran-helped-plot-attack.html": "Iran Helped Plot Attack",
              "questions/iran-had-foreknowledge-of-oct7.html": "Iran knew in advance",
              "claims/hamas-2023-irgc-helped-plan-oct7.html": "Hamas"}
    for path, text in checks.items():
        page.goto(f"{base}/{path}")
        assert text in page.inner_text("h1"), path
        assert "Cite as:" in page.inner_text("footer")
    page.goto(f"{base}/index.html")
    assert page.inner_text(".counts").count("claims") == 1


def test_a_claim_page_lists_exactly_its_sources(page, served):
    package, base = served
    links = _rows(package, "claim_sources")
    counts: dict[str, list[str]] = {}
    for r in links:
        counts.setdefault(r["claim_id"], []).append(r["source_id"])
    claim_id = max(sorted(counts), key=lambda c: len(counts[c]))
    page.goto(f"{base}/claims/{claim_id}.html")
    listed = page.eval_on_selector_all("#claim-sources li", "els => els.map(e => e.dataset.sourceId)")
    assert sorted(listed) == sorted(counts[claim_id])
    _shot(page, "claim")


def test_the_timeline_draws_every_event_and_filters_them(page, served):
    package, base = served
    events = _rows(package, "events")
    page.goto(f"{base}/timeline.html")
    assert page.locator("svg.timeline rect.event").count() == len(events)
    visits = sum(1 for e in events if e["event_type"] == "visit")
    page.select_option("#timeline-filters select[name=type]", "visit")
    assert page.locator("svg.timeline rect.event:not(.hidden)").count() == visits
    assert page.inner_text("#timeline-count") == f"{visits} events"
    page.select_option("#timeline-filters select[name=type]", "")
    _shot(page, "timeline")


def test_the_network_filters_by_year(page, served):
    _, base = served
    page.goto(f"{base}/network.html")
    total = page.locator("svg.network line.edge").count()
    assert total > 10
    page.fill("#network-filters input[name=year]", "2012")
    assert 0 < page.locator("svg.network line.edge:not(.hidden)").count() < total


def test_sql_console_answers_like_duckdb_in_python(page, served):
    package, base = served
    page.goto(f"{base}/sql.html")
    page.wait_for_selector("body[data-sql-ready=true]", timeout=90_000)
    page.click("#sql-run")  # the default query: SELECT count(*) AS claims FROM claims
    page.wait_for_function("document.querySelector('#sql-status').textContent.endsWith('1 row')")
    assert page.inner_text("#sql-result tbody td") == str(len(_rows(package, "claims")))
    sql = ("SELECT proposition_id, n_affirming, n_denying, n_no_evidence FROM contested_claims "
           "ORDER BY proposition_id")
    page.fill("#sql-input", sql)
    page.click("#sql-run")
    page.wait_for_function("document.querySelector('#sql-status').textContent.startsWith('24 rows') || "
                           "document.querySelector('#sql-status').textContent.includes('rows')")
    shown = page.eval_on_selector_all("#sql-result tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))")
    con = duckdb.connect(str(package / "build" / "iran-hamas-relations.duckdb"), read_only=True)
    expected = [[str(v) for v in row] for row in con.execute(sql).fetchall()]
    con.close()
    assert shown == expected
    assert page.get_attribute("#sql-csv", "href").startswith("blob:")
    _shot(page, "sql-console")


def test_search_finds_aliases(page, served):
    _, base = served
    page.goto(f"{base}/search.html")
    page.fill("#search-input", "harakat al-muqawama")
    page.wait_for_selector("#search-results li")
    assert "Hamas" in page.inner_text("#search-results")


def test_pages_work_with_javascript_off(browser, served):
    _, base = served
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/questions/iran-helped-plan-oct7.html")
    assert page.locator("table.list tbody tr").count() >= 10
    context.close()


def test_entity_pages_fit_a_phone_and_start_with_a_skip_link(browser, served):
    _, base = served
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    for path in ("actors/ismail-haniyeh.html", "claims/hamas-2023-irgc-helped-plan-oct7.html", "index.html"):
        page.goto(f"{base}/{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 391, path  # no sideways scrolling
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    context.close()
