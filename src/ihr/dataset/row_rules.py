"""This dataset's row rules: figures on funding claims and findable sources, over several columns
of one row (run by the Pandera layer on typed frames; see `ihr.checks.row_rules`)."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from ihr.checks.row_rules import ROW_RULES, RowRule
from ihr.package import TableSpec

if TYPE_CHECKING:
    import polars as pl

    from ihr.violations import RowViolation


def _has_figure() -> "pl.Expr":
    import polars as pl

    return pl.col("amount").is_not_null() | pl.col("amount_low").is_not_null() | pl.col("amount_high").is_not_null()


FUNDING = ("funds", "cuts_support_to")  # the predicates a figure may go with
# What a figure needs beside it: its currency, period, how exact it is and what it is (paid,
# promised or asked for).
AMOUNT_PARTS = ("currency", "amount_period", "amount_qualifier", "amount_basis")


def _amount_complete() -> "pl.Expr":
    import polars as pl

    parts = [_has_figure()] + [pl.col(c).is_not_null() for c in AMOUNT_PARTS]
    every, none = parts[0], ~parts[0]
    for part in parts[1:]:
        every, none = every & part, none & ~part
    return every | none


def _amount_range_consistent() -> "pl.Expr":
    import polars as pl

    low, high, amount = pl.col("amount_low"), pl.col("amount_high"), pl.col("amount")
    is_range = (pl.col("amount_qualifier") == "range").fill_null(False)
    ordered = (low <= high) & (amount.is_null() | ((low <= amount) & (amount <= high))).fill_null(False)
    in_range = low.is_not_null() & high.is_not_null() & ordered.fill_null(False)
    return pl.when(is_range).then(in_range).otherwise(low.is_null() & high.is_null())


def _amount_only_for_funding() -> "pl.Expr":
    import polars as pl

    return ~_has_figure() | pl.col("predicate").is_in(list(FUNDING))


def _source_findable() -> "pl.Expr":
    import polars as pl

    return pl.col("url").is_not_null() | (pl.col("publisher").is_not_null() & pl.col("published_date").is_not_null())


ROW_RULES.extend([
    RowRule("claims", "amount-incomplete", "amount",
            "a figure (amount, or amount_low and amount_high) goes with currency, amount_period, amount_qualifier "
            "and amount_basis: fill all of them or none", _amount_complete,
            ("amount", "amount_low", "amount_high") + AMOUNT_PARTS,
            "amount IS NOT NULL OR amount_low IS NOT NULL OR amount_high IS NOT NULL OR "
            + " OR ".join(f"{c} IS NOT NULL" for c in AMOUNT_PARTS), fix="fill the figure's other parts, or empty them all"),
    RowRule("claims", "amount-range", "amount_low",
            "amount_qualifier 'range' needs amount_low <= amount_high (and amount, if given, between them); "
            "amount_low and amount_high are for ranges only", _amount_range_consistent,
            ("amount", "amount_low", "amount_high", "amount_qualifier"),
            "amount_low IS NOT NULL OR amount_high IS NOT NULL OR amount_qualifier = 'range'",
            fix="order the range's ends, or use amount alone for a figure that is not a range"),
    RowRule("claims", "amount-predicate", "amount",
            "only a 'funds' or 'cuts_support_to' claim carries an amount", _amount_only_for_funding,
            ("amount", "amount_low", "amount_high", "predicate"),
            "amount IS NOT NULL OR amount_low IS NOT NULL OR amount_high IS NOT NULL",
            fix="move the figure to a funding claim, or correct the predicate"),
    RowRule("sources", "unfindable-source", "url",
            "a source needs a url, or a publisher and a published_date, so a reader can find it", _source_findable,
            ("url", "publisher", "published_date"), "url IS NULL", fix="add the url, or the publisher and the date"),
])


# A value breaking each rule above alone (`ihr.violations.RowViolation`), by code: tests see each
# reported where it says, and scripts/synth.py injects those faults.
FIGURE = ("amount", "amount_low", "amount_high")


def _reversed_range(table: TableSpec, row: dict[str, str], rng: random.Random) -> dict[str, str] | None:
    if row["amount_qualifier"] == "range" and row["amount_low"] and row["amount_high"]:
        low, high = sorted(int(float(row[c])) for c in ("amount_low", "amount_high"))
        return {"amount_low": str(high + 1), "amount_high": str(low)}
    return {"amount_low": row["amount"]} if row["amount"] and not row["amount_low"] else None  # a bound, not a range


ROW_RULE_VIOLATIONS: dict[str, RowViolation] = {
    "amount-incomplete": lambda table, row, rng: {rng.choice(AMOUNT_PARTS): ""} if any(row[c] for c in FIGURE)
    and all(row[c] for c in AMOUNT_PARTS) else None,
    "amount-range": _reversed_range,
    "amount-predicate": lambda table, row, rng: {"predicate": rng.choice([str(v) for v in table.field("predicate").enum
                                                                         if v not in FUNDING])} if any(row[c] for c in FIGURE) else None,
    "unfindable-source": lambda table, row, rng: {"url": "", rng.choice(["publisher", "published_date"]): ""} if row["url"] else None,
}
