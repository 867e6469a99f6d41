"""`ihr stats` counts what the fixture holds, and `--check` fails a package below the targets."""

from __future__ import annotations

import json

from conftest import ROOT, fixture_package, run_cli


def test_stats_counts_the_views_fixture(tmp_path):
    result = run_cli("stats", "--format", "json", str(fixture_package(tmp_path / "views", "views")))
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    assert stats["rows"]["claims"] == 9 and stats["rows"]["sources"] == 4
    assert stats["breakdowns"]["claims by stance"] == {"affirms": 7, "denies": 1, "no_evidence": 1}
    assert stats["measures"]["denials"] == 1
    assert stats["measures"]["source_url_share"] == 1.0
    assert stats["measures"]["sources_per_claim_mean"] == round(12 / 9, 2)  # 12 claim_sources rows
    assert stats["measures"]["derived_sources"] == 2


def test_check_fails_a_package_below_the_release_targets(tmp_path):
    result = run_cli("stats", "--check", str(fixture_package(tmp_path / "views", "views")))
    assert result.exit_code == 1
    assert "LOW actors" in result.output.replace("  ", " ")


def test_the_real_data_meets_the_release_targets():
    result = run_cli("stats", "--check", str(ROOT))
    assert result.exit_code == 0, result.output


def test_stats_prints_the_coverage_goals_without_enforcing_them():
    result = run_cli("stats", "--format", "json", str(ROOT))
    goals = {g["name"]: g for g in json.loads(result.output)["goals"]}
    assert {"events", "claims", "denials_and_no_evidence", "primary_source_share", "sources_in_arabic_or_persian",
            "events_before_2000", "named_actors_wikidata_share"} <= set(goals)
    assert goals["events_before_2000"]["value"] >= 45
    text = run_cli("stats", str(ROOT)).output
    assert "coverage goals (not enforced by --check)" in text
