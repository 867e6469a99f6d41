"""`ihr validate`: run every layer, print the report, exit 0 (valid), 1 (errors) or 2 (unreadable)."""

from __future__ import annotations

import sys

import click

from ihr.cli.errors import domain_errors, format_option, memory_limit_option, package_argument

FORMATS = ("text", "json", "github")


def _list_rules(ctx: click.Context, _param: click.Parameter, wanted: bool) -> None:
    """--list-rules: print the finding catalogue and stop (no package is read)."""
    if not wanted or ctx.resilient_parsing:
        return
    from ihr.catalogue import catalogue
    from ihr.render import render_catalogue

    click.echo(render_catalogue(catalogue()))
    ctx.exit(0)


@click.command()
@click.option("--list-rules", is_flag=True, expose_value=False, is_eager=True, callback=_list_rules,
              help="List every finding code with its severity, layer, meaning and fix, then exit.")
@package_argument()
@format_option(*FORMATS, help="text for people, json for tools, github for pull-request annotations.")
@click.option("--max-findings", type=click.IntRange(min=0), default=200, show_default=True,
              help="Cap the text list (0 = no cap); json always has every finding.")
@click.option("--errors-only", "-q", "errors_only", is_flag=True,
              help="List errors only in the text output (the summary still counts warnings; json and github keep all).")
@memory_limit_option()
def validate(path: str, output_format: str, max_findings: int, errors_only: bool, memory_limit: str | None) -> None:
    """Validate the data package at PATH (a directory or its datapackage.json)."""
    from ihr.render import render_github, render_json, render_text
    from ihr.validate import validate_package

    with domain_errors():
        report = validate_package(path, memory_limit=memory_limit)
    if output_format == "json":
        click.echo(render_json(report))
    elif output_format == "github":
        click.echo(render_github(report))
    else:
        click.echo(render_text(report, limit=max_findings or None, errors_only=errors_only))
    sys.exit(0 if report.valid else 1)
