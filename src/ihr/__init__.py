"""iran-hamas-relations: validate, build and query a source-attributed dataset.

Heavy libraries (duckdb, polars, frictionless, pandera) are imported inside functions, so that
`import ihr` and `ihr --help` stay fast.
"""

from __future__ import annotations

__version__ = "0.1.0"


def connect(root: str = ".", out_dir: str | None = None):
    """Read-only DuckDB connection to the built database (built first if missing or stale)."""
    from ihr.query import connect as _connect

    return _connect(root, out_dir)


def load(table: str, root: str = "."):
    """One table as a Pandera-validated polars DataFrame."""
    from ihr.query import load as _load

    return _load(table, root)
