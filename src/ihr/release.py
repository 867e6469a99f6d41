"""`ihr release`: the downloadable artifacts, byte-identical for the same commit.

A release is exactly one commit: of version V, from the commit tagged `vV`, with no uncommitted
change in any file that goes into the zip, a valid package, a version bumped at least as far as the
changes since the previous `v*` tag require, and generated docs that `ihr docs --check` accepts.
`--allow-dirty` (marked `"gitDirty": true`) and `--untagged` (a `-preview` zip marked
`"preview": true`) are for local tries only. The release date is the tag's (or commit's) date, so
two releases of one commit are identical; CITATION.cff and CHANGELOG.md in the zip carry it.

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
import re
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
DOC_FILES = ["docs/methodology.md", "docs/questions.md"]  # the README and the codebook send readers there
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
    preview: bool = False
    dirty: list[str] = field(default_factory=list)


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
    from ihr.diff import DiffError, diff_packages

    tag = previous_release_tag(root)
    if tag is None:
        return "none", None
    try:
        required = diff_packages(tag, str(root), repo=root).bump
    except DiffError as exc:
        raise DiffError(f"cannot compare with the previous release: {exc}") from exc
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


def release_inputs(root: Path, package: PackageSpec) -> list[str]:
    """Every repository file whose content goes into the zip (relative paths)."""
    names = {"datapackage.json", *(t.path for t in package.tables.values()), *EXTRA_FILES, *DOC_FILES, "docs/codebook.md"}
    schemas = root / "schemas"
    if schemas.is_dir():
        names |= {f"schemas/{p.name}" for p in schemas.iterdir() if p.is_file()}
    return sorted(names)


def dirty_files(root: Path, paths: list[str]) -> list[str]:
    """The files among `paths` (and under schemas/) that differ from HEAD or are untracked."""
    try:
        done = subprocess.run(["git", "status", "--porcelain", "-z", "--untracked-files=all", "--", *paths, "schemas"],
                              cwd=root, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        done = None
    if done is None or done.returncode != 0:
        raise ReleaseRefused(f"{root} is not a git repository with a commit; a release is made from a commit")
    names, entries = set(), iter(done.stdout.split("\0"))
    for entry in entries:
        if len(entry) > 3:
            names.add(entry[3:])
            if entry[0] in "RC":
                next(entries, None)  # -z gives a rename's old path as the next entry
    return sorted(names)


@dataclass
class Provenance:
    """Which commit a release is, and what it may call itself."""

    commit: str
    epoch: int
    preview: bool
    dirty: list[str]


def check_commit(root: Path, version: str, allow_dirty: bool, untagged: bool, inputs: list[str]) -> Provenance:
    """A release of version V is the commit tagged vV, with every input file as committed."""
    commit = _git(root, "rev-parse", "--verify", "HEAD^{commit}")
    if not commit:
        raise ReleaseRefused(f"{root} is not a git repository with a commit; a release is made from a commit")
    dirty = dirty_files(root, inputs)
    if dirty and not allow_dirty:
        shown = ", ".join(dirty[:10]) + (f" and {len(dirty) - 10} more" if len(dirty) > 10 else "")
        raise ReleaseRefused(f"uncommitted changes in {shown}; commit them, or pass --allow-dirty for a marked test release")
    tag = f"v{version}"
    tagged = _git(root, "rev-parse", "--verify", "--quiet", f"refs/tags/{tag}^{{commit}}")
    if tagged and tagged != commit:
        raise ReleaseRefused(f"tag {tag} points at {tagged[:12]}, not at HEAD ({commit[:12]}); "
                             f"version {version} is released already: raise `version` in datapackage.json")
    if not tagged and not untagged:
        raise ReleaseRefused(f"HEAD is not tagged {tag}; run `git tag {tag}` on the commit to release, "
                             "or pass --untagged for a preview")
    epoch_text = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch_text and tagged:  # an annotated tag's date, else the commit's
        epoch_text = _git(root, "for-each-ref", "--format=%(creatordate:unix)", f"refs/tags/{tag}")
    if not epoch_text:
        epoch_text = _git(root, "show", "-s", "--format=%ct", "HEAD")
    return Provenance(commit, int(epoch_text or ZIP_EPOCH_FLOOR), not tagged, dirty)


def docs_are_current(root: Path, package: PackageSpec, build_dir: Path) -> list[str]:
    """What `ihr docs --check` would call stale: the codebook and each example document."""
    from ihr.codebook import write_codebook
    from ihr.examples import refresh_all

    stale = [] if write_codebook(package, check=True)[1] else ["docs/codebook.md"]
    for result in refresh_all(root, write=False, out_dir=build_dir):
        if result.stale_sql:
            stale.append(result.path.relative_to(root).as_posix())
    return stale


def stamp_citation(text: str, version: str, date: str, commit: str) -> str:
    """CITATION.cff with the released version, date and commit (top-level keys replaced in place,
    or added at the end)."""
    keys = ("version:", "date-released:", "commit:")
    stamp = [f"version: {version}", f"date-released: {date}", f'commit: "{commit}"']
    out: list[str] = []
    for line in text.splitlines():
        if line.startswith(keys):
            out += stamp
            stamp = []
        else:
            out.append(line)
    return "\n".join(out + stamp) + "\n"


def stamp_changelog(text: str, version: str, date: str) -> str:
    """The changelog with `## [Unreleased]` turned into this release's heading."""
    heading = f"## [{version}] - {date}"
    if re.search(rf"^## \[{re.escape(version)}\]", text, re.M):
        return text
    if re.search(r"^## \[Unreleased\][^\n]*$", text, re.M):
        return re.sub(r"^## \[Unreleased\][^\n]*$", heading, text, count=1, flags=re.M)
    first = re.search(r"^## ", text, re.M)
    if first is None:
        return text.rstrip("\n") + f"\n\n{heading}\n"
    return text[: first.start()] + heading + "\n\n" + text[first.start():]


def release_package(root: str | Path = ".", out_dir: str | Path = "dist", allow_dirty: bool = False,
                    untagged: bool = False) -> ReleaseResult:
    """Write the release of the commit at `root`; ReleaseRefused when it is not exactly a tagged,
    valid, documented commit (see the module docstring)."""
    from ihr.connection import working_connection

    root = Path(root)
    with working_connection(threads=1) as con:  # one validation serves the checks and the build; repeatable Parquet
        return _release(root, Path(out_dir), allow_dirty, untagged, con)


def _release(root: Path, out: Path, allow_dirty: bool, untagged: bool, con) -> ReleaseResult:
    from ihr.build import build_validated
    from ihr.checks.descriptor import load_package
    from ihr.codebook import render_codebook
    from ihr.validate import validate_loaded

    package, descriptor_findings = load_package(root, reference_check=False)
    provenance = check_commit(root, package.version, allow_dirty, untagged, release_inputs(root, package))
    validation = validate_loaded(package, descriptor_findings, con=con)
    package, report = validation.package, validation.report
    if not report.valid:
        raise ReleaseRefused("the package does not validate", report)
    required, tag = check_version(root, package)
    commit, epoch = provenance.commit, provenance.epoch
    moment = dt.datetime.fromtimestamp(epoch, dt.timezone.utc)
    built_at = moment.isoformat().replace("+00:00", "Z")
    date = moment.date().isoformat()
    stem = f"{DATASET}-{package.version}" + ("-preview" if provenance.preview else "")

    with tempfile.TemporaryDirectory(prefix="ihr-release-") as tmp:
        build_dir = Path(tmp) / "build"
        previous = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
        try:
            build_validated(validation, con, build_dir)
        finally:
            if previous is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = previous
        stale = docs_are_current(root, package, build_dir)
        if stale:
            raise ReleaseRefused(f"generated documentation is out of date in {', '.join(stale)}; run `ihr docs` and commit")
        out.mkdir(parents=True, exist_ok=True)
        files: dict[str, bytes] = {}
        descriptor = json.loads(json.dumps(package.descriptor))
        for resource in descriptor["resources"]:
            data = (root / resource["path"]).read_bytes()
            files[resource["path"]] = data
            resource["bytes"] = len(data)
            resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
        descriptor["created"] = built_at
        descriptor["gitCommit"] = commit
        if provenance.dirty:
            descriptor["gitDirty"] = True
        if provenance.preview:
            descriptor["preview"] = True
        files["datapackage.json"] = (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        for schema in sorted((root / "schemas").iterdir()):
            if schema.is_file():
                files[f"schemas/{schema.name}"] = schema.read_bytes()
        for parquet in sorted((build_dir / "parquet").glob("*.parquet")):
            files[f"parquet/{parquet.name}"] = parquet.read_bytes()
        files["docs/codebook.md"] = render_codebook(package).encode("utf-8")
        for name in EXTRA_FILES + DOC_FILES:
            if (root / name).is_file():
                files[name] = (root / name).read_bytes()
        if "CITATION.cff" in files:
            files["CITATION.cff"] = stamp_citation(files["CITATION.cff"].decode("utf-8"), package.version, date, commit).encode("utf-8")
        if "CHANGELOG.md" in files:
            files["CHANGELOG.md"] = stamp_changelog(files["CHANGELOG.md"].decode("utf-8"), package.version, date).encode("utf-8")
        files[SUMS] = sums_text({n: hashlib.sha256(d).hexdigest() for n, d in files.items()}).encode("ascii")
        zip_path = out / f"{stem}.zip"
        write_deterministic_zip(zip_path, files, epoch)
        database_path = out / f"{stem}.duckdb"
        shutil.copyfile(build_dir / "iran-hamas-relations.duckdb", database_path)
    zip_digest = sha256_file(zip_path)
    (out / f"{stem}.zip.sha256").write_text(f"{zip_digest}  {zip_path.name}\n", encoding="ascii")
    sums_path = out / SUMS
    sums_path.write_text(sums_text({zip_path.name: zip_digest, database_path.name: sha256_file(database_path)}), encoding="ascii")
    return ReleaseResult(package.version, zip_path, database_path, sums_path, commit, required, tag, sorted(files),
                         preview=provenance.preview, dirty=provenance.dirty)
