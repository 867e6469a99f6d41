"""`ihr release`: the downloadable artifacts, byte-identical for the same commit.

dist/ gets `iran-hamas-relations-<version>.zip` (descriptor with bytes and sha256 per resource, the
git commit and build date; tables, Parquet, schemas and views, codebook, changelog, licences and a
SHA256SUMS of its own files), the `.duckdb` database as a separate asset (DuckDB files are not
byte-deterministic, so it is verified by content), a `.zip.sha256`, and a SHA256SUMS over both.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ihr.diff import BUMPS
from ihr.findings import Report
from ihr.package import PackageSpec

DATASET = "iran-hamas-relations"
SUMS = "SHA256SUMS"
EXTRA_FILES = ["CHANGELOG.md", "LICENSE", "LICENSE-DATA", "CITATION.cff", "README.md"]
ZIP_EPOCH_FLOOR = 315532800  # 1980-01-01, the earliest time a zip entry can carry


class ReleaseRefused(Exception):
    def __init__(self, message: str, report: Report | None = None):
        super().__init__(message)
        self.report = report


@dataclass
class ReleaseResult:
    version: str
    zip_path: Path
    database_path: Path
    sums_path: Path
    commit: str
    required_bump: str = "none"
    previous_tag: str | None = None
    files: list[str] = field(default_factory=list)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def sums_text(entries: dict[str, str]) -> str:
    return "".join(f"{digest}  {name}\n" for name, digest in sorted(entries.items()))


def parse_sums(text: str) -> dict[str, str]:
    entries = {}
    for line in text.splitlines():
        if line.strip():
            digest, _, name = line.partition("  ")
            entries[name.strip().lstrip("*")] = digest.strip()
    return entries


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _version_tuple(version: str) -> tuple[int, int, int]:
    try:
        major, minor, patch = (int(x) for x in version.lstrip("v").split("-")[0].split("."))
    except ValueError:
        raise ReleaseRefused(f"version {version!r} is not MAJOR.MINOR.PATCH") from None
    return major, minor, patch


def bump_between(old: str, new: str) -> str:
    a, b = _version_tuple(old), _version_tuple(new)
    if b <= a:
        return "none"
    return "major" if b[0] > a[0] else "minor" if b[1] > a[1] else "patch"


def previous_release_tag(root: Path) -> str | None:
    """The highest v* tag reachable from HEAD that does not point at HEAD itself."""
    head = _git(root, "rev-parse", "HEAD")
    tags = (_git(root, "tag", "--merged", "HEAD", "--list", "v*") or "").split()
    candidates = []
    for tag in tags:
        if _git(root, "rev-list", "-n", "1", tag) == head:
            continue
        try:
            candidates.append((_version_tuple(tag), tag))
        except ReleaseRefused:
            continue
    return max(candidates)[1] if candidates else None


def check_version(root: Path, package: PackageSpec) -> tuple[str, str | None]:
    """Refuse when the version is not bumped at least as far as the change since the last release."""
    from ihr.diff import diff_packages

    tag = previous_release_tag(root)
    if tag is None:
        return "none", None
    required = diff_packages(tag, str(root), repo=root).bump
    actual = bump_between(tag, package.version)
    if BUMPS.index(actual) < BUMPS.index(required):
        raise ReleaseRefused(f"version {package.version} is a {actual} bump over {tag}, but the changes since "
                             f"need a {required} bump; raise `version` in datapackage.json")
    return required, tag


def _zip_time(epoch: int) -> tuple[int, int, int, int, int, int]:
    moment = dt.datetime.fromtimestamp(max(epoch, ZIP_EPOCH_FLOOR), dt.timezone.utc)
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second - moment.second % 2)


def write_deterministic_zip(target: Path, files: dict[str, bytes], epoch: int) -> None:
    """Fixed order, timestamps, permissions and compression: same input, same bytes."""
    from ihr.tablefile import atomic_write_bytes
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=_zip_time(epoch))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = (0o100644 & 0xFFFF) << 16
            zf.writestr(info, files[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    atomic_write_bytes(target, buffer.getvalue())


def release_package(root: str | Path = ".", out_dir: str | Path = "dist") -> ReleaseResult:
    from ihr.build import build_package
    from ihr.checks.descriptor import load_package
    from ihr.codebook import render_codebook
    from ihr.validate import validate_package

    root = Path(root)
    report = validate_package(root)
    if not report.valid:
        raise ReleaseRefused("the package does not validate", report)
    package, _ = load_package(root)
    required, tag = check_version(root, package)
    commit = _git(root, "rev-parse", "HEAD") or ""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH") or _git(root, "show", "-s", "--format=%ct", "HEAD") or ZIP_EPOCH_FLOOR)
    built_at = dt.datetime.fromtimestamp(epoch, dt.timezone.utc).isoformat().replace("+00:00", "Z")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{DATASET}-{package.version}"

    with tempfile.TemporaryDirectory(prefix="ihr-release-") as tmp:
        build_dir = Path(tmp) / "build"
        previous = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
        try:
            build_package(root, build_dir, threads=1)
        finally:
            if previous is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = previous
        files: dict[str, bytes] = {}
        descriptor = json.loads(json.dumps(package.descriptor))
        for resource in descriptor["resources"]:
            data = (root / resource["path"]).read_bytes()
            files[resource["path"]] = data
            resource["bytes"] = len(data)
            resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
        descriptor["created"] = built_at
        descriptor["gitCommit"] = commit
        files["datapackage.json"] = (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        for schema in sorted((root / "schemas").iterdir()):
            if schema.is_file():
                files[f"schemas/{schema.name}"] = schema.read_bytes()
        for parquet in sorted((build_dir / "parquet").glob("*.parquet")):
            files[f"parquet/{parquet.name}"] = parquet.read_bytes()
        files["docs/codebook.md"] = render_codebook(package).encode("utf-8")
        for name in EXTRA_FILES:
            if (root / name).is_file():
                files[name] = (root / name).read_bytes()
        files[SUMS] = sums_text({n: hashlib.sha256(d).hexdigest() for n, d in files.items()}).encode("ascii")
        zip_path = out / f"{stem}.zip"
        write_deterministic_zip(zip_path, files, epoch)
        database_path = out / f"{stem}.duckdb"
        shutil.copyfile(build_dir / "iran-hamas-relations.duckdb", database_path)
    zip_digest = sha256_file(zip_path)
    (out / f"{stem}.zip.sha256").write_text(f"{zip_digest}  {zip_path.name}\n", encoding="ascii")
    sums_path = out / SUMS
    sums_path.write_text(sums_text({zip_path.name: zip_digest, database_path.name: sha256_file(database_path)}), encoding="ascii")
    return ReleaseResult(package.version, zip_path, database_path, sums_path, commit, required, tag, sorted(files))
