"""`ihr query`: run one SQL statement against the built database."""

from __future__ import annotations

import click

from ihr.cli.errors import domain_errors, format_option, package_option


@click.command()
@click.argument("sql")
@format_option("table", "csv", "json")
@package_option("package_path")
def query(sql: str, output_format: str, package_path: str) -> None:
    """Run SQL against the database (tables and views such as claim_evidence) and print the result.
    The database is built in the package's build/ when it is missing or stale."""
    from ihr.query import render_result, run_query

    with domain_errors("the database cannot be built"):
        result = run_query(sql, package_path)
    click.echo(render_result(result, output_format))
