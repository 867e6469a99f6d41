"""`ihr charts`: render the dataset's static charts (funding, timeline, network SVGs) from the built database."""

from __future__ import annotations

import click

from ihr.cli.errors import domain_errors, out_option, package_argument


@click.command()
@package_argument(file_okay=False)
@out_option(None, "Directory for the SVG files.  [default: PATH/build/charts]")
def charts(path: str, out_dir: str | None) -> None:
    """Write funding.svg (Iran's funding of Hamas, one mark per estimate), timeline.svg and
    network.svg from the views; builds the database first when it is stale."""
    from ihr.charts import write_charts

    with domain_errors("no charts"):
        written = write_charts(path, out_dir)
    for target in written:
        click.echo(f"wrote {target}")
