#!/usr/bin/env python3
"""Write a synthetic iran-hamas-relations package of any size, clean or with known faults.

    python scripts/synth.py --claims 100000 --out /tmp/synth-100k
    python scripts/synth.py --claims 10000 --out /tmp/synth-10k-faulty --fault-rate 0.002 --seed 7

The package is the repository's datapackage.json and schemas/ (copied, never edited) plus tables/*.csv
generated from the Table Schemas: column names and order, enums, patterns, maxLength and required
flags are read from the JSON. Columns the generator knows get realistic values; a column it does not
know gets a value derived from its constraints, and a sample of every generated column is checked
against its schema before anything is written, so a schema change either flows through or stops the
script with a message naming the column.

Proportions for N claims: actors N/20 (at least 50), sources 0.8 N, events N/3, 2.5 actors and 1.5
sources per event, 1.7 sources per claim, N/10 claim relations, a few redirects. Ids are kebab-case,
dates partial ISO dates between 1979 and 2025 (never after yesterday), every claim and event sourced,
every source cited, parent_id and derived_from_id acyclic, amounts only on 'funds' claims (with currency,
period, qualifier and basis; amount_low <= amount_high for ranges only). Every person holds a sourced
post in a non-person actor (affiliations); each group of claims on one subject, predicate, object and
event that takes different stances answers a proposition; a few actor_identifiers, exchange_rates and
not_duplicates rows; actor names are distinct under the validator's name folding. Every table the
descriptor declares is written (one without a generator gets a header only, with a message). Rows are
written sorted by primary key, UTF-8, LF, minimal quoting. A clean package validates with no finding.

With --fault-rate R, about R of the rows of each table (and at least one of every kind that applies
to the table) carry one fault each, of every kind `ihr validate` detects at row level, plus one of
each file-level fault (BOM, invalid UTF-8, CR line end, missing final newline, unterminated quote,
blank row); --header-faults adds header faults too. DIR/faults.json lists each injected fault as
{"path", "line", "column", "code"} (physical line, header = 1; column null for whole-row faults).
Faults that would hide other faults or crash a reader are not injected: a missing, empty or UTF-16
file, and descriptor faults.
"""

from __future__ import annotations

import argparse
import bisect
import collections
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
try:  # the validator's own rules, where a generator must agree with them (name folding, identifier formats)
    from ihr.checks.crosswalk import IDENTIFIER_FORMATS
    from ihr.checks.duplicates import name_key
except ImportError:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT / "src"))
    from ihr.checks.crosswalk import IDENTIFIER_FORMATS
    from ihr.checks.duplicates import name_key

# --------------------------------------------------------------------------------------------------
# Schemas


class FieldInfo:
    def __init__(self, d: dict):
        c = d.get("constraints") or {}
        self.name = d["name"]
        self.type = d.get("type", "string")
        self.required = bool(c.get("required"))
        self.enum = [str(v) for v in c["enum"]] if isinstance(c.get("enum"), list) else None
        self.pattern_src = c.get("pattern")
        self.pattern = re.compile(self.pattern_src) if self.pattern_src else None
        self.max_length = c.get("maxLength")
        self.min_length = c.get("minLength")
        self.unique = bool(c.get("unique"))
        self.minimum = c.get("minimum")
        self.maximum = c.get("maximum")
        self.partial = bool(d.get("partialDate"))

    @property
    def free_text(self) -> bool:
        return self.type == "string" and self.enum is None and self.pattern is None and not self.partial

    def problems(self, value: str) -> list[str]:
        """Row-level codes this value earns (a Python mirror of the validator's cell checks)."""
        if value == "":
            return ["required"] if self.required else []
        out = []
        if self.type == "integer" and not re.fullmatch(r"[+-]?[0-9]+", value):
            return ["type"]
        if self.type == "number":
            if not re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?", value):
                return ["type"]
        if self.enum is not None:
            ok = (value in self.enum) if self.type not in ("integer", "number") else (float(value) in [float(v) for v in self.enum])
            if not ok:
                out.append("enum")
        if self.pattern is not None and not self.pattern.search(value):
            out.append("pattern")
        if self.max_length is not None and len(value) > self.max_length:
            out.append("length")
        if self.min_length is not None and len(value) < self.min_length:
            out.append("length")
        if self.minimum is not None and self.type in ("integer", "number") and float(value) < self.minimum:
            out.append("minimum")
        if self.maximum is not None and self.type in ("integer", "number") and float(value) > self.maximum:
            out.append("maximum")
        if self.partial and "pattern" not in out and not partial_date_valid(value):
            out.append("invalid-date")
        return out


class Table:
    def __init__(self, resource: dict, schema: dict):
        self.name = resource["name"]
        self.path = resource["path"]
        self.fields = [FieldInfo(f) for f in schema["fields"]]
        self.names = [f.name for f in self.fields]
        self.index = {n: i for i, n in enumerate(self.names)}
        self.field = {f.name: f for f in self.fields}
        pk = schema.get("primaryKey") or []
        self.pk = [pk] if isinstance(pk, str) else list(pk)
        self.pk_pos = [self.index[k] for k in self.pk]
        self.fks = []
        for fk in schema.get("foreignKeys") or []:
            fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
            ref = fk.get("reference") or {}
            rf = ref.get("fields")
            rf = rf if isinstance(rf, list) else [rf]
            self.fks.append((fields, ref.get("resource") or self.name, rf))
        self.fk_fields = {f for fields, _, _ in self.fks for f in fields}

    def has(self, *names: str) -> bool:
        return all(n in self.index for n in names)


def load_tables(root: Path) -> dict[str, Table]:
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    tables = {}
    for res in descriptor["resources"]:
        schema = res["schema"]
        if isinstance(schema, str):
            schema = json.loads((root / schema).read_text(encoding="utf-8"))
        tables[res["name"]] = Table(res, schema)
    return tables


# --------------------------------------------------------------------------------------------------
# Dates

FIRST_DAY = dt.date(1979, 1, 1)
LAST_DAY = min(dt.date(2025, 12, 31), dt.date.today() - dt.timedelta(days=1))
MIN_O = FIRST_DAY.toordinal()
MAX_O = LAST_DAY.toordinal()
SPAN = MAX_O - MIN_O + 1
DAY_S = [dt.date.fromordinal(o).isoformat() for o in range(MIN_O, MAX_O + 1)]
MONTH_S = [s[:7] for s in DAY_S]
YEAR_S = [s[:4] for s in DAY_S]
FORMATS = (DAY_S,) * 12 + (MONTH_S,) * 5 + (YEAR_S,) * 3  # 60 % day, 25 % month, 15 % year


def partial_date_valid(s: str) -> bool:
    try:
        if len(s) == 4:
            return s != "0000" and s.isdigit()
        if len(s) == 7:
            return s[:4] != "0000" and 1 <= int(s[5:7]) <= 12
        if len(s) == 10:
            return s[:4] != "0000" and bool(dt.date.fromisoformat(s))
    except ValueError:
        return False
    return False


def pd_first(s: str) -> int:
    if len(s) == 4:
        return dt.date(int(s), 1, 1).toordinal()
    if len(s) == 7:
        return dt.date(int(s[:4]), int(s[5:7]), 1).toordinal()
    return dt.date.fromisoformat(s).toordinal()


def pd_last(s: str) -> int:
    if len(s) == 4:
        return dt.date(int(s), 12, 31).toordinal()
    if len(s) == 7:
        y, m = int(s[:4]), int(s[5:7])
        return (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)).toordinal()
    return dt.date.fromisoformat(s).toordinal()


# --------------------------------------------------------------------------------------------------
# Words

FIRST = ("Ahmad Mahmoud Ismail Yahya Khaled Ali Hassan Qassem Mohammad Saleh Osama Musa Ziad Nasser Hossein "
         "Javad Abbas Esmail Fathi Ramadan Leila Maryam Sara Rachel David John Robert Avi Yossi Daniel Hamid Reza "
         "Mojtaba Ebrahim Marwan Izzat Hani Nour Layla Samir Tariq Walid Yusuf Omar Bassem Jamal Karim Amir Farid "
         "Dalia Rania Hiba Noa Tamar Eitan Michael Elliott Matthew Anne Claire Pierre Hans Ayşe Mehmet Kemal Fatemeh "
         "Zeynab Mohsen Saeed Majid Rasoul Nabil Ghazi Wael Sami Imad Mustafa Abdullah").split()
LAST = ("al-Zahar Haniyeh Sinwar Meshaal Soleimani Qaani Nasrallah al-Arouri Hamdan Marzouk Zarif Araghchi Larijani "
        "Rezaei Velayati Safavi Netanyahu Gallant Kirby Blinken Sullivan Levitt Cohen Hagari Mirdawi Baraka Abdulhadi "
        "Shallah Nakhalah al-Hindi Badran Hayya Rahimi Tabatabai Ḥamdān Kanaani Amir-Abdollahian Salami Hajizadeh "
        "Bagheri Shamkhani Jalili Raisi Pezeshkian Rouhani Ahmadinejad Khatami Mughniyeh Badreddine Safieddine "
        "Qassir Raad Fadlallah Abu-Obeida Deif Issa Abu-Shamala Nofal Ghoul Odeh Sharif Mansour Abdel-Rahman Karimi "
        "Moradi Yaalon Barak Olmert Livni Pardo Dagan Halevi Ross Indyk Kurtzer Miller Price Dunford Votel McKenzie "
        "Kurilla Schenker Dubowitz Ottolenghi Vatanka Nadimi Azizi Erdoğan Çavuşoğlu Shoukry Thani Khalifa").split()
PLACES = ("Tehran;Gaza City;Beirut;Damascus;Doha;Cairo;Istanbul;Sanaa;Baghdad;Khan Younis;Rafah;Jenin;Nablus;"
          "Washington;New York;London;Jerusalem;Tel Aviv;Haifa;Amman;Ankara;Moscow;Geneva;Brussels;Mashhad;Qom;"
          "Isfahan;Tabriz;Dahiyeh;Sidon;Tyre;Aleppo;Homs;Hodeidah;Aden;Basra;Erbil;Muscat;Khartoum;Algiers;"
          "Kuala Lumpur;Paris;Berlin;Vienna;Oslo;Port Sudan;Bandar Abbas;Latakia").split(";")
PLACE_COUNTRY = dict(zip(PLACES, (
    "IRN PSE LBN SYR QAT EGY TUR YEM IRQ PSE PSE PSE PSE USA USA GBR ISR ISR ISR JOR TUR RUS CHE BEL IRN IRN "
    "IRN IRN LBN LBN LBN SYR SYR YEM YEM IRQ IRQ OMN SDN DZA MYS FRA DEU AUT NOR SDN IRN SYR").split()))
COUNTRIES = "IRN ISR PSE LBN SYR YEM IRQ USA GBR QAT TUR EGY JOR SAU ARE RUS FRA DEU OMN SDN MYS DZA AUT NOR".split()
LANGS = ["en"] * 16 + ["ar", "ar", "fa", "fa", "he", "fr", "de", "tr"]
PUBLISHERS = ("Reuters;Associated Press;Agence France-Presse;Al Jazeera;Al-Monitor;Asharq Al-Awsat;The Times of Israel;"
              "Haaretz;The Jerusalem Post;Tasnim News Agency;Fars News Agency;IRNA;Press TV;Mehr News Agency;"
              "The New York Times;The Washington Post;The Wall Street Journal;The Guardian;BBC News;Financial Times;"
              "The Economist;Middle East Eye;The New Arab;Al-Akhbar;Al Mayadeen;Al-Quds Al-Arabi;Ynet;i24NEWS;"
              "Iran International;Radio Farda;Tehran Times;Kayhan;US Department of State;US Department of the Treasury;"
              "Israel Defense Forces;Council on Foreign Relations;Washington Institute for Near East Policy;"
              "Foundation for Defense of Democracies;International Crisis Group;Carnegie Endowment;RAND Corporation;"
              "Brookings Institution;Chatham House;Congressional Research Service;United Nations;Gulf News;"
              "Arab News;Daily Star;L'Orient-Le Jour;Anadolu Agency;Xinhua;TASS;Deutsche Welle;France 24;CNN;NPR").split(";")
ORG_HEAD = ("Popular;Islamic;Revolutionary;National;Palestinian;Lebanese;Iraqi;Yemeni;Syrian;Arab;Democratic;United;"
            "Free;Martyrs';Resistance;Liberation;Unity;Sacred;Independent;Southern;Northern;Eastern").split(";")
ORG_CORE = ("Front;Movement;Brigades;Committees;Council;Battalions;League;Party;Union;Forces;Army;Assembly;Bloc;"
            "Coalition;Association;Foundation;Network;Directorate;Office;Authority").split(";")
ORG_TAIL = ("for the Liberation of Palestine;of Islamic Resistance;of the Faithful;for Reform;of Jerusalem;"
            "of the South;of Gaza;for Justice;of the Revolution;for Defence;of Lebanon;of Iraq;of Yemen;"
            "for Reconstruction;of the Martyrs;for Solidarity;of Return;for Unity").split(";")
MEDIA_TAIL = "Times;Post;Daily;Herald;News;Observer;Voice;Monitor;Gazette;Chronicle;Television;Radio".split(";")
SAID = ("said;told reporters;stated;claimed;alleged;told a news conference;wrote;asserted;told the newspaper;"
        "said in an interview;told parliament;said in a televised speech;told a closed briefing").split(";")
PRED_PHRASE = {
    "funds": "had given money to", "arms": "had supplied weapons to", "trains": "had trained fighters of",
    "hosts": "hosted the leadership of", "directs": "directed the operations of", "approves": "approved the operation by",
    "plans_with": "planned the attack together with", "has_foreknowledge_of": "knew in advance of the plans of",
    "supports_politically": "backed", "cooperates_with": "worked closely with", "cuts_support_to": "had cut its support to",
    "restores_ties_with": "had restored ties with", "breaks_with": "had broken with",
    "is_responsible_for": "was responsible for the attack carried out with", "praises": "praised",
    "condemns": "condemned", "designates": "had designated", "sanctions": "imposed sanctions on",
    "attacks": "attacked", "controls": "controlled",
}
FILLERS = [
    "in a statement carried by state media", "citing unnamed officials familiar with the matter",
    "during a visit to the region", "according to a transcript published the following day",
    "adding that the arrangement had been in place for several years", "a claim the other side rejected as fabricated",
    "in remarks broadcast on television", "after a meeting in Beirut", "without giving figures or naming sources",
    "and said the support would continue despite sanctions", "in an interview with a regional newspaper",
    "in testimony before a parliamentary committee", "in a report released to journalists",
    "two days after the strike", "while denying any role in the planning", "as talks on a ceasefire stalled",
    "in the first public acknowledgement of the link", "in a speech marking the anniversary of the movement's founding",
    "in a leaked memo later confirmed by two officials", "in a post on social media that was later deleted",
    "and said intelligence services had tracked the transfers", "a figure other officials described as too low",
    "noting that relations had cooled since the Syrian war began", "in response to questions about the shipments",
    "according to minutes seen by the newspaper", "at a rally attended by several thousand supporters",
    "before the delegation left for Doha", "in a written reply to a parliamentary question",
]
NOTES = [
    "Date given only as the month in the source.", "Sources disagree on the day; the earliest report is used.",
    "The figure is a range in the source; the upper bound is recorded.", "Translated from the Arabic original.",
    "Translated from the Persian original.", "The spelling of the name varies between sources.",
    "Reported second-hand; the original interview was not found.", "Repost of the wire story with a new headline.",
    "The source quotes an unnamed official; attribution recorded as anonymous.",
    "Paywalled; read through the archived copy.", "Several outlets carried the same text on the same day.",
    "The location is given as the city only.", "Later reports revised the casualty figures.",
    "The claimant later said the remarks were taken out of context.",
]
REASONS = ["Renamed to match the spelling used in most sources.", "Merged a duplicate entered under another name.",
           "Split from a combined row; this id now names the main part.", "Corrected a misspelt id.",
           "Renamed after the organisation changed its name."]
LOCATORS = ["para 1", "para 2", "para 3", "para 4", "para 5", "para 7", "p. 12", "p. 3", "00:14:32", "whole item",
            "section 2", "headline", "lede", "table 1", "footnote 14", "paras 2-3"]
EVENT_PHRASE = {
    "founding": "{a} founded", "meeting": "{a} and {b} officials meet in {p}", "visit": "{a} delegation visits {p}",
    "conference": "{a} and {b} attend a conference in {p}", "statement": "{a} issues a statement on {b}",
    "agreement": "{a} and {b} conclude an agreement", "funding": "{a} pledges money to {b}",
    "arms_transfer": "{a} reported to ship weapons to {b}", "training": "{b} fighters trained by {a}",
    "interdiction": "Shipment bound for {b} seized near {p}", "designation": "{a} designates {b}",
    "sanction": "{a} sanctions financiers linked to {b}", "legal_ruling": "Court in {p} rules on {b}",
    "attack": "{a} strike in {p}", "assassination": "{b} official killed in {p}",
    "military_operation": "{a} launches an operation against {b}", "relocation": "{b} leadership moves to {p}",
    "expulsion": "{a} expels {b} representatives", "rupture": "{a} and {b} break off relations",
    "reconciliation": "{a} and {b} announce a reconciliation", "election": "{a} holds an election",
    "leadership_change": "{b} names a new leader", "death": "{b} figure dies in {p}",
    "ceasefire": "Ceasefire between {a} and {b} takes effect", "report": "{a} publishes a report on {b}",
    "arrest": "{a} arrests a suspected {b} operative",
}
HEADLINE = ["{a} says {b} {x}", "{a} and {b}: what we know", "Inside the ties between {a} and {b}",
            "{a} officials meet {b} leaders in {p}", "{a} denies links to {b}", "How {a} helps {b}",
            "{a} vows support for {b} after talks in {p}", "Report: {a} sent money to {b} {x}",
            "{b} thanks {a} for its backing", "Analysis: {a}'s influence over {b} {x}"]
HEADLINE_X = ["for years", "amid war", "despite sanctions", "after the strike", "in 2014", "again", "through intermediaries"]
DESCRIPTION = ["{t} based in {p}.", "{t} active in {p} and the wider region; {f}.", "{t} founded in {p}.",
               "{t} with offices in {p}, described in most sources as close to {o}.", "{t}; {f}."]
TYPE_WORD = {"state": "State", "government_agency": "Government agency", "military_unit": "Military unit",
             "armed_group": "Armed group", "political_organization": "Political organisation", "person": "Figure",
             "media_organization": "News outlet", "intergovernmental_organization": "Intergovernmental body",
             "alliance": "Informal coalition", "other": "Organisation"}
ALIAS_SCRIPT = ["حماس", "حزب الله", "سپاه", "الجهاد الإسلامي", "أنصار الله", "نیروی قدس", "כוח קודס", "محور المقاومة"]

CORE_ACTORS = [  # (id, name, type, parent, country, start)
    ("iran", "Iran", "state", "", "IRN", "1979-04-01"),
    ("hamas", "Hamas", "political_organization", "", "PSE", "1987-12"),
    ("izz-ad-din-al-qassam-brigades", "Izz ad-Din al-Qassam Brigades", "armed_group", "hamas", "PSE", "1991"),
    ("hezbollah", "Hezbollah", "political_organization", "", "LBN", "1982"),
    ("palestinian-islamic-jihad", "Palestinian Islamic Jihad", "political_organization", "", "PSE", "1981"),
    ("islamic-revolutionary-guard-corps", "Islamic Revolutionary Guard Corps", "military_unit", "iran", "IRN", "1979-05-05"),
    ("quds-force", "Quds Force", "military_unit", "islamic-revolutionary-guard-corps", "IRN", "1990"),
    ("israel", "Israel", "state", "", "ISR", ""), ("united-states", "United States", "state", "", "USA", ""),
    ("syria", "Syria", "state", "", "SYR", ""), ("houthis", "Houthis", "armed_group", "", "YEM", "1994"),
    ("qatar", "Qatar", "state", "", "QAT", ""), ("egypt", "Egypt", "state", "", "EGY", ""),
    ("turkey", "Turkey", "state", "", "TUR", ""), ("lebanon", "Lebanon", "state", "", "LBN", ""),
    ("european-union", "European Union", "intergovernmental_organization", "", "", "1993-11-01"),
    ("united-nations", "United Nations", "intergovernmental_organization", "", "", ""),
    ("axis-of-resistance", "Axis of Resistance", "alliance", "", "", ""),
]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
for _pool in (FIRST, LAST, PLACES, PUBLISHERS, ORG_HEAD, ORG_CORE, ORG_TAIL, MEDIA_TAIL, SAID, FILLERS, NOTES, REASONS,
              HEADLINE, HEADLINE_X, DESCRIPTION, ALIAS_SCRIPT):
    _pool[:] = [unicodedata.normalize("NFC", w) for w in _pool]


def slug(text: str, limit: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(s) > limit:
        s = s[:limit].rsplit("-", 1)[0]
    return s or "x"


DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def b36(n: int) -> str:
    s = ""
    while True:
        n, r = divmod(n, 36)
        s = DIGITS[r] + s
        if not n:
            return s


def clean_text(s: str) -> str:
    s = unicodedata.normalize("NFC", " ".join(s.split()))
    while s and s[0] in FORMULA_START + ("'",):
        s = s[1:]
    return s


def fit(text: str, lo: int, hi: int, extra: list[str], rnd) -> str:
    """Lengthen with filler clauses to at least lo characters, cut at a word to at most hi."""
    while len(text) < lo:
        text = text.rstrip(".") + ", " + extra[int(rnd() * len(extra))] + "."
    if len(text) > hi:
        text = text[:hi - 1].rsplit(" ", 1)[0].rstrip(",;:") + "."
    return text


# --------------------------------------------------------------------------------------------------
# Generation


class Synth:
    def __init__(self, tables: dict[str, Table], n_claims: int, seed: int):
        self.t = tables
        self.n = n_claims
        self.rng = random.Random(seed)
        self.rnd = rnd = self.rng.random

        def pick(seq, rnd=rnd, int=int, len=len):
            return seq[int(rnd() * len(seq))]
        self.pick = pick
        self.rows: dict[str, list[list[str]]] = {}
        self.ids: dict[str, list[str]] = {}

    # helpers -------------------------------------------------------------------------------------
    def enum_values(self, table: str, field: str, preferred: dict[str, float] | None = None) -> list[str]:
        """A weighted list of the schema's enum values (the schema decides what exists)."""
        tb = self.t.get(table)
        if tb is None or field not in tb.field or tb.field[field].enum is None:
            return list((preferred or {"": 1}).keys())
        out = []
        for v in tb.field[field].enum:
            out += [v] * max(1, int(round((preferred or {}).get(v, 1.0) * 4)))
        return out

    def date_between(self, lo: int, hi: int) -> tuple[int, str]:
        lo, hi = max(lo, MIN_O), min(hi, MAX_O)
        if hi < lo:
            hi = lo
        o = lo + int(self.rnd() * (hi - lo + 1))
        return o, self.pick(FORMATS)[o - MIN_O]

    def generic(self, tb: Table, f: FieldInfo):
        """A value generator for a column the synthesiser has no special knowledge of."""
        rnd, pick = self.rnd, self.pick
        fill = 1.0 if f.required else 0.4
        if f.unique and f.type == "string":  # distinct values: a counter, shaped to the pattern if there is one
            counter = iter(range(1, 1 << 62))
            shapes = [lambda k: f"{f.name.replace('_', '-')}-{b36(k)}", lambda k: f"Q{k}", lambda k: f"x{k}"]
            shape = next((sh for sh in shapes if f.pattern is None or f.pattern.search(sh(12345))), None)
            if shape is None:
                raise SystemExit(f"synth: no generator for unique column {tb.name}.{f.name} with pattern {f.pattern_src!r}")
            return lambda: shape(next(counter)) if rnd() < fill else ""
        if f.enum is not None:
            vals = f.enum
            return lambda: pick(vals) if rnd() < fill else ""
        if f.partial:
            return lambda: pick(FORMATS)[int(rnd() * SPAN)] if rnd() < fill else ""
        if f.type == "boolean":
            return lambda: pick(("true", "false")) if rnd() < fill else ""
        if f.type in ("integer", "number"):
            lo = f.minimum if f.minimum is not None else 0
            hi = f.maximum if f.maximum is not None else lo + 1000
            return lambda: str(int(lo + rnd() * (hi - lo))) if rnd() < fill else ""
        if f.pattern is not None:
            samples = [s for s in KNOWN_PATTERN_SAMPLES if f.pattern.search(s) and (f.max_length is None or len(s) <= f.max_length)]
            if not samples:
                if f.required:
                    raise SystemExit(f"synth: no generator for required column {tb.name}.{f.name} with pattern {f.pattern_src!r}")
                return lambda: ""
            return lambda: pick(samples) if rnd() < fill else ""
        limit = f.max_length or 200
        pool = [n[:limit].rstrip() for n in NOTES]
        return lambda: pick(pool) if rnd() < fill else ""

    def emit(self, name: str, facts) -> None:
        """Turn dicts of known column values into rows in schema order; unknown columns get generic values."""
        tb = self.t.get(name)
        if tb is None:
            for _ in facts:
                pass
            return
        rows: list[list[str]] = []
        plan = None
        for d in facts:
            if plan is None:
                plan = [(n, None if n in d else self.generic(tb, tb.field[n])) for n in tb.names]
                if all(g is None for _, g in plan):
                    get = operator.itemgetter(*tb.names)
                    one = len(tb.names) == 1
                    rows.append([get(d)] if one else list(get(d)))
                    append = rows.append
                    for d2 in facts:
                        append([get(d2)] if one else list(get(d2)))
                    break
            rows.append([d[n] if g is None else g() for n, g in plan])
        self.rows[name] = rows
        self.self_check(tb, rows)

    def self_check(self, tb: Table, rows: list[list[str]]) -> None:
        """Every generated column must satisfy its schema; stop with a clear message if the schema moved on."""
        step = max(1, len(rows) // 400)
        for r in rows[::step]:
            for f, v in zip(tb.fields, r):
                bad = f.problems(v)
                if bad or (v and (v != v.strip() or v[0] in FORMULA_START or unicodedata.normalize("NFC", v) != v)):
                    raise SystemExit(f"synth: generated {tb.name}.{f.name} = {v!r} breaks the schema ({bad}); update scripts/synth.py")

    # tables --------------------------------------------------------------------------------------
    def actors(self) -> None:
        rnd, pick = self.rnd, self.pick
        n = max(50, self.n // 20)
        types = self.enum_values("actors", "actor_type", {"person": 6, "armed_group": 1.2, "political_organization": 1,
                                                          "government_agency": 1, "military_unit": 0.6,
                                                          "media_organization": 1, "state": 0.01, "alliance": 0.1,
                                                          "intergovernmental_organization": 0.05, "other": 0.3})
        recs = []  # [id, name, type, parent_idx_or_id, country, start_o, start_s, end_o, end_s, core]
        seen: dict[str, int] = {}
        for cid, cname, ctype, cparent, ccountry, cstart in CORE_ACTORS:
            so = pd_first(cstart) if cstart else 0
            recs.append([cid, cname, ctype, cparent, ccountry, so, cstart, 0, "", True])
            seen[cid] = 1
        orgs_so_far = [r[0] for r in recs if r[2] != "person"]
        # The validator's duplicate-actor rule folds names, ids and aliases (ihr.checks.duplicates.name_key);
        # a clean package has no two actors sharing a folded name, so candidates that would are redrawn.
        taken = {k for r in recs for k in (name_key(r[1]), name_key(r[0].replace("-", " ")))}
        while len(recs) < n:
            typ = pick(types)
            for attempt in range(40):
                if typ == "person":
                    name = f"{pick(FIRST)} {pick(LAST)}" if attempt < 10 else f"{pick(FIRST)} {pick(FIRST)} {pick(LAST)}"
                elif typ == "state":
                    name = f"State of {pick(PLACES)}"
                elif typ == "media_organization":
                    name = f"{pick(PLACES)} {pick(MEDIA_TAIL)}"
                elif typ in ("government_agency", "military_unit"):
                    name = f"{pick(ORG_HEAD)} {pick(ORG_CORE)} of {pick(PLACES)}"
                else:
                    name = f"{pick(ORG_HEAD)} {pick(ORG_CORE)} {pick(ORG_TAIL)}"
                if attempt >= 20:
                    name = f"{name} {b36(len(recs))}"
                base = slug(name, 70)
                k = seen.get(base, 0) + 1
                aid = base if k == 1 else f"{base}-{k}"
                keys = {name_key(name), name_key(aid.replace("-", " "))}
                if not keys & taken:
                    break
            else:
                raise SystemExit(f"synth: cannot find a distinct name for actor {len(recs)}")
            seen[base] = k
            taken |= keys
            p = 0.3 if typ == "person" else (0.6 if typ in ("government_agency", "military_unit") else 0.25)
            parent = pick(orgs_so_far) if rnd() < p else ""
            so, ss = (self.date_between(MIN_O, dt.date(1999, 12, 31).toordinal()) if rnd() < 0.35 else (0, ""))
            eo, es = 0, ""
            if rnd() < 0.1:
                eo, es = self.date_between(max(so, dt.date(1990, 1, 1).toordinal()), MAX_O)
            country = pick(COUNTRIES) if rnd() < 0.85 else ""
            recs.append([aid, clean_text(name), typ, parent, country, so, ss, eo, es, False])
            if typ != "person":
                orgs_so_far.append(aid)
        recs.sort(key=lambda r: r[0])
        self.actor_recs = recs
        self.ids["actors"] = [r[0] for r in recs]
        self.actor_pos = {r[0]: i for i, r in enumerate(recs)}
        self.claimants = [i for i, r in enumerate(recs) if not r[8]]
        core = [i for i, r in enumerate(recs) if r[9]]
        self.claimant_pool = self.claimants + [i for i in core] * max(1, len(self.claimants) // 40)
        self.subject_pool = list(range(len(recs))) + core * max(1, len(recs) // 15)
        self.actor_start = [r[5] for r in recs]

        def facts():
            for r in recs:
                aliases = ""
                if rnd() < 0.3:
                    # variants that fold to the actor's own name (never to another actor's)
                    aliases = "|".join(([pick(ALIAS_SCRIPT)] if r[2] != "person" and rnd() < 0.4 else []) + [r[1].replace("al-", "el-"), r[1].upper()])
                desc = pick(DESCRIPTION).format(t=TYPE_WORD.get(r[2], "Actor"), p=pick(PLACES), f=pick(FILLERS),
                                                o=recs[pick(core)][1])
                yield {"actor_id": r[0], "name": r[1], "actor_type": r[2], "parent_id": r[3], "country_code": r[4],
                       "aliases": clean_text(aliases), "start_date": r[6], "end_date": r[8],
                       "description": fit(desc, 60, 300, FILLERS, rnd)}
        self.emit("actors", facts())

    def sources(self) -> None:
        rnd, pick = self.rnd, self.pick
        n = max(20, int(self.n * 0.8))
        names = [r[1] for r in self.actor_recs]
        stypes = self.enum_values("sources", "source_type", {"news_report": 8, "wire_report": 3, "official_statement": 2,
                                                             "think_tank_report": 1.5, "government_report": 1})
        rel = self.enum_values("sources", "reliability", {"A": 1, "B": 4, "C": 3, "D": 1, "E": 0.3, "F": 1})
        pubs = [(p, slug(p, 30)) for p in PUBLISHERS]
        aids = self.ids["actors"]
        heads = [(h, slug(h.split("{")[0] or h.split("}")[-1] or "report", 12)) for h in HEADLINE]
        n_act = len(names)
        recs = []
        for i in range(n):
            po, ps = self.date_between(MIN_O, MAX_O)
            pub, pslug = pick(pubs)
            a = int(rnd() * n_act)
            head, hslug = pick(heads)
            title = head.format(a=names[a], b=pick(names), p=pick(PLACES), x=pick(HEADLINE_X))
            sid = f"{pslug}-{ps[:4]}-{aids[a][:24].rstrip('-')}-{b36(i)}"
            recs.append((sid, po, ps, pub, pslug, title))
        recs.sort(key=lambda r: r[0])
        self.ids["sources"] = [r[0] for r in recs]
        ids = self.ids["sources"]
        self.source_derived: list[int] = [-1] * n
        access_lo = dt.date(2020, 1, 1).toordinal()

        def facts():
            for i, (sid, po, ps, pub, pslug, title) in enumerate(recs):
                has_url = rnd() < 0.95
                has_pub = (not has_url) or rnd() < 0.9
                has_date = (not has_url) or rnd() < 0.95
                d = -1
                if i and rnd() < 0.15:
                    d = int(rnd() * i)
                    self.source_derived[i] = d
                yield {"source_id": sid, "title": fit(title, 30, 120, HEADLINE_X, rnd),
                       "publisher": pub if has_pub else "",
                       "author": f"{pick(FIRST)} {pick(LAST)}" + (f"|{pick(FIRST)} {pick(LAST)}" if rnd() < 0.2 else "") if rnd() < 0.5 else "",
                       "published_date": ps if has_date else "", "source_type": pick(stypes), "language": pick(LANGS),
                       "url": f"https://example.org/{pslug}/{ps[:4]}/{sid}" if has_url else "",
                       "archive_url": f"https://example.org/archive/{ps[:4]}/{sid}" if has_url and rnd() < 0.25 else "",
                       "accessed_date": self.date_between(max(po, access_lo), MAX_O)[1] if rnd() < 0.6 else "",
                       "reliability": pick(rel), "derived_from_id": ids[d] if d >= 0 else "",
                       "notes": pick(NOTES) if rnd() < 0.2 else ""}
        self.emit("sources", facts())

    def events(self) -> None:
        rnd, pick = self.rnd, self.pick
        n = max(10, self.n // 3)
        etypes = self.enum_values("events", "event_type", {"meeting": 3, "visit": 3, "statement": 3, "attack": 3,
                                                           "funding": 1.5, "arms_transfer": 1.5, "sanction": 1.5})
        names = [r[1] for r in self.actor_recs]
        aids = self.ids["actors"]
        n_act = len(names)
        phrases = {et: EVENT_PHRASE.get(et, "{a} and {b}: " + et.replace("_", " ") + " in {p}") for et in set(etypes)}
        recs = []
        for i in range(n):
            so, ss = self.date_between(MIN_O, MAX_O)
            et = pick(etypes)
            place = pick(PLACES)
            a = int(rnd() * n_act)
            title = phrases[et].format(a=names[a], b=pick(names), p=place)
            eid = f"{ss}-{aids[a][:30].rstrip('-')}-{et.replace('_', '-')}-{b36(i)}"
            recs.append((eid, so, ss, et, title, place))
        recs.sort(key=lambda r: r[0])
        self.ids["events"] = [r[0] for r in recs]

        def facts():
            for eid, so, ss, et, title, place in recs:
                summary = f"{title} ({place}), {pick(FILLERS)}; {pick(FILLERS)}."
                yield {"event_id": eid, "title": fit(title, 30, 120, FILLERS, rnd), "date_start": ss,
                       "date_end": self.date_between(so, so + 120)[1] if rnd() < 0.2 else "", "event_type": et,
                       "summary": fit(summary, 80, 250, FILLERS, rnd), "location": place if rnd() < 0.7 else "",
                       "country_code": PLACE_COUNTRY.get(place, "") if rnd() < 0.9 else "",
                       "notes": pick(NOTES) if rnd() < 0.25 else ""}
        self.emit("events", facts())

    def claims(self) -> None:
        rnd, pick = self.rnd, self.pick
        n = self.n
        recs_a = self.actor_recs
        preds = self.enum_values("claims", "predicate", {"funds": 8, "arms": 6, "supports_politically": 4,
                                                         "cooperates_with": 3, "directs": 2, "trains": 2})
        attrs = self.enum_values("claims", "attribution", {"named": 4, "official": 3, "anonymous": 2, "editorial": 1.5})
        stances = self.enum_values("claims", "stance", {"affirms": 3, "denies": 1})
        periods = self.enum_values("claims", "amount_period")
        quals = self.enum_values("claims", "amount_qualifier")
        bases = self.enum_values("claims", "amount_basis")
        currencies = ["USD"] * 6 + ["EUR", "GBP", "IRR"]
        money_preds = {"funds"} & set(preds)  # the validator also allows cuts_support_to; figures stay on funds
        recs = []
        for i in range(n):
            c = pick(self.claimant_pool)
            pred = pick(preds)
            co, cs = self.date_between(max(self.actor_start[c], MIN_O), MAX_O)
            cid = f"{recs_a[c][0][:34].rstrip('-')}-{cs[:4]}-{pred.replace('_', '-')}-{b36(i)}"
            recs.append((cid, c, pred, co, cs))
        recs.sort(key=lambda r: r[0])
        self.ids["claims"] = [r[0] for r in recs]
        self.claim_claimant = [r[1] for r in recs]
        events = self.ids["events"]

        def facts():
            for cid, c, pred, co, cs in recs:
                s = pick(self.subject_pool)
                o = pick(self.subject_pool) if rnd() < 0.85 else -1
                if o == s:
                    o = -1
                stance = pick(stances)
                amount = pred in money_preds and rnd() < 0.6
                vf = vt = ""
                if rnd() < (0.5 if amount else 0.05):
                    fo, vf = self.date_between(MIN_O, co)
                    if rnd() < 0.5:
                        vt = self.date_between(fo, MAX_O)[1]
                obj = recs_a[o][1] if o >= 0 else "its allies"
                verb = PRED_PHRASE.get(pred, "was linked to")
                text = (f"{recs_a[c][1]} {pick(SAID)} that {recs_a[s][1]} {verb} {obj}" if stance != "denies" else
                        f"{recs_a[c][1]} denied that {recs_a[s][1]} {verb} {obj}") + f", {pick(FILLERS)}."
                # a figure comes with all of currency, period, qualifier and basis (amount-incomplete); a
                # 'range' has amount_low <= amount_high and nothing else has either (amount-range)
                qual = pick(quals) if amount else ""
                value = low = high = ""
                if qual == "range":
                    lo_k = int(1 + rnd() * 200)
                    hi_k = lo_k + int(rnd() * 200)
                    low, high = str(lo_k * 250000), str(hi_k * 250000)
                    if rnd() < 0.3:
                        value = str((lo_k + int(rnd() * (hi_k - lo_k + 1))) * 250000)
                elif amount:
                    value = str(int(1 + rnd() * 400) * 250000)
                yield {"claim_id": cid, "claimant_id": recs_a[c][0], "attribution": pick(attrs), "stance": stance,
                       "subject_id": recs_a[s][0], "predicate": pred, "object_id": recs_a[o][0] if o >= 0 else "",
                       "event_id": pick(events) if rnd() < 0.4 else "", "proposition_id": "",
                       "amount": value, "amount_low": low, "amount_high": high,
                       "currency": pick(currencies) if amount else "", "amount_period": pick(periods) if amount else "",
                       "amount_qualifier": qual, "amount_basis": pick(bases) if amount else "",
                       "valid_from": vf, "valid_to": vt,
                       "claimed_date": cs, "summary": fit(text, 80, 250, FILLERS, rnd),
                       "notes": pick(NOTES) if rnd() < 0.25 else ""}
        self.emit("claims", facts())

    def links(self) -> None:
        """event_actors, event_sources, claim_sources, claim_relations: generated in key order."""
        rnd, pick = self.rnd, self.pick
        actors, sources, events, claims = (self.ids[k] for k in ("actors", "sources", "events", "claims"))
        n_src = len(sources)
        roles = self.enum_values("event_actors", "role", {"participant": 3, "perpetrator": 1.5, "target": 1.5})
        # every source cited at least once: hand out a shuffled permutation first, then random picks
        order = list(range(n_src))
        self.rng.shuffle(order)
        k_ev = [1, 1, 2, 2]        # mean 1.5
        k_cl = [1] * 9 + [2] * 8 + [3] * 3  # mean 1.7
        k_ea = [1, 2, 2, 3, 3, 4]  # mean 2.5

        def choose_sources(k):
            if k == 1:
                return [sources[order.pop() if order else int(rnd() * n_src)]]
            got = set()
            while len(got) < k:
                got.add(order.pop() if order else int(rnd() * n_src))
            return [sources[j] for j in sorted(got)]  # sources is sorted, so index order is id order

        def ev_actors():
            for eid in events:
                got = {}
                for _ in range(pick(k_ea)):
                    got[actors[pick(self.subject_pool)]] = pick(roles)
                for aid in sorted(got):
                    yield {"event_id": eid, "actor_id": aid, "role": got[aid]}
        self.emit("event_actors", ev_actors())
        cred = self.enum_values("claim_sources", "credibility", {"1": 1, "2": 4, "3": 3, "4": 1, "5": 0.3, "6": 1})
        # events take their sources first so that the permutation is spread over both tables
        ev_links = [(eid, choose_sources(pick(k_ev))) for eid in events]

        def ev_sources():
            for eid, srcs in ev_links:
                for s in srcs:
                    yield {"event_id": eid, "source_id": s, "locator": pick(LOCATORS) if rnd() < 0.6 else ""}
        self.emit("event_sources", ev_sources())

        def cl_sources():
            for cid in claims:
                for s in choose_sources(pick(k_cl)):
                    yield {"claim_id": cid, "source_id": s, "locator": pick(LOCATORS) if rnd() < 0.7 else "",
                           "credibility": pick(cred)}
        self.emit("claim_sources", cl_sources())
        rels = self.enum_values("claim_relations", "relation", {"contradicts": 3, "supports": 2, "repeats": 2})
        n_rel = max(5, len(claims) // 10)
        pairs = set()
        while len(pairs) < n_rel:
            a, b = int(rnd() * len(claims)), int(rnd() * len(claims))
            if a != b:
                pairs.add((claims[a], claims[b], pick(rels)))

        def cl_relations():
            for a, b, r in sorted(pairs):
                yield {"claim_id": a, "related_claim_id": b, "relation": r,
                       "notes": fit(f"Same subject, {pick(FILLERS)}.", 30, 200, FILLERS, rnd) if rnd() < 0.5 else ""}
        self.emit("claim_relations", cl_relations())

    def propositions(self) -> None:
        """Claims of one subject, predicate, object and event that take different stances answer a
        contested question: each such group gets a proposition with exactly that subject, predicate,
        object and event, and all its claims point to it (so proposition-rollup and proposition-event
        hold trivially and contested-without-proposition has nothing to report). When there are
        fewer than three (or fewer than three with an event), the largest remaining groups get one
        too, so the table is never empty and proposition-event has something to hold."""
        rnd, pick = self.rnd, self.pick
        tb = self.t["claims"]
        rows = self.rows["claims"]
        if not tb.has("proposition_id") or "propositions" not in self.t:
            self.ids["propositions"] = []
            self.emit("propositions", iter(()))
            return
        isub, ipred, iobj, iev, ist, iprop = (tb.index[k] for k in ("subject_id", "predicate", "object_id", "event_id",
                                                                  "stance", "proposition_id"))
        groups: dict[tuple, list] = {}
        for r in rows:
            groups.setdefault((r[isub], r[ipred], r[iobj], r[iev]), []).append(r)
        contested = [k for k, rs in groups.items() if len({r[ist] for r in rs}) > 1]
        chosen = set(contested)
        by_size = sorted((k for k in groups if k not in chosen), key=lambda k: (-len(groups[k]), k))
        extra = by_size[:max(0, 3 - len(contested))]  # never an empty table
        extra += [k for k in by_size if k[3] and k not in extra][:max(0, 3 - sum(1 for k in contested if k[3]))]  # some name an event
        contested += extra
        name = {r[0]: r[1] for r in self.actor_recs}
        recs = []
        for j, key in enumerate(sorted(contested)):
            sub, pred, obj, ev = key
            pid = "-".join(x for x in (sub[:28].rstrip("-"), pred.replace("_", "-"), obj[:28].rstrip("-"), b36(j)) if x)
            for r in groups[key]:
                r[iprop] = pid
            verb = PRED_PHRASE.get(pred, "was linked to")
            text = f"{name[sub]} {verb} {name[obj] if obj else 'its allies'}" + (" in connection with the event" if ev else "") + "."
            recs.append({"proposition_id": pid, "statement": fit(text, 20, 300, HEADLINE_X, rnd), "subject_id": sub,
                         "predicate": pred, "object_id": obj, "event_id": ev,
                         "notes": pick(PROPOSITION_NOTES) if rnd() < 0.5 else ""})
        recs.sort(key=lambda d: d["proposition_id"])
        self.ids["propositions"] = [d["proposition_id"] for d in recs]
        self.emit("propositions", iter(recs))
        self.self_check(tb, rows)

    def affiliations(self) -> None:
        """Every person holds at least one post in an existing non-person actor (its parent when it
        has one), each post sourced. The first post is undated, so it covers every claim the person
        makes (claim-outside-affiliation); a second post, in another organisation, is dated inside
        both lifetimes (affiliation-outside-lifetime) when they overlap."""
        if "affiliations" not in self.t:
            return
        rnd, pick = self.rnd, self.pick
        recs_a = self.actor_recs
        orgs = [i for i, r in enumerate(recs_a) if r[2] != "person"]
        seniority = self.enum_values("affiliations", "seniority", {"head": 0.3, "senior": 1.5, "member": 3})
        out: dict[str, dict] = {}

        def add(person: int, org: int, dated: bool) -> None:
            p, o = recs_a[person], recs_a[org]
            aid = f"{p[0][:58].rstrip('-')}-{o[0][:58].rstrip('-')}"
            while aid in out:
                aid = f"{aid[:110]}-{b36(int(rnd() * 36 ** 4))}"
            vf = vt = ""
            if dated:
                lo = max(p[5] or MIN_O, o[5] or MIN_O)
                hi = min(p[7] or MAX_O, o[7] or MAX_O)
                if lo <= hi:
                    fo, vf = self.date_between(lo, hi)
                    if rnd() < 0.5:
                        vt = self.date_between(fo, hi)[1]
            sen = pick(seniority)
            out[aid] = {"affiliation_id": aid, "actor_id": p[0], "organization_id": o[0], "role": pick(ROLES[sen]) if sen in ROLES else sen,
                        "seniority": sen, "valid_from": vf, "valid_to": vt,
                        "notes": pick(AFFILIATION_NOTES) if rnd() < 0.3 else ""}

        for i, r in enumerate(recs_a):
            if r[2] != "person":
                continue
            first = self.actor_pos[r[3]] if r[3] else pick(orgs)
            add(i, first, dated=False)
            if rnd() < 0.3:
                second = pick(orgs)
                if second != first:
                    add(i, second, dated=True)
        ids = sorted(out)
        self.ids["affiliations"] = ids
        self.emit("affiliations", (out[k] for k in ids))
        sources = self.ids["sources"]
        k_af = [1, 1, 1, 2]

        def links():
            for aid in ids:
                for j in sorted({int(rnd() * len(sources)) for _ in range(pick(k_af))}):
                    yield {"affiliation_id": aid, "source_id": sources[j], "locator": pick(LOCATORS) if rnd() < 0.5 else ""}
        self.emit("affiliation_sources", links())

    def actor_identifiers(self) -> None:
        """A few crosswalk rows: core actors and about one actor in ten, each scheme's ids in the form
        the validator's identifier-format rule expects and never shared between actors."""
        if "actor_identifiers" not in self.t:
            return
        rnd, pick = self.rnd, self.pick
        schemes = self.enum_values("actor_identifiers", "scheme", {"wikidata": 4, "ucdp": 1, "acled": 1})
        counter = iter(range(1001, 1 << 62))
        shapes = [lambda r, k: f"Q{k}", lambda r, k: str(k), lambda r, k: r[1]]

        def identifier(scheme: str, r) -> str:
            pattern = (IDENTIFIER_FORMATS.get(scheme) or (None, ""))[0]
            k = next(counter)
            for shape in shapes:
                v = shape(r, k)
                if pattern is None or re.fullmatch(pattern, v):
                    return v
            raise SystemExit(f"synth: no identifier shape fits scheme {scheme!r} ({pattern})")
        rows = []
        for r in self.actor_recs:
            if not (r[9] or rnd() < 0.1):
                continue
            for scheme in sorted({pick(schemes) for _ in range(1 + (rnd() < 0.3))}):
                v = identifier(scheme, r)
                rows.append({"actor_id": r[0], "scheme": scheme, "identifier": v,
                             "evidence_url": f"https://example.org/{scheme}/{slug(v, 40)}" if rnd() < 0.6 else "",
                             "evidence": f"The register's entry for {v} gives the name {r[1]} and a matching description.",
                             "notes": ""})
        self.emit("actor_identifiers", iter(rows))

    def exchange_rates(self) -> None:
        """Annual rates for the non-dollar currencies the claims use, each read from a cited source."""
        if "exchange_rates" not in self.t:
            return
        rnd = self.rnd
        base = {"EUR": 0.9, "GBP": 0.65, "IRR": 30000.0}
        sources = self.ids["sources"]
        src = sources[int(rnd() * len(sources))]
        rows = [{"currency": cur, "year": str(y), "units_per_usd": f"{rate * (0.9 + 0.2 * rnd()):.4f}", "source_id": src,
                 "notes": "Annual average of the daily rates." if rnd() < 0.5 else ""}
                for cur, rate in sorted(base.items()) for y in range(2000, 2000 + 3 + self.n // 100000)]
        self.emit("exchange_rates", iter(rows))

    def not_duplicates(self) -> None:
        """A few pairs of sources marked as distinct documents (any two existing ids are valid)."""
        if "not_duplicates" not in self.t:
            return
        rnd = self.rnd
        sources = self.ids["sources"]
        pairs = set()
        for _ in range(3):
            a, b = sorted(rnd_pair(len(sources), rnd))
            if a != b:
                pairs.add(("sources", sources[a], sources[b]))
        self.emit("not_duplicates", ({"table_name": t, "id": a, "other_id": b,
                                      "reason": "Two stories by one outlet, on different events."} for t, a, b in sorted(pairs)))

    def redirects(self, extra: int = 0) -> None:
        pick = self.pick
        n = 5 + self.n // 10000 + extra
        tables = [t for t in self.enum_values("redirects", "table_name") if self.ids.get(t)]
        out = {}
        all_ids = {t: set(v) for t, v in self.ids.items()}
        i = 0
        while len(out) < n:
            t = pick(tables)
            new = pick(self.ids[t])
            old = f"{new[:60].rstrip('-')}-old-{b36(i)}"
            i += 1
            if old in all_ids.get(t, ()) or old in out:
                continue
            out[old] = (new, t)
        self.emit("redirects", ({"old_id": o, "new_id": nw, "table_name": t, "reason": pick(REASONS), "version": "0.1.0"}
                                for o, (nw, t) in sorted(out.items())))

    def generate(self, extra_redirects: int = 0) -> None:
        self.actors()
        self.sources()
        self.events()
        self.claims()
        self.propositions()
        self.links()
        self.affiliations()
        self.actor_identifiers()
        self.exchange_rates()
        self.not_duplicates()
        self.redirects(extra_redirects)
        for name in self.t:  # a table declared since: written headed and empty, and said so
            if name not in self.rows:
                print(f"synth: no generator for table {name!r}; writing it with a header only", file=sys.stderr)
                self.rows[name] = []


def rnd_pair(n: int, rnd) -> tuple[int, int]:
    return int(rnd() * n), int(rnd() * n)


ROLES = {"head": ["leader", "secretary-general", "commander", "director", "chair of the executive council"],
         "senior": ["deputy leader", "member of the political bureau", "senior commander", "minister", "ambassador",
                    "head of the foreign relations office", "senior adviser"],
         "member": ["spokesperson", "representative", "correspondent", "analyst", "field commander", "official",
                    "staff member"]}
AFFILIATION_NOTES = ["Attested in the cited report.", "Dates as given in the official biography.",
                     "The post is named differently in Arabic and English sources.", "Appointed after the previous holder died."]
PROPOSITION_NOTES = ["Answered by claims on the same transfer, whether affirmed or denied.",
                     "Statements that the link was political only do not answer this question.",
                     "Covers the whole period the sources discuss."]


KNOWN_PATTERN_SAMPLES = ["hamas", "iran", "quds-force", "1999", "2004-05", "2011-03-15", "IRN", "ISR", "Q42", "Q123456",
                         "en", "ar", "fa-IR", "https://example.org/x", "0.1.0", "USD", "A", "1"]


# --------------------------------------------------------------------------------------------------
# Faults


class Raw:
    """A line written as-is (blank row, unterminated quote), never sorted."""

    def __init__(self, text: str):
        self.text = text


class Faults:
    BAD_BYTE_MARK = "\ue000\ue001"

    def __init__(self, s: Synth, rate: float, header_faults: bool):
        self.s = s
        self.t = s.t
        self.rows = s.rows
        self.rate = rate
        self.rng = random.Random(s.rng.random())
        self.rnd = self.rng.random
        self.header_faults = header_faults
        self.touched: set[int] = set()        # id() of rows that carry a fault (one fault per row)
        self.deleted: set[int] = set()
        self.reserved_actors: set[str] = set()  # actors whose rows must stay as generated
        self.entries: list[dict] = []         # {"path", "column", "code", "rows": [...], "how": ...}
        self.cr_rows: set[int] = set()
        self.raw_after: dict[str, list[tuple[int | None, Raw]]] = {}
        self.header: dict[str, list[str]] = {}
        self.no_final_newline: set[str] = set()
        self.bom: set[str] = set()
        self.bad_byte_tables: set[str] = set()
        self.fresh = 0
        today = dt.date.today()
        self.future_lo = dt.date(today.year + 1, 1, 1).toordinal()
        self.future_hi = dt.date(today.year + 30, 12, 31).toordinal()
        self.skipped: dict[str, int] = {}
        self.ragged_rows: dict[str, list] = {}
        self.aid = self.t["actors"].index.get("actor_id", 0) if "actors" in self.t else 0

    # bookkeeping ---------------------------------------------------------------------------------
    def add(self, table: str, column: str | None, code: str, rows, how: str = "row") -> None:
        self.entries.append({"path": self.t[table].path, "table": table, "column": column, "code": code,
                             "rows": list(rows), "how": how})

    def free(self, row) -> bool:
        return id(row) not in self.touched and id(row) not in self.deleted

    def touch(self, *rows) -> None:
        for r in rows:
            self.touched.add(id(r))

    def random_row(self, table: str, cond=None, tries: int = 200):
        rows = self.rows[table]
        if not rows:
            return None
        if table == "actors" and self.reserved_actors:  # claims rely on these actors' dates and type
            inner = cond
            cond = lambda r: r[self.aid] not in self.reserved_actors and (inner is None or inner(r))  # noqa: E731
        for _ in range(tries):
            r = rows[int(self.rnd() * len(rows))]
            if isinstance(r, list) and self.free(r) and (cond is None or cond(r)):
                return r
        return None

    def fresh_id(self, stem: str) -> str:
        self.fresh += 1
        return f"{stem}-synthetic-{b36(self.fresh)}"

    def col(self, table: str, name: str) -> int:
        return self.t[table].index[name]

    def misspell(self, value: str, taken) -> str:
        for _ in range(100):
            chars = list(value)
            i = int(self.rnd() * len(chars))
            op = self.rnd()
            if chars[i] == "-":
                continue
            if op < 0.34:
                chars.insert(i, chars[i])
            elif op < 0.67 and len(chars) > 3:
                del chars[i]
            elif i + 1 < len(chars) and chars[i + 1] != "-":
                chars[i], chars[i + 1] = chars[i + 1], chars[i]
            else:
                chars[i] = "x" if chars[i] != "x" else "y"
            out = "".join(chars)
            if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", out) and out != value and out not in taken:
                return out
        return value + "x"

    # indexes for faults that need to keep the rest of the package intact ---------------------------
    def build_indexes(self) -> None:
        """Snapshots taken before any fault: ids, each claim's and event's link rows, citations per source."""
        self.id_sets = {t: set(v) for t, v in self.s.ids.items()}
        self.link_index: dict[str, tuple[list, list]] = {}
        self.cites: collections.Counter = collections.Counter()
        for main, (link, key) in self.LINKS.items():
            if link not in self.rows or not self.t[link].has(key, "source_id"):
                continue
            rows = self.rows[link]  # generated in key order
            self.link_index[main] = (list(map(operator.itemgetter(self.col(link, key)), rows)), rows[:])
            self.cites.update(map(operator.itemgetter(self.col(link, "source_id")), rows))
        self.claimant_ids = set()
        if "claims" in self.rows and self.t["claims"].has("claimant_id"):
            self.claimant_ids = set(map(operator.itemgetter(self.col("claims", "claimant_id")), self.rows["claims"]))

    # main table -> (table linking it to sources, key); every row of main needs a link (missing-source)
    LINKS = {"claims": ("claim_sources", "claim_id"), "events": ("event_sources", "event_id"),
             "affiliations": ("affiliation_sources", "affiliation_id")}
    LINKED = {link: (main, key) for main, (link, key) in LINKS.items()}

    def links(self, main: str, key: str) -> list:
        if main not in self.link_index:
            return []
        keys, rows = self.link_index[main]
        return rows[bisect.bisect_left(keys, key):bisect.bisect_right(keys, key)]

    # fault kinds ---------------------------------------------------------------------------------
    # Each returns True when it injected something. `table` is where the finding is reported.

    def cell_fault(self, table: str, code: str) -> bool:
        tb = self.t[table]
        cands = [f for f in tb.fields if self.cell_candidate(tb, f, code)]
        if not cands:
            return False
        for _ in range(20):
            f = cands[int(self.rnd() * len(cands))]
            i = tb.index[f.name]
            r = self.random_row(table, cond=(lambda r, i=i: r[i] != "") if code in ("enum", "untrimmed", "not-nfc",
                                "control-character", "formula-injection", "type", "minimum") else None)
            if r is None:
                continue
            new = self.bad_value(tb, f, code, r[i], r)
            if new is None:
                continue
            if code in ("required", "type", "enum", "pattern", "length", "minimum", "maximum", "invalid-date") and code not in f.problems(new):
                raise AssertionError(f"{table}.{f.name}: {new!r} does not earn {code}")
            r[i] = new
            self.touch(r)
            self.add(table, f.name, code, [r])
            return True
        return False

    def cell_candidate(self, tb: Table, f: FieldInfo, code: str) -> bool:
        in_pk, is_fk = f.name in tb.pk, f.name in tb.fk_fields
        referenced = any(f.name in rf for t in self.t.values() for _, res, rf in t.fks if res == tb.name)
        if code == "required":
            return f.required and not (in_pk and (is_fk or referenced)) and not (tb.name == "redirects" and f.name == "new_id")
        if code == "enum":
            return f.enum is not None
        if code == "type":
            return f.type in ("integer", "number")
        if code == "minimum":
            return f.minimum is not None and f.type in ("integer", "number")
        if code == "maximum":
            return f.maximum is not None and f.type in ("integer", "number")
        if code == "pattern":  # not on keys, references, or the ids a redirect points at
            return f.pattern is not None and f.enum is None and not in_pk and not is_fk and not (tb.name == "redirects" and f.name.endswith("_id"))
        if code == "length":
            return f.max_length is not None and f.free_text
        if code in ("invalid-date", "future-date"):
            return f.partial and not in_pk
        if code in ("untrimmed", "not-nfc", "control-character", "formula-injection"):
            return f.free_text
        return False

    def bad_value(self, tb: Table, f: FieldInfo, code: str, old: str, row) -> str | None:
        rnd, pick = self.rnd, lambda s: s[int(self.rnd() * len(s))]
        if code == "required":
            return ""
        if code == "enum":
            for cand in ([str(int(float(max(f.enum, key=float))) + 1), "0"] if f.type in ("integer", "number") else
                         [old.capitalize(), old.upper(), old[:-1], old + "s", old.replace("_", " "), "unknown"]):
                if cand and cand not in f.enum and f.problems(cand) == ["enum"]:
                    return cand
            return None
        if code == "type":
            return pick(["n/a", "about 5 million", "1,5", "high", "2.5m", "—"]) if f.type == "number" else pick(["high", "2.5", "B", "one"])
        if code == "minimum":
            return str(int(f.minimum) - 1 - int(rnd() * 1000) * 1000)
        if code == "maximum":
            return str(int(f.maximum) + 1 + int(rnd() * 1000))
        if code == "pattern":
            if f.partial:
                # typos of lengths 4, 7 or 10 are avoided: the validator's pd_first casts their parts
                y, m, d = (old or pick(DAY_S)).ljust(10, "-")[:4], str(1 + int(rnd() * 12)), str(1 + int(rnd() * 28))
                cands = [f"{y}{m.zfill(2)}{d.zfill(2)}", f"{y}-{m}-{d.zfill(2)}" if len(m) == 1 else f"{y}-{m}-{d}",
                         f"{y}/{m.zfill(2)}", f"{y}-{m.zfill(2)}-{d.zfill(2)}T12:00", f"{y}s", f"ca. {y}"]
                cands = [c for c in cands if len(c) not in (4, 7, 10)]
            else:
                base = old or {"country_code": "IRN", "wikidata_id": "Q42", "language": "en", "url": "https://example.org/x",
                               "archive_url": "https://example.org/x", "currency": "USD", "version": "0.1.0"}.get(f.name, "x")
                cands = {"country_code": [base.lower(), base[:2], "Iran"], "wikidata_id": ["q" + base[1:], "Q0" + base[1:], "wd:" + base],
                         "language": [base.upper(), "english", "en_US"], "url": [base.replace("https://", ""), base.replace("https://", "https://user:pw@"), base.replace("https://", "ftp://")],
                         "archive_url": [base.replace("https://", "")], "currency": [base.lower(), "US$", "dollars"],
                         "version": ["1.0", "v0.1.0", "0.1"]}.get(f.name, [base + " ?", "#" + base, base.upper() + "!"])
            good = [c for c in cands if "pattern" in f.problems(c) and len(f.problems(c)) == 1]
            return pick(good) if good else None
        if code == "length":
            n = f.max_length + 1 + int(rnd() * 40)
            text = " ".join(FILLERS)
            while len(text) < n:
                text += "; " + text
            return text[:n - 1] + "."
        if code == "invalid-date":
            y = (old or "2010")[:4]
            return pick([f"{y}-02-30", f"{y}-13", f"{y}-04-31", f"{y}-00", "0000", f"{y}-06-31", f"{y}-02-29" if int(y) % 4 else f"{y}-11-31"])
        if code == "future-date":
            o = self.future_lo + int(rnd() * (self.future_hi - self.future_lo))
            s = dt.date.fromordinal(o).isoformat()
            return pick([s, s, s[:7], s[:4]])
        lim = f.max_length or 10 ** 6
        if code == "untrimmed":
            return (" " + old if rnd() < 0.5 else old + " ") if len(old) < lim else None
        if code == "not-nfc":
            new = old.replace("e", "e\u0301", 1) if "e" in old else old + " Cafe\u0301"
            return new if len(new) <= lim else None
        if code == "control-character":
            ch = pick(["\n", "\n", "\x07", "\x0b", "\x1b", "\x0c", "\x1f", "\x7f"])
            cut = old.find(" ") if " " in old else len(old)
            new = old[:cut] + ch + old[cut + 1:] if ch == "\n" or rnd() < 0.5 else old[:cut] + ch + old[cut:]
            return new if len(new) <= lim and new != old else None
        if code == "formula-injection":
            new = (pick(["=", "+", "-", "@", "=HYPERLINK(\"https://example.org\",\"", "\t"]) + old)[:lim].rstrip()
            return new
        return None

    def primary_key(self, table: str) -> bool:
        tb = self.t[table]
        if not tb.pk:
            return False
        r = self.random_row(table, cond=lambda r: all(r[i] != "" for i in tb.pk_pos) and
                            not (table == "actors" and r[self.aid] in self.reserved_actors))
        if r is None:
            return False
        dup = list(r)
        for f in tb.fields:  # change some free text so the copy is not a verbatim line (entity tables)
            i = tb.index[f.name]
            if f.free_text and f.name not in tb.pk and dup[i] and len(tb.pk) == 1:
                dup[i] = dup[i].rstrip(".")[: (f.max_length or 200) - 12] + " (again)"
                break
        if table == "sources" and tb.has("url") and dup[tb.index["url"]]:
            dup[tb.index["url"]] += "?copy=1"
        for f in tb.fields:  # a unique column must not repeat along with the key
            i = tb.index[f.name]
            if f.unique and f.name not in tb.pk and dup[i]:
                dup[i] = next((v for v in (dup[i] + "-copy", dup[i] + "2", "x" + dup[i]) if not f.problems(v)), dup[i])
        self.rows[table].append(dup)
        self.touch(r, dup)
        self.add(table, tb.pk[0] if len(tb.pk) == 1 else ",".join(tb.pk), "primary-key", [r, dup], how="max")
        return True

    def unique(self, table: str) -> bool:
        """A second row with the value of a `unique` column (none in the current schemas)."""
        tb = self.t[table]
        cands = [f for f in tb.fields if f.unique and [f.name] != tb.pk]
        if not cands:
            return False
        i = tb.index[cands[0].name]
        a = self.random_row(table, lambda r: r[i] != "")
        b = self.random_row(table, lambda r: r is not a and r[i] != "")
        if a is None or b is None:
            return False
        b[i] = a[i]
        self.touch(a, b)
        self.add(table, cands[0].name, "unique", [a, b], how="max")
        return True

    def foreign_key(self, table: str) -> bool:
        tb = self.t[table]
        fks = [(f[0], res, rf[0]) for f, res, rf in tb.fks if len(f) == 1 and res in self.id_sets]
        if not fks:
            return False
        for _ in range(30):
            field, res, _ = fks[int(self.rnd() * len(fks))]
            i = tb.index[field]

            def ok(r):
                v = r[i]
                if not v:
                    return False
                if table in self.LINKED:
                    main, key_col = self.LINKED[table]
                    links = [x for x in self.links(main, r[tb.index[key_col]]) if self.free(x)]
                    if len(links) < 2 or self.cites.get(r[tb.index["source_id"]], 0) < 2:
                        return False
                return True
            r = self.random_row(table, ok)
            if r is None:
                continue
            if table in self.LINKED:
                self.cites[r[tb.index["source_id"]]] -= 1
            r[i] = self.misspell(r[i], self.id_sets[res])
            self.touch(r)
            self.add(table, field, "foreign-key", [r])
            return True
        return False

    def missing_source(self, table: str) -> bool:
        link, key = self.LINKS.get(table, (None, None))
        if key is None or link not in self.rows or not self.t[table].has(key):
            return False
        ki = self.col(table, key)
        si = self.col(link, "source_id")

        def ok(r):
            links = self.links(table, r[ki])
            return links and all(self.free(x) and self.cites.get(x[si], 0) >= 2 for x in links)
        r = self.random_row(table, ok)
        if r is None:
            return False
        for x in self.links(table, r[ki]):
            self.deleted.add(id(x))
            self.cites[x[si]] -= 1
        self.touch(r)
        self.add(table, key, "missing-source", [r])
        return True

    PAIRS = [("start_date", "end_date"), ("date_start", "date_end"), ("valid_from", "valid_to")]

    def date_order(self, table: str) -> bool:
        tb = self.t[table]
        pairs = [(a, b) for a, b in self.PAIRS if tb.has(a, b)]
        if not pairs:
            return False
        a, b = pairs[0]
        ia, ib = tb.index[a], tb.index[b]
        lo = MIN_O + 800
        cond = (lambda r: r[self.aid] not in self.reserved_actors and r[self.aid] not in self.claimant_ids) if table == "actors" else None
        r = self.random_row(table, cond)
        if r is None:
            return False
        so = MIN_O + 800 + int(self.rnd() * (MAX_O - lo))
        eo = so - 1 - int(self.rnd() * 700)
        r[ia] = self.rng.choice(FORMATS)[so - MIN_O]
        r[ib] = DAY_S[min(eo, pd_first(r[ia]) - 1) - MIN_O]
        self.touch(r)
        self.add(table, b, "date-order", [r])
        return True

    def future_date(self, table: str) -> bool:
        tb = self.t[table]
        starts_with_end = {a: b for a, b in self.PAIRS if tb.has(a, b)}
        cands = [f.name for f in tb.fields if f.partial and f.name not in tb.pk]
        if not cands:
            return False
        for _ in range(20):
            name = cands[int(self.rnd() * len(cands))]
            i = tb.index[name]
            end = starts_with_end.get(name)

            def ok(r):
                if end and r[tb.index[end]]:
                    return False  # a future start would also put the end before it
                if table == "actors" and (r[self.aid] in self.reserved_actors or r[self.aid] in self.claimant_ids):
                    return False
                return True
            r = self.random_row(table, ok)
            if r is None:
                continue
            r[i] = self.bad_value(tb, tb.field[name], "future-date", r[i], r)
            self.touch(r)
            self.add(table, name, "future-date", [r])
            return True
        return False

    def cycle(self, table: str) -> bool:
        chains = {"actors": ("actor_id", "parent_id"), "sources": ("source_id", "derived_from_id")}
        if table not in chains or not self.t[table].has(*chains[table]):
            return False
        key, parent = chains[table]
        ki, pi = self.col(table, key), self.col(table, parent)
        cond = (lambda r: r[self.aid] not in self.reserved_actors) if table == "actors" else None
        if table == "actors" and self.rnd() < 0.3:  # its own parent: the Pandera row rule
            r = self.random_row(table, cond)
            if r is None:
                return False
            r[pi] = r[ki]
            self.touch(r)
            self.add(table, parent, "cycle", [r])
            return True
        size = 2 if table == "actors" else 3
        members = []
        for _ in range(size):
            r = self.random_row(table, lambda r: (cond is None or cond(r)) and all(r is not m for m in members)
                                and all(r[ki] != m[ki] for m in members))
            if r is None:
                return False
            members.append(r)
        if len({m[ki] for m in members}) < size:
            return False
        for j, m in enumerate(members):
            m[pi] = members[(j + 1) % size][ki]
        self.touch(*members)
        for m in members:
            self.add(table, parent, "cycle", [m])
        return True

    def self_relation(self, table: str) -> bool:
        tb = self.t[table]
        if table != "claim_relations" or not tb.has("claim_id", "related_claim_id"):
            return False
        r = self.random_row(table)
        if r is None:
            return False
        r[tb.index["related_claim_id"]] = r[tb.index["claim_id"]]
        self.touch(r)
        self.add(table, "related_claim_id", "self-relation", [r])
        return True

    def amount_fault(self, table: str, code: str) -> bool:
        tb = self.t[table]
        if table != "claims" or not tb.has("amount", "currency", "amount_period", "amount_qualifier", "predicate"):
            return False
        ia, ip = tb.index["amount"], tb.index["predicate"]
        if code == "amount-range":
            if not tb.has("amount_low", "amount_high"):
                return False
            il, ih, iq = tb.index["amount_low"], tb.index["amount_high"], tb.index["amount_qualifier"]
            r = self.random_row(table, lambda r: r[il] != "" or r[ia] != "")
            if r is None:
                return False
            if r[iq] == "range":  # bounds the wrong way round
                low, high = float(r[il]), float(r[ih])
                r[il], r[ih] = str(int(max(low, high)) + 250000), str(int(min(low, high)))
            else:  # a bound on a figure that is not a range
                r[il] = r[ia]
            self.touch(r)
            self.add(table, "amount_low", code, [r])
            return True
        r = self.random_row(table, lambda r: r[ia] != "")
        if r is None:
            return False
        if code == "amount-incomplete":
            r[tb.index[self.rng.choice(["currency", "amount_period", "amount_qualifier", "amount_basis"])]] = ""
        else:
            others = [v for v in tb.field["predicate"].enum if v not in ("funds", "cuts_support_to")]
            r[ip] = self.rng.choice(others)
        self.touch(r)
        self.add(table, "amount", code, [r])
        return True

    def proposition_event(self, table: str) -> bool:
        """A claim whose proposition names an event, moved to no event or another one."""
        tb, pt = self.t[table], self.t["propositions"]
        prop_event = {p[pt.index["proposition_id"]]: p[pt.index["event_id"]] for p in self.rows["propositions"] if isinstance(p, list)}
        ie, ip = tb.index["event_id"], tb.index["proposition_id"]
        cands = [r for r in self.rows[table] if isinstance(r, list) and self.free(r) and prop_event.get(r[ip])
                 and r[ie] == prop_event[r[ip]]]  # few rows: drawn from the list, not by random probing
        if not cands:
            return False
        r = self.rng.choice(cands)
        events = self.s.ids.get("events") or []
        other = events[int(self.rnd() * len(events))] if events and self.rnd() < 0.5 else ""
        r[ie] = other if other != r[ie] else ""
        self.touch(r)
        self.add(table, "event_id", "proposition-event", [r])
        return True

    def identifier_format(self, table: str) -> bool:
        """An outside id not in its scheme's form: a lowercase q, a leading zero."""
        tb = self.t[table]
        isch, iid = tb.index["scheme"], tb.index["identifier"]
        r = self.random_row(table, lambda r: (IDENTIFIER_FORMATS.get(r[isch]) or (None,))[0] is not None)
        if r is None:
            return False
        pattern = IDENTIFIER_FORMATS[r[isch]][0]
        old = r[iid]
        for new in (old.lower(), old[:1] + "0" + old[1:], "0" + old, old + " x"):
            if not re.fullmatch(pattern, new) and not tb.field["identifier"].problems(new):
                r[iid] = new
                self.touch(r)
                self.add(table, "identifier", "identifier-format", [r])
                return True
        return False

    def unfindable(self, table: str) -> bool:
        tb = self.t[table]
        if table != "sources" or not tb.has("url", "publisher", "published_date"):
            return False
        r = self.random_row(table)
        if r is None:
            return False
        r[tb.index["url"]] = ""
        if tb.has("archive_url"):
            r[tb.index["archive_url"]] = ""
        r[tb.index[self.rng.choice(["publisher", "published_date"])]] = ""
        self.touch(r)
        self.add(table, "url", "unfindable-source", [r])
        return True

    def duplicate_url(self, table: str) -> bool:
        tb = self.t[table]
        if table != "sources" or not tb.has("url"):
            return False
        iu = tb.index["url"]
        a = self.random_row(table, lambda r: r[iu] != "")
        b = self.random_row(table, lambda r: r is not a and r[iu] != "")
        if a is None or b is None:
            return False
        b[iu] = a[iu]
        self.touch(a, b)
        self.add(table, "url", "duplicate-source", [a, b], how="max")
        return True

    def unused_source(self, table: str) -> bool:
        tb = self.t[table]
        if table != "sources":
            return False
        template = self.random_row(table, lambda r: r[tb.index["derived_from_id"]] == "" if tb.has("derived_from_id") else True)
        if template is None:
            return False
        new = list(template)
        sid = self.fresh_id("uncited-source")
        new[tb.index["source_id"]] = sid
        if tb.has("url"):
            new[tb.index["url"]] = f"https://example.org/uncited/{sid}"
        if tb.has("archive_url"):
            new[tb.index["archive_url"]] = ""
        self.rows[table].append(new)
        self.touch(new)
        self.add(table, "source_id", "unused-source", [new])
        return True

    def claim_date_fault(self, table: str, code: str) -> bool:
        tb = self.t[table]
        if table != "claims" or not tb.has("claimant_id", "claimed_date") or "actors" not in self.rows:
            return False
        ic, idt = tb.index["claimant_id"], tb.index["claimed_date"]
        if code == "undated-claim":
            r = self.random_row(table, lambda r: r[idt] != "")
            if r is None:
                return False
            r[idt] = ""
        else:
            at = self.t["actors"]
            if not at.has("actor_type", "start_date", "end_date"):
                return False
            ia, it, isd, ied = at.index["actor_id"], at.index["actor_type"], at.index["start_date"], at.index["end_date"]
            if code == "claim-after-death":
                dead = [a for a in self.rows["actors"] if isinstance(a, list) and self.free(a) and a[it] == "person" and a[ied]
                        and pd_last(a[ied]) < MAX_O - 2 and (not a[isd] or pd_first(a[isd]) <= pd_last(a[ied]))]
                if not dead:
                    return False
                a = self.rng.choice(dead)
                r = self.random_row(table)
                if r is None:
                    return False
                r[ic] = a[ia]
                lo = pd_last(a[ied]) + 1
                r[idt] = DAY_S[lo + int(self.rnd() * (MAX_O - lo)) - MIN_O]
            else:  # claimant-not-founded
                founded = {a[ia]: a[isd] for a in self.rows["actors"] if isinstance(a, list) and a[isd]
                           and pd_first(a[isd]) > MIN_O + 366 and self.free(a)}
                r = self.random_row(table, lambda r: r[ic] in founded)
                if r is None:
                    return False
                a_id = r[ic]
                r[idt] = str(int(founded[a_id][:4]) - 1)
            self.reserved_actors.add(r[ic])
        self.touch(r)
        self.add(table, "claimed_date", code, [r])
        return True

    def redirect(self, table: str) -> bool:
        tb = self.t[table]
        if table != "redirects" or not tb.has("old_id", "new_id", "table_name"):
            return False
        r = self.random_row(table, lambda r: r[tb.index["table_name"]] in self.id_sets)
        if r is None:
            return False
        t = r[tb.index["table_name"]]
        if self.rnd() < 0.5:
            used = self.rng.choice(self.s.ids[t])
            if any(isinstance(x, list) and x[tb.index["old_id"]] == used for x in self.rows[table]):
                return False
            r[tb.index["old_id"]] = used
            self.add(table, "old_id", "redirect", [r])
        else:
            r[tb.index["new_id"]] = self.misspell(r[tb.index["new_id"]], self.id_sets[t])
            self.add(table, "new_id", "redirect", [r])
        self.touch(r)
        return True

    def ragged(self, table: str, code: str) -> bool:
        """A new row (fresh key, valid references) with one cell too many or too few; the validator skips it."""
        tb = self.t[table]
        template = self.random_row(table)
        if template is None:
            return False
        new = list(template)
        if len(tb.pk) == 1:
            new[tb.pk_pos[0]] = self.fresh_id(tb.pk[0].replace("_", "-"))
        elif len(tb.pk) > 1:
            for j in tb.pk_pos:  # keep references valid: change a key column that is free text or an enum
                f = tb.fields[j]
                if f.enum and len(f.enum) > 1:
                    new[j] = self.rng.choice([v for v in f.enum if v != new[j]])
                    break
        if code == "extra-cell":
            new.append(self.rng.choice(["", "extra", "see notes"]))
        else:
            drop = 1 + int(self.rnd() * min(2, max(1, len(new) - 1 - max(tb.pk_pos or [0]))))
            new = new[:-drop] if len(new) - drop >= 1 else new[:1]
        self.ragged_rows.setdefault(table, []).append(new)
        self.touch(new)
        self.add(table, None, code, [new])
        return True

    def blank_row(self, table: str) -> bool:
        raw = Raw("\n")
        self.raw_after.setdefault(table, []).append((None, raw))
        self.add(table, None, "blank-row", [raw], how="raw")
        return True

    # file-level faults: one each, in distinct tables ----------------------------------------------
    def file_faults(self) -> None:
        names = [n for n in ("event_actors", "events", "claim_sources", "claim_relations", "redirects", "sources", "actors",
                             "event_sources", "claims") if n in self.rows and self.rows[n]]
        plan = ["bom", "line-ending", "final-newline", "malformed-csv", "encoding"]
        for kind, table in zip(plan, names):
            tb = self.t[table]
            if kind == "bom":
                self.bom.add(table)
                self.add(table, None, "bom", [], how="line1")
            elif kind == "line-ending":
                r = self.random_row(table)
                self.cr_rows.add(id(r))
                self.touch(r)
                self.add(table, None, "line-ending", [r])
            elif kind == "final-newline":
                self.no_final_newline.add(table)
                self.add(table, None, "line-ending", [], how="last")
            elif kind == "malformed-csv":
                raw = Raw('"' + ",".join(["unterminated quote: " + FILLERS[0]] + [""] * (len(tb.names) - 1)) + "\n")
                self.raw_after.setdefault(table, []).append(("end", raw))
                self.add(table, None, "malformed-csv", [raw], how="raw")
            elif kind == "encoding":
                cands = [f for f in tb.fields if f.free_text]
                r = self.random_row(table, lambda r: any(r[tb.index[f.name]] for f in cands))
                if r is None or not cands:
                    continue
                f = next(f for f in cands if r[tb.index[f.name]])
                r[tb.index[f.name]] = r[tb.index[f.name]].replace(" ", " " + self.BAD_BYTE_MARK, 1) if " " in r[tb.index[f.name]] \
                    else r[tb.index[f.name]] + self.BAD_BYTE_MARK
                self.bad_byte_tables.add(table)
                self.touch(r)
                self.add(table, None, "encoding", [r])
        self.file_fault_tables = names[:len(plan)]

    def all_rows(self, table: str):
        yield from self.rows[table]
        yield from self.ragged_rows.get(table, [])

    def header_faults_in(self, tables: list[str]) -> None:
        """extra-header, blank-header, duplicate-header, missing-header, header-order: one table each.

        Applied after every other fault: columns move, so row faults must already be in place."""
        done = set()
        for kind in ("extra-header", "missing-header", "header-order", "blank-header", "duplicate-header"):
            for table in tables:
                if table in done or table in self.header or not self.rows.get(table):
                    continue
                tb = self.t[table]
                header = list(tb.names)
                if kind in ("extra-header", "blank-header", "duplicate-header"):
                    name = {"extra-header": "extra_notes", "blank-header": "", "duplicate-header": header[-1]}[kind]
                    header.append(name)
                    for r in self.all_rows(table):
                        r.append("")
                    self.add(table, name, kind, [], how="line1")
                elif kind == "missing-header":
                    opt = [j for j, f in enumerate(tb.fields) if not f.required and f.name not in tb.pk]
                    if not opt:
                        continue
                    j = opt[-1]
                    gone = header[j]
                    self.entries = [e for e in self.entries if not (e["table"] == table and e["column"] == gone)]
                    self.add(table, gone, kind, [], how="line1")
                    del header[j]
                    for r in self.all_rows(table):
                        if len(r) > 1:
                            del r[j if len(r) > j else -1]  # a ragged row stays ragged
                else:
                    opt = [j for j, f in enumerate(tb.fields) if j + 1 < len(tb.fields) and j not in tb.pk_pos and j + 1 not in tb.pk_pos]
                    if not opt:
                        continue
                    j = opt[0]
                    header[j], header[j + 1] = header[j + 1], header[j]
                    for r in self.all_rows(table):
                        if len(r) > j + 1:
                            r[j], r[j + 1] = r[j + 1], r[j]
                    self.add(table, None, kind, [], how="line1")
                self.header[table] = header
                done.add(table)
                break

    # driver ----------------------------------------------------------------------------------------
    KINDS = [
        ("required", "cell"), ("enum", "cell"), ("type", "cell"), ("minimum", "cell"), ("maximum", "cell"), ("pattern", "cell"),
        ("length", "cell"), ("invalid-date", "cell"), ("untrimmed", "cell"), ("not-nfc", "cell"),
        ("control-character", "cell"), ("formula-injection", "cell"),
        ("primary-key", "primary_key"), ("unique", "unique"), ("foreign-key", "foreign_key"), ("missing-source", "missing_source"),
        ("date-order", "date_order"), ("future-date", "future_date"), ("cycle", "cycle"),
        ("self-relation", "self_relation"), ("amount-incomplete", "amount"), ("amount-predicate", "amount"),
        ("amount-range", "amount"), ("proposition-event", "proposition_event"), ("identifier-format", "identifier_format"),
        ("unfindable-source", "unfindable"), ("duplicate-source", "duplicate_url"), ("unused-source", "unused_source"),
        ("undated-claim", "claim_date"), ("claimant-not-founded", "claim_date"), ("claim-after-death", "claim_date"),
        ("redirect", "redirect"), ("extra-cell", "ragged"), ("missing-cell", "ragged"), ("blank-row", "blank_row"),
    ]

    def applies(self, table: str, code: str, how: str) -> bool:
        tb = self.t[table]
        if how == "cell":
            return any(self.cell_candidate(tb, f, code) for f in tb.fields)
        if how == "primary_key":
            return bool(tb.pk)
        if how == "unique":
            return any(f.unique and [f.name] != tb.pk for f in tb.fields)
        if how == "foreign_key":
            return any(len(f) == 1 and res in self.id_sets for f, res, _ in tb.fks)
        if how == "missing_source":
            return table in self.LINKS and self.LINKS[table][0] in self.rows
        if how == "date_order":
            return any(tb.has(a, b) for a, b in self.PAIRS)
        if how == "future_date":
            return any(f.partial for f in tb.fields)
        if how == "cycle":
            return table in ("actors", "sources")
        if how == "self_relation":
            return table == "claim_relations"
        if how == "amount":
            return table == "claims" and tb.has("amount")
        if how in ("unfindable", "duplicate_url", "unused_source"):
            return table == "sources"
        if how == "claim_date":
            return table == "claims"
        if how == "redirect":
            return table == "redirects"
        if how == "proposition_event":
            return table == "claims" and tb.has("event_id", "proposition_id") and bool(self.rows.get("propositions"))
        if how == "identifier_format":
            return table == "actor_identifiers" and tb.has("scheme", "identifier")
        return how in ("ragged", "blank_row")

    def run_kind(self, table: str, code: str, how: str) -> bool:
        if how == "cell":
            return self.cell_fault(table, code)
        if how in ("amount", "claim_date", "ragged"):
            return getattr(self, {"amount": "amount_fault", "claim_date": "claim_date_fault", "ragged": "ragged"}[how])(table, code)
        return getattr(self, how)(table)

    def inject(self) -> None:
        self.build_indexes()
        # claims first: they reserve the actors whose dates they depend on
        order = sorted(self.rows, key=lambda n: (n != "claims", n))
        self.file_faults()
        for table in order:
            n_rows = len(self.rows[table])
            kinds = [(c, h) for c, h in self.KINDS if self.applies(table, c, h)]
            if not kinds or not n_rows:
                continue
            want = max(round(self.rate * n_rows), len(kinds))
            want = min(want, max(1, n_rows // 3))
            self.rng.shuffle(kinds)
            done = 0
            attempts = 0
            while done < want and attempts < want * 4:
                code, how = kinds[attempts % len(kinds)]
                attempts += 1
                if self.run_kind(table, code, how):
                    done += 1
                else:
                    self.skipped[f"{table}:{code}"] = self.skipped.get(f"{table}:{code}", 0) + 1

    def finish_tables(self) -> dict[str, list]:
        """Header faults, drop deleted links, sort by primary key, place ragged rows and raw lines.

        Returns the final record lists and fills `self.final_pos` (id -> index), `self.special_pos`
        (indexes written by hand: raw lines, CR-terminated rows) and the line bookkeeping."""
        if self.header_faults:
            self.header_faults_in([n for n in self.rows if n not in self.file_fault_tables] + list(reversed(self.file_fault_tables)))
        tracked = set(self.touched)
        for e in self.entries:
            tracked.update(id(r) for r in e["rows"])
        self.final_pos: dict[int, int] = {}
        self.special_pos: dict[str, list[int]] = {}
        self.extra_lines: dict[str, tuple[list[int], list[int]]] = {}
        out = {}
        for name, rows in self.rows.items():
            tb = self.t[name]
            if self.deleted and name in self.LINKED:
                rows = [r for r in rows if id(r) not in self.deleted]
            header = self.header.get(name, tb.names)
            pos = [header.index(k) for k in tb.pk if k in header]
            ragged = self.ragged_rows.get(name, [])
            if pos:
                get = operator.itemgetter(*pos)
                rows.sort(key=get)

                def key(r, get=get, pos=pos):
                    try:
                        return get(r)
                    except IndexError:
                        padded = tuple(r[i] if i < len(r) else "" for i in pos)
                        return padded if len(pos) > 1 else padded[0]
                for r in ragged:
                    rows.insert(bisect.bisect_right(rows, key(r), key=key), r)
            else:
                rows.extend(ragged)
            at = {v: i for i, v in enumerate(map(id, rows)) if v in tracked}
            raws = []
            for where, raw in self.raw_after.get(name, []):
                raws.append((len(rows) if where == "end" else 1 + int(self.rnd() * max(1, len(rows) - 1)), raw))
            raws.sort(key=lambda x: x[0])
            if raws:
                ps = [p for p, _ in raws]
                at = {v: i + bisect.bisect_right(ps, i) for v, i in at.items()}
                final, prev = [], 0
                for k, (p, raw) in enumerate(raws):
                    final.extend(rows[prev:p])
                    at[id(raw)] = p + k
                    final.append(raw)
                    prev = p
                final.extend(rows[prev:])
                rows = final
            self.final_pos.update(at)
            special, extras = [], []
            for v, i in at.items():
                r = rows[i]
                if isinstance(r, Raw) or v in self.cr_rows:
                    special.append(i)
                if isinstance(r, list):
                    n = sum(c.count("\n") for c in r)
                    if n:
                        extras.append((i, n))
            self.special_pos[name] = sorted(special)
            extras.sort()
            cum, total = [], 0
            for _, n in extras:
                total += n
                cum.append(total)
            self.extra_lines[name] = ([i for i, _ in extras], cum, len(rows))
            out[name] = rows
        return out

    def line_of(self, table: str, row) -> int:
        """Physical line of a record: header = 1, plus the line breaks inside earlier quoted cells."""
        i = self.final_pos[id(row)]
        ps, cum, _ = self.extra_lines[table]
        k = bisect.bisect_left(ps, i)
        return i + 2 + (cum[k - 1] if k else 0)

    def resolve_lines(self, tables: dict[str, list]) -> list[dict]:
        out = []
        for e in self.entries:
            t = e["table"]
            if e["how"] == "line1":
                line = 1
            elif e["how"] == "last":
                ps, cum, n = self.extra_lines[t]
                line = n + 1 + (cum[-1] if cum else 0)
            else:
                line = max(self.line_of(t, r) for r in e["rows"])
            out.append({"path": e["path"], "line": line, "column": e["column"], "code": e["code"]})
        out.sort(key=lambda f: (f["path"], f["line"], f["column"] or "", f["code"]))
        return out


# --------------------------------------------------------------------------------------------------
# Writing


def write_tables(out: Path, tables: dict[str, Table], records: dict[str, list], faults: Faults | None) -> dict[str, int]:
    counts = {}
    (out / "tables").mkdir(parents=True, exist_ok=True)
    for name, rows in records.items():
        tb = tables[name]
        path = out / tb.path
        header = faults.header.get(name, tb.names) if faults else tb.names
        bom = bool(faults and name in faults.bom)
        with open(path, "w", encoding="utf-8", newline="", buffering=1 << 22) as fh:
            if bom:
                fh.write("\ufeff")
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(header)
            special = faults.special_pos.get(name, []) if faults else []
            start = 0
            for i in special:
                w.writerows(rows[start:i])
                r = rows[i]
                if isinstance(r, Raw):
                    fh.write(r.text)
                else:
                    csv.writer(fh, lineterminator="\r\n").writerow(r)
                start = i + 1
            w.writerows(rows[start:])
        if faults and name in faults.bad_byte_tables:
            data = path.read_bytes().replace(Faults.BAD_BYTE_MARK.encode("utf-8"), b"\xe9")
            path.write_bytes(data)
        if faults and name in faults.no_final_newline:
            with open(path, "rb+") as fh:
                fh.seek(-1, 2)
                if fh.read(1) == b"\n":
                    fh.seek(-1, 2)
                    fh.truncate()
        counts[name] = len(rows) - sum(1 for i in (faults.special_pos.get(name, []) if faults else []) if isinstance(rows[i], Raw))
    return counts


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
    tables = load_tables(ROOT)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "datapackage.json", out / "datapackage.json")
    shutil.copytree(ROOT / "schemas", out / "schemas", dirs_exist_ok=True)
    if (out / "tables").exists():
        shutil.rmtree(out / "tables")
    (out / "faults.json").unlink(missing_ok=True)

    synth = Synth(tables, args.claims, args.seed)
    synth.generate(extra_redirects=40 if args.fault_rate > 0 else 0)
    generated = time.perf_counter()
    faults = None
    entries: list[dict] = []
    if args.fault_rate > 0:
        faults = Faults(synth, args.fault_rate, args.header_faults)
        faults.inject()
        records = faults.finish_tables()
        entries = faults.resolve_lines(records)
    else:
        records = synth.rows
    counts = write_tables(out, tables, records, faults)
    if faults:
        (out / "faults.json").write_text(json.dumps(entries, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    done = time.perf_counter()
    if not args.quiet:
        total = sum(counts.values())
        print(f"synth: {total} rows in {len(counts)} tables -> {out} in {done - started:.1f}s "
              f"(generate {generated - started:.1f}s, write {done - generated:.1f}s)", file=sys.stderr)
        print("  " + ", ".join(f"{k} {v}" for k, v in counts.items()), file=sys.stderr)
        if faults:
            by_code: dict[str, int] = {}
            for e in entries:
                by_code[e["code"]] = by_code.get(e["code"], 0) + 1
            print(f"  {len(entries)} faults: " + ", ".join(f"{k} {v}" for k, v in sorted(by_code.items())), file=sys.stderr)
            if faults.skipped:
                print("  could not place: " + ", ".join(f"{k} x{v}" for k, v in sorted(faults.skipped.items())), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
