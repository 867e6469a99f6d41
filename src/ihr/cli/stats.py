"""`ihr stats`: print the dataset's counts and how they compare with the release targets."""

from __future__ import annotations

import json
import sys

import click

from ihr.cli.errors import domain_errors, format_option, package_argument


@click.command()
@package_argument()
@format_option("text", "json")
@click.option("--check", is_flag=True, help="Exit 1 when a release target is not met.")
def stats(path: str, output_format: str, check: bool) -> None:
    """Count rows per table and type, denials, URL share and sources per claim."""
    from ihr.stats import compute_stats, render_stats

    with domain_errors():
        result = compute_stats(path)
    click.echo(json.dumps(result.to_dict(), indent=2) if output_format == "json" else render_stats(result))
    if check and not result.targets_met:
        sys.exit(1)
