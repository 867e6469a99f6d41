"""`ihr site`: generate the static explorer from the built database."""

from __future__ import annotations

import click


@click.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, dir_okay=True))
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Directory for the site.  [default: PATH/build/site]")
@click.option("--no-sql", is_flag=True, help="Leave out the SQL console (no Node.js needed).")
def site(path: str, out_dir: str | None, no_sql: bool) -> None:
    """Write the explorer: a page per actor, event, claim, source and contested question, the
    timeline, network and funding pages, search, and the SQL console (DuckDB-WASM)."""
    from ihr.charts import ChartsUnavailable
    from ihr.cli.errors import exit_on_build_errors
    from ihr.site import SiteRefused, build_site

    with exit_on_build_errors("no site", ChartsUnavailable, SiteRefused):
        result = build_site(path, out_dir, with_sql=not no_sql)
    pages = ", ".join(f"{n} {kind}" for kind, n in sorted(result.pages.items()))
    click.echo(f"wrote {result.out_dir} in {result.seconds:.1f}s ({pages}){'' if result.with_sql else '; no SQL console'}")
