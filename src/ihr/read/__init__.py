"""Reading a package's CSV files into DuckDB as raw text, with the file-level findings.

Each table lands in DuckDB as `raw."<table>"`: one VARCHAR column per kept schema field (empty
cells as NULL, absent columns as all-NULL) plus `__line`, the physical line the record starts on
(header = 1); `raw."<table>"` is a view over the data table that computes the line from rowid
(plus a step function when blank lines, multi-line records or rejected rows shift it). The fast
path lets DuckDB read the file; a second thread scans its bytes in one pass ahead of the read
(carriage returns, NUL, control bytes, tabs, non-ASCII, which the row condition depends on, and
the line feeds that check the line arithmetic). The slow path (Python's csv module) is only
taken when the file has something DuckDB cannot read with exact line numbers (invalid UTF-8, a
stray carriage return, NUL, an unterminated quote).

Given a row condition (`flag`), the read also evaluates it on every row in the same pass and keeps
the flagged rows, with all their cells, in `raw."__flagged_<table>"`: the cell and text checks then
run on those few rows instead of scanning the table again. Fields left out of `keep` are not stored
in `raw."<table>"` at all (free text nobody joins on), which is most of the memory of a large package.
"""

from ihr.read.layout import flagged_table
from ihr.read.scan import ByteFacts, ScanAhead, file_size, lower_priority, scan_bytes
from ihr.read.table import READERS, LoadedTable, load_table

__all__ = ["READERS", "ByteFacts", "LoadedTable", "ScanAhead", "file_size", "flagged_table", "load_table", "lower_priority", "scan_bytes"]
