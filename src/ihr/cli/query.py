"""`ihr query`: run one SQL statement against the built database."""

from __future__ import annotations

import sys

import click


@click.command()
@click.argument("sql")
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--package", "package_path", default=".", show_default=True, type=click.Path(exists=True, file_okay=False),
              help="The package directory (the database is built there if missing or stale).")
def query(sql: str, output_format: str, package_path: str) -> None:
    """Run SQL against the database (tables and views such as claim_evidence) and print the result."""
    from ihr.build import BuildRefused
    from ihr.findings import PackageUnreadable
    from ihr.query import QueryError, render_result, run_query

    try:
        result = run_query(sql, package_path)
    except QueryError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except BuildRefused:
        click.echo("error: the database cannot be built because the package does not validate; run `ihr validate`", err=True)
        sys.exit(1)
    except PackageUnreadable as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(render_result(result, output_format))
