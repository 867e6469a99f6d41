"""The byte scan: one pass over a file's bytes (carriage returns, control bytes, non-ASCII text,
line feeds per piece, blank lines), run in a background thread ahead of the reads, and the LF
copy of a CRLF file for DuckDB."""

from __future__ import annotations

import os
import re
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path


BOM = b"\xef\xbb\xbf"


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


ALWAYS_SEARCH_BLANK_LINES = 1 << 24  # files up to 16 MiB are searched for blank lines in the scan


CHUNK = 1 << 18  # 256 KiB: each of the many memchr passes over a piece runs from the L2 cache


# Bytes below 0x20 (and DEL) a file may hold besides LF and CR: control characters, and the tab,
# which the text checks care about at a cell's edges only.
CONTROL_BYTES = bytes([*range(0x00, 0x0A), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


CONTROL_BYTE_NEEDLES = [bytes([b]) for b in CONTROL_BYTES]


TWO_LINE_FEEDS = re.compile(rb"\n\n")


# The LF copy in large pieces: each return from a read or write waits for the GIL, which the
# background scan holds between its own calls.
COPY_CHUNK = 1 << 24


CR_OFFSETS_KEPT = 1 << 16  # a file with a few CRLF lines is copied around them by the kernel


@dataclass
class ByteFacts:
    """What one pass over a file's bytes finds; computed while DuckDB parses the same file."""

    lines: int = 0  # line feeds
    ends_with_newline: bool = True
    carriage_returns: int = 0
    first_cr_line: int | None = None
    lone_cr: bool = False  # a carriage return not followed by a line feed
    nul: bool = False
    control: frozenset[int] = frozenset()  # CONTROL_BYTES the file holds (tab included)
    non_ascii: bool = False
    chunk_lines: dict[tuple[int, int], int] = field(default_factory=dict)  # (offset, size) of each piece read -> its line feeds
    blank_lines: list[int] | None = None  # physical lines that are empty (DuckDB skips them); None: not searched
    error: OSError | None = None
    cr_offsets: list[int] | None = field(default_factory=list)  # of each carriage return; None: too many
    lf_copy: Path | None = None  # a copy with CRLF turned into LF, made in the background for DuckDB

    @property
    def physical_lines(self) -> int:
        return self.lines + (0 if self.ends_with_newline else 1)


def file_size(file: Path) -> int:
    """Bytes in the file; -1 when it cannot be read (a missing file sorts first and is small)."""
    try:
        return file.stat().st_size
    except OSError:
        return -1


def chunks(file: Path, size: int = CHUNK):
    """(offset, bytes) of a regular file in pieces of `size` bytes, one buffer reused; the open file
    comes first so that a caller can peek past a piece."""
    if not file.is_file():  # a directory, a pipe: never block on it
        raise OSError(f"not a regular file: {file}")
    buffer = bytearray(size)
    offset = 0
    with open(file, "rb", buffering=0) as fh:
        while True:
            got = fh.readinto(buffer)
            if not got:
                return
            yield fh, offset, (buffer if got == size else bytes(buffer[:got]))
            offset += got


def scan_into(file: Path, facts: ByteFacts, blank_lines: bool = False, chunk_size: int = CHUNK,
              cr_offsets_kept: int = CR_OFFSETS_KEPT) -> None:
    """One pass over a file's bytes: carriage returns, control bytes (NUL among them), non-ASCII
    text, line feeds in all and per piece, the line of the first carriage return, and with
    `blank_lines` the empty lines (a search as costly as counting the line feeds)."""
    if blank_lines:
        facts.blank_lines = []
    previous_last = b""
    try:
        for fh, offset, chunk in chunks(file, chunk_size):
            returns = chunk.count(b"\r") if b"\r" in chunk else 0  # `in` is a memchr; count is not
            if returns:
                if facts.first_cr_line is None:
                    facts.first_cr_line = facts.lines + chunk.count(b"\n", 0, chunk.index(b"\r")) + 1
                facts.carriage_returns += returns
                if facts.cr_offsets is not None:  # where they are, while few: the LF copy skips them
                    if facts.carriage_returns > cr_offsets_kept:
                        facts.cr_offsets = None
                    else:
                        at = chunk.find(b"\r")
                        while at >= 0:
                            facts.cr_offsets.append(offset + at)
                            at = chunk.find(b"\r", at + 1)
                pairs = chunk.count(b"\r\n")
                ends_open = chunk[-1:] == b"\r"  # may pair with the next chunk's first byte
                facts.lone_cr = facts.lone_cr or returns - pairs - (1 if ends_open else 0) > 0
                if ends_open:
                    facts.lone_cr = facts.lone_cr or next_byte(fh) != b"\n"
            if previous_last == b"\r" and chunk[:1] != b"\n":
                facts.lone_cr = True
            # One memchr per control byte not seen yet: twice as fast as a translate, which copies.
            found = [b for b in CONTROL_BYTE_NEEDLES if b[0] not in facts.control and b in chunk]
            if found:
                facts.control |= frozenset(b[0] for b in found)
            if not facts.non_ascii and not chunk.isascii():
                facts.non_ascii = True
            if facts.blank_lines is not None:
                blank_lines_in(chunk, previous_last, facts.lines, facts.blank_lines)
            in_chunk = chunk.count(b"\n")
            facts.chunk_lines[(offset, len(chunk))] = in_chunk
            facts.lines += in_chunk
            previous_last = chunk[-1:]
        facts.ends_with_newline = previous_last in (b"", b"\n")
        facts.nul = 0 in facts.control
    except OSError as exc:
        facts.error = exc


def scan_bytes(file: Path, blank_lines: bool = False, chunk_size: int = CHUNK, cr_offsets_kept: int = CR_OFFSETS_KEPT) -> ByteFacts:
    """What a file's bytes hold, in fixed-size pieces (low memory). The piece size and how many
    carriage-return offsets are kept can be set small, so a test can cross every boundary."""
    facts = ByteFacts()
    scan_into(file, facts, blank_lines, chunk_size, cr_offsets_kept)
    return facts


def lower_priority(niceness: int = 10) -> None:
    """Let this thread yield the CPU to DuckDB's threads when they compete: it works ahead of
    them, not on the critical path. Linux only (a thread id as the process id); a no-op elsewhere."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)
    except (AttributeError, OSError):
        pass


class ScanAhead:
    """Scan the files' bytes in a background thread, in the order they will be loaded (smallest
    first, see `validate_package`), so that each scan runs while DuckDB reads the file before it
    (DuckDB releases the GIL); one pass per file reads its bytes once.

    Blank lines are looked for in small files, and in the others only once a file of the
    package turned out to have some (found by this scan, or by a load: `expect_blank_lines`): the
    search would cost a clean package as much again as the scan, while damage of that kind tends
    to repeat across the files one person or tool edited. The same goes for records spanning
    lines (`expect_multi_line_records`)."""

    def __init__(self, files: list[Path], learn: bool = True) -> None:
        self._learn = learn  # False: each file decides alone (the simple path, compared in a test)
        self._facts = {f: ByteFacts() for f in files}
        self._ready = {f: threading.Event() for f in files}
        self._blank_lines = False
        self._stop = False
        self.multi_line_records = False
        self._thread = threading.Thread(target=self._run, args=(files,), daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop after the file being scanned and delete the LF copies no load took."""
        self._stop = True
        self._thread.join()
        for facts in self._facts.values():
            if facts.lf_copy is not None:
                facts.lf_copy.unlink(missing_ok=True)
                facts.lf_copy = None

    def expect_blank_lines(self) -> None:
        self._blank_lines = self._learn

    def expect_multi_line_records(self) -> None:
        """Records spanning lines were found: `load_table` reads the files still to come without
        first trying DuckDB's padded parallel read, which refuses them (late, at times)."""
        self.multi_line_records = self._learn

    def _run(self, files: list[Path]) -> None:
        lower_priority()
        for f in files:
            if self._stop:
                break
            facts = self._facts[f]
            scan_into(f, facts, self._blank_lines or file_size(f) <= ALWAYS_SEARCH_BLANK_LINES)
            if facts.blank_lines and self._learn:  # the small files, scanned first, tell whether to search the rest
                self._blank_lines = True
            if facts.carriage_returns and not (facts.lone_cr or facts.nul or facts.error):
                # CRLF on some lines: DuckDB will read an LF copy; write it here, ahead of the read.
                try:
                    facts.lf_copy = normalized_copy(f, facts.cr_offsets)
                except OSError:
                    facts.lf_copy = None
            self._ready[f].set()

    def facts(self, file: Path) -> ByteFacts:
        if file not in self._ready:
            return scan_bytes(file)
        if self._stop:  # closed: what was not scanned is scanned here
            self._thread.join()
            return self._facts[file] if self._ready[file].is_set() else scan_bytes(file)
        self._ready[file].wait()
        return self._facts[file]


def find_blank_lines(file: Path, chunk_lines: dict[tuple[int, int], int] | None = None, chunk_size: int = CHUNK) -> list[int]:
    """Physical line numbers of empty lines, by a chunked search of the file, when the scan did
    not look for them; its per-chunk line counts (`chunk_lines`) spare counting a piece of the
    same offset and size again."""
    found: list[int] = []
    lines, previous_last, offset = 0, b"", 0
    with open(file, "rb") as fh:
        while chunk := fh.read(chunk_size):
            blank_lines_in(chunk, previous_last, lines, found)
            known = (chunk_lines or {}).get((offset, len(chunk)))
            lines += known if known is not None else chunk.count(b"\n")
            previous_last = chunk[-1:]
            offset += len(chunk)
    return found


def next_byte(fh) -> bytes:
    """Peek at the next byte of an unbuffered file without consuming it."""
    here = fh.tell()
    byte = fh.read(1)
    fh.seek(here)
    return byte


def blank_lines_in(chunk: bytes, previous_last: bytes, lines_before: int, into: list[int]) -> None:
    """Append the physical lines of the empty lines that start in `chunk`, given the last byte
    before it and the line feeds before it. sre finds a literal with memchr, twice as fast as
    bytes.find; searching again from one byte on keeps runs of blank lines (three line feeds are
    two blank lines)."""
    if previous_last == b"\n" and chunk[:1] == b"\n":  # a pair across the pieces' boundary
        into.append(lines_before + 1)
    match = TWO_LINE_FEEDS.search(chunk)
    line, last = lines_before + 1, 0
    while match:
        line += chunk.count(b"\n", last, match.start() + 1)
        last = match.start() + 1
        into.append(line)
        match = TWO_LINE_FEEDS.search(chunk, last)


def line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def normalized_copy(file: Path, cr_offsets: list[int] | None = None) -> Path:
    """A temporary copy with CRLF turned into LF (line numbers unchanged), for DuckDB to read.

    Given the offsets of the carriage returns (each followed by a line feed), the spans between
    them are copied inside the kernel (`os.copy_file_range`), four times faster than Python's
    bytes.replace, which searches and copies every byte itself."""
    fd, name = tempfile.mkstemp(suffix=".csv", prefix="ihr-lf-")
    if cr_offsets:
        try:
            with open(file, "rb") as fh:
                copy_around(fh.fileno(), fd, cr_offsets, os.fstat(fh.fileno()).st_size)
            os.close(fd)
            return Path(name)
        except (OSError, AttributeError):  # no copy_file_range here: copy as below
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
    with os.fdopen(fd, "wb") as out, open(file, "rb") as fh:
        carry = b""
        while chunk := fh.read(COPY_CHUNK):
            chunk = carry + chunk
            carry = b"\r" if chunk.endswith(b"\r") else b""
            out.write(chunk[: len(chunk) - len(carry)].replace(b"\r\n", b"\n"))
        out.write(carry)
    return Path(name)


def copy_around(source: int, target: int, skipped: list[int], size: int) -> None:
    """Copy file `source` to `target` leaving out the bytes at the offsets `skipped` (sorted)."""
    start = 0
    for end in [*skipped, size]:
        while start < end:
            copied = os.copy_file_range(source, target, end - start, start)
            if copied == 0:
                raise OSError("the file became shorter while being copied")
            start += copied
        start = end + 1
