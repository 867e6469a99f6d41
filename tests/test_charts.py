"""`ihr charts` draws funding.svg from the views: one mark per estimate, the way its qualifier says."""

from __future__ import annotations


import duckdb
import pytest

from conftest import fixture_package, run_cli
from ihr.charts import funding_marks, funding_spec

pytest.importorskip("vl_convert")


@pytest.fixture
def views_package(tmp_path):
    package = tmp_path / "pkg"
    return fixture_package(package, "views")


def test_funding_chart_draws_each_estimate_as_its_qualifier_says(views_package):
    assert run_cli("build", str(views_package), "--out", str(views_package / "build")).exit_code == 0
    con = duckdb.connect(str(views_package / "build" / "iran-hamas-relations.duckdb"), read_only=True)
    marks = {m.claim_id: m for m in funding_marks(con)}
    con.close()
    # The pound figure with no recorded rate has no USD value, so it is not drawn; the IRGC's pledge
    # counts as Iran's.
    assert sorted(marks) == ["c-gbp-pledge", "c-israel-affirms", "c-range", "c-total"]
    assert (marks["c-range"].anchor, marks["c-range"].low, marks["c-range"].high) == (None, 20.0, 50.0)
    assert marks["c-gbp-pledge"].basis == "pledge" and marks["c-gbp-pledge"].anchor == pytest.approx(10 / 0.741)
    assert marks["c-israel-affirms"].shape == "circle" and marks["c-israel-affirms"].year == 2019
    spec = funding_spec(list(marks.values()), "t")
    rows = spec["layer"][0]["data"]["values"] if "data" in spec["layer"][0] else next(iter(spec["datasets"].values()))
    assert {r["claim_id"] for r in rows} == set(marks)


def test_ihr_charts_writes_an_svg_naming_every_claimant(views_package):
    result = run_cli("charts", str(views_package), "--out", str(views_package / "charts"))
    assert result.exit_code == 0, result.output
    svg = (views_package / "charts" / "funding.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "Analyst A" in svg and "Israel" in svg
    timeline = (views_package / "charts" / "timeline.svg").read_text(encoding="utf-8")
    assert timeline.count("<rect class=\"event") == 3  # the fixture's three events
    assert (views_package / "charts" / "network.svg").read_text(encoding="utf-8").startswith("<svg")
    assert "0.1.0" in svg  # the dataset version is in the title


def test_ihr_charts_refuses_a_package_that_does_not_validate(views_package):
    claims = views_package / "tables" / "claims.csv"
    claims.write_text(claims.read_text(encoding="utf-8").replace("c-range,analyst-a", "c-range,nobody"), encoding="utf-8")
    result = run_cli("charts", str(views_package))
    assert result.exit_code == 1
    assert "no charts, the package does not validate" in result.output
