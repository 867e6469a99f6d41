"""`ihr charts`: render the dataset's static charts (funding, timeline, network SVGs) from the built database."""

from __future__ import annotations

import click


@click.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, dir_okay=True))
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Directory for the SVG files.  [default: PATH/build/charts]")
def charts(path: str, out_dir: str | None) -> None:
    """Write funding.svg (Iran's funding of Hamas, one mark per estimate), timeline.svg and
    network.svg from the views; builds the database first when it is stale."""
    from ihr.charts import ChartsUnavailable, write_charts
    from ihr.cli.errors import exit_on_build_errors

    with exit_on_build_errors("no charts", ChartsUnavailable):
        written = write_charts(path, out_dir)
    for target in written:
        click.echo(f"wrote {target}")
