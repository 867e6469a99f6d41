"""The `ihr` command group; each command lives in its own module and is registered here."""

from __future__ import annotations

import click

from ihr import __version__
from ihr.cli.build import build
from ihr.cli.charts import charts
from ihr.cli.diff import diff
from ihr.cli.docs import docs
from ihr.cli.fmt import fmt
from ihr.cli.merge import merge
from ihr.cli.query import query
from ihr.cli.release import release, verify
from ihr.cli.site import site
from ihr.cli.stats import stats
from ihr.cli.validate import validate


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ihr")
def cli() -> None:
    """Validate, build and query the iran-hamas-relations dataset."""


cli.add_command(validate)
cli.add_command(build)
cli.add_command(charts)
cli.add_command(diff)
cli.add_command(docs)
cli.add_command(fmt)
cli.add_command(merge)
cli.add_command(query)
cli.add_command(stats)
cli.add_command(release)
cli.add_command(verify)
cli.add_command(site)


def main() -> None:
    cli(prog_name="ihr")
