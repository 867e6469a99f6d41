-- Views over the typed tables of iran-hamas-relations.
-- Plain DuckDB SQL, no code of ours needed: run it in any DuckDB client after the tables exist
-- (`ihr build` does), or after schemas/parquet_tables.sql has defined the tables over the release's
-- Parquet files. Every partial date column <c> comes as <c> (DATE, first day), <c>_precision
-- (year | month | day) and <c>_text (the original text).

-- source_origins: for every source, the original publication it derives from (itself when it is
-- not a repost), following derived_from_id to the end of the chain.
CREATE OR REPLACE VIEW source_origins AS
WITH RECURSIVE walk(source_id, origin_id, depth) AS (
    SELECT source_id, source_id, 0 FROM sources
    UNION ALL
    SELECT w.source_id, s.derived_from_id, w.depth + 1
    FROM walk w JOIN sources s ON s.source_id = w.origin_id
    WHERE s.derived_from_id IS NOT NULL AND w.depth < 100
)
SELECT source_id, arg_max(origin_id, depth) AS origin_id, max(depth) AS hops
FROM walk GROUP BY source_id;

-- event_timeline: what happened when, in date order, with the precision of each date, who took
-- part in which role, and how many sources report it.
CREATE OR REPLACE VIEW event_timeline AS
SELECT
    e.event_id, e.date_start, e.date_start_precision, e.date_start_text,
    e.date_end, e.date_end_precision, e.date_end_text,
    e.event_type, e.title, e.summary, e.location, e.country_code,
    (SELECT string_agg(role || ': ' || names, '; ' ORDER BY role) FROM (
        SELECT ea.role, string_agg(a.name, ', ' ORDER BY a.name) AS names
        FROM event_actors ea JOIN actors a USING (actor_id)
        WHERE ea.event_id = e.event_id GROUP BY ea.role)) AS actors_by_role,
    (SELECT list({'role': ea.role, 'actor_id': ea.actor_id, 'name': a.name} ORDER BY ea.role, a.name)
        FROM event_actors ea JOIN actors a USING (actor_id) WHERE ea.event_id = e.event_id) AS actors,
    (SELECT count(*) FROM event_sources es WHERE es.event_id = e.event_id) AS n_sources
FROM events e
ORDER BY e.date_start, e.date_start_precision DESC, e.event_id;

-- claim_evidence: every claim with the names of its claimant, subject and object, and the sources
-- that carry it (publisher, date, url, reliability, credibility); n_independent_origins counts
-- sources collapsed along their derived_from chains, so a story and its reposts count once.
CREATE OR REPLACE VIEW claim_evidence AS
SELECT
    c.claim_id, c.claimant_id, claimant.name AS claimant, claimant.actor_type AS claimant_type, c.attribution, c.stance,
    c.subject_id, subj.name AS subject, c.predicate, c.object_id, obj.name AS object,
    c.event_id, ev.title AS event_title, c.proposition_id,
    c.claimed_date, c.claimed_date_precision, c.claimed_date_text,
    c.valid_from, c.valid_from_text, c.valid_to, c.valid_to_text,
    c.amount, c.amount_low, c.amount_high, c.currency, c.amount_period, c.amount_qualifier, c.summary,
    (SELECT list({'source_id': s.source_id, 'publisher': s.publisher, 'title': s.title,
                  'published_date': s.published_date_text, 'url': s.url, 'reliability': s.reliability,
                  'credibility': cs.credibility, 'locator': cs.locator, 'origin_id': o.origin_id}
                 ORDER BY s.published_date, s.source_id)
        FROM claim_sources cs JOIN sources s USING (source_id) JOIN source_origins o USING (source_id)
        WHERE cs.claim_id = c.claim_id) AS sources,
    (SELECT count(*) FROM claim_sources cs WHERE cs.claim_id = c.claim_id) AS n_sources,
    (SELECT count(DISTINCT o.origin_id) FROM claim_sources cs JOIN source_origins o USING (source_id)
        WHERE cs.claim_id = c.claim_id) AS n_independent_origins,
    (SELECT min(cs.credibility) FROM claim_sources cs WHERE cs.claim_id = c.claim_id) AS best_credibility
FROM claims c
JOIN actors claimant ON claimant.actor_id = c.claimant_id
JOIN actors subj ON subj.actor_id = c.subject_id
LEFT JOIN actors obj ON obj.actor_id = c.object_id
LEFT JOIN events ev ON ev.event_id = c.event_id;

-- actor_memberships: every organisation or state an actor belongs to, and when. An actor belongs
-- to itself and to its parent_id chain always (via 'self', 'parent'), and through each of its
-- affiliations to the organisation and that organisation's parent chain while the post is held
-- (via 'affiliation'; valid_from is the first day of the start, valid_until the last day of the
-- end at its precision; NULL where no source dates the bound). "Who belonged to Iran on date d":
--   WHERE organization_id = 'iran' AND d BETWEEN coalesce(valid_from, DATE '0001-01-01')
--                                         AND coalesce(valid_until, DATE '9999-12-31')
CREATE OR REPLACE VIEW actor_memberships AS
WITH RECURSIVE chain(actor_id, organization_id, depth) AS (
    SELECT actor_id, actor_id, 0 FROM actors
    UNION ALL
    SELECT c.actor_id, a.parent_id, c.depth + 1
    FROM chain c JOIN actors a ON a.actor_id = c.organization_id
    WHERE a.parent_id IS NOT NULL AND c.depth < 50
),
memberships AS (
    SELECT actor_id, organization_id, CASE WHEN depth = 0 THEN 'self' ELSE 'parent' END AS via,
        NULL::VARCHAR AS affiliation_id, NULL::VARCHAR AS role, NULL::VARCHAR AS seniority,
        NULL::DATE AS valid_from, NULL::VARCHAR AS valid_from_text,
        NULL::DATE AS valid_until, NULL::VARCHAR AS valid_to_text
    FROM chain
    UNION ALL
    SELECT f.actor_id, c.organization_id, 'affiliation', f.affiliation_id, f.role, f.seniority,
        f.valid_from, f.valid_from_text,
        CASE f.valid_to_precision
            WHEN 'year' THEN make_date(year(f.valid_to), 12, 31)
            WHEN 'month' THEN last_day(f.valid_to)
            ELSE f.valid_to END,
        f.valid_to_text
    FROM affiliations f JOIN chain c ON c.actor_id = f.organization_id
)
SELECT m.actor_id, a.name AS actor, a.actor_type, m.organization_id, o.name AS organization,
    o.actor_type AS organization_type, m.via, m.affiliation_id, m.role, m.seniority,
    m.valid_from, m.valid_from_text, m.valid_until, m.valid_to_text
FROM memberships m
JOIN actors a ON a.actor_id = m.actor_id
JOIN actors o ON o.actor_id = m.organization_id
ORDER BY m.actor_id, m.organization_id, m.valid_from NULLS FIRST, m.affiliation_id NULLS FIRST;

-- claim_memberships: for every claim, the organisations and states its claimant belonged to on
-- the claimed date (an undated claim counts every post its claimant held), e.g. claims by Iranian
-- state actors: WHERE organization_id = 'iran'.
CREATE OR REPLACE VIEW claim_memberships AS
SELECT DISTINCT c.claim_id, m.organization_id, m.organization
FROM claims c JOIN actor_memberships m ON m.actor_id = c.claimant_id
WHERE c.claimed_date IS NULL
   OR (coalesce(m.valid_from, DATE '0001-01-01') <= coalesce(c.claimed_date, DATE '9999-12-31')
       AND coalesce(m.valid_until, DATE '9999-12-31') >= c.claimed_date);

-- event_memberships: for every actor taking part in an event, the organisations and states it
-- belonged to while the event happened (its posts overlapping the event's dates), with the post
-- and its seniority, e.g. events with a Hamas leader: WHERE organization_id = 'hamas' AND
-- seniority IN ('head', 'senior').
CREATE OR REPLACE VIEW event_memberships AS
WITH spans AS (
    SELECT event_id, date_start AS event_from,
        CASE coalesce(date_end_precision, date_start_precision)
            WHEN 'year' THEN make_date(year(coalesce(date_end, date_start)), 12, 31)
            WHEN 'month' THEN last_day(coalesce(date_end, date_start))
            ELSE coalesce(date_end, date_start) END AS event_to
    FROM events
)
SELECT DISTINCT ea.event_id, ea.actor_id, m.actor, ea.role, m.organization_id, m.organization, m.via,
    m.role AS post, m.seniority
FROM event_actors ea
JOIN spans s USING (event_id)
JOIN actor_memberships m ON m.actor_id = ea.actor_id
WHERE coalesce(m.valid_from, DATE '0001-01-01') <= s.event_to
  AND coalesce(m.valid_until, DATE '9999-12-31') >= s.event_from;

-- actor_record: everything on one actor, in date order: its posts (affiliation), the events it
-- took part in (event, with its role), the claims it made (claim_by) and the claims about it as
-- subject or object (claim_about), each with its id and a one-line description.
CREATE OR REPLACE VIEW actor_record AS
SELECT f.actor_id, 'affiliation' AS kind, f.valid_from AS date, f.valid_from_text AS date_text, f.affiliation_id AS item_id,
    f.role || ', ' || o.name || CASE WHEN f.valid_from_text IS NOT NULL OR f.valid_to_text IS NOT NULL
        THEN ' (' || coalesce(f.valid_from_text, '…') || ' to ' || coalesce(f.valid_to_text, '…') || ')' ELSE '' END AS description
FROM affiliations f JOIN actors o ON o.actor_id = f.organization_id
UNION ALL
SELECT ea.actor_id, 'event', e.date_start, e.date_start_text, e.event_id, ea.role || ': ' || e.title
FROM event_actors ea JOIN events e USING (event_id)
UNION ALL
SELECT c.claimant_id, 'claim_by', c.claimed_date, c.claimed_date_text, c.claim_id, c.stance || ': ' || c.summary
FROM claims c
UNION ALL
SELECT a.actor_id, 'claim_about', c.claimed_date, c.claimed_date_text, c.claim_id, claimant.name || ' ' || c.stance || ': ' || c.summary
FROM claims c JOIN actors claimant ON claimant.actor_id = c.claimant_id
JOIN actors a ON a.actor_id IN (c.subject_id, c.object_id)
ORDER BY actor_id, date NULLS LAST, kind, item_id;

-- proposition_claims: every claim that answers a contested question, with the question, the
-- claimant (its type and the organisations it belonged to on the claimed date), the stance, the
-- date, and one source URL: that of the original publication where it is known, else that of the
-- best-graded source the claim cites.
CREATE OR REPLACE VIEW proposition_claims AS
SELECT p.proposition_id, p.statement, c.claim_id, c.claimant_id, a.name AS claimant,
    a.actor_type AS claimant_type, c.attribution,
    (SELECT list(cm.organization_id ORDER BY cm.organization_id) FROM claim_memberships cm
        WHERE cm.claim_id = c.claim_id AND cm.organization_id <> c.claimant_id) AS claimant_organizations,
    c.stance, c.claimed_date, c.claimed_date_precision, c.claimed_date_text,
    c.subject_id, c.predicate, c.object_id, coalesce(c.event_id, p.event_id) AS event_id, c.summary,
    (SELECT coalesce(origin.url, s.url) FROM claim_sources cs
        JOIN sources s USING (source_id) JOIN source_origins o USING (source_id)
        JOIN sources origin ON origin.source_id = o.origin_id
        WHERE cs.claim_id = c.claim_id AND coalesce(origin.url, s.url) IS NOT NULL
        ORDER BY cs.credibility, (origin.url IS NULL), s.published_date NULLS LAST, s.source_id LIMIT 1) AS source_url,
    (SELECT count(*) FROM claim_sources cs WHERE cs.claim_id = c.claim_id) AS n_sources
FROM claims c
JOIN propositions p USING (proposition_id)
JOIN actors a ON a.actor_id = c.claimant_id
ORDER BY p.proposition_id, c.claimed_date NULLS LAST, c.claim_id;

-- contested_claims: one row per contested question (propositions): how many claims affirm it,
-- deny it, say there is no evidence for it, or neither confirm nor deny it; who, and over which
-- dates. Every claim pointing to the proposition counts, whatever its own narrower subject or
-- predicate (the IRGC `approves` answers "Iran helped plan the attack").
CREATE OR REPLACE VIEW contested_claims AS
SELECT p.proposition_id, p.statement, p.subject_id, subj.name AS subject, p.predicate,
    p.object_id, obj.name AS object, p.event_id, ev.title AS event_title,
    count(c.claim_id) AS n_claims,
    count(c.claim_id) FILTER (WHERE c.stance = 'affirms') AS n_affirming,
    count(c.claim_id) FILTER (WHERE c.stance = 'denies') AS n_denying,
    count(c.claim_id) FILTER (WHERE c.stance = 'no_evidence') AS n_no_evidence,
    count(c.claim_id) FILTER (WHERE c.stance = 'neither_confirms_nor_denies') AS n_neither,
    list(DISTINCT a.name ORDER BY a.name) FILTER (WHERE c.stance = 'affirms') AS affirming_claimants,
    list(DISTINCT a.name ORDER BY a.name) FILTER (WHERE c.stance = 'denies') AS denying_claimants,
    list(DISTINCT a.name ORDER BY a.name) FILTER (WHERE c.stance = 'no_evidence') AS no_evidence_claimants,
    list(DISTINCT a.name ORDER BY a.name) FILTER (WHERE c.stance = 'neither_confirms_nor_denies') AS neither_claimants,
    min(c.claimed_date) AS first_claimed, max(c.claimed_date) AS last_claimed,
    list(c.claim_id ORDER BY c.claim_id) FILTER (WHERE c.claim_id IS NOT NULL) AS claim_ids
FROM propositions p
LEFT JOIN claims c USING (proposition_id)
LEFT JOIN actors a ON a.actor_id = c.claimant_id
JOIN actors subj ON subj.actor_id = p.subject_id
LEFT JOIN actors obj ON obj.actor_id = p.object_id
LEFT JOIN events ev ON ev.event_id = p.event_id
GROUP BY ALL
ORDER BY p.proposition_id;

-- claim_disputes: pairs of claims explicitly linked as contradicting or correcting each other in
-- claim_relations, with both claimants and stances.
CREATE OR REPLACE VIEW claim_disputes AS
SELECT r.relation, r.claim_id, c.claimant_id, ca.name AS claimant, c.stance, c.claimed_date_text AS claimed_date,
    r.related_claim_id, rc.claimant_id AS related_claimant_id, rca.name AS related_claimant,
    rc.stance AS related_stance, rc.claimed_date_text AS related_claimed_date,
    c.proposition_id, coalesce(c.event_id, rc.event_id) AS event_id, r.notes
FROM claim_relations r
JOIN claims c ON c.claim_id = r.claim_id
JOIN claims rc ON rc.claim_id = r.related_claim_id
JOIN actors ca ON ca.actor_id = c.claimant_id
JOIN actors rca ON rca.actor_id = rc.claimant_id
WHERE r.relation IN ('contradicts', 'corrects')
ORDER BY r.claim_id, r.related_claim_id;

-- actor_groups: every actor with the top of its parent_id chain (Iran for the Quds Force, Hamas
-- for the Qassam Brigades; an actor without a parent is its own group), so estimates for a unit
-- roll up to its state or movement without merging collective recipients into one group.
CREATE OR REPLACE VIEW actor_groups AS
WITH RECURSIVE up(actor_id, group_id, depth) AS (
    SELECT actor_id, actor_id, 0 FROM actors
    UNION ALL
    SELECT u.actor_id, a.parent_id, u.depth + 1
    FROM up u JOIN actors a ON a.actor_id = u.group_id
    WHERE a.parent_id IS NOT NULL AND u.depth < 50
)
SELECT actor_id, arg_max(group_id, depth) AS group_id FROM up GROUP BY actor_id;

-- funding_estimates: how much money, according to whom. Every `funds` claim that states an amount
-- (or a range: amount_low to amount_high), with the figures normalised to US dollars per year
-- where the period allows (per_month x 12; a total over a dated period spread over its calendar
-- months), in period order. usd_per_year_low/high bound the estimate: an `up_to` figure has no low
-- bound, an `at_least` figure no high bound, a range both. Other currencies are converted with the
-- annual average in exchange_rates for the first year the figure concerns (valid_from, else the
-- year claimed); `conversion` says which rate was used, or that none is recorded (then the USD
-- columns are NULL: never a silent guess). amount_basis tells payments from pledges and requests.
CREATE OR REPLACE VIEW funding_estimates AS
WITH f AS (
    SELECT c.*, year(coalesce(c.valid_from, c.claimed_date)) AS rate_year,
        CASE
            WHEN c.amount_period = 'per_year' THEN 1.0
            WHEN c.amount_period = 'per_month' THEN 12.0
            WHEN c.amount_period = 'total' AND c.valid_from IS NOT NULL AND c.valid_to IS NOT NULL
                THEN 12.0 / (12 * (year(c.valid_to) - year(c.valid_from))
                     + (CASE c.valid_to_precision WHEN 'year' THEN 12 ELSE month(c.valid_to) END)
                     - month(c.valid_from) + 1)
        END AS period_factor
    FROM claims c
    WHERE c.predicate = 'funds' AND (c.amount IS NOT NULL OR c.amount_low IS NOT NULL OR c.amount_high IS NOT NULL)
),
r AS (
    SELECT f.*, x.units_per_usd,
        CASE WHEN f.currency = 'USD' THEN 'none'
             WHEN x.units_per_usd IS NOT NULL THEN 'converted at ' || x.units_per_usd || ' ' || f.currency || ' per USD (' || x.year || ' average)'
             ELSE 'no rate for ' || f.currency || coalesce(' ' || f.rate_year, '') END AS conversion,
        f.period_factor / CASE WHEN f.currency = 'USD' THEN 1.0 ELSE x.units_per_usd END AS per_year_factor
    FROM f LEFT JOIN exchange_rates x ON x.currency = f.currency AND x.year = f.rate_year
)
SELECT
    r.claim_id, r.claimant_id, claimant.name AS claimant, r.attribution, r.stance,
    r.subject_id, subj.name AS funder, fg.group_id AS funder_group_id,
    r.object_id, obj.name AS recipient, rg.group_id AS recipient_group_id,
    r.amount, r.amount_low, r.amount_high, r.currency, r.amount_period, r.amount_qualifier, r.amount_basis,
    r.valid_from_text AS period_from, r.valid_to_text AS period_to, r.claimed_date_text AS claimed_date,
    r.amount * r.per_year_factor AS usd_per_year,
    CASE r.amount_qualifier WHEN 'range' THEN r.amount_low WHEN 'up_to' THEN NULL ELSE r.amount END
        * r.per_year_factor AS usd_per_year_low,
    CASE r.amount_qualifier WHEN 'range' THEN r.amount_high WHEN 'at_least' THEN NULL ELSE r.amount END
        * r.per_year_factor AS usd_per_year_high,
    r.conversion,
    (SELECT string_agg(coalesce(s.publisher, s.title) || coalesce(' (' || s.published_date_text || ')', ''), '; '
                       ORDER BY s.published_date, s.source_id)
        FROM claim_sources cs JOIN sources s USING (source_id) WHERE cs.claim_id = r.claim_id) AS sources,
    (SELECT count(*) FROM claim_sources cs WHERE cs.claim_id = r.claim_id) AS n_sources,
    r.summary
FROM r
JOIN actors claimant ON claimant.actor_id = r.claimant_id
JOIN actors subj ON subj.actor_id = r.subject_id
JOIN actor_groups fg ON fg.actor_id = r.subject_id
LEFT JOIN actors obj ON obj.actor_id = r.object_id
LEFT JOIN actor_groups rg ON rg.actor_id = r.object_id
ORDER BY coalesce(r.valid_from, r.claimed_date), r.claimed_date, r.claim_id;

-- funding_by_year: funding_estimates spread over the years they concern, ready for a chart: one
-- row per estimate and calendar year of its period (valid_from to valid_to; a period with one
-- bound gives that year; no period, the year the claim was made: year_basis says which), with
-- the USD-per-year low, best and high figures. "Iran to Hamas per year" is one filter:
--   WHERE funder_group_id = 'iran' AND recipient_group_id = 'hamas'
-- (the Quds Force counts as Iran and the Qassam Brigades as Hamas; figures for several groups
-- together keep their collective recipient). Estimates with no year at all are kept, with year NULL.
CREATE OR REPLACE VIEW funding_by_year AS
SELECT fe.subject_id AS funder_id, fe.funder, fe.funder_group_id,
    fe.object_id AS recipient_id, fe.recipient, fe.recipient_group_id,
    unnest(CASE
        WHEN c.valid_from IS NOT NULL THEN generate_series(year(c.valid_from), year(coalesce(c.valid_to, c.valid_from)))
        WHEN c.valid_to IS NOT NULL THEN [year(c.valid_to)]
        WHEN c.claimed_date IS NOT NULL THEN [year(c.claimed_date)]
        ELSE [NULL::BIGINT] END) AS year,
    CASE WHEN c.valid_from IS NOT NULL OR c.valid_to IS NOT NULL THEN 'period'
         WHEN c.claimed_date IS NOT NULL THEN 'claimed_date' END AS year_basis,
    fe.claim_id, fe.claimant_id, fe.claimant, fe.attribution, fe.stance, fe.amount_qualifier, fe.amount_basis,
    fe.usd_per_year_low, fe.usd_per_year AS usd_per_year_best, fe.usd_per_year_high, fe.conversion,
    fe.amount, fe.amount_low, fe.amount_high, fe.currency, fe.amount_period, fe.n_sources
FROM funding_estimates fe JOIN claims c USING (claim_id)
ORDER BY recipient_id NULLS LAST, year NULLS LAST, claim_id;

-- relationship_timeline: the state of each relationship over time. Per unordered actor pair and
-- year: claims by predicate and stance, and the events both actors took part in.
CREATE OR REPLACE VIEW relationship_timeline AS
WITH claim_years AS (
    SELECT least(subject_id, object_id) AS actor_a, greatest(subject_id, object_id) AS actor_b,
        year(coalesce(valid_from, claimed_date)) AS year, predicate, stance, claim_id
    FROM claims WHERE object_id IS NOT NULL AND coalesce(valid_from, claimed_date) IS NOT NULL
),
claim_summary AS (
    SELECT actor_a, actor_b, year, count(*) AS n_claims,
        count(*) FILTER (WHERE stance = 'affirms') AS n_affirming,
        count(*) FILTER (WHERE stance = 'denies') AS n_denying,
        count(*) FILTER (WHERE stance NOT IN ('affirms', 'denies')) AS n_other_stances,
        string_agg(DISTINCT predicate || ' ' || stance, ', ' ORDER BY predicate || ' ' || stance) AS claims_by_predicate
    FROM claim_years GROUP BY ALL
),
shared_events AS (
    SELECT least(a.actor_id, b.actor_id) AS actor_a, greatest(a.actor_id, b.actor_id) AS actor_b,
        year(e.date_start) AS year, list(DISTINCT e.event_id ORDER BY e.event_id) AS event_ids
    FROM event_actors a JOIN event_actors b ON a.event_id = b.event_id AND a.actor_id < b.actor_id
    JOIN events e ON e.event_id = a.event_id
    GROUP BY ALL
)
SELECT coalesce(c.actor_a, s.actor_a) AS actor_a, aa.name AS actor_a_name,
    coalesce(c.actor_b, s.actor_b) AS actor_b, ab.name AS actor_b_name,
    coalesce(c.year, s.year) AS year,
    coalesce(c.n_claims, 0) AS n_claims, coalesce(c.n_affirming, 0) AS n_affirming,
    coalesce(c.n_denying, 0) AS n_denying, coalesce(c.n_other_stances, 0) AS n_other_stances, c.claims_by_predicate,
    coalesce(len(s.event_ids), 0) AS n_shared_events, s.event_ids AS shared_event_ids
FROM claim_summary c
FULL OUTER JOIN shared_events s ON c.actor_a = s.actor_a AND c.actor_b = s.actor_b AND c.year = s.year
JOIN actors aa ON aa.actor_id = coalesce(c.actor_a, s.actor_a)
JOIN actors ab ON ab.actor_id = coalesce(c.actor_b, s.actor_b)
ORDER BY actor_a, actor_b, year;

-- actor_network: a directed edge list subject -> object per predicate, with claim counts by stance
-- and the first and last year concerned; ready for a graph tool.
CREATE OR REPLACE VIEW actor_network AS
SELECT c.subject_id AS source_actor_id, subj.name AS source_name,
    c.object_id AS target_actor_id, obj.name AS target_name, c.predicate,
    count(*) AS n_claims,
    count(*) FILTER (WHERE c.stance = 'affirms') AS n_affirming,
    count(*) FILTER (WHERE c.stance = 'denies') AS n_denying,
    count(*) FILTER (WHERE c.stance NOT IN ('affirms', 'denies')) AS n_other_stances,
    min(year(coalesce(c.valid_from, c.claimed_date))) AS first_year,
    max(year(coalesce(c.valid_to, c.valid_from, c.claimed_date))) AS last_year
FROM claims c
JOIN actors subj ON subj.actor_id = c.subject_id
JOIN actors obj ON obj.actor_id = c.object_id
GROUP BY ALL
ORDER BY n_claims DESC, source_actor_id, target_actor_id, predicate;

-- source_index: every source with how many claims and events cite it and its original publication.
CREATE OR REPLACE VIEW source_index AS
SELECT s.source_id, s.title, s.publisher, s.published_date, s.published_date_text, s.source_type,
    s.url, s.reliability, s.derived_from_id, o.origin_id,
    (SELECT count(*) FROM claim_sources cs WHERE cs.source_id = s.source_id) AS n_claims,
    (SELECT count(*) FROM event_sources es WHERE es.source_id = s.source_id) AS n_events
FROM sources s JOIN source_origins o USING (source_id)
ORDER BY s.source_id;

-- metadata: one row saying which version of the dataset a result came from, and how to cite it.
CREATE OR REPLACE VIEW metadata AS
SELECT b.dataset_name, b.dataset_version, b.git_commit, b.built_at_utc, version() AS duckdb_version,
    b.dataset_title, b.homepage,
    b.dataset_name || ' contributors (' || left(b.built_at_utc, 4) || '). ' || b.dataset_title || ', version '
        || b.dataset_version || coalesce(' (commit ' || nullif(left(b.git_commit, 12), '') || ')', '') || '. '
        || b.homepage AS citation
FROM build_info b;
