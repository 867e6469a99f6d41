"""`ihr charts`: render the dataset's static charts (funding, timeline, network SVGs) from the built database."""

from __future__ import annotations

import sys

import click


@click.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, dir_okay=True))
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Directory for the SVG files.  [default: PATH/build/charts]")
def charts(path: str, out_dir: str | None) -> None:
    """Write funding.svg (Iran's funding of Hamas, one mark per estimate), timeline.svg and
    network.svg from the views; builds the database first when it is stale."""
    from ihr.build import BuildRefused
    from ihr.charts import ChartsUnavailable, write_charts
    from ihr.findings import PackageUnreadable
    from ihr.render import render_text

    try:
        written = write_charts(path, out_dir)
    except (ChartsUnavailable, PackageUnreadable) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except BuildRefused as exc:
        click.echo(render_text(exc.report, limit=50), err=True)
        click.echo("error: no charts, the package does not validate", err=True)
        sys.exit(1)
    for target in written:
        click.echo(f"wrote {target}")
