"""How the commands that build the database first (build, charts, site) end on a domain error:
one mapping instead of the same `except` blocks in each command."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator

import click


@contextmanager
def exit_on_build_errors(refused: str, *unusable: type[Exception]) -> Iterator[None]:
    """An unreadable package (or any of `unusable`, e.g. missing optional tools) is a usage error
    (exit 2, its message); a package that does not validate prints its findings and `refused`
    (exit 1)."""
    from ihr.build import BuildRefused
    from ihr.findings import PackageUnreadable
    from ihr.render import render_text

    try:
        yield
    except (PackageUnreadable, *unusable) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except BuildRefused as exc:
        click.echo(render_text(exc.report, limit=50), err=True)
        click.echo(f"error: {refused}, the package does not validate", err=True)
        sys.exit(1)
