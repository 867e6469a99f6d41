"""`ihr build`: validate, then write the DuckDB database and Parquet files."""

from __future__ import annotations

import click


@click.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=True, dir_okay=True))
@click.option("--out", "out_dir", default="build", show_default=True, type=click.Path(file_okay=False),
              help="Directory for the database and parquet/.")
def build(path: str, out_dir: str) -> None:
    """Build build/iran-hamas-relations.duckdb and build/parquet/*.parquet from the package at PATH."""
    from ihr.build import build_package
    from ihr.cli.errors import exit_on_build_errors

    with exit_on_build_errors("not built"):
        result = build_package(path, out_dir)
    total = sum(result.rows.values())
    click.echo(f"built {result.database} ({total} rows in {len(result.rows)} tables) "
               f"and {result.parquet_dir}/*.parquet in {result.seconds:.2f}s")
