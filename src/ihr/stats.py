"""`ihr stats`: the counts anyone can check a release against (per table, per type, denials, URL
share, sources per claim), and the release targets they are measured against."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Source types that are the actor's own record rather than a report about it.
PRIMARY_SOURCE_TYPES = ("official_statement", "government_report", "speech", "court_record", "legislation")


@dataclass
class DatasetStats:
    rows: dict[str, int] = field(default_factory=dict)
    breakdowns: dict[str, dict[str, int]] = field(default_factory=dict)
    measures: dict[str, float] = field(default_factory=dict)
    # Minimums for a release (`ihr:targets` in datapackage.json; `ihr stats --check` fails below them),
    # and coverage the dataset aims at (`ihr:goals`: shown beside them, not enforced).
    targets: dict[str, float] = field(default_factory=dict)
    goals: dict[str, float] = field(default_factory=dict)

    def target_results(self, targets: dict[str, float] | None = None) -> list[tuple[str, float, float, bool]]:
        values = {**self.rows, **self.measures}
        return [(name, values.get(name, 0), minimum, values.get(name, 0) >= minimum)
                for name, minimum in (self.targets if targets is None else targets).items()]

    @property
    def targets_met(self) -> bool:
        return all(ok for *_, ok in self.target_results())

    def to_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "breakdowns": self.breakdowns, "measures": self.measures,
                "targets": [{"name": n, "value": v, "minimum": m, "met": ok} for n, v, m, ok in self.target_results()],
                "goals": [{"name": n, "value": v, "minimum": m, "met": ok} for n, v, m, ok in self.target_results(self.goals)]}


BREAKDOWNS = {
    "actors by actor_type": "SELECT actor_type, count(*) FROM raw.actors GROUP BY 1",
    "events by event_type": "SELECT event_type, count(*) FROM raw.events GROUP BY 1",
    "claims by predicate": "SELECT predicate, count(*) FROM raw.claims GROUP BY 1",
    "claims by stance": "SELECT stance, count(*) FROM raw.claims GROUP BY 1",
    "claims by attribution": "SELECT attribution, count(*) FROM raw.claims GROUP BY 1",
    "sources by source_type": "SELECT source_type, count(*) FROM raw.sources GROUP BY 1",
    "sources by reliability": "SELECT reliability, count(*) FROM raw.sources GROUP BY 1",
    "claim_sources by credibility": "SELECT credibility, count(*) FROM raw.claim_sources GROUP BY 1",
}

MEASURES = {
    "denials": "SELECT count(*) FROM raw.claims WHERE stance = 'denies'",
    "source_url_share": "SELECT round(avg((url IS NOT NULL)::INTEGER), 3) FROM raw.sources",
    "derived_sources": "SELECT count(*) FROM raw.sources WHERE derived_from_id IS NOT NULL",
    "sources_per_claim_mean": "SELECT round(avg(n), 2) FROM (SELECT c.claim_id, count(cs.source_id) AS n FROM raw.claims c "
                              "LEFT JOIN raw.claim_sources cs USING (claim_id) GROUP BY 1)",
    "sources_per_claim_min": "SELECT min(n) FROM (SELECT c.claim_id, count(cs.source_id) AS n FROM raw.claims c "
                             "LEFT JOIN raw.claim_sources cs USING (claim_id) GROUP BY 1)",
    "claims_with_2plus_sources": "SELECT count(*) FROM (SELECT claim_id FROM raw.claim_sources GROUP BY 1 HAVING count(*) >= 2)",
    "sources_per_event_mean": "SELECT round(avg(n), 2) FROM (SELECT e.event_id, count(es.source_id) AS n FROM raw.events e "
                              "LEFT JOIN raw.event_sources es USING (event_id) GROUP BY 1)",
    "claims_with_amount": "SELECT count(*) FROM raw.claims WHERE amount IS NOT NULL",
    "claims_with_figure": "SELECT count(*) FROM raw.claims WHERE amount IS NOT NULL OR amount_low IS NOT NULL",
    "denials_and_no_evidence": "SELECT count(*) FROM raw.claims WHERE stance IN ('denies', 'no_evidence')",
    "primary_source_share": "SELECT round(avg((source_type IN " + str(PRIMARY_SOURCE_TYPES) + ")::INTEGER), 3) FROM raw.sources",
    "sources_in_arabic_or_persian": "SELECT count(*) FROM raw.sources WHERE split_part(language, '-', 1) IN ('ar', 'fa')",
    "events_before_2000": "SELECT count(*) FROM raw.events WHERE date_start < '2000'",
    "events_with_2plus_sources": "SELECT count(*) FROM (SELECT event_id FROM raw.event_sources GROUP BY 1 HAVING count(*) >= 2)",
    "undated_claims": "SELECT count(*) FROM raw.claims WHERE claimed_date IS NULL",
}


# Collective and anonymous actors ("Unidentified Israeli officials", "Palestinian armed groups
# (collectively)", an unidentified publisher) stand for no one entity, so no Wikidata item exists
# for them; crosswalk coverage is measured against the other actors.
NAMED_ACTORS = ("SELECT actor_id FROM raw.actors WHERE NOT (name ILIKE 'unidentified %' OR name ILIKE '%(unidentified)%' "
                "OR name ILIKE '%(collectively)%')")
WIKIDATA_ACTORS = "SELECT DISTINCT actor_id FROM raw.actor_identifiers WHERE scheme = 'wikidata'"
CROSSWALK_MEASURES = {
    "actors_with_wikidata": f"SELECT count(*) FROM ({WIKIDATA_ACTORS})",
    "named_actors": f"SELECT count(*) FROM ({NAMED_ACTORS})",
    "named_actors_wikidata_share": f"SELECT round(avg((actor_id IN ({WIKIDATA_ACTORS}))::INTEGER), 3) FROM ({NAMED_ACTORS})",
}


def compute_stats(path: str | Path = ".") -> DatasetStats:
    """Count the package's rows with SQL over the raw tables (no validation, no build needed)."""
    import duckdb

    from ihr.build import load_raw_tables
    from ihr.checks.descriptor import load_package

    package, _ = load_package(path)
    con = duckdb.connect()
    load_raw_tables(con, package)
    stats = DatasetStats(targets=dict(package.extensions.get("targets") or {}), goals=dict(package.extensions.get("goals") or {}))
    for name in package.tables:
        stats.rows[name] = con.execute(f'SELECT count(*) FROM raw."{name}"').fetchall()[0][0]
    needed = {"actors", "events", "claims", "sources", "claim_sources"}
    if needed <= set(package.tables):
        for label, sql in BREAKDOWNS.items():
            stats.breakdowns[label] = {str(k): v for k, v in sorted(con.execute(sql).fetchall(), key=lambda r: (-r[1], str(r[0])))}
        for label, sql in MEASURES.items():
            value = con.execute(sql).fetchall()[0][0]
            stats.measures[label] = float(value) if value is not None else 0.0
        if "actor_identifiers" in package.tables:
            for label, sql in CROSSWALK_MEASURES.items():
                value = con.execute(sql).fetchall()[0][0]
                stats.measures[label] = float(value) if value is not None else 0.0
    con.close()
    return stats


def render_stats(stats: DatasetStats) -> str:
    out = ["rows"]
    out += [f"  {name:<22} {n:>6}" for name, n in stats.rows.items()]
    for label, counts in stats.breakdowns.items():
        out.append(label)
        out += [f"  {key:<22} {n:>6}" for key, n in counts.items()]
    out.append("measures")
    for label, value in stats.measures.items():
        shown = f"{value:.1%}" if label.endswith("share") else (f"{value:g}")
        out.append(f"  {label:<26} {shown:>8}")
    for title, targets in (("release targets", stats.targets), ("coverage goals (not enforced by --check)", stats.goals)):
        out.append(title)
        for name, value, minimum, ok in stats.target_results(targets):
            shown = f"{value:.1%} (min {minimum:.0%})" if name.endswith("share") else f"{value:g} (min {minimum:g})"
            out.append(f"  {'ok  ' if ok else 'LOW '}{name:<28} {shown}")
    return "\n".join(out)
