"""`ihr verify PATH`: check a release before trusting it — a release directory, a zip, or an
unpacked zip. Every checksum, then the package itself; a changed, missing or extra file is an
error (a folder holding an unpacked zip is verified as one); a zip entry that would land outside
its target is refused; the .duckdb is checked by content
(every table equal to the zip's Parquet) as well as by hash."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from ihr.findings import Finding, PackageUnreadable, Report
from ihr.release import SUMS, parse_sums, sha256_file


def _error(path: str, code: str, message: str, value: str | None = None) -> Finding:
    return Finding(path, None, None, code, "error", message, value=value, layer="verify")


def unpacked_releases(directory: Path) -> list[Path]:
    """Sub-folders that hold an unpacked release zip (the README's `unzip -d` step leaves one beside
    the zip): they are verified as releases of their own, not reported as extra files."""
    return sorted(d for d in directory.iterdir()
                  if d.is_dir() and not d.is_symlink() and (d / "datapackage.json").is_file() and (d / SUMS).is_file())


def check_sums(directory: Path, shown: str = "", outer: bool = False, skip: tuple[Path, ...] = ()) -> list[Finding]:
    """SHA256SUMS in `directory` must list every other file, each with the right digest.

    `outer`: the release folder, where `<zip>.sha256` may sit beside a listed zip. `skip`:
    sub-folders checked separately (unpacked zips)."""
    sums = directory / SUMS
    prefix = f"{shown}/" if shown else ""
    if not sums.is_file():
        return [_error(prefix + SUMS, "missing-file", "no SHA256SUMS to check against")]
    listed = parse_sums(sums.read_text(encoding="utf-8", errors="replace"))
    found: list[Finding] = []
    skipped = {d.relative_to(directory).as_posix() + "/" for d in skip}
    present = {p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file() or p.is_symlink()}
    present = {name for name in present if not name.startswith(tuple(skipped))} if skipped else present
    for name, digest in sorted(listed.items()):
        path = directory / name
        if name not in present:
            found.append(_error(prefix + name, "missing-file", "listed in SHA256SUMS but absent"))
        elif path.is_symlink() or not path.resolve().is_relative_to(directory.resolve()):
            found.append(_error(prefix + name, "unsafe-path", "is a link; releases hold regular files only"))
        elif sha256_file(path) != digest:
            found.append(_error(prefix + name, "checksum-mismatch", "content does not match SHA256SUMS", digest))
    for name in sorted(present - set(listed) - {SUMS}):
        if outer and name.endswith(".sha256") and name[: -len(".sha256")] in listed:
            continue
        found.append(_error(prefix + name, "extra-file", "not listed in SHA256SUMS"))
    return found


def check_descriptor_hashes(directory: Path, shown: str = "") -> list[Finding]:
    prefix = f"{shown}/" if shown else ""
    from ihr.package import read_json

    descriptor, broken = read_json(directory / "datapackage.json", prefix + "datapackage.json")
    if broken is not None:
        return [_error(prefix + "datapackage.json", "invalid-descriptor", f"cannot read: {broken.message}")]
    if not isinstance(descriptor, dict):
        return [_error(prefix + "datapackage.json", "invalid-descriptor", "the descriptor is not a JSON object")]
    found = []
    for resource in descriptor.get("resources", []):
        path = directory / str(resource.get("path", ""))
        if not path.is_file():
            continue  # reported by the checksum layer and by validation
        data = path.read_bytes()
        if "bytes" in resource and resource["bytes"] != len(data):
            found.append(_error(prefix + resource["path"], "checksum-mismatch", f"has {len(data)} bytes, the descriptor says {resource['bytes']}"))
        expected = str(resource.get("hash", ""))
        if expected and expected.removeprefix("sha256:") != hashlib.sha256(data).hexdigest():
            found.append(_error(prefix + resource["path"], "checksum-mismatch", "does not match the hash in datapackage.json"))
    return found


def check_database(database: Path, parquet_dir: Path, shown: str) -> list[Finding]:
    """Every base table of the database must hold exactly the rows of the matching Parquet file."""
    import duckdb

    found: list[Finding] = []
    try:
        con = duckdb.connect(str(database), read_only=True)
    except duckdb.Error as exc:
        return [_error(shown, "content-mismatch", f"cannot open the database: {str(exc).splitlines()[0]}")]
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()]
        parquet_names = {p.stem for p in parquet_dir.glob("*.parquet")}
        for table in sorted(set(tables) | parquet_names):
            parquet = parquet_dir / f"{table}.parquet"
            if table not in tables or not parquet.is_file():
                found.append(_error(shown, "content-mismatch", f"table {table!r} is in only one of the database and the Parquet files"))
                continue
            literal = "'" + str(parquet).replace("'", "''") + "'"
            extra = con.execute(f'SELECT count(*) FROM (SELECT * FROM "{table}" EXCEPT ALL SELECT * FROM read_parquet({literal}))').fetchall()[0][0]
            missing = con.execute(f'SELECT count(*) FROM (SELECT * FROM read_parquet({literal}) EXCEPT ALL SELECT * FROM "{table}")').fetchall()[0][0]
            if extra or missing:
                found.append(_error(shown, "content-mismatch",
                                    f"table {table!r}: {extra} row(s) only in the database, {missing} only in the Parquet file"))
    except duckdb.Error as exc:
        found.append(_error(shown, "content-mismatch", f"cannot compare: {str(exc).splitlines()[0]}"))
    finally:
        con.close()
    return found


def verify_unpacked(directory: Path, shown: str = "") -> Report:
    from ihr.validate import validate_package

    report = Report()
    report.extend(check_sums(directory, shown))
    report.extend(check_descriptor_hashes(directory, shown))
    try:
        validation = validate_package(directory)
        report.extend(validation.findings)
        report.stats = validation.stats
    except PackageUnreadable as exc:
        report.extend([_error(f"{shown}/datapackage.json" if shown else "datapackage.json", "invalid-descriptor", str(exc))])
    return report


def verify_zip(archive: Path, workdir: Path) -> Report:
    from ihr.archive import UnsafeArchive, extract_zip

    target = workdir / archive.stem
    try:
        extract_zip(archive, target)
    except UnsafeArchive as exc:
        report = Report()
        report.extend([_error(archive.name, exc.code, str(exc))])
        return report
    return verify_unpacked(target, archive.name)


def verify_path(path: str | Path) -> Report:
    """Verify a release directory, a release zip, or an unpacked zip; nothing is written outside a
    temporary directory."""
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="ihr-verify-") as tmp:
        workdir = Path(tmp)
        if path.is_file():
            return verify_zip(path, workdir)
        if not path.is_dir():
            raise PackageUnreadable(f"{path}: not a release directory, zip or unpacked release")
        if (path / "datapackage.json").is_file():
            return verify_unpacked(path)
        zips = sorted(path.glob("*.zip"))
        if not zips:
            raise PackageUnreadable(f"{path}: no release zip and no datapackage.json here")
        report = Report()
        unpacked_here = unpacked_releases(path)
        report.extend(check_sums(path, outer=True, skip=tuple(unpacked_here)))
        for folder in unpacked_here:
            report.extend(verify_unpacked(folder, folder.name).findings)
        for archive in zips:
            inner = verify_zip(archive, workdir)
            report.extend(inner.findings)
            report.stats = inner.stats
            database = archive.with_suffix(".duckdb")
            unpacked = workdir / archive.stem
            if database.is_file() and (unpacked / "parquet").is_dir():
                report.extend(check_database(database, unpacked / "parquet", database.name))
        return report
