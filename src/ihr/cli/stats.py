"""`ihr stats`: print the dataset's counts and how they compare with the release targets."""

from __future__ import annotations

import json
import sys

import click


@click.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=True, dir_okay=True))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--check", is_flag=True, help="Exit 1 when a release target is not met.")
def stats(path: str, output_format: str, check: bool) -> None:
    """Count rows per table and type, denials, URL share and sources per claim."""
    from ihr.findings import PackageUnreadable
    from ihr.stats import compute_stats, render_stats

    try:
        result = compute_stats(path)
    except PackageUnreadable as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(json.dumps(result.to_dict(), indent=2) if output_format == "json" else render_stats(result))
    if check and not result.targets_met:
        sys.exit(1)
