"""This dataset's rules on sources: every source cited, reposts after their originals."""

from __future__ import annotations

from typing import Iterable

from ihr.checks.semantic import RuleContext, _finding, rule
from ihr.findings import Finding
from ihr.sql import quote_ident


@rule("derived-before-original", "warning", "sources", fix="check the repost's date and the original it names")
def reposts_follow_originals(ctx: RuleContext) -> Iterable[Finding]:
    """A report cannot repeat an original that was not yet published: a repost dated wholly before the
    source it derives from names the wrong original or carries a wrong date. A warning, since a day's
    difference across time zones can be honest."""
    if not ctx.has("sources"):
        return
    rows = ctx.con.execute(
        """SELECT d.__line, d.published_date, o.source_id, o.published_date FROM raw.sources d
           JOIN raw.sources o ON o.source_id = d.derived_from_id
           WHERE pd_before(d.published_date, o.published_date) ORDER BY d.__line""").fetchall()
    for line, published, original, original_published in rows:
        yield _finding(ctx, "sources", line, "published_date", "derived-before-original", "warning",
                       f'"{published}" is before {original} ({original_published}), the source it derives from', published)


@rule("unused-source", "warning", "sources", "claim_sources", "event_sources", after_keys=True,
      fix="cite the source from a claim or event, or remove it", unreferenced=lambda package: {("claim_sources", "source_id")})
def sources_are_cited(ctx: RuleContext) -> Iterable[Finding]:
    """A source nothing cites is clutter or a forgotten link. Any foreign key to sources.source_id
    counts as citing it (claims, events, affiliations, exchange rates...), and originals of cited
    reposts count as cited."""
    if not ctx.has("sources", "claim_sources", "event_sources"):
        return
    citing = [(t.name, fk.fields[0]) for t in ctx.package.tables.values() for fk in t.foreign_keys
              if fk.resource == "sources" and fk.reference_fields == ("source_id",) and len(fk.fields) == 1
              and t.name not in ("sources", "claim_sources") and ctx.has(t.name)]
    kept = ctx.unreferenced.get(("claim_sources", "source_id"))
    if kept is not None:
        # Sources no claim cites (left by the foreign-key check's join: few rows), minus those
        # another table cites or a repost names; left joins build their hash tables on those few rows.
        joins = "".join(f" LEFT JOIN raw.{quote_ident(t)} c{i} ON c{i}.{quote_ident(c)} = u.v" for i, (t, c) in enumerate(citing))
        unmatched = "".join(f" AND c{i}.{quote_ident(c)} IS NULL" for i, (t, c) in enumerate(citing))
        rows = ctx.con.execute(
            f"""SELECT DISTINCT u.__line, u.v FROM {kept} u {joins}
                LEFT JOIN raw.sources d ON d.derived_from_id = u.v
                WHERE d.derived_from_id IS NULL {unmatched} ORDER BY u.__line""").fetchall()
    else:
        not_cited = "".join(f" AND s.source_id NOT IN (SELECT {quote_ident(c)} FROM raw.{quote_ident(t)} WHERE {quote_ident(c)} IS NOT NULL)"
                            for t, c in citing + [("claim_sources", "source_id")])
        rows = ctx.con.execute(
            f"""SELECT s.__line, s.source_id FROM raw.sources s
               WHERE s.source_id IS NOT NULL {not_cited}
                 AND s.source_id NOT IN (SELECT derived_from_id FROM raw.sources WHERE derived_from_id IS NOT NULL)
               ORDER BY s.__line""").fetchall()
    for line, value in rows:
        yield _finding(ctx, "sources", line, "source_id", "unused-source", "warning", f'"{value}" is not cited by any claim or event', value)
