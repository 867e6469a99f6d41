"""`ihr build`: validate, then write the DuckDB database and Parquet files."""

from __future__ import annotations

import sys

import click


@click.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=True, dir_okay=True))
@click.option("--out", "out_dir", default="build", show_default=True, type=click.Path(file_okay=False),
              help="Directory for the database and parquet/.")
def build(path: str, out_dir: str) -> None:
    """Build build/iran-hamas-relations.duckdb and build/parquet/*.parquet from the package at PATH."""
    from ihr.build import BuildRefused, build_package
    from ihr.findings import PackageUnreadable
    from ihr.render import render_text

    try:
        result = build_package(path, out_dir)
    except PackageUnreadable as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except BuildRefused as exc:
        click.echo(render_text(exc.report, limit=50), err=True)
        click.echo("error: not built, the package does not validate", err=True)
        sys.exit(1)
    total = sum(result.rows.values())
    click.echo(f"built {result.database} ({total} rows in {len(result.rows)} tables) "
               f"and {result.parquet_dir}/*.parquet in {result.seconds:.2f}s")
