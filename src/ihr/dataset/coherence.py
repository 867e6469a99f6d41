"""Rules that keep the dataset answering its questions whole: every person placed in an
organisation, posts inside lifetimes, and every claim on a contested question pointing to it.

Membership follows two kinds of edge: an actor's `parent_id` (the Quds Force is part of the IRGC)
and a person's posts in `affiliations` (Khamenei holds a post in Iran).
"""

from __future__ import annotations

from typing import Iterable

from ihr.checks.semantic import RuleContext, _finding, rule
from ihr.findings import Finding

# Every actor with each organisation it belongs to at some time (itself included), following
# parent_id and affiliations upwards; UNION stops on cycles, which the cycle rule reports.
MEMBERSHIP_SQL = """
WITH RECURSIVE edges(child, parent) AS (
    SELECT actor_id, parent_id FROM raw.actors WHERE actor_id IS NOT NULL AND parent_id IS NOT NULL
    {affiliation_edges}
), up(actor_id, organization_id) AS (
    SELECT actor_id, actor_id FROM raw.actors WHERE actor_id IS NOT NULL
    UNION
    SELECT up.actor_id, e.parent FROM up JOIN edges e ON e.child = up.organization_id
)
"""


def membership_cte(ctx: RuleContext) -> str:
    affiliation_edges = ("UNION SELECT actor_id, organization_id FROM raw.affiliations "
                         "WHERE actor_id IS NOT NULL AND organization_id IS NOT NULL") if ctx.has("affiliations") else ""
    return MEMBERSHIP_SQL.format(affiliation_edges=affiliation_edges)


@rule("person-without-affiliation", "error", "actors", "affiliations", fix="add a sourced affiliation for the person")
def every_person_is_placed(ctx: RuleContext) -> Iterable[Finding]:
    """A person with no recorded post cannot be counted among "Iranian officials" or "Hamas
    leaders"; every person needs at least one sourced affiliation (an outlet or institute for a
    journalist or analyst)."""
    rows = ctx.con.execute(
        """SELECT a.__line, a.actor_id FROM raw.actors a WHERE a.actor_type = 'person' AND a.actor_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM raw.affiliations f WHERE f.actor_id = a.actor_id) ORDER BY a.__line""").fetchall()
    for line, actor_id in rows:
        yield _finding(ctx, "actors", line, "actor_id", "person-without-affiliation", "error",
                       f'"{actor_id}" has no row in affiliations; add the post its claims and events rest on, with a source', actor_id)


@rule("affiliation-outside-lifetime", "error", "affiliations", "actors", fix="correct the affiliation's dates or the person's")
def posts_fit_lifetimes(ctx: RuleContext) -> Iterable[Finding]:
    """A post cannot start before its holder or its organisation existed, nor end after either
    ceased to exist (a death, a dissolution); such a row has a wrong date or a wrong actor."""
    for side, column in (("actor_id", "holder"), ("organization_id", "organisation")):
        rows = ctx.con.execute(
            f"""SELECT f.__line, f.valid_from, f.valid_to, a.actor_id, a.start_date, a.end_date,
                       pd_before(f.valid_from, a.start_date) OR pd_before(a.end_date, f.valid_from) AS bad_start
                FROM raw.affiliations f JOIN raw.actors a ON a.actor_id = f.{side}
                WHERE pd_before(f.valid_from, a.start_date) OR pd_before(a.end_date, f.valid_from)
                   OR pd_before(f.valid_to, a.start_date) OR pd_before(a.end_date, f.valid_to)
                ORDER BY f.__line""").fetchall()
        for line, start, end, actor_id, born, ended, bad_start in rows:
            value, field = (start, "valid_from") if bad_start else (end, "valid_to")
            span = f"{born or '…'} to {ended or '…'}"
            yield _finding(ctx, "affiliations", line, field, "affiliation-outside-lifetime", "error",
                           f'"{value}" falls outside the lifetime of the {column} {actor_id} ({span})', value)


@rule("affiliation-overlap", "error", "affiliations", reads={"affiliations": ("role",)}, fix="merge the two affiliation rows or correct their dates")
def posts_are_entered_once(ctx: RuleContext) -> Iterable[Finding]:
    """Two rows for one person, organisation and role over overlapping periods (or both undated)
    are one post entered twice, which doubles it in every membership count; an undated row beside a
    dated one is taken for another spell of the post."""
    rows = ctx.con.execute(
        """SELECT b.__line, b.affiliation_id, a.affiliation_id, a.__line FROM raw.affiliations a
           JOIN raw.affiliations b ON a.actor_id = b.actor_id AND a.organization_id = b.organization_id
                AND lower(a.role) = lower(b.role) AND a.__line < b.__line
           WHERE CASE WHEN coalesce(a.valid_from, a.valid_to) IS NULL OR coalesce(b.valid_from, b.valid_to) IS NULL
                      -- an undated row beside a dated one may be another spell ("attested in 2024")
                      THEN coalesce(a.valid_from, a.valid_to, b.valid_from, b.valid_to) IS NULL
                      ELSE NOT coalesce(pd_before(a.valid_to, b.valid_from), false)
                           AND NOT coalesce(pd_before(b.valid_to, a.valid_from), false) END
           ORDER BY b.__line, a.__line""").fetchall()
    seen: set[int] = set()
    for line, affiliation_id, other, other_line in rows:
        if line not in seen:
            seen.add(line)
            yield _finding(ctx, "affiliations", line, "affiliation_id", "affiliation-overlap", "error",
                           f'"{affiliation_id}" repeats the post of "{other}" (line {other_line}) over an overlapping period', affiliation_id)


@rule("claim-outside-affiliation", "warning", "claims", "actors", "affiliations", fix="check the claimant, the claim date and the affiliation's dates")
def claims_fall_within_posts(ctx: RuleContext) -> Iterable[Finding]:
    """A named or official claim by a person is attributed through the post they held when they
    made it; a dated claim outside every recorded post means a missing post or a wrong date."""
    rows = ctx.con.execute(
        """SELECT c.__line, c.claimed_date, c.claimant_id FROM raw.claims c
           JOIN raw.actors a ON a.actor_id = c.claimant_id
           WHERE a.actor_type = 'person' AND c.attribution IN ('named', 'official') AND c.claimed_date IS NOT NULL
             AND EXISTS (SELECT 1 FROM raw.affiliations f WHERE f.actor_id = c.claimant_id)
             AND NOT EXISTS (SELECT 1 FROM raw.affiliations f WHERE f.actor_id = c.claimant_id
                             AND NOT coalesce(pd_before(c.claimed_date, f.valid_from), false)
                             AND NOT coalesce(pd_before(f.valid_to, c.claimed_date), false))
           ORDER BY c.__line""").fetchall()
    for line, claimed, claimant in rows:
        yield _finding(ctx, "claims", line, "claimed_date", "claim-outside-affiliation", "warning",
                       f'{claimant} held none of its recorded posts on "{claimed}"; add the post the claim was made in, or check the date', claimed)


@rule("proposition-rollup", "error", "claims", "propositions", "actors", fix="point the claim to a proposition about its subject, or correct the subject")
def claims_fit_their_question(ctx: RuleContext) -> Iterable[Finding]:
    """A claim answers a question about its proposition's subject and object only if its own
    subject (and object, when it names one) is that actor or part of it (the IRGC is part of Iran,
    through parent_id; a person through a post); otherwise it is counted under the wrong question."""
    rows = ctx.con.execute(
        membership_cte(ctx) + """
        SELECT c.__line, c.proposition_id, 'subject_id', c.subject_id, p.subject_id FROM raw.claims c
        JOIN raw.propositions p ON p.proposition_id = c.proposition_id
        WHERE NOT EXISTS (SELECT 1 FROM up WHERE up.actor_id = c.subject_id AND up.organization_id = p.subject_id)
        UNION ALL
        SELECT c.__line, c.proposition_id, 'object_id', c.object_id, p.object_id FROM raw.claims c
        JOIN raw.propositions p ON p.proposition_id = c.proposition_id
        WHERE c.object_id IS NOT NULL AND p.object_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM up WHERE up.actor_id = c.object_id AND up.organization_id = p.object_id)
        ORDER BY 1, 3""").fetchall()
    for line, proposition, column, value, expected in rows:
        yield _finding(ctx, "claims", line, column, "proposition-rollup", "error",
                       f'"{value}" is not {expected} or part of it, so the claim does not answer "{proposition}"', value)


@rule("proposition-event", "error", "claims", "propositions", fix="give the claim its proposition's event_id")
def claims_share_their_question_event(ctx: RuleContext) -> Iterable[Finding]:
    """A claim answering a question about one event is about that event; without the event_id it
    drops out of every question asked of the event."""
    rows = ctx.con.execute(
        """SELECT c.__line, c.event_id, p.event_id, c.proposition_id FROM raw.claims c
           JOIN raw.propositions p ON p.proposition_id = c.proposition_id
           WHERE p.event_id IS NOT NULL AND c.event_id IS DISTINCT FROM p.event_id ORDER BY c.__line""").fetchall()
    for line, event, expected, proposition in rows:
        yield _finding(ctx, "claims", line, "event_id", "proposition-event", "error",
                       f'"{event or ""}" should be "{expected}", the event of "{proposition}"', event)


@rule("contested-without-proposition", "warning", "claims", "propositions", fix="point the claim to the proposition (question) it answers")
def contested_claims_name_their_question(ctx: RuleContext) -> Iterable[Finding]:
    """Claims on one subject, predicate, object and event that take different stances answer a
    contested question; one without a proposition_id drops out of contested_claims."""
    rows = ctx.con.execute(
        """WITH groups AS (
               SELECT subject_id, predicate, object_id, event_id FROM raw.claims
               GROUP BY ALL HAVING count(DISTINCT stance) > 1)
           SELECT c.__line, c.claim_id FROM raw.claims c JOIN groups g
             ON c.subject_id = g.subject_id AND c.predicate = g.predicate
            AND c.object_id IS NOT DISTINCT FROM g.object_id AND c.event_id IS NOT DISTINCT FROM g.event_id
           WHERE c.proposition_id IS NULL ORDER BY c.__line""").fetchall()
    for line, claim_id in rows:
        yield _finding(ctx, "claims", line, "proposition_id", "contested-without-proposition", "warning",
                       f'"{claim_id}" shares its subject, predicate, object and event with claims of another stance; '
                       "point it to the proposition they answer", claim_id)
