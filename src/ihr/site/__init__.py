"""`ihr site`: the explorer, a static site generated from the built database.

Every row gets a pre-rendered page (readable with JavaScript off, indexable), retired ids keep
resolving through redirect pages, and four pages look across rows: the timeline, the network, the
funding chart and the SQL console (DuckDB-WASM over the site's own copy of the database). Nothing on
any page is fetched from another origin. The JavaScript of the console is bundled from the npm
packages pinned in site/package-lock.json (`site/build.mjs`); the rest of the site is plain files.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ihr.site.data import SiteData, date_label, events_in_date_order, load_site_data
from ihr.site.svg import network_svg, timeline_svg

HERE = Path(__file__).parent
SITE_DATABASE = "iran-hamas-relations.duckdb.gz"
EXAMPLES = [
    ("Claims per stance", "SELECT stance, count(*) AS n FROM claims GROUP BY stance ORDER BY n DESC, stance"),
    ("Who affirms and who denies each contested question",
     "SELECT proposition_id, n_affirming, n_denying, n_no_evidence, denying_claimants FROM contested_claims ORDER BY n_claims DESC, proposition_id"),
    ("Iran's funding of Hamas per year",
     "SELECT year, claimant, amount_qualifier, amount_basis, usd_per_year_low, usd_per_year_best, usd_per_year_high FROM funding_by_year "
     "WHERE funder_group_id = 'iran' AND recipient_group_id = 'hamas' AND stance = 'affirms' ORDER BY year, claimant"),
    ("Visits of Hamas leaders to Tehran",
     "SELECT DISTINCT e.date_start_text, e.title FROM events e JOIN event_memberships m USING (event_id) "
     "WHERE e.event_type = 'visit' AND e.location LIKE '%Tehran%' AND m.organization_id = 'hamas' ORDER BY 1"),
    ("Dataset version and citation", "SELECT dataset_version, git_commit, citation FROM metadata"),
]


class SiteRefused(Exception):
    """The site cannot be built as asked (the console's JavaScript is not installed)."""


@dataclass
class SiteResult:
    out_dir: Path
    pages: dict[str, int] = field(default_factory=dict)  # kind -> pages written
    seconds: float = 0.0
    with_sql: bool = True


def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def _amount_text(c: dict) -> str:
    if c["amount"] is None and c["amount_low"] is None:
        return ""
    number = lambda v: f"{v:,.0f}"
    figure = (f"{number(c['amount_low'])} to {number(c['amount_high'])}" if c["amount_qualifier"] == "range"
              else number(c["amount"]))
    qualifier = {"about": "about ", "up_to": "up to ", "at_least": "at least ", "exact": "", "range": ""}[c["amount_qualifier"]]
    period = {"per_year": " a year", "per_month": " a month", "total": " in total"}[c["amount_period"]]
    return f"{qualifier}{c['currency']} {figure}{period}"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _search_index(data: SiteData) -> list[dict]:
    entries = []
    for a in data.actors.values():
        entries.append({"kind": "actor", "label": a["name"], "url": f"actors/{a['actor_id']}.html",
                        "text": " ".join(filter(None, [a["name"], a["aliases"], a["actor_id"]])).lower()})
    for e in data.events.values():
        entries.append({"kind": f"event, {e['date_start_text']}", "label": e["title"], "url": f"events/{e['event_id']}.html",
                        "text": (e["title"] + " " + e["event_id"]).lower()})
    for s in data.sources.values():
        entries.append({"kind": f"source, {s['publisher'] or ''}", "label": s["title"], "url": f"sources/{s['source_id']}.html",
                        "text": " ".join(filter(None, [s["title"], s["publisher"], s["source_id"]])).lower()})
    for c in data.claims.values():
        entries.append({"kind": f"claim by {c['claimant']}", "label": c["summary"], "url": f"claims/{c['claim_id']}.html",
                        "text": (c["summary"] + " " + c["claim_id"]).lower()})
    for q in data.questions.values():
        entries.append({"kind": "contested question", "label": q["statement"], "url": f"questions/{q['proposition_id']}.html",
                        "text": q["statement"].lower()})
    return entries


def _site_database(database: Path, target: Path) -> None:
    """A copy of the database at a storage version DuckDB-WASM reads (v1.4.0, 16 KiB blocks), gzipped."""
    import duckdb

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "site.duckdb"
        con = duckdb.connect()
        try:
            con.execute("ATTACH ? AS src (READ_ONLY)", [str(database)])
            con.execute(f"ATTACH '{copy}' AS dst (STORAGE_VERSION 'v1.4.0', BLOCK_SIZE 16384)")
            con.execute("COPY FROM DATABASE src TO dst")
            con.execute("DETACH dst")
        finally:
            con.close()
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(copy, "rb") as fh, gzip.GzipFile(target, "wb", compresslevel=9, mtime=0) as gz:
            shutil.copyfileobj(fh, gz)


def _bundle_console(repo: Path, out: Path) -> None:
    script = repo / "site" / "build.mjs"
    if not (repo / "site" / "node_modules" / "@duckdb" / "duckdb-wasm").is_dir():
        raise SiteRefused("the SQL console's packages are not installed: run `npm ci --prefix site` (or `make site`), "
                          "or build without the console with --no-sql")
    done = subprocess.run(["node", str(script), str(out)], capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise SiteRefused(f"bundling the SQL console failed: {(done.stderr or done.stdout).strip().splitlines()[-1:]}")


def build_site(root: str | Path = ".", out_dir: str | Path | None = None, with_sql: bool = True) -> SiteResult:
    """Write the whole site into out_dir (default build/site), replacing what was there only once
    the new site is complete."""
    from ihr.charts import funding_marks
    from ihr.query import connect, ensure_database

    started = time.perf_counter()
    root = Path(root)
    out = Path(out_dir) if out_dir is not None else root / "build" / "site"
    database = ensure_database(root)
    con = connect(root)
    try:
        data = load_site_data(con)
        marks = funding_marks(con)
    finally:
        con.close()
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=out.parent if out.parent.exists() else None))
    try:
        result = _render(data, marks, staging)
        if with_sql:
            _bundle_console(root, staging)
            _site_database(database, staging / "data" / SITE_DATABASE)
        result.with_sql = with_sql
        if out.exists():
            shutil.rmtree(out)
        staging.replace(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result.out_dir = out
    result.seconds = time.perf_counter() - started
    return result


def _render(data: SiteData, marks, out: Path) -> SiteResult:
    from ihr.charts import funding_spec, render_svg

    env = _environment()
    result = SiteResult(out)
    meta = data.meta
    common = {"meta": meta, "actors": data.actors, "events": data.events, "claims": data.claims,
              "sources": data.sources, "questions": data.questions}

    def page(rel: str, template: str, title: str, **context) -> None:
        depth = rel.count("/")
        _write(out / rel, env.get_template(template).render(root="../" * depth, title=title, **common, **context))
        kind = rel.split("/")[0] if depth else rel.removesuffix(".html")
        result.pages[kind] = result.pages.get(kind, 0) + 1

    for name in ("site.css", "site.js"):
        (out / "assets").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(HERE / "static" / name, out / "assets" / name)
    counts = [("actors", len(data.actors), "actors/index.html"), ("events", len(data.events), "timeline.html"),
              ("claims", len(data.claims), "claims/index.html"), ("sources", len(data.sources), "sources/index.html"),
              ("contested questions", len(data.questions), "questions/index.html")]
    page("index.html", "index.html", "Iran–Hamas relations: the record, claim by claim", counts=counts,
         description="A versioned, source-attributed dataset of the relationship between Iran and Hamas and the network "
                     "around it, 1979–2025. Contested statements are claims with a claimant, a stance, a date and sources.")
    for a in data.actors.values():
        page(f"actors/{a['actor_id']}.html", "actor.html", a["name"], a=a)
    for e in data.events.values():
        page(f"events/{e['event_id']}.html", "event.html", e["title"], e=e,
             date_start=date_label(e["date_start_text"], e["date_start_precision"]),
             date_end=date_label(e["date_end_text"], e["date_end_precision"]))
    for c in data.claims.values():
        page(f"claims/{c['claim_id']}.html", "claim.html", f"{c['claimant']}: {c['stance'].replace('_', ' ')}", c=c,
             claimed=date_label(c["claimed_date_text"], c["claimed_date_precision"]), amount=_amount_text(c))
    for s in data.sources.values():
        page(f"sources/{s['source_id']}.html", "source.html", s["title"], s=s)
    for q in data.questions.values():
        page(f"questions/{q['proposition_id']}.html", "question.html", q["statement"], q=q)
    link = lambda href, text: _link(href, text)
    page("actors/index.html", "list.html", "Actors", intro="States, agencies, armed groups, outlets and people.",
         headers=["Actor", "Type", "Part of"], rows=[[link(f"{a['actor_id']}.html", a["name"]), a["actor_type"].replace("_", " "),
                                                    a["parent_id"] or ""] for a in sorted(data.actors.values(), key=lambda a: a["name"].lower())])
    page("claims/index.html", "list.html", "Claims", intro="Every claim, by date.",
         headers=["Claimed", "Claimant", "Stance", "Claim"],
         rows=[[c["claimed_date_text"] or "undated", c["claimant"], c["stance"].replace("_", " "), link(f"{c['claim_id']}.html", c["summary"])]
               for c in data.claims.values()])
    page("sources/index.html", "list.html", "Sources", intro="Every source, with its reliability grade (A best, F worst).",
         headers=["Source", "Publisher", "Published", "Reliability"],
         rows=[[link(f"{s['source_id']}.html", s["title"]), s["publisher"] or "", s["published_date_text"] or "", s["reliability"]]
               for s in data.sources.values()])
    page("questions/index.html", "list.html", "Contested questions",
         intro="Each question with how many claims affirm it, deny it, or say there is no evidence.",
         headers=["Question", "Affirm", "Deny", "No evidence", "Neither"],
         rows=[[link(f"{q['proposition_id']}.html", q["statement"]), q["n_affirming"], q["n_denying"], q["n_no_evidence"], q["n_neither"]]
               for q in data.questions.values()])
    events = events_in_date_order(data)
    for e in events:
        e["label"] = date_label(e["date_start_text"], e["date_start_precision"])
    names = {k: v["name"] for k, v in data.actors.items()}
    involved = sorted({a["actor_id"] for e in events for a in e["actors"] or []}, key=lambda i: names[i].lower())
    page("timeline.html", "timeline.html", "Timeline, 1979–2025", timeline_events=events, svg=timeline_svg(events),
         actor_options=[(i, names[i]) for i in involved], type_options=sorted({e["event_type"] for e in events}))
    page("network.html", "network.html", "Network", svg=network_svg(data.edges, names), edges=data.edges,
         n_edges=len([e for e in data.edges if e["source_actor_id"] != e["target_actor_id"]]), names=names)
    rows = []
    for f in data.funding:
        usd = [f["usd_per_year_low"], f["usd_per_year"], f["usd_per_year_high"]]
        rows.append({**f, "figure": _amount_text(f),
                     "usd": "–".join("" if v is None else f"{v / 1e6:,.1f}" for v in usd) if any(v is not None for v in usd) else ""})
    page("funding.html", "funding.html", "Funding: who estimates how much", funding=rows,
         svg=render_svg(funding_spec(marks, f"Iran's funding of Hamas: estimates by claimant (dataset {data.meta['dataset_version']})")))
    _write(out / "data" / "funding_estimates.csv", _csv(data.funding))
    page("sql.html", "sql.html", "SQL console", examples=EXAMPLES)
    page("search.html", "search.html", "Search")
    _write(out / "search-index.json", json.dumps(_search_index(data), ensure_ascii=False, separators=(",", ":")))
    for r in data.redirects:
        folder = {"actors": "actors", "sources": "sources", "events": "events", "claims": "claims", "propositions": "questions"}.get(r["table_name"])
        if folder is None:
            continue
        _write(out / folder / f"{r['old_id']}.html", env.get_template("redirect.html").render(
            target=f"{r['new_id']}.html", old_id=r["old_id"], new_id=r["new_id"], reason=r["reason"]))
        result.pages["redirects"] = result.pages.get("redirects", 0) + 1
    _write(out / ".nojekyll", "")
    return result


def _link(href: str, text: str):
    from markupsafe import Markup, escape

    return Markup(f'<a href="{escape(href)}">{escape(text)}</a>')


def _csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return buffer.getvalue()
