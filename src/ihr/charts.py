"""Static charts for people who never open a database (funding.svg, and the explorer's
timeline.svg and network.svg as standalone pictures): Vega-Lite specs built with Altair from the
views, rendered to SVG offline by vl-convert (no browser, no network).

`funding.svg` answers "how much does Iran give Hamas, according to whom": one mark per estimate at
the first year it concerns, in US dollars per year on a log scale; a stated range is a bar from its
low to its high end, a figure a point, an "up to" figure a downward triangle at its ceiling and an
"at least" figure an upward one at its floor; colour tells payments from pledges, and each mark is
labelled with its claimant. The data behind every mark is the `funding_estimates` row of the same
claim_id, so the chart cannot say what the view does not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

# The chart's question, stated once: which estimates it draws.
FUNDING_QUERY = """
SELECT fe.claim_id, fe.claimant, fe.amount_qualifier AS qualifier, fe.amount_basis AS basis,
       coalesce(year(c.valid_from), year(c.valid_to), year(c.claimed_date)) AS year,
       fe.usd_per_year_low / 1e6 AS low, fe.usd_per_year / 1e6 AS best, fe.usd_per_year_high / 1e6 AS high
FROM funding_estimates fe JOIN claims c USING (claim_id)
WHERE fe.funder_group_id = 'iran' AND fe.recipient_group_id = 'hamas' AND fe.stance = 'affirms'
  AND coalesce(fe.usd_per_year_low, fe.usd_per_year, fe.usd_per_year_high) IS NOT NULL
ORDER BY year, fe.claim_id
"""


class ChartsUnavailable(Exception):
    """Altair or vl-convert is not installed (they come with the `charts` extra)."""


@dataclass
class FundingMark:
    claim_id: str
    claimant: str
    qualifier: str
    basis: str
    year: int
    low: float | None
    best: float | None
    high: float | None

    @property
    def shape(self) -> str:
        """Where the mark sits and what it looks like follows the qualifier."""
        return {"up_to": "triangle-down", "at_least": "triangle-up"}.get(self.qualifier, "circle")

    @property
    def anchor(self) -> float | None:
        """The value a point is drawn at: the best figure, else the one bound there is; a range
        without a best figure is drawn as its bar alone."""
        if self.best is not None or self.qualifier == "range":
            return self.best
        return self.high if self.qualifier == "up_to" else self.low


def funding_marks(con) -> list[FundingMark]:
    return [FundingMark(*row) for row in con.execute(FUNDING_QUERY).fetchall()]


def funding_spec(marks: list[FundingMark], title: str) -> dict:
    """The Vega-Lite specification of funding.svg (a dict: testable without rendering)."""
    try:
        import altair as alt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ChartsUnavailable("charts need altair and vl-convert-python: pip install 'ihr[charts]'") from exc
    rows = [{"claim_id": m.claim_id, "claimant": m.claimant, "qualifier": m.qualifier, "basis": m.basis,
             "year": m.year, "low": m.low, "high": m.high, "value": m.anchor, "shape": m.shape,
             "is_range": m.qualifier == "range"} for m in marks]
    data = alt.Data(values=rows)
    # Marks of one year at nearly one value share one label, so names do not print over each other.
    groups: dict[tuple[int, int], list[tuple[float, str]]] = {}
    for m in marks:
        at = m.anchor if m.anchor is not None else m.high
        if at:
            groups.setdefault((m.year, round(math.log10(at) * 8)), []).append((at, m.claimant))
    label_rows = sorted(({"year": year, "at": members[0][0], "text": "; ".join(dict.fromkeys(n for _, n in members))}
                         for (year, _), members in groups.items()), key=lambda r: (r["year"], r["at"]))
    # Place labels so that neighbours rarely collide: in a year with several labels the lowest goes
    # below its mark and the others above; a year with one label alternates with the year before.
    by_year: dict[int, list[dict]] = {}
    for row in label_rows:
        by_year.setdefault(row["year"], []).append(row)
    for i, (year, rows_of_year) in enumerate(sorted(by_year.items())):
        for j, row in enumerate(rows_of_year):
            row["above"] = j > 0 if len(rows_of_year) > 1 else i % 2 == 0
    years = [m.year for m in marks] or [1990, 2025]
    x = alt.X("year:Q", title="Year the estimate concerns", axis=alt.Axis(format="d"),
              scale=alt.Scale(domain=[min(years) - 1, max(years) + 2], nice=False))
    y_scale = alt.Scale(type="log")
    colour = alt.Color("basis:N", title="What the figure is", scale=alt.Scale(domain=["payment", "pledge", "request"]),
                       legend=alt.Legend(orient="bottom"))
    ranges = alt.Chart(data).transform_filter("datum.is_range").mark_rule(strokeWidth=5, opacity=0.7).encode(
        x=x, y=alt.Y("low:Q", scale=y_scale, title="Million US dollars per year (log scale)"), y2="high:Q", color=colour)
    points = alt.Chart(data).transform_filter("datum.value != null").mark_point(filled=True, size=90).encode(
        x=x, y=alt.Y("value:Q", scale=y_scale), color=colour,
        shape=alt.Shape("shape:N", title="Qualifier", scale=None),
        tooltip=["claimant:N", "qualifier:N", "basis:N", "year:Q", "low:Q", "value:Q", "high:Q", "claim_id:N"])
    label_data = alt.Data(values=label_rows)
    labels = [alt.Chart(label_data).transform_filter(f"datum.above == {str(above).lower()}").mark_text(
                  align="left", dx=6, dy=-8 if above else 9, fontSize=9).encode(
                  x=x, y=alt.Y("at:Q", scale=y_scale), text="text:N") for above in (True, False)]
    chart = alt.layer(ranges, points, *labels).properties(
        width=760, height=420,
        title=alt.TitleParams(title, subtitle=[
            "One mark per estimate: bar = stated range, circle = figure, ▼ = 'up to', ▲ = 'at least'.",
            "Claims that say nothing of an amount, and totals with no dated period, are not drawn."]))
    return chart.to_dict()


def render_svg(spec: dict) -> str:
    try:
        import vl_convert
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ChartsUnavailable("charts need altair and vl-convert-python: pip install 'ihr[charts]'") from exc
    return vl_convert.vegalite_to_svg(spec)


def write_charts(root: str | Path = ".", out_dir: str | Path | None = None) -> list[Path]:
    """Render every chart of the dataset from the built database into out_dir (build/charts)."""
    from ihr.query import connect

    root = Path(root)
    out = Path(out_dir) if out_dir is not None else root / "build" / "charts"
    out.mkdir(parents=True, exist_ok=True)
    from ihr.site.data import events_in_date_order, load_site_data
    from ihr.site.svg import network_svg, timeline_svg

    con = connect(root)
    try:
        marks = funding_marks(con)
        version = con.execute("SELECT dataset_version FROM metadata").fetchone()[0]
        data = load_site_data(con)
    finally:
        con.close()
    events = events_in_date_order(data)
    pictures = {
        "funding.svg": render_svg(funding_spec(marks, f"Iran's funding of Hamas: estimates by claimant (dataset {version})")),
        # The explorer's own pictures, with links that lead nowhere outside the site stripped of their target.
        "timeline.svg": timeline_svg(events, href_prefix="#"),
        "network.svg": network_svg(data.edges, {k: v["name"] for k, v in data.actors.items()}, href_prefix="#"),
    }
    written = []
    for name, svg in pictures.items():
        target = out / name
        tmp = target.with_suffix(".svg.tmp")
        tmp.write_text(svg, encoding="utf-8")
        tmp.replace(target)
        written.append(target)
    return written
