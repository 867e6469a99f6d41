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
    c.claim_id, c.claimant_id, claimant.name AS claimant, c.attribution, c.stance,
    c.subject_id, subj.name AS subject, c.predicate, c.object_id, obj.name AS object,
    c.event_id, ev.title AS event_title,
    c.claimed_date, c.claimed_date_precision, c.claimed_date_text,
    c.valid_from, c.valid_from_text, c.valid_to, c.valid_to_text,
    c.amount, c.currency, c.amount_period, c.amount_qualifier, c.summary,
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

-- contested_claims: propositions (subject, predicate, object, event) that some claimants affirm and
-- others deny, with counts and who stands on each side; plus pairs of claims explicitly linked as
-- contradicting or correcting each other in claim_relations.
CREATE OR REPLACE VIEW contested_claims AS
WITH stances AS (
    SELECT c.subject_id, c.predicate, c.object_id, c.event_id,
        count(*) FILTER (WHERE c.stance = 'affirms') AS n_affirming,
        count(*) FILTER (WHERE c.stance = 'denies') AS n_denying,
        list(DISTINCT a.name ORDER BY a.name) FILTER (WHERE c.stance = 'affirms') AS affirming_claimants,
        list(DISTINCT a.name ORDER BY a.name) FILTER (WHERE c.stance = 'denies') AS denying_claimants,
        list(c.claim_id ORDER BY c.claim_id) AS claim_ids
    FROM claims c JOIN actors a ON a.actor_id = c.claimant_id
    GROUP BY c.subject_id, c.predicate, c.object_id, c.event_id
)
SELECT 'opposing_stances' AS basis, NULL AS relation, s.subject_id, subj.name AS subject, s.predicate,
    s.object_id, obj.name AS object, s.event_id, ev.title AS event_title,
    s.n_affirming, s.n_denying, s.affirming_claimants, s.denying_claimants, s.claim_ids
FROM stances s
JOIN actors subj ON subj.actor_id = s.subject_id
LEFT JOIN actors obj ON obj.actor_id = s.object_id
LEFT JOIN events ev ON ev.event_id = s.event_id
WHERE s.n_affirming > 0 AND s.n_denying > 0
UNION ALL
SELECT 'claim_relation', r.relation, c.subject_id, subj.name, c.predicate, c.object_id, obj.name,
    c.event_id, ev.title,
    (c.stance = 'affirms')::INTEGER + (rc.stance = 'affirms')::INTEGER,
    (c.stance = 'denies')::INTEGER + (rc.stance = 'denies')::INTEGER,
    list_concat(CASE WHEN c.stance = 'affirms' THEN [ca.name] ELSE [] END, CASE WHEN rc.stance = 'affirms' THEN [rca.name] ELSE [] END),
    list_concat(CASE WHEN c.stance = 'denies' THEN [ca.name] ELSE [] END, CASE WHEN rc.stance = 'denies' THEN [rca.name] ELSE [] END),
    [r.claim_id, r.related_claim_id]
FROM claim_relations r
JOIN claims c ON c.claim_id = r.claim_id
JOIN claims rc ON rc.claim_id = r.related_claim_id
JOIN actors ca ON ca.actor_id = c.claimant_id
JOIN actors rca ON rca.actor_id = rc.claimant_id
JOIN actors subj ON subj.actor_id = c.subject_id
LEFT JOIN actors obj ON obj.actor_id = c.object_id
LEFT JOIN events ev ON ev.event_id = c.event_id
WHERE r.relation IN ('contradicts', 'corrects');

-- funding_estimates: how much money, according to whom. Every `funds` claim that states an amount,
-- with the amount normalised to USD per year where currency and period allow (per_month x 12; a
-- total over a dated period spread over its calendar months), in period order. Other currencies
-- are not converted (no exchange-rate table): their usd_per_year is NULL.
CREATE OR REPLACE VIEW funding_estimates AS
SELECT
    c.claim_id, c.claimant_id, claimant.name AS claimant, c.attribution, c.stance,
    c.subject_id, subj.name AS funder, c.object_id, obj.name AS recipient,
    c.amount, c.currency, c.amount_period, c.amount_qualifier,
    c.valid_from_text AS period_from, c.valid_to_text AS period_to, c.claimed_date_text AS claimed_date,
    CASE
        WHEN c.currency <> 'USD' THEN NULL
        WHEN c.amount_period = 'per_year' THEN c.amount
        WHEN c.amount_period = 'per_month' THEN c.amount * 12
        WHEN c.amount_period = 'total' AND c.valid_from IS NOT NULL AND c.valid_to IS NOT NULL
            THEN c.amount * 12 / (12 * (year(c.valid_to) - year(c.valid_from))
                 + (CASE c.valid_to_precision WHEN 'year' THEN 12 ELSE month(c.valid_to) END)
                 - month(c.valid_from) + 1)
    END AS usd_per_year,
    (SELECT string_agg(coalesce(s.publisher, s.title) || coalesce(' (' || s.published_date_text || ')', ''), '; '
                       ORDER BY s.published_date, s.source_id)
        FROM claim_sources cs JOIN sources s USING (source_id) WHERE cs.claim_id = c.claim_id) AS sources,
    c.summary
FROM claims c
JOIN actors claimant ON claimant.actor_id = c.claimant_id
JOIN actors subj ON subj.actor_id = c.subject_id
LEFT JOIN actors obj ON obj.actor_id = c.object_id
WHERE c.predicate = 'funds' AND c.amount IS NOT NULL
ORDER BY coalesce(c.valid_from, c.claimed_date), c.claimed_date, c.claim_id;

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
    coalesce(c.n_denying, 0) AS n_denying, c.claims_by_predicate,
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

-- metadata: one row saying which version of the dataset a result came from.
CREATE OR REPLACE VIEW metadata AS
SELECT b.dataset_name, b.dataset_version, b.git_commit, b.built_at_utc, version() AS duckdb_version
FROM build_info b;
