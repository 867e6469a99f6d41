"""The in-memory DuckDB connection that validation and build work in.

DuckDB lets a database grow to 80 % of the machine's memory before it spills to disk, so the raw
tables of a million-row package and the work of the dataset rules take about 2 GB. A memory limit
(`--memory-limit 1GB`) makes DuckDB spill what does not fit instead: same findings, less memory,
some more time (docs/benchmarks.md). Spilled data goes to a private temporary directory, removed
when the connection closes, never to DuckDB's default `.tmp` in the working directory (a process
killed outright leaves that directory behind, empty unless it had spilled).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ihr.sql import sql_string

if TYPE_CHECKING:
    import duckdb

MEMORY_LIMIT = re.compile(r"^\s*[0-9]+(\.[0-9]+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.IGNORECASE)


class MemoryLimitTooLow(Exception):
    """DuckDB could not do the work within the memory limit it was given."""


def check_memory_limit(value: str) -> str:
    """The limit as DuckDB reads it ("1GB", "512 MiB"); ValueError for anything else."""
    if not MEMORY_LIMIT.match(value):
        raise ValueError(f'"{value}" is not a memory size such as 1GB or 512MiB')
    return value.strip()


@contextmanager
def working_connection(threads: int | None = None, memory_limit: str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory connection (`threads=1`: repeatable Parquet), closed on every path, spilling to a
    private directory; DuckDB running out of memory under `memory_limit` is MemoryLimitTooLow."""
    import duckdb

    spill = tempfile.mkdtemp(prefix="ihr-spill-")
    con = duckdb.connect()
    try:
        con.execute(f"SET temp_directory = {sql_string(spill)}")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            con.execute(f"SET memory_limit = {sql_string(check_memory_limit(memory_limit))}")
        yield con
    except duckdb.OutOfMemoryException as exc:
        said = str(exc).splitlines()[0]
        if memory_limit:
            raise MemoryLimitTooLow(f"DuckDB ran out of memory within the memory limit of {memory_limit}; "
                                    f"raise --memory-limit ({said})") from exc
        raise MemoryLimitTooLow(f"DuckDB ran out of the machine's memory ({said})") from exc
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
