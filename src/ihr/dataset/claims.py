"""This dataset's rules on claims: who said it, when, and whether they could have."""

from __future__ import annotations

from typing import Iterable

from ihr.checks.semantic import RuleContext, _finding, rule
from ihr.findings import Finding


@rule("claim-after-death", "error", "claims", "actors", fix="correct the claimant or the claim date")
def dead_people_make_no_claims(ctx: RuleContext) -> Iterable[Finding]:
    """A person cannot state anything after their death; such a claim is misattributed or misdated."""
    if not ctx.has("claims", "actors"):
        return
    rows = ctx.con.execute(
        """SELECT c.__line, c.claimed_date, a.actor_id, a.end_date FROM raw.claims c
           JOIN raw.actors a ON a.actor_id = c.claimant_id
           WHERE a.actor_type = 'person' AND pd_before(a.end_date, c.claimed_date) ORDER BY c.__line""").fetchall()
    for line, claimed, actor, died in rows:
        yield _finding(ctx, "claims", line, "claimed_date", "claim-after-death", "error",
                       f'"{claimed}" is after the death of {actor} ({died})', claimed)


@rule("claimant-not-founded", "warning", "claims", "actors", fix="check the claimant and the claim date")
def claimant_existed(ctx: RuleContext) -> Iterable[Finding]:
    """A claimant founded (or born) after the claim date is probably the wrong actor; a warning, since
    organisations sometimes speak before their formal founding date."""
    if not ctx.has("claims", "actors"):
        return
    rows = ctx.con.execute(
        """SELECT c.__line, c.claimed_date, a.actor_id, a.start_date FROM raw.claims c
           JOIN raw.actors a ON a.actor_id = c.claimant_id
           WHERE pd_before(c.claimed_date, a.start_date) ORDER BY c.__line""").fetchall()
    for line, claimed, actor, started in rows:
        yield _finding(ctx, "claims", line, "claimed_date", "claimant-not-founded", "warning",
                       f'"{claimed}" is before {actor} existed ({started})', claimed)


@rule("undated-claim", "warning", "claims", fix="add claimed_date once a source dates the claim")
def claims_are_dated(ctx: RuleContext) -> Iterable[Finding]:
    """Who said it *when* is half of a claim; an empty claimed_date is allowed only because an undated
    source must not be given an invented date, so it is flagged for someone to find the date."""
    if not ctx.has("claims"):
        return
    rows = ctx.con.execute("SELECT __line, claim_id FROM raw.claims WHERE claimed_date IS NULL ORDER BY __line").fetchall()
    for line, value in rows:
        yield _finding(ctx, "claims", line, "claimed_date", "undated-claim", "warning",
                       f'"{value}" has no claimed_date; add it once a source dates the claim', value)


@rule("self-relation", "error", "claim_relations", fix="point related_claim_id to the other claim")
def no_claim_relates_to_itself(ctx: RuleContext) -> Iterable[Finding]:
    """A claim that corrects or contradicts itself is a copy-paste slip."""
    if not ctx.has("claim_relations"):
        return
    rows = ctx.con.execute("SELECT __line, claim_id FROM raw.claim_relations WHERE claim_id = related_claim_id ORDER BY __line").fetchall()
    for line, value in rows:
        yield _finding(ctx, "claim_relations", line, "related_claim_id", "self-relation", "error", f'"{value}" relates to itself', value)
