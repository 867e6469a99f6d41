"""Likely duplicates: one actor, source or claim entered twice splits every count that touches it.

Each check compares rows under a normalised key and reports the later row of a pair, naming the
earlier one. Two rows that truly differ (two people of one name, two stories by one outlet on one
day) are marked in `not_duplicates` with the reason, and are not reported again.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from typing import Iterable, Iterator

from ihr.checks.semantic import RuleContext, _finding, rule
from ihr.checks.urls import url_key
from ihr.findings import Finding

# Articles and particles dropped from names (al-Arouri = Arouri) and letters that English
# transliterations of one Arabic or Persian name write differently (o/u, e/i, q/k, doubled letters).
ARTICLES = frozenset({"al", "el", "ad", "ar", "as", "ash", "at", "az", "the"})
FOLDS = (("ou", "u"), ("oo", "u"), ("ee", "i"), ("o", "u"), ("e", "i"), ("q", "k"), ("ph", "f"))


def name_key(name: str) -> str:
    """A spelling-insensitive key for a name: `Taher al-Nono` and `Taher al-Nounou` share one."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    tokens = [t for t in re.split(r"[^a-z0-9]+", text) if t and t not in ARTICLES]
    key = "".join(tokens)
    for old, new in FOLDS:
        key = key.replace(old, new)
    key = re.sub(r"(.)\1+", r"\1", key)
    return key.rstrip("h") if len(key) > 4 else key


TITLE_WORD = re.compile(r"\w{3,}")  # the words of three letters or more, compiled once (it runs on every title)


def title_words(title: str) -> frozenset[str]:
    return frozenset(TITLE_WORD.findall(title.casefold()))


# A bucket for a url made of printable ASCII alone, in SQL: what follows `scheme://` up to the
# query or fragment, in lower case, without trailing slashes and `www.`. Two urls with one `url_key`
# always share it (the key drops the scheme, `www.`, the host's case, trailing slashes, the fragment
# and tracking parameters; the bucket drops all that and more), so only urls sharing a bucket, or
# with none (other characters, no `scheme://`), are keyed in Python. String functions, not regular
# expressions with groups: 40 % less time at a million urls. A test compares it with url_key.
URL_BUCKET_SQL = r"""CASE WHEN NOT regexp_matches(url, '[^\x21-\x7e]') AND regexp_matches(url, '^[A-Za-z][A-Za-z0-9+.-]*://')
    THEN regexp_replace(rtrim(lower(split_part(split_part(url[strpos(url, '://') + 3:], '#', 1), '?', 1)), '/'), '^www[.]', '') END"""


def distinct_pairs(ctx: RuleContext, table: str) -> set[frozenset[str]]:
    """Pairs marked in `not_duplicates` as truly distinct, for one table."""
    if not ctx.has("not_duplicates"):
        return set()
    rows = ctx.con.execute("SELECT id, other_id FROM raw.not_duplicates WHERE table_name = ?", [table]).fetchall()
    return {frozenset(pair) for pair in rows}


def _pairs(keyed: Iterable[tuple[str, int, str]], marked: set[frozenset[str]]) -> dict[tuple[int, str], tuple[str, int, str]]:
    """For rows (key, line, id): each later row whose key an earlier row with another id shares,
    mapped to (earlier id, its line, the key); pairs marked distinct are left out."""
    first: dict[str, list[tuple[int, str]]] = defaultdict(list)
    found: dict[tuple[int, str], tuple[str, int, str]] = {}
    for key, line, row_id in sorted(keyed, key=lambda k: (k[1], k[0])):
        for earlier_line, earlier_id in first[key]:
            if earlier_id != row_id and frozenset((row_id, earlier_id)) not in marked and (line, row_id) not in found:
                found[(line, row_id)] = (earlier_id, earlier_line, key)
        if all(i != row_id for _, i in first[key]):
            first[key].append((line, row_id))
    return found


@rule("duplicate-actor", "error", "actors", reads={"actors": ("name", "aliases")}, fix="merge the two rows (ihr merge), or record them in not_duplicates if they are different actors")
def actors_are_entered_once(ctx: RuleContext) -> Iterable[Finding]:
    """Two actor rows whose names or aliases match after folding case, accents, hyphens, `al-`/`el-`
    and common transliteration variants are usually one actor entered twice, which splits its claims
    and events; merge them (retiring one id in redirects) or mark the pair in not_duplicates."""
    rows = ctx.con.execute("SELECT __line, actor_id, name, aliases FROM raw.actors WHERE actor_id IS NOT NULL").fetchall()
    keyed = []
    for line, actor_id, name, aliases in rows:
        names = [name or "", actor_id.replace("-", " ")] + (aliases.split("|") if aliases else [])
        keyed += [(key, line, actor_id) for key in {name_key(n) for n in names} if len(key) >= 4]
    for (line, actor_id), (other, other_line, _) in sorted(_pairs(keyed, distinct_pairs(ctx, "actors")).items()):
        yield _finding(ctx, "actors", line, "actor_id", "duplicate-actor", "error",
                       f'"{actor_id}" looks like "{other}" (line {other_line}): the same name after folding spelling variants; '
                       "merge them, or mark the pair in not_duplicates", actor_id)


@rule("duplicate-source", "error", "sources", reads={"sources": ("title", "publisher")}, fix="merge the two rows (ihr merge), or record them in not_duplicates if they are different sources")
def sources_are_entered_once(ctx: RuleContext) -> Iterable[Finding]:
    """Two source rows for one document (the same url once scheme, `www.`, fragment and tracking
    parameters are dropped, or the same publisher and date with nearly the same title) count one
    report as two independent origins; merge them or mark the pair in not_duplicates."""
    marked = distinct_pairs(ctx, "sources")
    rows = ctx.con.execute(f"""WITH k AS (SELECT __line, source_id, url, {URL_BUCKET_SQL} AS bucket FROM raw.sources
                                          WHERE url IS NOT NULL AND source_id IS NOT NULL)
                               SELECT __line, source_id, url FROM k WHERE bucket IS NULL
                                  OR bucket IN (SELECT bucket FROM k GROUP BY bucket HAVING count(*) > 1)""").fetchall()
    by_url = _pairs([(url_key(url), line, sid) for line, sid, url in rows], marked)
    for (line, sid), (other, other_line, _) in sorted(by_url.items()):
        yield _finding(ctx, "sources", line, "url", "duplicate-source", "error",
                       f'"{sid}" has the url of "{other}" (line {other_line}); merge them, or mark the pair in not_duplicates', sid)
    # Same publisher and date: only rows sharing both are compared.
    same_day = """SELECT __line, source_id, title, publisher, published_date FROM raw.sources
                  WHERE (publisher, published_date) IN (SELECT (publisher, published_date) FROM raw.sources
                        WHERE publisher IS NOT NULL AND published_date IS NOT NULL GROUP BY ALL HAVING count(*) > 1)"""
    for line, sid, other, other_line in similar_titles_in_sql(ctx.con, same_day, marked, set(by_url)):
        yield _finding(ctx, "sources", line, "title", "duplicate-source", "error",
                       f'"{sid}" has the publisher, date and nearly the title of "{other}" (line {other_line}); '
                       "merge them, or mark the pair in not_duplicates", sid)


TITLE_OVERLAP = 0.8  # Jaccard similarity of the title words from which two titles are "nearly" one


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / max(1, len(a | b))


def similar_titles_in_sql(con, rows_sql: str, marked: set[frozenset[str]], reported: set[tuple[int, str]]) -> Iterator[tuple[int, str, str, int]]:
    """(line, id, earlier id, its line) for each row `rows_sql` selects (line, id, title, publisher,
    date) whose title words overlap an earlier row's of the same publisher and date by at least
    TITLE_OVERLAP (the first such row; pairs marked distinct and rows in `reported` left out).

    Only rows sharing a word of their prefix are compared (prefix filtering: with the words in one
    order, two sets this similar share one of the first |x| - ceil(t|x|) + 1 words of each), so a
    publisher with a hundred sources on one day costs no five thousand comparisons; the pairing runs
    in DuckDB: an ASCII title is tokenised there (lower() and
    [a-z0-9_]{3,} are exactly Python's casefold() and \\w{3,} on ASCII), any other by
    `title_words` in Python; DuckDB then joins rows of one publisher and day on their prefix words
    and computes the overlap."""
    import pyarrow as pa

    con.execute(f"CREATE OR REPLACE TEMP TABLE __same_day AS {rows_sql}")
    try:
        unicode_rows = con.execute("SELECT __line, title FROM __same_day WHERE regexp_matches(title, '[^\\x00-\\x7f]')").fetchall()
        words = pa.table({"__line": pa.array([line for line, _ in unicode_rows], pa.int64()),
                          "words": pa.array([list(title_words(title)) for _, title in unicode_rows], pa.list_(pa.string()))})
        con.register("__unicode_words", words)
        pairs = con.execute(f"""
            WITH w AS (SELECT s.__line, s.source_id, s.publisher, s.published_date,
                              list_sort(coalesce(u.words, list_distinct(regexp_extract_all(lower(coalesce(s.title, '')), '[a-z0-9_]{{3,}}')))) AS words
                       FROM __same_day s LEFT JOIN __unicode_words u ON u.__line = s.__line),
                 pre AS (SELECT *, unnest(words[1 : len(words) - CAST(ceil(round({TITLE_OVERLAP} * len(words), 9)) AS INTEGER) + 1]) AS word
                         FROM w WHERE len(words) > 0),
                 pairs AS (SELECT DISTINCT a.__line, a.source_id, b.__line AS other_line, b.source_id AS other, a.words AS aw, b.words AS bw
                           FROM pre a JOIN pre b ON a.publisher = b.publisher AND a.published_date = b.published_date
                                AND a.word = b.word AND b.__line < a.__line)
            SELECT __line, source_id, other, other_line FROM pairs
            WHERE len(list_intersect(aw, bw)) / (len(aw) + len(bw) - len(list_intersect(aw, bw))) >= {TITLE_OVERLAP}
            ORDER BY __line, other_line""").fetchall()
    finally:
        con.execute("DROP TABLE IF EXISTS __same_day")
        try:
            con.unregister("__unicode_words")
        except Exception:  # noqa: BLE001 - not registered when the first query failed
            pass
    found = []
    for line, sid, other, other_line in pairs:
        if (line, sid) not in reported and frozenset((sid, other)) not in marked:
            reported.add((line, sid))
            found.append((line, sid, other, other_line))
    return iter(found)


def similar_titles_by_pairs(rows: list[tuple], marked: set[frozenset[str]], reported: set[tuple[int, str]]) -> Iterator[tuple[int, str, str, int]]:
    """What `similar_titles_in_sql` finds, by comparing every pair of a group in Python (the simple,
    slow way, which a test compares with it)."""
    groups: dict[tuple[str, str], list[tuple[int, str, frozenset[str]]]] = defaultdict(list)
    for line, sid, title, publisher, date in rows:
        words = title_words(title or "")
        for other_line, other, other_words in groups[(publisher, date)]:
            if _overlap(words, other_words) >= TITLE_OVERLAP and frozenset((sid, other)) not in marked and (line, sid) not in reported:
                reported.add((line, sid))
                yield line, sid, other, other_line
        groups[(publisher, date)].append((line, sid, words))


@rule("duplicate-claim", "error", "claims", fix="merge the two rows (ihr merge), or record them in not_duplicates if they are different claims")
def claims_are_entered_once(ctx: RuleContext) -> Iterable[Finding]:
    """Two claims by one claimant with one stance on one question (proposition, or subject,
    predicate and object) on one date, about one event, period and amount, are usually one
    statement entered twice, which doubles it in every count; merge them or mark the pair in
    not_duplicates. Two claims linked in claim_relations (one corrects the other's wording) are
    kept apart on purpose and not reported."""
    has_proposition = "proposition_id" in ctx.table("claims").field_names
    question = "coalesce(proposition_id, '')" if has_proposition else "''"
    rows = ctx.con.execute(
        f"""WITH keyed AS (
                SELECT __line, claim_id, concat_ws('|', claimant_id, stance, {question},
                       CASE WHEN {question} = '' THEN concat_ws('|', subject_id, predicate, coalesce(object_id, '')) END,
                       coalesce(claimed_date, ''), coalesce(event_id, ''), coalesce(valid_from, ''), coalesce(valid_to, ''),
                       coalesce(amount, ''), coalesce(amount_low, ''), coalesce(amount_high, '')) AS k
                FROM raw.claims WHERE claim_id IS NOT NULL)
            SELECT k, __line, claim_id FROM keyed WHERE k IN (SELECT k FROM keyed GROUP BY k HAVING count(*) > 1)""").fetchall()
    marked = distinct_pairs(ctx, "claims")
    if ctx.has("claim_relations"):  # a pair linked on purpose (a correction of the seed's wording) is known
        marked |= {frozenset(pair) for pair in ctx.con.execute(
            "SELECT claim_id, related_claim_id FROM raw.claim_relations WHERE claim_id IS NOT NULL").fetchall()}
    for (line, cid), (other, other_line, _) in sorted(_pairs(rows, marked).items()):
        yield _finding(ctx, "claims", line, "claim_id", "duplicate-claim", "error",
                       f'"{cid}" repeats "{other}" (line {other_line}): same claimant, stance, question, date, event, period and amount; '
                       "merge them, or mark the pair in not_duplicates", cid)


@rule("stale-not-duplicate", "error", "not_duplicates", fix="correct or remove the not_duplicates row")
def distinct_pairs_name_rows(ctx: RuleContext) -> Iterable[Finding]:
    """A pair marked distinct must name two rows that exist, or the mark hides nothing and rots."""
    keys = {"actors": "actor_id", "sources": "source_id", "claims": "claim_id"}
    for table, key in keys.items():
        if not ctx.has(table):
            continue
        for column in ("id", "other_id"):
            rows = ctx.con.execute(
                f"""SELECT n.__line, n.{column} FROM raw.not_duplicates n WHERE n.table_name = ? AND n.{column} IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM raw.{table} t WHERE t.{key} = n.{column}) ORDER BY n.__line""", [table]).fetchall()
            for line, value in rows:
                yield _finding(ctx, "not_duplicates", line, column, "stale-not-duplicate", "error",
                               f'"{value}" is not a {key} in {table}', value)
