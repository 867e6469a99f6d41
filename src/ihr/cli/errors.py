"""How every command ends on a domain error: one mapping from the library's exceptions to an exit
code and a message (sqlite-utils turns its errors into ClickExceptions the same way), instead of
the same `except` blocks in each command.

Exit codes: 1 when the data is invalid or an operation on it is refused, 2 when the input cannot
be used at all (no readable package, a revision that does not exist, a missing optional tool, a
memory limit too low for the work).
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator

import click


def exit_codes() -> dict[type[Exception], int]:
    """Each domain exception and the exit code it ends a command with."""
    from ihr.build import BuildRefused
    from ihr.charts import ChartsUnavailable
    from ihr.connection import MemoryLimitTooLow
    from ihr.diff import DiffError
    from ihr.findings import PackageUnreadable
    from ihr.merge import MergeRefused
    from ihr.query import QueryError
    from ihr.release import ReleaseRefused
    from ihr.site import SiteRefused

    return {PackageUnreadable: 2, DiffError: 2, ChartsUnavailable: 2, SiteRefused: 2, MemoryLimitTooLow: 2,
            BuildRefused: 1, ReleaseRefused: 1, QueryError: 1, MergeRefused: 1}


@contextmanager
def domain_errors(refused: str = "") -> Iterator[None]:
    """End the command on a domain error: the findings of a report the error carries (at most 50),
    then `error: <message>` on stderr, then the mapped exit code. `refused` says what did not happen
    ("not built", "release refused") and leads the message of a refusal."""
    from ihr.build import BuildRefused
    from ihr.render import render_text

    codes = exit_codes()
    try:
        yield
    except tuple(codes) as exc:
        code = next(c for kind, c in codes.items() if isinstance(exc, kind))
        report = getattr(exc, "report", None)
        if report is not None:
            click.echo(render_text(report, limit=50), err=True)
        if isinstance(exc, BuildRefused):
            message = f"{refused or 'not built'}, the package does not validate"
        else:
            message = f"{refused}: {exc}" if refused and code == 1 else str(exc)
        click.echo(f"error: {message}", err=True)
        sys.exit(code)


def package_argument(file_okay: bool = True):
    """PATH: the package directory (or, where `file_okay`, its datapackage.json); default ".". """
    return click.argument("path", default=".", type=click.Path(exists=True, file_okay=file_okay, dir_okay=True))


def package_option(name: str = "path"):
    """--package: the package directory, for commands whose arguments are something else."""
    return click.option("--package", name, default=".", show_default=True, type=click.Path(exists=True, file_okay=False),
                        help="The package directory.")


def format_option(*choices: str, help: str | None = None):
    """--format: the output format, the first choice by default."""
    return click.option("--format", "output_format", type=click.Choice(choices), default=choices[0], show_default=True,
                        help=help)


def out_option(default: str | None, help: str):
    """--out: the output directory."""
    return click.option("--out", "out_dir", default=default, show_default=default is not None,
                        type=click.Path(file_okay=False), help=help)


def _memory_limit(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from ihr.connection import check_memory_limit

    if value is None:
        return None
    try:
        return check_memory_limit(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from exc


def memory_limit_option():
    """--memory-limit: cap DuckDB's memory; what does not fit spills to a temporary directory."""
    return click.option("--memory-limit", callback=_memory_limit, default=None, metavar="SIZE",
                        help="Cap DuckDB's memory (e.g. 1GB); what does not fit spills to a temporary directory: "
                             "same findings, more time. Default: DuckDB's own (80% of the machine's memory).")
