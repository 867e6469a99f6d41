"""`ihr docs`: write docs/codebook.md from the schema; `--check` fails when it is stale."""

from __future__ import annotations

import sys

import click


@click.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=True, dir_okay=True))
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when docs/codebook.md is out of date.")
def docs(path: str, check: bool) -> None:
    """Generate the codebook: every table, field, type, constraint, enum value and rule."""
    from ihr.checks.descriptor import load_package
    from ihr.codebook import write_codebook
    from ihr.findings import PackageUnreadable

    try:
        package, _ = load_package(path)
    except PackageUnreadable as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    target, fresh = write_codebook(package, check=check)
    if check and not fresh:
        click.echo(f"{target}: out of date; run `ihr docs`", err=True)
        sys.exit(1)
    click.echo(f"{target}: {'up to date' if fresh else 'written'}")
