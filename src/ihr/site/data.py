"""Everything the explorer shows, read once from the built database through the views.

The pages never query anything the views do not give: a claim page lists `claim_evidence.sources`,
a question page `proposition_claims`, the funding page `funding_estimates`. One dict per row, keyed
by id, so templates stay free of SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


def _rows(con, sql: str, params: list | None = None) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


@dataclass
class SiteData:
    meta: dict[str, Any]
    actors: dict[str, dict] = field(default_factory=dict)
    events: dict[str, dict] = field(default_factory=dict)
    claims: dict[str, dict] = field(default_factory=dict)
    sources: dict[str, dict] = field(default_factory=dict)
    questions: dict[str, dict] = field(default_factory=dict)
    redirects: list[dict] = field(default_factory=list)
    funding: list[dict] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)


def load_site_data(con) -> SiteData:
    meta = _rows(con, "SELECT * FROM metadata")[0]
    data = SiteData(meta=meta)
    for a in _rows(con, "SELECT * FROM actors ORDER BY actor_id"):
        a.update(affiliations=[], events=[], claims_by=[], claims_about=[], members=[], identifiers=[])
        data.actors[a["actor_id"]] = a
    if con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'actor_identifiers'").fetchone()[0]:
        for i in _rows(con, "SELECT * FROM actor_identifiers ORDER BY actor_id, scheme"):
            data.actors[i["actor_id"]]["identifiers"].append(i)
    for f in _rows(con, """SELECT f.*, o.name AS organization FROM affiliations f JOIN actors o ON o.actor_id = f.organization_id
                           ORDER BY f.actor_id, f.valid_from NULLS FIRST, f.affiliation_id"""):
        data.actors[f["actor_id"]]["affiliations"].append(f)
        data.actors[f["organization_id"]]["members"].append(f)
    for e in _rows(con, "SELECT * FROM event_timeline"):
        e.update(sources=[], claims=[])
        data.events[e["event_id"]] = e
        for role in e["actors"] or []:
            data.actors[role["actor_id"]]["events"].append({"event_id": e["event_id"], "role": role["role"]})
    for r in _rows(con, "SELECT event_id, notes FROM events"):
        data.events[r["event_id"]]["notes"] = r["notes"]
    for s in _rows(con, """SELECT s.*, o.origin_id, o.hops FROM sources s JOIN source_origins o USING (source_id) ORDER BY s.source_id"""):
        s.update(claims=[], events=[], affiliations=[], reposts=[])
        data.sources[s["source_id"]] = s
    for s in data.sources.values():
        if s["derived_from_id"]:
            data.sources[s["derived_from_id"]]["reposts"].append(s["source_id"])
    for es in _rows(con, "SELECT event_id, source_id FROM event_sources ORDER BY event_id, source_id"):
        data.events[es["event_id"]]["sources"].append(es["source_id"])
        data.sources[es["source_id"]]["events"].append(es["event_id"])
    for af in _rows(con, "SELECT affiliation_id, source_id FROM affiliation_sources ORDER BY 1, 2"):
        data.sources[af["source_id"]]["affiliations"].append(af["affiliation_id"])
    for c in _rows(con, "SELECT * FROM claim_evidence ORDER BY claimed_date NULLS LAST, claim_id"):
        c["relations"] = []
        data.claims[c["claim_id"]] = c
        data.actors[c["claimant_id"]]["claims_by"].append(c["claim_id"])
        for about in {c["subject_id"], c["object_id"]} - {None}:
            data.actors[about]["claims_about"].append(c["claim_id"])
        if c["event_id"]:
            data.events[c["event_id"]]["claims"].append(c["claim_id"])
        for s in c["sources"] or []:
            data.sources[s["source_id"]]["claims"].append(c["claim_id"])
    for r in _rows(con, "SELECT * FROM claim_relations ORDER BY claim_id, related_claim_id"):
        data.claims[r["claim_id"]]["relations"].append({"relation": r["relation"], "other": r["related_claim_id"], "notes": r["notes"], "direction": "to"})
        data.claims[r["related_claim_id"]]["relations"].append({"relation": r["relation"], "other": r["claim_id"], "notes": r["notes"], "direction": "from"})
    for q in _rows(con, "SELECT * FROM contested_claims ORDER BY proposition_id"):
        q["claims"] = _rows(con, "SELECT * FROM proposition_claims WHERE proposition_id = ? ORDER BY claimed_date NULLS LAST, claim_id",
                            [q["proposition_id"]])
        data.questions[q["proposition_id"]] = q
    data.redirects = _rows(con, "SELECT * FROM redirects ORDER BY table_name, old_id")
    data.funding = _rows(con, "SELECT * FROM funding_estimates")
    # Edges: affirmed claims (actor_network) and the attacks events record (perpetrator -> target).
    data.edges = _rows(con, """
        SELECT source_actor_id, target_actor_id, predicate, n_affirming, first_year, last_year, 'claims' AS basis
        FROM actor_network WHERE n_affirming > 0
        UNION ALL
        SELECT p.actor_id, t.actor_id, 'attacks', count(DISTINCT e.event_id), min(year(e.date_start)), max(year(e.date_start)), 'events'
        FROM events e JOIN event_actors p ON p.event_id = e.event_id AND p.role = 'perpetrator'
        JOIN event_actors t ON t.event_id = e.event_id AND t.role = 'target'
        WHERE p.actor_id <> t.actor_id GROUP BY p.actor_id, t.actor_id
        ORDER BY 1, 2, 3, 7""")
    return data


def events_in_date_order(data: SiteData) -> list[dict]:
    """Events by start date (undated last), ties by id: the order of the timeline and its picture."""
    return sorted(data.events.values(), key=lambda e: (e["date_start"] is None, e["date_start"], e["event_id"]))


def date_label(text: str | None, precision: str | None) -> str:
    """A partial date as people read it, never more precise than it is (1987, Dec 1987, 14 Dec 1987)."""
    if not text:
        return "undated"
    if precision == "year":
        return text
    try:
        if precision == "month":
            return dt.date.fromisoformat(text + "-01").strftime("%b %Y")
        return dt.date.fromisoformat(text).strftime("%-d %b %Y")
    except ValueError:
        return text
