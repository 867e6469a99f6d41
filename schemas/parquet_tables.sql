-- The tables of a release, defined over its Parquet files by relative path. Run from the unpacked
-- release directory (or from build/ after `ihr build`), then run schemas/views.sql for every view:
--   duckdb -c ".read schemas/parquet_tables.sql" -c ".read schemas/views.sql" -c "FROM funding_estimates"
-- For a release on the web, replace 'parquet/' with its URL (DuckDB loads httpfs on demand), e.g.
--   CREATE VIEW claims AS FROM read_parquet('https://example.org/releases/v0.1.0/parquet/claims.parquet');
CREATE OR REPLACE VIEW actors AS FROM read_parquet('parquet/actors.parquet');
CREATE OR REPLACE VIEW sources AS FROM read_parquet('parquet/sources.parquet');
CREATE OR REPLACE VIEW events AS FROM read_parquet('parquet/events.parquet');
CREATE OR REPLACE VIEW event_actors AS FROM read_parquet('parquet/event_actors.parquet');
CREATE OR REPLACE VIEW event_sources AS FROM read_parquet('parquet/event_sources.parquet');
CREATE OR REPLACE VIEW propositions AS FROM read_parquet('parquet/propositions.parquet');
CREATE OR REPLACE VIEW claims AS FROM read_parquet('parquet/claims.parquet');
CREATE OR REPLACE VIEW claim_sources AS FROM read_parquet('parquet/claim_sources.parquet');
CREATE OR REPLACE VIEW claim_relations AS FROM read_parquet('parquet/claim_relations.parquet');
CREATE OR REPLACE VIEW affiliations AS FROM read_parquet('parquet/affiliations.parquet');
CREATE OR REPLACE VIEW affiliation_sources AS FROM read_parquet('parquet/affiliation_sources.parquet');
CREATE OR REPLACE VIEW not_duplicates AS FROM read_parquet('parquet/not_duplicates.parquet');
CREATE OR REPLACE VIEW exchange_rates AS FROM read_parquet('parquet/exchange_rates.parquet');
CREATE OR REPLACE VIEW actor_identifiers AS FROM read_parquet('parquet/actor_identifiers.parquet');
CREATE OR REPLACE VIEW redirects AS FROM read_parquet('parquet/redirects.parquet');
-- build_info: dataset name, version, git commit and build time, for the `metadata` view.
CREATE OR REPLACE VIEW build_info AS FROM read_parquet('parquet/build_info.parquet');
