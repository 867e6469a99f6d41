"""`ihr build` and the views: known answers on a small fixture, round-trips, and the real data."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT, build_package, fixture_package, run_cli

VIEWS = ["event_timeline", "claim_evidence", "contested_claims", "proposition_claims", "claim_disputes",
         "funding_estimates", "funding_by_year", "actor_groups", "actor_memberships", "claim_memberships", "relationship_timeline",
         "actor_network", "source_index", "source_origins", "metadata"]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    package = tmp_path_factory.mktemp("views") / "pkg"
    fixture_package(package, "views")
    out = package / "build"
    result = run_cli("build", str(package), "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def con(built):
    connection = duckdb.connect(str(built / "iran-hamas-relations.duckdb"), read_only=True)
    yield connection
    connection.close()


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def test_build_writes_database_and_one_parquet_per_table(built):
    assert (built / "iran-hamas-relations.duckdb").is_file()
    names = sorted(p.stem for p in (built / "parquet").glob("*.parquet"))
    declared = [r["name"] for r in json.loads((ROOT / "datapackage.json").read_text())["resources"]]
    assert len(declared) == 15
    assert names == sorted(declared + ["build_info"])


def test_partial_dates_become_first_day_plus_precision_and_text(con):
    got = rows(con, "SELECT event_id, date_start::VARCHAR, date_start_precision, date_start_text FROM events ORDER BY event_id")
    assert got == [("e-day", "1987-12-14", "day", "1987-12-14"),
                   ("e-month", "1987-12-01", "month", "1987-12"),
                   ("e-year", "1987-01-01", "year", "1987")]


def test_event_timeline_orders_by_date_with_roles_and_source_counts(con):
    got = rows(con, "SELECT event_id, actors_by_role, n_sources FROM event_timeline")
    assert got == [("e-year", None, 1), ("e-month", "subject: Hamas", 1),
                   ("e-day", "host: Iran; participant: Hamas, Official B", 2)]


def test_claim_evidence_counts_a_repost_chain_as_one_origin(con):
    got = rows(con, "SELECT n_sources, n_independent_origins FROM claim_evidence WHERE claim_id = 'c-israel-affirms'")
    assert got == [(3, 1)]
    got = rows(con, "SELECT n_sources, n_independent_origins FROM claim_evidence WHERE claim_id = 'c-usa-affirms'")
    assert got == [(2, 2)]
    origins = dict(rows(con, "SELECT source_id, origin_id FROM source_origins"))
    assert origins == {"s-orig": "s-orig", "s-repost1": "s-orig", "s-repost2": "s-orig", "s-second": "s-second"}


def test_contested_claims_counts_every_stance_of_a_proposition(con):
    got = rows(con, """SELECT n_claims, n_affirming, n_denying, n_no_evidence, n_neither, affirming_claimants,
                              denying_claimants, no_evidence_claimants FROM contested_claims
                       WHERE proposition_id = 'p-iran-funds-hamas'""")
    # The IRGC official's claim has its own subject (irgc) and still answers the question about Iran.
    assert got == [(8, 6, 1, 1, 0, ["Analyst A", "Israel", "United States"], ["Iran"], ["Official B"])]
    assert rows(con, "SELECT count(*) FROM contested_claims") == [(1,)]  # the hosts claim answers no proposition


def test_claim_disputes_lists_linked_pairs(con):
    got = rows(con, "SELECT relation, claim_id, stance, related_claim_id, related_stance FROM claim_disputes")
    assert got == [("contradicts", "c-iran-denies", "denies", "c-israel-affirms", "affirms")]


def test_proposition_claims_prefer_the_original_url_of_a_repost(con):
    got = dict(rows(con, "SELECT claim_id, source_url FROM proposition_claims"))
    assert got["c-range"] == "https://example.org/orig"  # cited through repost two, two hops from the original
    assert got["c-official-no-evidence"] == "https://example.org/second"
    assert len(got) == 8


def test_actor_memberships_roll_up_units_and_posts(con):
    got = rows(con, """SELECT organization_id, via, valid_from, valid_until FROM actor_memberships
                       WHERE actor_id = 'official-b' ORDER BY organization_id, via""")
    posted = (dt.date(2010, 1, 1), dt.date(2015, 6, 30))
    assert got == [("iran", "affiliation", *posted), ("irgc", "affiliation", *posted), ("official-b", "self", None, None)]
    assert rows(con, "SELECT organization_id FROM actor_memberships WHERE actor_id = 'irgc' ORDER BY 1") == [("iran",), ("irgc",)]


def test_claim_memberships_hold_on_the_claimed_date(con):
    got = rows(con, "SELECT organization_id FROM claim_memberships WHERE claim_id = 'c-official-no-evidence' ORDER BY 1")
    assert got == [("iran",), ("irgc",), ("official-b",)]  # claimed 2012-05, inside the 2010 to 2015-06 post
    orgs = rows(con, "SELECT claimant_organizations FROM proposition_claims WHERE claim_id = 'c-official-no-evidence'")
    assert orgs == [(["iran", "irgc"],)]


def test_event_memberships_hold_on_the_event_dates(con):
    got = rows(con, "SELECT actor_id, organization_id, via FROM event_memberships WHERE event_id = 'e-day' ORDER BY 1, 2")
    # Official B took part in 1987, long before the 2010-2015 post: only the person itself.
    assert got == [("hamas", "hamas", "self"), ("iran", "iran", "self"), ("official-b", "official-b", "self")]


def test_actor_record_lists_posts_events_and_claims_in_date_order(con):
    got = rows(con, "SELECT kind, date_text, item_id FROM actor_record WHERE actor_id = 'official-b'")
    assert got == [("event", "1987-12-14", "e-day"), ("affiliation", "2010", "official-b-irgc"),
                   ("claim_by", "2012-05", "c-official-no-evidence")]
    about = rows(con, "SELECT count(*) FROM actor_record WHERE actor_id = 'irgc' AND kind = 'claim_about'")
    assert about == [(2,)]  # the official's no-evidence claim and the pound pledge


def test_claim_evidence_names_the_claimant_type(con):
    got = dict(rows(con, "SELECT claim_id, claimant_type FROM claim_evidence"))
    assert got["c-official-no-evidence"] == "person" and got["c-iran-denies"] == "state"


def test_funding_estimates_normalise_to_usd_per_year(con):
    got = {r[0]: r[1:] for r in rows(con, "SELECT claim_id, usd_per_year, usd_per_year_low, usd_per_year_high FROM funding_estimates")}
    assert got["c-israel-affirms"] == (12_000_000, 12_000_000, 12_000_000)
    assert got["c-total"][0] == pytest.approx(100 * 12 / 84)  # 2014-2020: seven calendar years
    assert got["c-range"] == (None, 20_000_000, 50_000_000)  # a range with no best figure
    assert "c-iran-denies" not in got  # no amount, so not an estimate
    order = [r[0] for r in rows(con, "SELECT claim_id FROM funding_estimates")]
    assert order == ["c-total", "c-gbp-no-rate", "c-gbp-pledge", "c-range", "c-israel-affirms"]


def test_funding_by_year_spreads_each_estimate_over_its_period(con):
    got = rows(con, "SELECT claim_id, count(*), min(year), max(year), any_value(year_basis) FROM funding_by_year GROUP BY 1 ORDER BY 1")
    assert got == [("c-gbp-no-rate", 1, 2015, 2015, "claimed_date"), ("c-gbp-pledge", 1, 2016, 2016, "period"),
                   ("c-israel-affirms", 1, 2019, 2019, "period"), ("c-range", 2, 2016, 2017, "period"),
                   ("c-total", 7, 2014, 2020, "period")]


def test_funding_converts_other_currencies_with_a_recorded_rate_or_says_it_cannot(con):
    got = {r[0]: r[1:] for r in rows(con, """SELECT claim_id, usd_per_year, usd_per_year_low, usd_per_year_high,
                                                 conversion, amount_basis FROM funding_estimates""")}
    # About GBP 10 million a year in 2016, at the fixture's 0.741 GBP per USD: both bounds, as "about" gives.
    usd = 10_000_000 / 0.741
    assert got["c-gbp-pledge"][:3] == (pytest.approx(usd), pytest.approx(usd), pytest.approx(usd))
    assert got["c-gbp-pledge"][3:] == ("converted at 0.741 GBP per USD (2016 average)", "pledge")
    # No rate recorded for 2015: no USD figure at all, and the row says why.
    assert got["c-gbp-no-rate"] == (None, None, None, "no rate for GBP 2015", "payment")
    assert got["c-israel-affirms"][3] == "none"


def test_funding_by_year_answers_iran_to_hamas_in_one_statement(con):
    """The Quds Force and IRGC roll up to Iran, units of Hamas to Hamas: one filter on the groups."""
    got = rows(con, """SELECT year, claim_id, claimant, round(usd_per_year_low), round(usd_per_year_best),
                              round(usd_per_year_high), amount_qualifier, amount_basis, n_sources
                       FROM funding_by_year WHERE funder_group_id = 'iran' AND recipient_group_id = 'hamas'
                         AND year BETWEEN 2016 AND 2016 ORDER BY year, claim_id""")
    usd = round(10_000_000 / 0.741)
    assert got == [(2016, "c-gbp-pledge", "Analyst A", usd, usd, usd, "about", "pledge", 1),
                   (2016, "c-range", "Analyst A", 20_000_000, None, 50_000_000, "range", "payment", 1),
                   (2016, "c-total", "Analyst A", round(100 * 12 / 84), round(100 * 12 / 84), round(100 * 12 / 84), "exact", "payment", 1)]


def test_relationship_timeline_and_network(con):
    got = rows(con, """SELECT year, n_claims, n_affirming, n_denying, n_shared_events FROM relationship_timeline
                       WHERE actor_a = 'hamas' AND actor_b = 'iran' ORDER BY year""")
    assert got == [(1987, 1, 1, 0, 1), (2014, 1, 1, 0, 0), (2015, 1, 1, 0, 0), (2016, 1, 1, 0, 0), (2019, 1, 1, 0, 0),
                   (2020, 2, 1, 1, 0)]
    edge = rows(con, """SELECT n_claims, n_affirming, n_denying, first_year, last_year FROM actor_network
                        WHERE source_actor_id = 'iran' AND target_actor_id = 'hamas' AND predicate = 'funds'""")
    assert edge == [(6, 5, 1, 2014, 2020)]


def test_source_index_counts_citations(con):
    got = {r[0]: r[1:] for r in rows(con, "SELECT source_id, n_claims, n_events FROM source_index")}
    assert got["s-orig"] == (3, 2) and got["s-repost2"] == (2, 0)


def test_metadata_traces_the_version(con):
    (name, version, commit, built_at, duckdb_version, _title, _home, citation), = rows(con, "SELECT * FROM metadata")
    assert (name, version) == ("iran-hamas-relations", "0.1.0")
    assert built_at.endswith("Z") and duckdb_version.startswith("v")
    assert citation.startswith(f"iran-hamas-relations contributors ({built_at[:4]}). Iran–Hamas relations: a source-attributed dataset, version 0.1.0")
    assert citation.endswith(". https://github.com/iran-hamas-relations/iran-hamas-relations")


def test_keys_are_kept(con):
    with pytest.raises(duckdb.Error):
        con.execute("INSERT INTO actors (actor_id, name, actor_type, description) VALUES ('iran', 'x', 'state', 'y')")
    constraints = rows(con, "SELECT count(*) FROM duckdb_constraints() WHERE constraint_type = 'FOREIGN KEY'")
    assert constraints[0][0] >= 8


def test_parquet_round_trips_rows_and_types(built, con):
    for table in ["actors", "sources", "events", "claims", "claim_sources"]:
        parquet = str(built / "parquet" / f"{table}.parquet")
        db_types = rows(con, f"SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '{table}' ORDER BY ordinal_position")
        pq_types = [(r[0], r[1]) for r in rows(con, f"DESCRIBE SELECT * FROM read_parquet('{parquet}')")]
        assert pq_types == db_types, table
        assert rows(con, f"SELECT * FROM {table} EXCEPT ALL SELECT * FROM read_parquet('{parquet}')") == []
        assert rows(con, f"SELECT * FROM read_parquet('{parquet}') EXCEPT ALL SELECT * FROM {table}") == []


def test_parquet_tables_sql_defines_every_declared_table():
    text = (ROOT / "schemas" / "parquet_tables.sql").read_text()
    defined = re.findall(r"CREATE OR REPLACE VIEW (\w+) AS FROM read_parquet\('parquet/(\w+)\.parquet'\)", text)
    declared = [r["name"] for r in json.loads((ROOT / "datapackage.json").read_text())["resources"]]
    assert sorted(defined) == sorted([(n, n) for n in declared] + [("build_info", "build_info")])


def test_views_run_over_the_parquet_files_alone(built, tmp_path, monkeypatch):
    """The release form: tables defined over Parquet, then schemas/views.sql, in a bare DuckDB."""
    shutil.copytree(built / "parquet", tmp_path / "parquet")
    monkeypatch.chdir(tmp_path)
    con = duckdb.connect()
    con.execute((ROOT / "schemas" / "parquet_tables.sql").read_text())
    con.execute((ROOT / "schemas" / "views.sql").read_text())
    assert con.execute("SELECT dataset_name, dataset_version FROM metadata").fetchall() == [("iran-hamas-relations", "0.1.0")]
    assert con.execute("SELECT usd_per_year FROM funding_estimates WHERE claim_id = 'c-israel-affirms'").fetchall() == [(12_000_000,)]
    con.close()


def test_build_refuses_an_invalid_package(tmp_path):
    package = build_package(tmp_path, "foreign-key")
    result = run_cli("build", str(package), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert not (tmp_path / "out" / "iran-hamas-relations.duckdb").exists()


def test_query_builds_when_missing_and_renders_formats(tmp_path):
    package = tmp_path / "pkg"
    fixture_package(package, "views")
    result = run_cli("query", "--package", str(package), "--format", "json",
                     "SELECT claim_id, usd_per_year FROM funding_estimates ORDER BY claim_id")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[:3] == [{"claim_id": "c-gbp-no-rate", "usd_per_year": None},
                                            {"claim_id": "c-gbp-pledge", "usd_per_year": 10_000_000 / 0.741},
                                            {"claim_id": "c-israel-affirms", "usd_per_year": 12000000.0}]
    assert (package / "build" / "iran-hamas-relations.duckdb").exists()
    csv_out = run_cli("query", "--package", str(package), "--format", "csv", "SELECT event_id, date_start FROM events ORDER BY 1")
    assert csv_out.output.splitlines() == ["event_id,date_start", "e-day,1987-12-14", "e-month,1987-12-01", "e-year,1987-01-01"]
    table = run_cli("query", "--package", str(package), "SELECT 1 AS one")
    assert table.output.splitlines() == ["one", "---", "1", "(1 row)"]


def test_query_rebuilds_when_a_table_is_newer(tmp_path):
    package = tmp_path / "pkg"
    fixture_package(package, "views")
    run_cli("query", "--package", str(package), "SELECT 1")
    events = package / "tables" / "events.csv"
    events.write_text(events.read_text().replace("Event known to the year", "Event known only to the year"))
    later = (package / "build" / "iran-hamas-relations.duckdb").stat().st_mtime + 5
    os.utime(events, (later, later))
    result = run_cli("query", "--package", str(package), "--format", "csv", "SELECT title FROM events WHERE event_id = 'e-year'")
    assert result.output.splitlines()[1] == "Event known only to the year"


def test_sql_error_is_one_line_and_exit_1(tmp_path):
    package = tmp_path / "pkg"
    fixture_package(package, "views")
    result = run_cli("query", "--package", str(package), "SELECT nope FROM nowhere")
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1 and result.output.startswith("error: ")


def test_python_api_connect_and_load(tmp_path):
    import polars as pl

    import ihr

    package = tmp_path / "pkg"
    fixture_package(package, "views")
    con = ihr.connect(str(package))
    assert con.execute("SELECT count(*) FROM claim_evidence").fetchall() == [(9,)]
    with pytest.raises(duckdb.Error):
        con.execute("DELETE FROM claims")  # read-only
    con.close()
    frame = ihr.load("claims", str(package))
    assert isinstance(frame, pl.DataFrame) and frame.height == 9
    assert frame.schema["amount"] == pl.Float64


def test_every_view_returns_rows_on_the_real_data(tmp_path, monkeypatch):
    out = tmp_path / "build"
    result = run_cli("build", str(ROOT), "--out", str(out))
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(tmp_path)  # opened read-only from another directory
    con = duckdb.connect(str(out / "iran-hamas-relations.duckdb"), read_only=True)
    for view in VIEWS:
        assert con.execute(f"SELECT count(*) FROM {view}").fetchall()[0][0] > 0, view
    con.close()


def test_the_oldest_promised_duckdb_is_the_one_make_test_installs():
    from ihr.build import OLDEST_DUCKDB

    makefile = (ROOT / "Makefile").read_text()
    assert re.search(rf"^DUCKDB_OLDEST := {re.escape(OLDEST_DUCKDB)}$", makefile, re.M)
    assert "'duckdb==$(DUCKDB_OLDEST)'" in makefile
    assert f"readable by **DuckDB ≥ {OLDEST_DUCKDB}**" in (ROOT / "README.md").read_text()


def test_the_oldest_promised_duckdb_opens_the_database(built):
    """The file is written with STORAGE_VERSION v1.0.0; the oldest DuckDB the README promises
    (`make test` installs exactly that version) must open it and run the views."""
    import subprocess

    from ihr.build import OLDEST_DUCKDB

    python = os.environ.get("IHR_DUCKDB1_PYTHON")
    if not python:
        pytest.skip("IHR_DUCKDB1_PYTHON not set; `make test` provides the oldest promised DuckDB")
    script = (
        "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True);"
        f"assert duckdb.__version__ == {OLDEST_DUCKDB!r}, duckdb.__version__;"
        "print(c.execute(\"SELECT usd_per_year FROM funding_estimates WHERE claim_id = 'c-israel-affirms'\").fetchall())"
    )
    done = subprocess.run([python, "-c", script, str(built / "iran-hamas-relations.duckdb")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[(12000000.0,)]"
