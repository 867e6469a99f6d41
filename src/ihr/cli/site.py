"""`ihr site`: generate the static explorer from the built database."""

from __future__ import annotations

import click

from ihr.cli.errors import domain_errors, out_option, package_argument


@click.command()
@package_argument(file_okay=False)
@out_option(None, "Directory for the site.  [default: PATH/build/site]")
@click.option("--no-sql", is_flag=True, help="Leave out the SQL console (no Node.js needed).")
def site(path: str, out_dir: str | None, no_sql: bool) -> None:
    """Write the explorer: a page per actor, event, claim, source and contested question, the
    timeline, network and funding pages, search, and the SQL console (DuckDB-WASM)."""
    from ihr.site import build_site

    with domain_errors("no site"):
        result = build_site(path, out_dir, with_sql=not no_sql)
    pages = ", ".join(f"{n} {kind}" for kind, n in sorted(result.pages.items()))
    click.echo(f"wrote {result.out_dir} in {result.seconds:.1f}s ({pages}){'' if result.with_sql else '; no SQL console'}")
