"""`ihr release` and `ihr verify`: write the release artifacts, and check them before trusting them."""

from __future__ import annotations

import sys

import click

from ihr.cli.errors import domain_errors, format_option


@click.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, dir_okay=True))
@click.option("--out", "out_dir", default="dist", show_default=True, type=click.Path(file_okay=False))
@click.option("--allow-dirty", is_flag=True, help="Release uncommitted changes; the zip says \"gitDirty\": true.")
@click.option("--untagged", is_flag=True, help="Release a HEAD not tagged v<version> as a -preview zip (local tries).")
def release(path: str, out_dir: str, allow_dirty: bool, untagged: bool) -> None:
    """Write dist/iran-hamas-relations-<version>.zip, .duckdb and SHA256SUMS from the package at PATH."""
    from ihr.release import release_package

    with domain_errors("release refused"):
        result = release_package(path, out_dir, allow_dirty=allow_dirty, untagged=untagged)
    since = f" (changes since {result.previous_tag} need a {result.required_bump} bump)" if result.previous_tag else ""
    marks = (" as a preview" if result.preview else "") + (" with uncommitted changes" if result.dirty else "")
    click.echo(f"released {result.version}{marks}{since}:")
    for artifact in (result.zip_path, result.database_path, result.sums_path):
        click.echo(f"  {artifact}")


@click.command()
@click.argument("path", type=click.Path(exists=True, file_okay=True, dir_okay=True))
@format_option("text", "json")
def verify(path: str, output_format: str) -> None:
    """Check a release (directory, zip or unpacked zip): checksums, then the package itself."""
    from ihr.render import render_json, render_text
    from ihr.verify import verify_path

    with domain_errors():
        report = verify_path(path)
    click.echo(render_json(report) if output_format == "json" else render_text(report))
    sys.exit(0 if report.valid else 1)
