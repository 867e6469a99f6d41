"""`ihr build`: validate, then write the DuckDB database and Parquet files."""

from __future__ import annotations

import click

from ihr.cli.errors import domain_errors, memory_limit_option, out_option, package_argument


@click.command()
@package_argument()
@out_option("build", "Directory for the database and parquet/.")
@memory_limit_option()
def build(path: str, out_dir: str, memory_limit: str | None) -> None:
    """Build build/iran-hamas-relations.duckdb and build/parquet/*.parquet from the package at PATH."""
    from ihr.build import build_package

    with domain_errors("not built"):
        result = build_package(path, out_dir, memory_limit=memory_limit)
    total = sum(result.rows.values())
    click.echo(f"built {result.database} ({total} rows in {len(result.rows)} tables) "
               f"and {result.parquet_dir}/*.parquet in {result.seconds:.2f}s")
