"""`ihr diff OLD NEW`: rows and cells added, removed and changed, schema changes, and the bump."""

from __future__ import annotations

import click

from ihr.cli.errors import domain_errors, format_option


@click.command()
@click.argument("old")
@click.argument("new")
@format_option("text", "markdown", "json")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="Lines shown per table in text and markdown.")
def diff(old: str, new: str, output_format: str, limit: int) -> None:
    """Compare two versions of the package; OLD and NEW are git revisions, directories or release zips."""
    from ihr.diff import diff_packages, render_diff

    with domain_errors():
        report = diff_packages(old, new)
    click.echo(render_diff(report, output_format, limit))
