"""`ihr merge`: retire a duplicate row, re-point every reference to it, and record the redirect."""

from __future__ import annotations

import click

from ihr.cli.errors import domain_errors, package_option


@click.command()
@click.argument("table")
@click.argument("old_id")
@click.argument("new_id")
@click.option("--reason", required=True, help="Why OLD_ID is retired (goes into the table of retired ids that ihr:redirects names).")
@package_option()
def merge(table: str, old_id: str, new_id: str, reason: str, path: str) -> None:
    """Merge OLD_ID into NEW_ID in TABLE: references re-pointed, empty cells of NEW_ID filled from
    OLD_ID, OLD_ID's row removed and a row added to redirects."""
    from ihr.checks.descriptor import load_package
    from ihr.findings import PackageUnreadable
    from ihr.merge import merge_rows

    with domain_errors():
        package, findings = load_package(path)
        if any(f.severity == "error" for f in findings):
            raise PackageUnreadable("the descriptor has errors; run ihr validate first")
        result = merge_rows(package, table, old_id, new_id, reason)
    for where, count in sorted(result.repointed.items()):
        click.echo(f"{where}: {count} reference(s) re-pointed")
    for where, count in sorted(result.dropped_links.items()):
        click.echo(f"{where}: {count} row(s) dropped as now identical to one of {new_id}")
    if result.filled:
        click.echo(f"{new_id}: filled from {old_id}: {', '.join(result.filled)}")
    click.echo(f"merged {table} {old_id} -> {new_id}")
