"""`ihr diff OLD NEW`: rows and cells added, removed and changed, schema changes, and the bump."""

from __future__ import annotations

import sys

import click


@click.command()
@click.argument("old")
@click.argument("new")
@click.option("--format", "output_format", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="Lines shown per table in text and markdown.")
def diff(old: str, new: str, output_format: str, limit: int) -> None:
    """Compare two versions of the package; OLD and NEW are git revisions, directories or release zips."""
    from ihr.diff import DiffError, diff_packages, render_diff
    from ihr.findings import PackageUnreadable

    try:
        report = diff_packages(old, new)
    except (DiffError, PackageUnreadable) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(render_diff(report, output_format, limit))
