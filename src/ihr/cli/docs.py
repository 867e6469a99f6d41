"""`ihr docs`: regenerate everything generated in the documentation (the codebook and the
outputs of the SQL examples); `--check` writes nothing and fails when any of it is stale."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ihr.cli.errors import domain_errors, package_argument


@click.command()
@package_argument()
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 when docs/codebook.md or an example output is out of date.")
def docs(path: str, check: bool) -> None:
    """Generate the codebook from the schema and refresh the outputs of the SQL examples in
    README.md and docs/questions.md from the current data."""
    from ihr.checks.descriptor import load_package
    from ihr.codebook import write_codebook
    from ihr.examples import refresh_all

    with domain_errors():
        package, _ = load_package(path)
    target, fresh = write_codebook(package, check=check)
    stale = 0 if fresh else 1
    click.echo(f"{target}: {'up to date' if fresh else ('out of date' if check else 'written')}")
    with domain_errors("an example does not run"):
        results = refresh_all(Path(package.root), write=not check)
    for result in results:
        stale += len(result.stale_sql)
        state = "up to date" if not result.stale_sql else (
            f"{len(result.stale_sql)} stale" if check else f"{len(result.stale_sql)} refreshed")
        click.echo(f"{result.path}: {result.n_examples} examples, {state}")
    if check and stale:
        click.echo("out of date; run `ihr docs`", err=True)
        sys.exit(1)
