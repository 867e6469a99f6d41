"""`ihr fmt`: rewrite table files in canonical form (or, with --check, name those that differ)."""

from __future__ import annotations

import sys

import click

from ihr.cli.errors import domain_errors


@click.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=True, dir_okay=True))
@click.option("--check", is_flag=True, help="Change nothing; exit 1 and name the files that would change.")
def fmt(path: str, check: bool) -> None:
    """Sort rows by primary key, order columns as the schema, UTF-8, LF, minimal quoting."""
    from ihr.fmt import format_path

    with domain_errors():
        report = format_path(path, check=check)
    for f in report.files:
        if f.status == "refused":
            click.echo(f"{f.path}: refused: {f.message}", err=True)
        elif f.status != "unchanged":
            click.echo(f"{f.path}: {f.status}")
    summary = f"{len(report.changed)} file(s) {'would change' if check else 'reformatted'}, {len(report.refused)} refused"
    click.echo(summary)
    sys.exit(1 if report.refused or (check and report.changed) else 0)
