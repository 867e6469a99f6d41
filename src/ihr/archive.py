"""Unpack untrusted archives (release zips, `git archive` tars) without writing outside the target.

Every entry is checked before anything is written: no absolute paths, no `..`, no links or device
files, no duplicate names, and a cap on the total unpacked size and on the compression ratio, so a
zip bomb is refused up front instead of filling the disk.
"""

from __future__ import annotations

import stat
import tarfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath

MAX_TOTAL_BYTES = 4 * 1024**3
MAX_RATIO = 200
MAX_ENTRIES = 100_000


class UnsafeArchive(Exception):
    """The archive would write outside its target, or expand beyond the limits."""

    code = "unsafe-archive"


class CorruptArchive(UnsafeArchive):
    """The archive is damaged (bad CRC, truncated data): nothing in it can be trusted."""

    code = "corrupt-archive"


def _check_name(name: str) -> PurePosixPath:
    if not name or "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise UnsafeArchive(f"entry {name!r} has an absolute or non-portable path")
    path = PurePosixPath(name)
    if any(part == ".." for part in path.parts):
        raise UnsafeArchive(f"entry {name!r} would land outside the target ('..')")
    return path


def extract_zip(archive: Path, target: Path) -> list[str]:
    """Unpack a zip into `target` after checking every entry; returns the file names."""
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnsafeArchive(f"{archive}: not a readable zip ({exc})") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise UnsafeArchive(f"{len(infos)} entries is more than {MAX_ENTRIES}")
        names: set[str] = set()
        total = 0
        for info in infos:
            _check_name(info.filename)
            mode = info.external_attr >> 16
            if mode and (stat.S_ISLNK(mode) or not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))):
                raise UnsafeArchive(f"entry {info.filename!r} is a link or special file")
            if info.filename in names:
                raise UnsafeArchive(f"entry {info.filename!r} appears twice")
            names.add(info.filename)
            total += info.file_size
            if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1024**2:
                raise UnsafeArchive(f"entry {info.filename!r} expands {info.file_size // info.compress_size}x: refused as a zip bomb")
        if total > MAX_TOTAL_BYTES:
            raise UnsafeArchive(f"archive expands to {total} bytes, more than {MAX_TOTAL_BYTES}")
        target.mkdir(parents=True, exist_ok=True)
        root = target.resolve()
        files = []
        for info in infos:
            dest = (target / info.filename).resolve()
            if not dest.is_relative_to(root):
                raise UnsafeArchive(f"entry {info.filename!r} would land outside the target")
            if info.is_dir():
                dest.mkdir(parents=True, exist_ok=True)
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            written = 0
            try:
                with zf.open(info) as src, open(dest, "wb") as out:
                    while chunk := src.read(1024 * 1024):
                        written += len(chunk)
                        if written > info.file_size:
                            raise UnsafeArchive(f"entry {info.filename!r} is larger than its header says")
                        out.write(chunk)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
                raise CorruptArchive(f"entry {info.filename!r} is damaged: {exc}") from None
            files.append(info.filename)
        return files


def extract_tar(stream, target: Path) -> None:
    """Unpack a tar stream (from `git archive`) into `target`, refusing links and escapes."""
    target.mkdir(parents=True, exist_ok=True)
    root = target.resolve()
    with tarfile.open(fileobj=stream, mode="r|*") as tar:
        for member in tar:
            _check_name(member.name)
            if member.isdir():
                (target / member.name).mkdir(parents=True, exist_ok=True)
                continue
            if not member.isfile():
                raise UnsafeArchive(f"entry {member.name!r} is a link or special file")
            dest = (target / member.name).resolve()
            if not dest.is_relative_to(root):
                raise UnsafeArchive(f"entry {member.name!r} would land outside the target")
            dest.parent.mkdir(parents=True, exist_ok=True)
            src = tar.extractfile(member)
            if src is None:
                continue
            with open(dest, "wb") as out:
                while chunk := src.read(1024 * 1024):
                    out.write(chunk)
