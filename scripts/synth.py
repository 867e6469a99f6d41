#!/usr/bin/env python3
"""Write a synthetic iran-hamas-relations package of any size, clean or with known faults.

    python scripts/synth.py --claims 100000 --out /tmp/synth-100k
    python scripts/synth.py --claims 10000 --out /tmp/synth-10k-faulty --fault-rate 0.002 --seed 7

The package is the repository's datapackage.json and schemas/ (copied, never edited) plus tables/*.csv.
Columns, keys, load order and the dataset's declared rules (`ihr:datePairs`, `ihr:sourcedBy`, chains,
`ihr:redirects`, `ihr:rules`) are the library's reading of the schemas; identifier formats and name
folding are the validator's. Only what no schema says is written here: row counts, words, and the
coherence this dataset asks for (claims inside their claimant's life, a post for every person, a
proposition for every contested question, figures only on funding claims). A sample of every table
must pass the validator's own cell and text checks before writing, so a schema change flows through
or stops the script naming the row. A clean package validates with no finding.

With --fault-rate R, about R of the rows of each table (at least one of every kind that applies)
carry one fault each: every cell check's violation from `ihr.violations`, key, reference and
dataset-rule faults, ragged and blank rows, plus one of each file fault (BOM, invalid UTF-8, CR line
end, missing final newline, unterminated quote); --header-faults adds header faults. DIR/faults.json
lists each as {"path", "line", "column", "code"} (physical line, header = 1; column null for
whole-row faults). Faults that would hide others or crash a reader (a missing, empty or UTF-16 file,
descriptor faults) are not injected.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import datetime as dt
import gc
import json
import operator
import random
import re
import shutil
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterable

import duckdb

ROOT = Path(__file__).resolve().parent.parent
try:
    import ihr  # noqa: F401
except ImportError:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT / "src"))
from ihr.dataset.crosswalk import IDENTIFIER_FORMATS  # noqa: E402
from ihr.checks.descriptor import load_package  # noqa: E402
from ihr.dataset.duplicates import name_key  # noqa: E402
from ihr.checks.row_rules import ROW_RULES  # noqa: E402
from ihr.dataset.row_rules import AMOUNT_PARTS, ROW_RULE_VIOLATIONS  # noqa: E402
from ihr.checks.text import text_problems  # noqa: E402
from ihr.package import FieldSpec, ForeignKey, PackageSpec, TableSpec  # noqa: E402
from ihr.violations import Violation, cell_codes, free_text, violations  # noqa: E402

Row = list  # one record, cells in schema order

# --------------------------------------------------------------------------------------------------
# What no schema says: sizes, weights, fill rates, words

ROWS_PER_CLAIM = {"actors": 1 / 20, "sources": 0.8, "events": 1 / 3, "claims": 1.0, "claim_relations": 0.1}
MIN_ROWS = {"actors": 50, "sources": 20, "events": 10, "claims": 1, "claim_relations": 5}
# link tables (a key pair of foreign keys): how many rows each row of the first key gets, drawn from these
FANOUT = {"event_actors": (1, 2, 2, 3, 3, 4), "event_sources": (1, 1, 2, 2), "claim_sources": (1,) * 9 + (2,) * 8 + (3,) * 3,
          "affiliation_sources": (1, 1, 1, 2)}
CITING = ("event_sources", "claim_sources")  # the links unused-source counts: every source is drawn here once first
ENUM_WEIGHTS = {  # relative weights of enum values (1 when not named); the schema decides what exists
    ("actors", "actor_type"): {"person": 6, "armed_group": 1.2, "military_unit": 0.6, "state": 0.01, "alliance": 0.1,
                               "intergovernmental_organization": 0.05, "other": 0.3},
    ("sources", "source_type"): {"news_report": 8, "wire_report": 3, "official_statement": 2, "think_tank_report": 1.5},
    ("sources", "reliability"): {"B": 4, "C": 3, "E": 0.3},
    ("events", "event_type"): {"meeting": 3, "visit": 3, "statement": 3, "attack": 3, "funding": 1.5, "arms_transfer": 1.5},
    ("claims", "predicate"): {"funds": 8, "arms": 6, "supports_politically": 4, "cooperates_with": 3, "directs": 2, "trains": 2},
    ("claims", "attribution"): {"named": 4, "official": 3, "anonymous": 2, "editorial": 1.5},
    ("claims", "stance"): {"affirms": 3, "denies": 1},
    ("claim_sources", "credibility"): {"2": 4, "3": 3, "5": 0.3},
    ("event_actors", "role"): {"participant": 3, "perpetrator": 1.5, "target": 1.5},
    ("claim_relations", "relation"): {"contradicts": 3, "supports": 2, "repeats": 2},
    ("affiliations", "seniority"): {"head": 0.3, "senior": 1.5, "member": 3},
    ("actor_identifiers", "scheme"): {"wikidata": 4},
}
PROSE_MAX = 250  # generated prose stays short whatever the column allows
PROSE_VARIANTS = 256  # distinct texts per prose column no rule here writes
OPTIONAL_FILL = 0.3  # share of an optional column's cells that hold a value, unless named below
FILL = {"url": 0.95, "country_code": 0.85, "location": 0.7, "accessed_date": 0.6, "author": 0.5, "locator": 0.6,
        "evidence_url": 0.6, "archive_url": 0.25, "date_end": 0.2, "start_date": 0.35, "end_date": 0.1}
MONEY_PREDICATES = ("funds",)  # the validator also allows cuts_support_to; figures stay on funding
AMOUNT_STEP = 250_000
CURRENCY_PER_USD = {"USD": 1.0, "EUR": 0.9, "GBP": 0.65, "IRR": 30000.0}
DUPLICATE_SHIFT_DAYS = 30  # a claim that would repeat another moves to a day at most this far off
CONTESTED_MINIMUM = 3  # propositions written even when few questions are contested, some with an event

FIRST_DAY = dt.date(1979, 1, 1)
LAST_DAY = min(dt.date(2025, 12, 31), dt.date.today() - dt.timedelta(days=1))
OLD_ENOUGH = dt.date(1999, 12, 31).toordinal()  # actors with a start date were founded or born by then
MIN_O, MAX_O = FIRST_DAY.toordinal(), LAST_DAY.toordinal()
DAY_S = [dt.date.fromordinal(o).isoformat() for o in range(MIN_O, MAX_O + 1)]
FORMATS = (DAY_S,) * 12 + ([s[:7] for s in DAY_S],) * 5 + ([s[:4] for s in DAY_S],) * 3  # 60 % day, 25 % month, 15 % year

FIRST = ("Ahmad Mahmoud Ismail Yahya Khaled Ali Hassan Qassem Mohammad Saleh Osama Musa Ziad Nasser Hossein Javad Abbas "
         "Fathi Ramadan Leila Maryam Sara Rachel David John Avi Yossi Daniel Hamid Reza Mojtaba Ebrahim Marwan Hani Nour "
         "Samir Tariq Walid Yusuf Omar Bassem Jamal Karim Amir Dalia Rania Noa Tamar Eitan Michael Anne Claire Ayşe").split()
LAST = ("al-Zahar Haniyeh Sinwar Meshaal Soleimani Qaani Nasrallah al-Arouri Marzouk Zarif Araghchi Larijani Rezaei Safavi "
        "Gallant Kirby Blinken Levitt Cohen Hagari Baraka Shallah Nakhalah Badran Rahimi Tabatabai Ḥamdān Kanaani Salami "
        "Bagheri Shamkhani Jalili Mughniyeh Safieddine Qassir Fadlallah Deif Issa Nofal Ghoul Odeh Sharif Mansour Karimi "
        "Moradi Yaalon Livni Pardo Dagan Halevi Ross Indyk Miller Price Votel Kurilla Dubowitz Vatanka Azizi Erdoğan").split()
PLACES = ("Tehran;Gaza City;Beirut;Damascus;Doha;Cairo;Istanbul;Sanaa;Baghdad;Khan Younis;Rafah;Jenin;Washington;London;"
          "Jerusalem;Amman;Ankara;Moscow;Geneva;Mashhad;Qom;Isfahan;Sidon;Aleppo;Hodeidah;Basra;Erbil;Muscat;Khartoum").split(";")
PUBLISHERS = ("Reuters;Associated Press;Agence France-Presse;Al Jazeera;Al-Monitor;Asharq Al-Awsat;The Times of Israel;"
              "Haaretz;Tasnim News Agency;Fars News Agency;IRNA;Press TV;The New York Times;The Washington Post;"
              "The Guardian;BBC News;Financial Times;Middle East Eye;Al Mayadeen;Iran International;Kayhan;"
              "US Department of the Treasury;International Crisis Group;Chatham House;United Nations;Anadolu Agency").split(";")
ORG_WORDS = ("Popular Islamic Revolutionary National Palestinian Lebanese Iraqi Yemeni Syrian Arab Democratic United Free "
             "Resistance Liberation Unity Sacred Independent Southern").split()
ORG_KINDS = "Front Movement Brigades Committees Council Battalions League Party Union Forces Assembly Network Office".split()
SAID = "said;told reporters;stated;claimed;alleged;wrote;told parliament;said in a televised speech".split(";")
FILLERS = [
    "in a statement carried by state media", "citing unnamed officials familiar with the matter", "during a visit to the region",
    "according to a transcript published the following day", "a claim the other side rejected as fabricated",
    "in remarks broadcast on television", "without giving figures or naming sources", "in an interview with a regional newspaper",
    "in testimony before a parliamentary committee", "two days after the strike", "as talks on a ceasefire stalled",
    "in the first public acknowledgement of the link", "in a leaked memo later confirmed by two officials",
    "noting that relations had cooled since the Syrian war began", "at a rally attended by several thousand supporters",
]
NOTES = ["Date given only as the month in the source.", "Translated from the Arabic original.",
         "The spelling of the name varies between sources.", "Paywalled; read through the archived copy.",
         "Several outlets carried the same text on the same day.", "Later reports revised the casualty figures."]
HEADLINES = ["{a} says {b} {x}", "Inside the ties between {a} and {b}", "{a} officials meet {b} leaders in {p}",
             "{a} denies links to {b}", "Report: {a} sent money to {b} {x}", "Analysis: {a}'s influence over {b} {x}"]
HEADLINE_X = ["for years", "amid war", "despite sanctions", "after the strike", "again", "through intermediaries"]
ROLES = {"head": ["leader", "secretary-general", "commander"], "senior": ["deputy leader", "minister", "senior adviser"],
         "member": ["spokesperson", "representative", "official"]}
# values tried, in this order, for a patterned column no rule here fills (the schema's pattern decides)
PATTERN_SAMPLES = (["IRN", "ISR", "PSE", "LBN", "SYR", "YEM", "IRQ", "USA", "GBR", "QAT", "TUR", "EGY"]
                   + ["en"] * 12 + ["ar", "ar", "fa", "fa", "he", "fr", "tr"] + ["0.1.0", "https://example.org/x"])
CORE_ACTORS = [  # (id, name, type, parent, start): the actors the dataset is about, referred to most often
    ("iran", "Iran", "state", "", "1979-04-01"), ("hamas", "Hamas", "political_organization", "", "1987-12"),
    ("izz-ad-din-al-qassam-brigades", "Izz ad-Din al-Qassam Brigades", "armed_group", "hamas", "1991"),
    ("hezbollah", "Hezbollah", "political_organization", "", "1982"),
    ("palestinian-islamic-jihad", "Palestinian Islamic Jihad", "political_organization", "", "1981"),
    ("islamic-revolutionary-guard-corps", "Islamic Revolutionary Guard Corps", "military_unit", "iran", "1979-05-05"),
    ("quds-force", "Quds Force", "military_unit", "islamic-revolutionary-guard-corps", "1990"),
    ("israel", "Israel", "state", "", ""), ("united-states", "United States", "state", "", ""),
    ("syria", "Syria", "state", "", ""), ("houthis", "Houthis", "armed_group", "", "1994"),
    ("qatar", "Qatar", "state", "", ""), ("european-union", "European Union", "intergovernmental_organization", "", "1993-11-01"),
]


def hexid(n: int) -> str:
    """A short distinct id suffix."""
    return f"{n:x}"


def slug(text: str, limit: int = 60) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()).strip("-")
    return (s[:limit].rsplit("-", 1)[0] if len(s) > limit else s) or "x"


def fit(text: str, lo: int, hi: int, pick: Callable[[list], str]) -> str:
    """Lengthen with filler clauses to at least lo characters, cut at a word to at most hi."""
    while len(text) < lo:
        text = text.rstrip(".") + ", " + pick(FILLERS) + "."
    return text[:hi - 1].rsplit(" ", 1)[0].rstrip(",;:") + "." if len(text) > hi else text


def pd_first(s: str) -> int:
    y, m, d = (s + "-01-01"[len(s) - 4:] if len(s) < 10 else s).split("-")
    return dt.date(int(y), int(m), int(d)).toordinal()


def pd_last(s: str) -> int:
    if len(s) == 10:
        return pd_first(s)
    y, m = int(s[:4]), (int(s[5:7]) if len(s) == 7 else 12)
    return dt.date(y + (m == 12), m % 12 + 1, 1).toordinal() - 1


def fk_of(tb: TableSpec, name: str) -> ForeignKey | None:
    return next((fk for fk in tb.foreign_keys if fk.fields == (name,)), None)


def pk_index(tb: TableSpec) -> list[int]:
    return [tb.field_names.index(k) for k in tb.primary_key]


# --------------------------------------------------------------------------------------------------
# Generation


class Synth:
    """Rows for every declared table, in the order the foreign keys ask for."""

    def __init__(self, spec: PackageSpec, n_claims: int, seed: int):
        self.spec, self.t, self.order, self.n = spec, spec.tables, spec.load_order(), n_claims
        self.rng = random.Random(seed)
        self.rnd = rnd = self.rng.random
        self.pick: Callable[[Any], Any] = lambda seq, rnd=rnd, int=int, len=len: seq[int(rnd() * len(seq))]
        self.rows: dict[str, list[Row]] = {}
        self.ids: dict[str, list[str]] = {}
        self.con = duckdb.connect()  # the validator's cell checks, on samples of what is written; closed once written

    def count(self, table: str) -> int:
        return max(MIN_ROWS.get(table, 1), int(self.n * ROWS_PER_CLAIM[table]))

    def weighted(self, table: str, field: str) -> list[str]:
        weights = ENUM_WEIGHTS.get((table, field), {})
        return [str(v) for v in self.t[table].field(field).enum or () for _ in range(round(weights.get(str(v), 1) * 4) or 1)]

    def date(self, lo: int = MIN_O, hi: int = MAX_O) -> tuple[int, str]:
        lo, hi = max(lo, MIN_O), min(hi, MAX_O)
        o = lo + int(self.rnd() * (max(hi, lo) - lo + 1))
        return o, self.pick(FORMATS)[o - MIN_O]

    def maker(self, tb: TableSpec, f: FieldSpec) -> Callable[[], str]:
        """A value generator from the field's constraints alone, for columns no rule here fills."""
        rnd, pick = self.rnd, self.pick
        if f.enum is not None:
            values = self.weighted(tb.name, f.name)
            make = lambda: pick(values)  # noqa: E731
        elif f.partial_date:
            make = lambda: self.date()[1]  # noqa: E731
        elif f.type in ("integer", "number"):
            lo = f.minimum or 0
            hi = f.maximum if f.maximum is not None else lo + 1000
            make = lambda: str(int(lo + rnd() * (hi - lo)))  # noqa: E731
        elif f.pattern:
            samples = [s for s, bad in zip(PATTERN_SAMPLES, cell_codes([f], [[s] for s in PATTERN_SAMPLES], self.con)) if not bad]
            if not samples:
                raise SystemExit(f"synth: no value fits {tb.name}.{f.name} (pattern {f.pattern!r}); add one to PATTERN_SAMPLES")
            make = lambda: pick(samples)  # noqa: E731
        elif f.required:
            hi = min(f.max_length or PROSE_MAX, PROSE_MAX)
            texts = [fit(pick(FILLERS).capitalize() + ".", hi // 4, hi, pick) for _ in range(PROSE_VARIANTS)]
            make = lambda: pick(texts)  # noqa: E731
        else:
            texts = [n[:f.max_length or len(n)] for n in NOTES]
            make = lambda: pick(texts)  # noqa: E731
        fill = 1.0 if f.required else FILL.get(f.name, OPTIONAL_FILL)
        if fill < 1.0 and free_text(f):
            return lambda: texts[int(rnd() * len(texts))] if rnd() < fill else ""  # one call per cell: most cells are these
        return make if fill == 1.0 else (lambda: make() if rnd() < fill else "")

    def emit(self, name: str, facts: Iterable[dict[str, str]]) -> None:
        """Rows in schema order from dicts of the values the rules here decide; the rest from `maker`."""
        tb = self.t[name]
        plan = None
        rows = self.rows[name] = []
        for d in facts:
            if plan is None:
                plan = [(n, None if n in d else self.maker(tb, tb.field(n))) for n in tb.field_names]
            rows.append([d[n] if make is None else make() for n, make in plan])
        self.check(tb, rows)

    def check(self, tb: TableSpec, rows: list[Row]) -> None:
        """A sample of every column must pass the validator's cell and text checks: stop, naming it, if the schema moved on."""
        sample = rows[::max(1, len(rows) // 400)]
        for r, bad in zip(sample, cell_codes(tb.fields, sample, self.con)):
            bad |= {(f.name, code) for f, v in zip(tb.fields, r) if v for code, _ in text_problems(v)}
            if bad:
                raise SystemExit(f"synth: generated {tb.name} row {r} fails {sorted(bad)}; update scripts/synth.py")

    def generate(self, extra_redirects: int = 0) -> None:
        """Tables in load order: a table with a method of its name gets it, one keyed by two foreign keys its links."""
        self.extra_redirects = extra_redirects
        for name in self.order:
            if name == "propositions":
                continue  # answered by claims: written with them
            if callable(getattr(self, name, None)):
                getattr(self, name)()
            elif name in FANOUT:
                self.link_table(name)
            else:
                print(f"synth: no generator for table {name!r}; writing it with a header only", file=sys.stderr)
                self.rows[name] = []
            if name == "claims":
                self.propositions()
        self.con.close()

    def sorted_ids(self, name: str, recs: list) -> None:
        recs.sort(key=operator.itemgetter(0))
        self.ids[name] = [r[0] for r in recs]

    def actors(self) -> None:
        """Core actors plus generated ones whose names stay distinct under the validator's folding."""
        rnd, pick = self.rnd, self.pick
        types = self.weighted("actors", "actor_type")
        recs = [[aid, name, typ, parent, pd_first(start) if start else 0, start, 0, "", True]
                for aid, name, typ, parent, start in CORE_ACTORS]
        taken = {k for r in recs for k in (name_key(r[1]), name_key(r[0].replace("-", " ")))}
        orgs = [r[0] for r in recs if r[2] != "person"]
        while len(recs) < self.count("actors"):
            typ = pick(types)
            name = (f"{pick(FIRST)} {pick(LAST)}" if typ == "person" else f"{pick(ORG_WORDS)} {pick(ORG_KINDS)} of {pick(PLACES)}")
            if name_key(name) in taken:  # a counter no folding can merge (no letter or digit doubled)
                name = f"{name} {'x'.join(str(len(recs)))}"
            aid = slug(name, 70)
            taken |= {name_key(name), name_key(aid.replace("-", " "))}
            parent = pick(orgs) if rnd() < (0.3 if typ == "person" else 0.4) else ""
            so, ss = self.date(MIN_O, OLD_ENOUGH) if rnd() < FILL["start_date"] else (0, "")
            eo, es = self.date(max(so, OLD_ENOUGH), MAX_O) if rnd() < FILL["end_date"] else (0, "")
            recs.append([aid, name, typ, parent, so, ss, eo, es, False])
            if typ != "person":
                orgs.append(aid)
        self.sorted_ids("actors", recs)
        self.actor_recs = recs
        self.actor_pos = {r[0]: i for i, r in enumerate(recs)}
        core = [i for i, r in enumerate(recs) if r[8]]
        claimants = [i for i, r in enumerate(recs) if not r[7]]  # the dead make no claims
        self.claimant_pool = claimants + core * max(1, len(claimants) // 40)
        self.subject_pool = list(range(len(recs))) + core * max(1, len(recs) // 15)
        self.emit("actors", ({"actor_id": r[0], "name": r[1], "actor_type": r[2], "parent_id": r[3], "start_date": r[5],
                              "end_date": r[7], "aliases": f"{r[1].replace('al-', 'el-')}|{r[1].upper()}" if rnd() < 0.3 else ""}
                             for r in recs))

    def sources(self) -> None:
        """Headlines name actors; each url is the source's own; no url means publisher and date (unfindable-source)."""
        rnd, pick = self.rnd, self.pick
        names = [r[1] for r in self.actor_recs]
        recs, publishers = [], [(p, slug(p, 30)) for p in PUBLISHERS]
        for i in range(self.count("sources")):
            po, ps = self.date()
            pub, pub_slug = pick(publishers)
            sid = f"{pub_slug}-{ps[:4]}-{hexid(i)}"
            title = pick(HEADLINES).format(a=pick(names), b=pick(names), p=pick(PLACES), x=pick(HEADLINE_X))
            recs.append((sid, po, ps, pub, fit(title, 30, 120, pick)))
        self.sorted_ids("sources", recs)
        access_lo = dt.date(2020, 1, 1).toordinal()

        def original(i: int, po: int) -> str:
            """An earlier row (no cycle) published no later (derived-before-original), or none."""
            j = int(self.rnd() * i)
            return recs[j][0] if recs[j][1] <= po else ""

        def facts() -> Iterable[dict[str, str]]:
            for i, (sid, po, ps, pub, title) in enumerate(recs):
                url = rnd() < FILL["url"]
                yield {"source_id": sid, "title": title, "publisher": pub if not url or rnd() < 0.9 else "",
                       "published_date": ps if not url or rnd() < 0.95 else "", "author": f"{pick(FIRST)} {pick(LAST)}" if rnd() < 0.5 else "",
                       "url": f"https://example.org/{ps[:4]}/{sid}" if url else "",
                       "archive_url": f"https://example.org/archive/{sid}" if url and rnd() < FILL["archive_url"] else "",
                       "accessed_date": self.date(max(po, access_lo))[1] if rnd() < FILL["accessed_date"] else "",
                       "derived_from_id": original(i, po) if i and rnd() < 0.15 else ""}
        self.emit("sources", facts())

    def events(self) -> None:
        rnd, pick = self.rnd, self.pick
        types, names = self.weighted("events", "event_type"), [r[1] for r in self.actor_recs]
        recs = []
        for i in range(self.count("events")):
            so, ss = self.date()
            et = pick(types)
            recs.append((f"{ss}-{et.replace('_', '-')}-{hexid(i)}", so, ss, et, f"{pick(names)} and {pick(names)}: {et.replace('_', ' ')}"))
        self.sorted_ids("events", recs)
        self.emit("events", ({"event_id": eid, "date_start": ss, "event_type": et, "title": fit(title, 30, 120, pick),
                              "date_end": self.date(so, so + 120)[1] if rnd() < FILL["date_end"] else "", "location": pick(PLACES)}
                             for eid, so, ss, et, title in recs))

    def claims(self) -> None:
        """Dated after the claimant's start; figures on funding claims only, complete, ranges ordered."""
        rnd, pick, actors = self.rnd, self.pick, self.actor_recs
        preds, stances, quals = self.weighted("claims", "predicate"), self.weighted("claims", "stance"), self.weighted("claims", "amount_qualifier")
        parts = {p: self.weighted("claims", p) for p in AMOUNT_PARTS if p != "amount_qualifier"}
        parts["currency"] = ["USD"] * 6 + [c for c in CURRENCY_PER_USD if c != "USD"]
        recs = []
        for i in range(self.n):
            c, pred = pick(self.claimant_pool), pick(preds)
            co, cs = self.date(actors[c][4])
            recs.append((f"{actors[c][0][:34].rstrip('-')}-{cs[:4]}-{pred.replace('_', '-')}-{hexid(i)}", c, pred, co, cs))
        self.sorted_ids("claims", recs)
        events, said = self.ids["events"], set()

        def facts() -> Iterable[dict[str, str]]:
            for cid, c, pred, co, cs in recs:
                s, o = pick(self.subject_pool), pick(self.subject_pool) if rnd() < 0.85 else -1
                o = -1 if o == s else o
                stance, money, event = pick(stances), pred in MONEY_PREDICATES and rnd() < 0.6, pick(events) if rnd() < 0.4 else ""
                while (c, stance, s, pred, o, event, cs) in said:  # duplicate-claim: one claim said twice on one date
                    co, cs = self.date(max(actors[c][4], co - DUPLICATE_SHIFT_DAYS), co + DUPLICATE_SHIFT_DAYS)
                    cs = DAY_S[co - MIN_O]
                said.add((c, stance, s, pred, o, event, cs))
                d = {"claim_id": cid, "claimant_id": actors[c][0], "subject_id": actors[s][0], "predicate": pred,
                     "object_id": actors[o][0] if o >= 0 else "", "stance": stance, "claimed_date": cs,
                     "event_id": event, "proposition_id": "", "valid_from": "", "valid_to": "",
                     "amount": "", "amount_low": "", "amount_high": "", "amount_qualifier": "",
                     "summary": fit(f"{actors[c][1]} {'denied' if stance == 'denies' else pick(SAID)} that {actors[s][1]} "
                                    f"{pred.replace('_', ' ')} {actors[o][1] if o >= 0 else 'its allies'}.", 80, 250, pick)}
                d.update({p: pick(vals) if money else "" for p, vals in parts.items()})
                if rnd() < (0.5 if money else 0.05):
                    fo, d["valid_from"] = self.date(MIN_O, co)
                    d["valid_to"] = self.date(fo)[1] if rnd() < 0.5 else ""
                if money:
                    d["amount_qualifier"] = q = pick(quals)
                    lo = 1 + int(rnd() * 200)
                    hi = lo + int(rnd() * 200)
                    if q != "range":
                        d["amount"] = str(lo * AMOUNT_STEP)
                    else:
                        d["amount_low"], d["amount_high"] = str(lo * AMOUNT_STEP), str(hi * AMOUNT_STEP)
                        d["amount"] = str((lo + int(rnd() * (hi - lo + 1))) * AMOUNT_STEP) if rnd() < 0.3 else ""
                yield d
        self.emit("claims", facts())

    def propositions(self) -> None:
        """Each question (subject, predicate, object, event) claims answer with different stances gets a
        proposition its claims point to; the largest others too up to CONTESTED_MINIMUM, some with an event."""
        tb, rows = self.t["claims"], self.rows["claims"]
        isub, ipred, iobj, iev, ist, iprop = (tb.field_names.index(k) for k in
                                              ("subject_id", "predicate", "object_id", "event_id", "stance", "proposition_id"))
        groups: dict[tuple, list[Row]] = {}
        for r in rows:
            groups.setdefault((r[isub], r[ipred], r[iobj], r[iev]), []).append(r)
        chosen = [k for k, rs in groups.items() if len({r[ist] for r in rs}) > 1]
        taken = set(chosen)
        rest = sorted((k for k in groups if k not in taken), key=lambda k: (-len(groups[k]), k))
        extra = rest[:max(0, CONTESTED_MINIMUM - len(chosen))]
        extra += [k for k in rest if k[3] and k not in extra][:max(0, CONTESTED_MINIMUM - sum(1 for k in chosen if k[3]))]
        name = {r[0]: r[1] for r in self.actor_recs}
        recs = []
        for j, key in enumerate(sorted(chosen + extra)):
            sub, pred, obj, ev = key
            pid = "-".join(x for x in (sub[:28].rstrip("-"), pred.replace("_", "-"), obj[:28].rstrip("-")) if x)[:70].rstrip("-") + f"-{hexid(j)}"
            for r in groups[key]:
                r[iprop] = pid
            recs.append([pid, {"proposition_id": pid, "subject_id": sub, "predicate": pred, "object_id": obj, "event_id": ev,
                               "statement": f"{name[sub]} {pred.replace('_', ' ')} {name[obj] if obj else 'its allies'}."}])
        self.sorted_ids("propositions", recs)
        self.emit("propositions", (d for _, d in recs))
        self.check(tb, rows)

    def drawer(self, link: str, resource: str) -> Callable[[], int]:
        """Index into ids[resource]: citing links hand out every source once first; actors lean to the core ones."""
        n, rnd = len(self.ids[resource]), self.rnd
        if resource == "sources" and link in CITING:
            if not hasattr(self, "uncited"):
                self.uncited = list(range(n))
                self.rng.shuffle(self.uncited)
            return lambda: self.uncited.pop() if self.uncited else int(rnd() * n)
        if resource == "actors":
            return lambda: self.pick(self.subject_pool)
        return lambda: int(rnd() * n)

    def link_table(self, name: str) -> None:
        """A table keyed by two foreign keys: FANOUT rows of distinct second keys per first key, in key order."""
        tb, pick = self.t[name], self.pick
        first, second = (fk_of(tb, k) for k in tb.primary_key[:2])
        parents, children, draw, ks = self.ids[first.resource], self.ids[second.resource], self.drawer(name, second.resource), FANOUT[name]

        def facts() -> Iterable[dict[str, str]]:
            a, b = first.fields[0], second.fields[0]
            for p in parents:
                k = pick(ks)
                got = (draw(),) if k == 1 else sorted({draw() for _ in range(k)})  # ids are sorted: so are their indexes
                for c in got:
                    yield {a: p, b: children[c]}
        self.emit(name, facts())

    def claim_relations(self) -> None:
        claims, rnd = self.ids["claims"], self.rnd
        pairs: set[tuple[str, str]] = set()
        while len(pairs) < self.count("claim_relations"):
            a, b = int(rnd() * len(claims)), int(rnd() * len(claims))
            if a != b:  # self-relation
                pairs.add((claims[a], claims[b]))
        self.emit("claim_relations", ({"claim_id": a, "related_claim_id": b} for a, b in sorted(pairs)))

    def affiliations(self) -> None:
        """Every person holds an undated post (covering all its claims) in its parent or another organisation;
        some a second post, dated inside both lifetimes (affiliation-outside-lifetime)."""
        rnd, pick, actors = self.rnd, self.pick, self.actor_recs
        orgs, seniority = [i for i, r in enumerate(actors) if r[2] != "person"], self.weighted("affiliations", "seniority")
        out: dict[str, dict[str, str]] = {}

        def add(p: list, o: list, dated: bool) -> None:
            aid = f"{p[0][:58].rstrip('-')}-{o[0][:58].rstrip('-')}"
            vf = vt = ""
            lo, hi = max(p[4], o[4], MIN_O), min(p[6] or MAX_O, o[6] or MAX_O)
            if dated and lo <= hi:
                fo, vf = self.date(lo, hi)
                vt = self.date(fo, hi)[1] if rnd() < 0.5 else ""
            sen = pick(seniority)
            if aid not in out:
                out[aid] = {"affiliation_id": aid, "actor_id": p[0], "organization_id": o[0], "seniority": sen,
                            "role": pick(ROLES.get(sen, [sen])), "valid_from": vf, "valid_to": vt}
        for r in actors:
            if r[2] == "person":
                first = actors[self.actor_pos[r[3]]] if r[3] else actors[pick(orgs)]
                add(r, first, dated=False)
                if rnd() < 0.3:
                    second = actors[pick(orgs)]
                    if second is not first:
                        add(r, second, dated=True)
        self.ids["affiliations"] = sorted(out)
        self.emit("affiliations", (out[k] for k in self.ids["affiliations"]))

    def actor_identifiers(self) -> None:
        """Core actors and one in ten, with ids in the form the scheme's format (identifier-format) wants, never shared."""
        rnd, pick, schemes = self.rnd, self.pick, self.weighted("actor_identifiers", "scheme")
        counter = iter(range(1001, 1 << 62))

        def identifier(scheme: str, name: str) -> str:
            pattern, k = (IDENTIFIER_FORMATS.get(scheme) or (None, ""))[0], next(counter)
            return next(v for v in (f"Q{k}", str(k), name) if pattern is None or re.fullmatch(pattern, v))
        rows = []
        for r in self.actor_recs:
            if r[8] or rnd() < 0.1:
                for scheme in sorted({pick(schemes) for _ in range(1 + (rnd() < 0.3))}):
                    v = identifier(scheme, r[1])
                    rows.append({"actor_id": r[0], "scheme": scheme, "identifier": v,
                                 "evidence_url": f"https://example.org/{scheme}/{slug(v, 40)}" if rnd() < FILL["evidence_url"] else "",
                                 "evidence": f"The register's entry for {v} gives the name {r[1]} and a matching description."})
        self.emit("actor_identifiers", rows)

    def exchange_rates(self) -> None:
        """Yearly rates of the currencies claims use, from one cited source."""
        src = self.pick(self.ids["sources"])
        self.emit("exchange_rates", ({"currency": c, "year": str(y), "units_per_usd": f"{rate * (0.9 + 0.2 * self.rnd()):.4f}", "source_id": src}
                                     for c, rate in sorted(CURRENCY_PER_USD.items()) if c != "USD"
                                     for y in range(2000, 2003 + self.n // 100000)))

    def not_duplicates(self) -> None:
        sources = self.ids["sources"]
        pairs = sorted({tuple(sorted((self.pick(sources), self.pick(sources)))) for _ in range(3)})
        self.emit("not_duplicates", ({"table_name": "sources", "id": a, "other_id": b, "reason": "Two stories by one outlet, on different events."}
                                     for a, b in pairs if a != b))

    def redirects(self) -> None:
        """Retired ids that no table uses, each pointing at a live id of its table."""
        tables = [t for t in self.weighted("redirects", "table_name") if self.ids.get(t)]
        out: dict[str, tuple[str, str]] = {}
        while len(out) < 5 + self.n // 10000 + self.extra_redirects:
            t = self.pick(tables)
            new = self.pick(self.ids[t])
            old = f"{new[:60].rstrip('-')}-old-{hexid(len(out))}"
            at = bisect.bisect_left(self.ids[t], old)  # ids are sorted
            if old not in out and self.ids[t][at:at + 1] != [old]:
                out[old] = (new, t)
        self.emit("redirects", ({"old_id": o, "new_id": n, "table_name": t, "version": "0.1.0"} for o, (n, t) in sorted(out.items())))


# --------------------------------------------------------------------------------------------------
# Faults

BAD_BYTE, CR, QUOTE = "\ue000", "\ue001", "\ue002"  # marks in cells, replaced in the file once written
FILE_FAULT_TABLES = ("event_actors", "events", "claim_sources", "claim_relations", "redirects", "sources", "actors")
HEADER_KINDS = ("extra-header", "missing-header", "header-order", "blank-header", "duplicate-header")
RULE_FAULTS = {  # a dataset rule's code -> (table, Faults method breaking it)
    **{rule.code: (rule.table, "row_rule") for rule in ROW_RULES},
    **dict.fromkeys(("undated-claim", "claimant-not-founded", "claim-after-death"), ("claims", "claim_date")),
    "proposition-event": ("claims", "proposition_event"), "identifier-format": ("actor_identifiers", "identifier_format"),
    **dict.fromkeys(("duplicate-source", "unused-source"), ("sources", "source_fault")),
}


class Faults:
    """One fault per touched row, each recorded with the row object; lines are resolved after sorting."""

    def __init__(self, s: Synth, rate: float, header_faults: bool):
        self.s, self.t, self.rows, self.rate, self.header_faults = s, s.t, s.rows, rate, header_faults
        self.rng = random.Random(s.rng.random())
        self.rnd, self.pick = self.rng.random, s.pick
        self.touched: set[int] = set()  # id() of rows that carry a fault
        self.deleted: set[int] = set()
        self.reserved_actors: set[str] = set()  # actors whose dates and type claims' faults rely on
        self.entries: list[dict] = []
        self.loose: dict[str, list[tuple[bool, Row]]] = {}  # (at the end?, row): blank and unterminated lines, placed last
        self.ragged_rows: dict[str, list[Row]] = {}
        self.header: dict[str, list[str]] = {}
        self.edits: dict[str, list[Callable[[bytes], bytes]]] = {}  # applied to a table's file once written
        self.skipped: Counter = Counter()
        self.fresh = 0
        self.links = {name: tb.sourced_by for name, tb in self.t.items() if tb.sourced_by}  # main -> (link, key)
        self.redirects = s.spec.extensions.get("redirects") or {}  # {resource, table, old, new} columns
        self.id_sets = {t: set(v) for t, v in s.ids.items()}
        self.referenced = {(fk.resource, f) for tb in self.t.values() for fk in tb.foreign_keys for f in fk.reference_fields}
        self.link_index: dict[str, tuple[list[str], list[Row]]] = {}
        self.cites: Counter = Counter()
        for main, (link, key) in self.links.items():
            self.link_index[main] = (list(map(operator.itemgetter(self.col(link, key)), self.rows[link])), self.rows[link][:])
            if link in CITING:
                self.cites.update(map(operator.itemgetter(self.col(link, "source_id")), self.rows[link]))
        self.breakers = {name: self.cell_breakers(tb) for name, tb in self.t.items()}
        self.claimant_ids = set(map(operator.itemgetter(self.col("claims", "claimant_id")), self.rows["claims"]))

    def col(self, table: str, name: str) -> int:
        return self.t[table].field_names.index(name)

    def add(self, table: str, column: str | None, code: str, rows: list[Row], at: str = "row") -> bool:
        """Record a fault at the last line of `rows`, or `at` the header ("line1") or the file's last line ("last")."""
        self.entries.append({"path": self.t[table].path, "table": table, "column": column, "code": code, "rows": rows, "at": at})
        self.touched.update(map(id, rows))
        return True

    def free(self, row: Row) -> bool:
        return id(row) not in self.touched and id(row) not in self.deleted

    def random_row(self, table: str, cond: Callable[[Row], bool] | None = None, tries: int = 200) -> Row | None:
        rows = self.rows[table]
        if table == "actors":  # claims' faults rely on these actors' dates and type
            ia, inner = self.col("actors", "actor_id"), cond
            cond = lambda r: r[ia] not in self.reserved_actors and (inner is None or inner(r))  # noqa: E731
        for _ in range(tries if rows else 0):
            r = rows[int(self.rnd() * len(rows))]
            if self.free(r) and (cond is None or cond(r)):
                return r
        return None

    def lifetime_free(self, table: str, r: Row) -> bool:
        """False for a claimant: moving its dates would also break the claims it makes."""
        return table != "actors" or r[self.col("actors", "actor_id")] not in self.claimant_ids

    def fresh_id(self, stem: str) -> str:
        self.fresh += 1
        return f"{stem}-synthetic-{hexid(self.fresh)}"

    def misspell(self, value: str, taken: set[str], field: FieldSpec) -> str:
        """A letter doubled or dropped: an id of the field's form that is not taken."""
        for _ in range(100):
            i = int(self.rnd() * len(value))
            out = value[:i] + value[i] + value[i:] if self.rnd() < 0.5 else value[:i] + value[i + 1:]
            if (not field.pattern or re.search(field.pattern, out)) and out != value and out not in taken:
                return out
        return value + "x"

    def linked(self, main: str, key: str) -> list[Row]:
        keys, rows = self.link_index[main]
        return rows[bisect.bisect_left(keys, key):bisect.bisect_right(keys, key)]

    # cells -----------------------------------------------------------------------------------------
    def cell_breakers(self, tb: TableSpec) -> dict[str, list[tuple[FieldSpec, Violation]]]:
        """By finding code, the fields whose cells may carry it alone and how to break them (`ihr.violations`)."""
        out: dict[str, list[tuple[FieldSpec, Violation]]] = {}
        for f in tb.fields:
            in_pk, is_fk = f.name in tb.primary_key, fk_of(tb, f.name) is not None
            if (tb.name, f.name) == (self.redirects.get("resource"), self.redirects.get("new")):
                continue  # an empty or misshapen target is reported as a broken redirect instead
            # a key or reference left blank or misshapen would break references as well (the foreign-key kind's faults)
            fits = {"required": not (in_pk and (is_fk or (tb.name, f.name) in self.referenced)), "pattern": not (in_pk or is_fk),
                    "invalid-date": not in_pk, "future-date": not in_pk}
            for code, hook in violations(f):
                if fits.get(code, True):
                    out.setdefault(code, []).append((f, hook))
        return out

    def cell(self, table: str, code: str) -> bool:
        tb, cands, ends = self.t[table], self.breakers[table][code], dict(self.t[table].date_pairs)
        for _ in range(20):
            f, hook = self.pick(cands)
            i, end = tb.field_names.index(f.name), ends.get(f.name)
            # a future start would also put its end before it; anything but `required` changes a value
            r = self.random_row(table, lambda r: (code == "required" or r[i] != "") and (code != "future-date" or (
                self.lifetime_free(table, r) and not (end and r[self.col(table, end)]))))
            new = None if r is None else hook(f, r[i], self.rng)
            if new is not None and new != r[i]:
                r[i] = new
                return self.add(table, f.name, code, [r])
        return False

    # rows and keys ---------------------------------------------------------------------------------
    def primary_key(self, table: str) -> bool:
        """A copy of a row under its key (free text changed, so the copy is not the same line)."""
        tb = self.t[table]
        r = self.random_row(table, lambda r: all(r[i] for i in pk_index(tb)))
        if r is None:
            return False
        dup = list(r)
        text = next((i for i, f in enumerate(tb.fields) if free_text(f) and dup[i] and len(tb.primary_key) == 1), None)
        if text is not None:
            dup[text] = dup[text].rstrip(".")[:(tb.fields[text].max_length or 200) - 12] + " (again)"
        if "url" in tb.field_names and dup[self.col(table, "url")]:
            dup[self.col(table, "url")] += "?copy=1"
        self.rows[table].append(dup)
        return self.add(table, ",".join(tb.primary_key), "primary-key", [r, dup])

    def foreign_key(self, table: str) -> bool:
        """A misspelt reference; a source link only where its row keeps another link and the source another citation."""
        tb = self.t[table]
        fks = [fk for fk in tb.foreign_keys if len(fk.fields) == 1 and fk.resource in self.id_sets]
        main = next((m for m, (link, _) in self.links.items() if link == table), None)
        for _ in range(30):
            fk = self.pick(fks)
            i = self.col(table, fk.fields[0])

            def ok(r: Row) -> bool:
                if not r[i] or main is None:
                    return bool(r[i])
                others = [x for x in self.linked(main, r[self.col(table, self.links[main][1])]) if self.free(x)]
                return len(others) >= 2 and self.cites[r[self.col(table, "source_id")]] >= 2
            r = self.random_row(table, ok)
            if r is not None:
                if main is not None:
                    self.cites[r[self.col(table, "source_id")]] -= 1
                r[i] = self.misspell(r[i], self.id_sets[fk.resource], tb.fields[i])
                return self.add(table, fk.fields[0], "foreign-key", [r])
        return False

    def missing_source(self, table: str) -> bool:
        """A row whose every source link is deleted."""
        link, key = self.links[table]
        ki, si = self.col(table, key), self.col(link, "source_id")
        r = self.random_row(table, lambda r: all(self.free(x) and self.cites[x[si]] >= 2 for x in self.linked(table, r[ki])))
        for x in self.linked(table, r[ki]) if r is not None else ():
            self.deleted.add(id(x))
            self.cites[x[si]] -= 1
        return r is not None and self.add(table, key, "missing-source", [r])

    def date_order(self, table: str) -> bool:
        a, b = self.pick(self.t[table].date_pairs)
        r = self.random_row(table, lambda r: self.lifetime_free(table, r))
        if r is None:
            return False
        so = MIN_O + 800 + int(self.rnd() * (MAX_O - MIN_O - 800))
        r[self.col(table, a)] = self.pick(FORMATS)[so - MIN_O]
        r[self.col(table, b)] = DAY_S[min(so - 1 - int(self.rnd() * 700), pd_first(r[self.col(table, a)]) - 1) - MIN_O]
        return self.add(table, b, "date-order", [r])

    def cycle(self, table: str) -> bool:
        """A chain (parent, derived-from) that comes back: an actor its own parent, or a loop of two or three."""
        chain = self.pick(self.t[table].chains)
        ki, pi = self.col(table, chain.reference_fields[0]), self.col(table, chain.fields[0])
        size = 1 if table == "actors" and self.rnd() < 0.3 else (2 if table == "actors" else 3)
        members: list[Row] = []
        for _ in range(size):
            r = self.random_row(table, lambda r: all(r[ki] != m[ki] for m in members))
            if r is None:
                return False
            members.append(r)
        for j, m in enumerate(members):
            m[pi] = members[(j + 1) % size][ki]
        return all(self.add(table, chain.fields[0], "cycle", [m]) for m in members)

    def self_relation(self, table: str) -> bool:
        tb = self.t[table]
        a, b = (self.col(table, k) for k in tb.primary_key if fk_of(tb, k))
        r = self.random_row(table)
        if r is not None:
            r[b] = r[a]
        return r is not None and self.add(table, tb.field_names[b], "self-relation", [r])

    def ragged(self, table: str, code: str) -> bool:
        """A new row (fresh key, valid references) with one cell too many or too few; the validator skips it."""
        tb = self.t[table]
        template = self.random_row(table)
        if template is None:
            return False
        new, pos = list(template), pk_index(tb)
        if len(pos) == 1:
            new[pos[0]] = self.fresh_id(tb.primary_key[0].replace("_", "-"))
        for j in pos[1:] if len(pos) > 1 else ():  # keep references valid: change a key column that is an enum
            if tb.fields[j].enum and len(tb.fields[j].enum) > 1:
                new[j] = self.rng.choice([str(v) for v in tb.fields[j].enum if str(v) != new[j]])
                break
        if code == "extra-cell":
            new.append(self.rng.choice(["", "extra", "see notes"]))
        else:
            drop = 1 + int(self.rnd() * min(2, max(1, len(new) - 1 - max(pos or [0]))))
            new = new[:-drop] if len(new) > drop else new[:1]
        self.ragged_rows.setdefault(table, []).append(new)
        return self.add(table, None, code, [new])

    def loose_line(self, table: str, code: str, row: Row, at_end: bool = False) -> bool:
        """A line placed after sorting: a blank one anywhere, an unterminated quote at the end."""
        self.loose.setdefault(table, []).append((at_end, row))
        return self.add(table, None, code, [row])

    # rules of this dataset -------------------------------------------------------------------------
    def row_rule(self, table: str, code: str) -> bool:
        """A row breaking one of the dataset's row rules (a figure incomplete, unfunded or a wrong range; a source unfindable)."""
        tb, breaks = self.t[table], ROW_RULE_VIOLATIONS[code]
        r = self.random_row(table, lambda r: breaks(tb, dict(zip(tb.field_names, r)), random.Random(0)) is not None)  # a probe
        if r is None:
            return False
        for column, value in breaks(tb, dict(zip(tb.field_names, r)), self.rng).items():
            r[self.col(table, column)] = value
        return self.add(table, next(rule.column for rule in ROW_RULES if rule.code == code), code, [r])

    def claim_date(self, table: str, code: str) -> bool:
        """A claim undated, dated before its claimant was founded, or made by a person after death."""
        ic, idt = self.col(table, "claimant_id"), self.col(table, "claimed_date")
        ia, it, isd, ied = (self.col("actors", k) for k in ("actor_id", "actor_type", "start_date", "end_date"))
        actors = [a for a in self.rows["actors"] if self.free(a)]
        if code == "undated-claim":
            r = self.random_row(table, lambda r: r[idt] != "")
        elif code == "claim-after-death":
            dead = [a for a in actors if a[it] == "person" and a[ied] and pd_last(a[ied]) < MAX_O - 2
                    and (not a[isd] or pd_first(a[isd]) <= pd_last(a[ied]))]
            r = self.random_row(table) if dead else None
            if r is not None:
                a = self.rng.choice(dead)
                r[ic], lo = a[ia], pd_last(a[ied]) + 1
                r[idt] = DAY_S[lo + int(self.rnd() * (MAX_O - lo)) - MIN_O]
        else:
            founded = {a[ia]: a[isd] for a in actors if a[isd] and pd_first(a[isd]) > MIN_O + 366}
            r = self.random_row(table, lambda r: r[ic] in founded)
            if r is not None:
                r[idt] = str(int(founded[r[ic]][:4]) - 1)
        if r is None:
            return False
        r[idt] = "" if code == "undated-claim" else r[idt]
        self.reserved_actors.add(r[ic])
        return self.add(table, "claimed_date", code, [r])

    def proposition_event(self, table: str, code: str) -> bool:
        """A claim whose proposition names an event, moved to no event or another one."""
        ie, ip = self.col(table, "event_id"), self.col(table, "proposition_id")
        pe, pp = self.col("propositions", "event_id"), self.col("propositions", "proposition_id")
        event_of = {p[pp]: p[pe] for p in self.rows["propositions"] if p[pe]}
        cands = [r for r in self.rows[table] if r[ip] in event_of and r[ie] == event_of[r[ip]] and self.free(r)]
        if not cands:
            return False
        r = self.rng.choice(cands)
        other = self.pick(self.s.ids["events"]) if self.rnd() < 0.5 else ""
        r[ie] = other if other != r[ie] else ""
        return self.add(table, "event_id", "proposition-event", [r])

    def identifier_format(self, table: str, code: str) -> bool:
        """An identifier lowercased or given a leading zero, out of its scheme's format."""
        isch, iid = self.col(table, "scheme"), self.col(table, "identifier")
        r = self.random_row(table, lambda r: (IDENTIFIER_FORMATS.get(r[isch]) or (None,))[0] is not None)
        if r is None:
            return False
        pattern, old = IDENTIFIER_FORMATS[r[isch]][0], r[iid]
        r[iid] = next((v for v in (old.lower(), old[:1] + "0" + old[1:], "0" + old) if not re.fullmatch(pattern, v)), old)
        return r[iid] != old and self.add(table, "identifier", "identifier-format", [r])

    def source_fault(self, table: str, code: str) -> bool:
        """A source with another's url, or one nothing cites."""
        iu, ia, isid = self.col(table, "url"), self.col(table, "archive_url"), self.col(table, "source_id")
        r = self.random_row(table, lambda r: r[iu] != "" and (code != "unused-source" or r[self.col(table, "derived_from_id")] == ""))
        if r is None:
            return False
        if code == "duplicate-source":
            b = self.random_row(table, lambda b: b is not r and b[iu] != "")
            if b is not None:
                b[iu] = r[iu]
            return b is not None and self.add(table, "url", code, [r, b])
        new = list(r)
        new[isid] = sid = self.fresh_id("uncited-source")
        new[iu], new[ia] = f"https://example.org/uncited/{sid}", ""
        self.rows[table].append(new)
        return self.add(table, "source_id", code, [new])

    def redirect(self, table: str) -> bool:
        """A retired id still in use, or a redirect to an id that does not exist."""
        old, new, tab = (self.redirects[k] for k in ("old", "new", "table"))
        io, inew, itab = (self.col(table, k) for k in (old, new, tab))
        r = self.random_row(table, lambda r: r[itab] in self.id_sets)
        if r is None:
            return False
        if self.rnd() < 0.5:
            used = self.rng.choice(self.s.ids[r[itab]])
            if any(x[io] == used for x in self.rows[table]):
                return False
            r[io] = used
            return self.add(table, old, "redirect", [r])
        r[inew] = self.misspell(r[inew], self.id_sets[r[itab]], self.t[table].fields[inew])
        return self.add(table, new, "redirect", [r])

    # files and headers -----------------------------------------------------------------------------
    def edit(self, table: str, change: Callable[[bytes], bytes]) -> None:
        self.edits.setdefault(table, []).append(change)

    def file_faults(self) -> None:
        """BOM, CR line end, missing final newline, unterminated quote, invalid UTF-8: one each, in distinct tables."""
        for kind, table in zip(("bom", "line-ending", "final-newline", "malformed-csv", "encoding"),
                               [n for n in FILE_FAULT_TABLES if self.rows.get(n)]):
            tb = self.t[table]
            if kind == "bom":
                self.edit(table, lambda data: b"\xef\xbb\xbf" + data)
                self.add(table, None, "bom", [], at="line1")
            elif kind == "line-ending":  # marked in a column no header fault removes; the row's line end becomes CR LF
                r = self.random_row(table)
                r[next((j for j, f in enumerate(tb.fields) if f.required and f.name not in tb.primary_key), 0)] += CR
                self.edit(table, lambda data: re.sub(re.escape(CR.encode()) + rb"([^\n]*)\n", rb"\1\r\n", data, count=1))
                self.add(table, None, "line-ending", [r])
            elif kind == "final-newline":
                self.edit(table, lambda data: data.removesuffix(b"\n"))
                self.add(table, None, "line-ending", [], at="last")
            elif kind == "malformed-csv":
                self.edit(table, lambda data: data.replace(QUOTE.encode(), b'"'))
                self.loose_line(table, "malformed-csv", [QUOTE + "unterminated quote: " + FILLERS[0]] + [""] * (len(tb.fields) - 1), True)
            else:
                text = [i for i, f in enumerate(tb.fields) if free_text(f)]
                r = self.random_row(table, lambda r: any(r[i] for i in text))
                if r is not None:
                    i = next(i for i in text if r[i])
                    r[i] = r[i].replace(" ", " " + BAD_BYTE, 1) if " " in r[i] else r[i] + BAD_BYTE
                    self.edit(table, lambda data: data.replace(BAD_BYTE.encode(), b"\xe9"))
                    self.add(table, None, "encoding", [r])

    def header_faults_in(self, tables: list[str]) -> None:
        """One header fault per table, after every row fault: columns move, so rows must already be final."""
        for kind in HEADER_KINDS:
            next((t for t in tables if t not in self.header and self.rows.get(t) and self.header_fault(t, kind)), None)

    def header_fault(self, table: str, kind: str) -> bool:
        tb, keys = self.t[table], set(pk_index(self.t[table]))
        header, rows = list(tb.field_names), self.rows[table] + self.ragged_rows.get(table, [])
        if kind == "missing-header":  # the last optional column
            j = next((j for j in reversed(range(len(header))) if not tb.fields[j].required and j not in keys), None)
            if j is None:
                return False
            column = header.pop(j)
            self.entries = [e for e in self.entries if not (e["table"] == table and e["column"] == column)]
            for r in (r for r in rows if len(r) > 1):
                del r[j if len(r) > j else -1]  # a ragged row stays ragged
        elif kind == "header-order":  # the first two neighbours outside the key swapped
            j = next((j for j in range(len(header) - 1) if not {j, j + 1} & keys), None)
            if j is None:
                return False
            column = None
            for seq in [header, *rows]:
                seq[j:j + 2] = seq[j:j + 2][::-1]
        else:
            header.append(column := {"extra-header": "extra_notes", "blank-header": "", "duplicate-header": header[-1]}[kind])
            for r in rows:
                r.append("")
        self.header[table] = header
        return self.add(table, column, kind, [], at="line1")

    # driver ----------------------------------------------------------------------------------------
    def kinds(self, table: str) -> list[tuple[str, Callable[[], bool]]]:
        """Every fault kind that applies to a table, as (code, injector)."""
        tb = self.t[table]
        pk_refs = [fk_of(tb, k).resource for k in tb.primary_key if fk_of(tb, k)]
        generic = {"primary-key": (bool(tb.primary_key), self.primary_key), "missing-source": (table in self.links, self.missing_source),
                   "date-order": (bool(tb.date_pairs), self.date_order), "cycle": (bool(tb.chains), self.cycle),
                   "foreign-key": (any(len(fk.fields) == 1 and fk.resource in self.id_sets for fk in tb.foreign_keys), self.foreign_key),
                   "redirect": (table == self.redirects.get("resource"), self.redirect),
                   "self-relation": (len(pk_refs) == 2 and pk_refs[0] == pk_refs[1], self.self_relation)}
        return ([(code, lambda code=code: self.cell(table, code)) for code in self.breakers[table]]
                + [(code, lambda fn=fn: fn(table)) for code, (applies, fn) in generic.items() if applies]
                + [(code, lambda code=code, fn=getattr(self, method): fn(table, code)) for code, (where, method) in RULE_FAULTS.items()
                   if where == table and code in self.s.spec.dataset_rules]  # the dataset's rules run only when the package lists them
                + [(code, lambda code=code: self.ragged(table, code)) for code in ("extra-cell", "missing-cell")]
                + [("blank-row", lambda: self.loose_line(table, "blank-row", []))])

    def inject(self) -> None:
        """About `rate` of each table's rows, at least one of every kind, round the kinds in random order."""
        self.file_faults()
        for table in sorted(self.rows, key=lambda n: (n != "claims", n)):  # claims first: they reserve actors
            n_rows, kinds = len(self.rows[table]), self.kinds(table)
            if not n_rows:
                continue
            want = min(max(round(self.rate * n_rows), len(kinds)), max(1, n_rows // 3))
            self.rng.shuffle(kinds)
            done = attempts = 0
            while done < want and attempts < want * 4:
                code, run = kinds[attempts % len(kinds)]
                attempts += 1
                if run():
                    done += 1
                else:
                    self.skipped[f"{table}:{code}"] += 1

    def finish(self) -> dict[str, list[Row]]:
        """Header faults, deleted links dropped, rows sorted by key with ragged rows and loose lines placed."""
        if self.header_faults:
            file_tables = [e["table"] for e in self.entries if e["code"] in ("bom", "line-ending", "malformed-csv", "encoding")]
            self.header_faults_in([n for n in self.rows if n not in file_tables] + list(reversed(dict.fromkeys(file_tables))))
        tracked = {id(r) for e in self.entries for r in e["rows"]} | self.touched
        self.line_at: dict[int, int] = {}  # id(row) -> physical line
        self.last_line: dict[str, int] = {}
        out = {}
        for name, rows in self.rows.items():
            tb = self.t[name]
            if self.deleted:
                rows = [r for r in rows if id(r) not in self.deleted]
            header = self.header.get(name, tb.field_names)
            pos = [header.index(k) for k in tb.primary_key if k in header]
            key = lambda r, pos=pos: tuple(r[i] if i < len(r) else "" for i in pos)  # noqa: E731  (ragged rows are short)
            rows.sort(key=operator.itemgetter(*pos) if len(pos) > 1 else (lambda r, p=pos[0]: (r[p],)) if pos else key)
            for r in self.ragged_rows.get(name, []):
                rows.insert(bisect.bisect_right(rows, key(r), key=key) if pos else len(rows), r)
            for at_end, r in sorted(self.loose.get(name, []), key=lambda x: not x[0]):
                rows.insert(len(rows) if at_end else 1 + int(self.rnd() * max(1, len(rows) - 1)), r)
            extra, line, prev = 0, 2, 0
            for i, v in sorted((i, v) for i, v in enumerate(map(id, rows)) if v in tracked):
                line += i - prev  # the line breaks inside earlier quoted cells push later records down
                prev = i
                self.line_at[v] = line + extra
                extra += sum(c.count("\n") for c in rows[i])
            self.last_line[name] = len(rows) + 1 + extra
            out[name] = rows
        return out

    def resolved(self) -> list[dict]:
        out = [{"path": e["path"], "line": 1 if e["at"] == "line1" else self.last_line[e["table"]] if e["at"] == "last"
                else max(self.line_at[id(r)] for r in e["rows"]), "column": e["column"], "code": e["code"]} for e in self.entries]
        return sorted(out, key=lambda f: (f["path"], f["line"], f["column"] or "", f["code"]))


# --------------------------------------------------------------------------------------------------
# Writing


def write_tables(out: Path, tables: dict[str, TableSpec], records: dict[str, list[Row]], faults: Faults | None) -> dict[str, int]:
    """UTF-8, LF, minimal quoting; then each file fault's edit of the written bytes."""
    for name, rows in records.items():
        path = out / tables[name].path
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="", buffering=1 << 22) as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(faults.header.get(name, tables[name].field_names) if faults else tables[name].field_names)
            w.writerows(rows)
        if faults and faults.edits.get(name):
            data = path.read_bytes()
            for change in faults.edits[name]:
                data = change(data)
            path.write_bytes(data)
    return {name: len(rows) - (len(faults.loose.get(name, [])) if faults else 0) for name, rows in records.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--claims", type=int, required=True, help="number of claims (the other tables scale from it)")
    ap.add_argument("--out", required=True, type=Path, help="package directory to write (tables/ is replaced)")
    ap.add_argument("--fault-rate", type=float, default=0.0, help="share of rows per table that get a fault (e.g. 0.001)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--header-faults", action="store_true",
                    help="also break headers (extra, blank, duplicate, missing, out-of-order columns), one table each")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    if args.claims < 1 or not 0 <= args.fault_rate < 0.2:
        ap.error("--claims must be >= 1 and --fault-rate in [0, 0.2)")
    started = time.perf_counter()
    gc.disable()  # millions of small lists, no cycles: the cyclic collector would only rescan them
    spec, _ = load_package(ROOT, reference_check=False)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "datapackage.json", out / "datapackage.json")
    shutil.copytree(ROOT / "schemas", out / "schemas", dirs_exist_ok=True)
    shutil.rmtree(out / "tables", ignore_errors=True)
    (out / "faults.json").unlink(missing_ok=True)
    synth = Synth(spec, args.claims, args.seed)
    synth.generate(extra_redirects=40 if args.fault_rate > 0 else 0)
    generated = time.perf_counter()
    faults, entries, records = None, [], synth.rows
    if args.fault_rate > 0:
        faults = Faults(synth, args.fault_rate, args.header_faults)
        faults.inject()
        records = faults.finish()
        entries = faults.resolved()
    counts = write_tables(out, spec.tables, {n: records[n] for n in spec.tables}, faults)
    if faults:
        (out / "faults.json").write_text(json.dumps(entries, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if not args.quiet:
        done = time.perf_counter()
        print(f"synth: {sum(counts.values())} rows in {len(counts)} tables -> {out} in {done - started:.1f}s "
              f"(generate {generated - started:.1f}s, write {done - generated:.1f}s)\n  "
              + ", ".join(f"{k} {v}" for k, v in counts.items()), file=sys.stderr)
        if faults:
            by_code = Counter(e["code"] for e in entries)
            print(f"  {len(entries)} faults: " + ", ".join(f"{k} {v}" for k, v in sorted(by_code.items())), file=sys.stderr)
            if faults.skipped:
                print("  could not place: " + ", ".join(f"{k} x{v}" for k, v in sorted(faults.skipped.items())), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
