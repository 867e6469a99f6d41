"""Releases are byte-identical for one commit; verify catches every kind of tampering."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import duckdb
import pytest

from conftest import VALID, fixture_package, run_cli

STEM = "iran-hamas-relations-0.1.0"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.email=t@example.org", "-c", "user.name=t", *args], cwd=repo,
                          check=True, capture_output=True, text=True).stdout.strip()


CHANGELOG = "# Changelog\n\n## [Unreleased]\n\n### Data\n- First rows.\n"
CITATION = "cff-version: 1.2.0\ntitle: test\ntype: dataset\nversion: 0.0.0\nlicense: CC-BY-4.0\n"


def make_repo(target: Path) -> Path:
    """A git repository holding the valid package, its generated docs, tagged v0.1.0."""
    fixture_package(target)
    (target / "CHANGELOG.md").write_text(CHANGELOG)
    (target / "CITATION.cff").write_text(CITATION)
    (target / "docs").mkdir()
    (target / "docs" / "methodology.md").write_text("# Methodology\n")
    assert run_cli("docs", str(target)).exit_code == 0
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "commit", "-qm", "first")
    git(target, "tag", "v0.1.0")
    return target


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return make_repo(tmp_path_factory.mktemp("release") / "repo")


def work_copy(repo: Path, tmp_path: Path) -> Path:
    work = tmp_path / "work"
    shutil.copytree(repo, work)
    return work


def set_version(work: Path, version: str) -> None:
    descriptor = work / "datapackage.json"
    text = descriptor.read_text()
    current = json.loads(text)["version"]
    descriptor.write_text(text.replace(f'"version": "{current}"', f'"version": "{version}"'))
    assert run_cli("docs", str(work)).exit_code == 0  # the codebook names the version


@pytest.fixture(scope="module")
def dist(repo, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = run_cli("release", str(repo), "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


def fresh_copy(dist: Path, tmp_path: Path) -> Path:
    target = tmp_path / "dist"
    shutil.copytree(dist, target)
    return target


def rewrite_sums(directory: Path) -> None:
    lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}" for p in sorted(directory.iterdir())
             if p.suffix in (".zip", ".duckdb")]
    (directory / "SHA256SUMS").write_text("\n".join(lines) + "\n")


def codes(result) -> set[str]:
    return {f["code"] for f in json.loads(result.output)["findings"] if f["severity"] == "error"}


def test_release_writes_the_artifacts(dist):
    assert sorted(p.name for p in dist.iterdir()) == sorted(
        [f"{STEM}.zip", f"{STEM}.duckdb", f"{STEM}.zip.sha256", "SHA256SUMS"])
    with zipfile.ZipFile(dist / f"{STEM}.zip") as zf:
        names = zf.namelist()
        descriptor = json.loads(zf.read("datapackage.json"))
    assert "parquet/claims.parquet" in names and "docs/codebook.md" in names and "schemas/views.sql" in names
    assert "SHA256SUMS" in names and "CHANGELOG.md" in names
    claims = next(r for r in descriptor["resources"] if r["name"] == "claims")
    assert claims["hash"] == "sha256:" + hashlib.sha256((VALID / "tables" / "claims.csv").read_bytes()).hexdigest()
    assert claims["bytes"] == (VALID / "tables" / "claims.csv").stat().st_size
    assert len(descriptor["gitCommit"]) == 40 and descriptor["created"].endswith("Z")
    assert "gitDirty" not in descriptor and "preview" not in descriptor
    assert "docs/methodology.md" in names


def test_the_zip_citation_and_changelog_carry_the_release(repo, dist):
    commit = git(repo, "rev-parse", "HEAD")
    date = git(repo, "show", "-s", "--format=%cs", "HEAD")
    with zipfile.ZipFile(dist / f"{STEM}.zip") as zf:
        citation = zf.read("CITATION.cff").decode()
        changelog = zf.read("CHANGELOG.md").decode()
        descriptor = json.loads(zf.read("datapackage.json"))
    assert "version: 0.1.0\n" in citation and f"date-released: {date}\n" in citation
    assert f'commit: "{commit}"\n' in citation and "version: 0.0.0" not in citation
    assert citation.count("\nversion:") == 1 and citation.startswith("cff-version: 1.2.0\n")
    assert changelog == CHANGELOG.replace("## [Unreleased]", f"## [0.1.0] - {date}")
    assert descriptor["created"].startswith(date)
    assert (repo / "CHANGELOG.md").read_text() == CHANGELOG  # the repository keeps its Unreleased heading


def test_release_refuses_uncommitted_changes_naming_the_files(repo, tmp_path):
    work = work_copy(repo, tmp_path)
    set_version(work, "0.2.0")
    (work / "schemas" / "new.schema.json").write_text("{}\n")
    (work / "notes.txt").write_text("not released, so not a reason to refuse\n")
    result = run_cli("release", str(work), "--out", str(tmp_path / "d"))
    assert result.exit_code == 1
    assert result.output == ("error: release refused: uncommitted changes in datapackage.json, docs/codebook.md, "
                             "schemas/new.schema.json; commit them, or pass --allow-dirty for a marked test release\n")
    assert not (tmp_path / "d").exists()


def test_release_allow_dirty_marks_the_zip(repo, tmp_path):
    work = work_copy(repo, tmp_path)
    claims = work / "tables" / "claims.csv"
    claims.write_text(claims.read_text().replace("Said in a CNN interview", "Said in a CNN TV interview", 1))
    result = run_cli("release", str(work), "--out", str(tmp_path / "d"), "--allow-dirty")
    assert result.exit_code == 0, result.output
    assert "with uncommitted changes" in result.output
    with zipfile.ZipFile(tmp_path / "d" / f"{STEM}.zip") as zf:
        descriptor = json.loads(zf.read("datapackage.json"))
        assert zf.read("tables/claims.csv") == claims.read_bytes()
    assert descriptor["gitDirty"] is True


def test_release_needs_head_tagged_with_the_version(repo, tmp_path):
    work = work_copy(repo, tmp_path)
    git(work, "tag", "-d", "v0.1.0")
    refused = run_cli("release", str(work), "--out", str(tmp_path / "d"))
    assert refused.exit_code == 1
    assert refused.output == ("error: release refused: HEAD is not tagged v0.1.0; run `git tag v0.1.0` on the commit "
                              "to release, or pass --untagged for a preview\n")
    preview = run_cli("release", str(work), "--out", str(tmp_path / "p"), "--untagged")
    assert preview.exit_code == 0, preview.output
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == sorted(
        [f"{STEM}-preview.zip", f"{STEM}-preview.duckdb", f"{STEM}-preview.zip.sha256", "SHA256SUMS"])
    with zipfile.ZipFile(tmp_path / "p" / f"{STEM}-preview.zip") as zf:
        assert json.loads(zf.read("datapackage.json"))["preview"] is True
    assert run_cli("verify", str(tmp_path / "p")).exit_code == 0


def test_release_refuses_a_version_whose_tag_is_another_commit(repo, tmp_path):
    work = work_copy(repo, tmp_path)
    (work / "docs" / "methodology.md").write_text("# Methodology\n\nMore.\n")
    git(work, "commit", "-qam", "more method")
    for flags in ([], ["--untagged"]):
        result = run_cli("release", str(work), "--out", str(tmp_path / "d"), *flags)
        assert result.exit_code == 1
        first = git(work, "rev-parse", "v0.1.0")[:12]
        assert f"tag v0.1.0 points at {first}, not at HEAD" in result.output
        assert "version 0.1.0 is released already" in result.output


def test_release_refuses_stale_generated_docs(repo, tmp_path):
    work = work_copy(repo, tmp_path)
    (work / "docs" / "codebook.md").write_text("# hand-edited\n")
    git(work, "commit", "-qam", "hand edit")
    git(work, "tag", "-f", "v0.1.0")
    result = run_cli("release", str(work), "--out", str(tmp_path / "d"))
    assert result.exit_code == 1
    assert "generated documentation is out of date in docs/codebook.md; run `ihr docs` and commit" in result.output


def test_two_releases_of_one_commit_are_byte_identical(repo, dist, tmp_path):
    again = tmp_path / "again"
    assert run_cli("release", str(repo), "--out", str(again)).exit_code == 0
    assert (again / f"{STEM}.zip").read_bytes() == (dist / f"{STEM}.zip").read_bytes()


def test_verify_accepts_the_release_the_zip_and_the_unpacked_zip(dist, tmp_path):
    assert run_cli("verify", str(dist)).exit_code == 0
    assert run_cli("verify", str(dist / f"{STEM}.zip")).exit_code == 0
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(dist / f"{STEM}.zip") as zf:
        zf.extractall(unpacked)
    assert run_cli("verify", str(unpacked)).exit_code == 0


def test_verify_catches_a_flipped_byte(dist, tmp_path):
    copy = fresh_copy(dist, tmp_path)
    zip_path = copy / f"{STEM}.zip"
    unpacked = tmp_path / "u"
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(unpacked)
    claims = unpacked / "tables" / "claims.csv"
    data = bytearray(claims.read_bytes())
    data[200] ^= 0x01
    claims.write_bytes(bytes(data))
    result = run_cli("verify", "--format", "json", str(unpacked))
    assert result.exit_code == 1
    assert "checksum-mismatch" in codes(result)
    whole = bytearray(zip_path.read_bytes())
    whole[len(whole) // 2] ^= 0x01
    zip_path.write_bytes(bytes(whole))
    outer = run_cli("verify", "--format", "json", str(copy))
    assert outer.exit_code == 1 and {"checksum-mismatch", "corrupt-archive"} <= codes(outer)


def test_verify_catches_a_missing_and_an_extra_file(dist, tmp_path):
    unpacked = tmp_path / "u"
    with zipfile.ZipFile(dist / f"{STEM}.zip") as zf:
        zf.extractall(unpacked)
    (unpacked / "docs" / "codebook.md").unlink()
    (unpacked / "notes.txt").write_text("not part of the release")
    result = run_cli("verify", "--format", "json", str(unpacked))
    assert result.exit_code == 1
    found = {(f["path"], f["code"]) for f in json.loads(result.output)["findings"]}
    assert ("docs/codebook.md", "missing-file") in found and ("notes.txt", "extra-file") in found


def test_verify_refuses_a_zip_entry_escaping_the_target(tmp_path):
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("datapackage.json", "{}")
        zf.writestr("../../escaped.txt", "gotcha")
    result = run_cli("verify", "--format", "json", str(evil))
    assert result.exit_code == 1 and codes(result) == {"unsafe-archive"}
    assert not (tmp_path.parent / "escaped.txt").exists() and not Path("escaped.txt").exists()


def test_verify_refuses_a_zip_bomb(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("datapackage.json", b"\0" * (50 * 1024 * 1024))
    assert bomb.stat().st_size < 1024 * 1024
    result = run_cli("verify", "--format", "json", str(bomb))
    assert result.exit_code == 1 and codes(result) == {"unsafe-archive"}


def test_verify_catches_a_database_whose_rows_differ(dist, tmp_path):
    copy = fresh_copy(dist, tmp_path)
    con = duckdb.connect(str(copy / f"{STEM}.duckdb"))
    con.execute("DELETE FROM claim_relations")
    con.close()
    rewrite_sums(copy)  # so only the content check can notice
    result = run_cli("verify", "--format", "json", str(copy))
    assert result.exit_code == 1
    messages = [f["message"] for f in json.loads(result.output)["findings"] if f["code"] == "content-mismatch"]
    assert messages == ["table 'claim_relations': 0 row(s) only in the database, 1 only in the Parquet file"]


def test_release_refuses_a_version_lower_than_the_change_requires(repo, tmp_path):
    work = work_copy(repo, tmp_path)
    actors = work / "tables" / "actors.csv"
    actors.write_text(actors.read_text() + "zz-new,New actor,other,,,,,,A new row makes a minor change.\n")
    set_version(work, "0.1.1")
    git(work, "commit", "-qam", "new row")
    git(work, "tag", "v0.1.1")
    refused = run_cli("release", str(work), "--out", str(tmp_path / "d1"))
    assert refused.exit_code == 1
    assert "need a minor bump" in refused.output
    git(work, "tag", "-d", "v0.1.1")  # a refused release leaves no tag behind
    set_version(work, "0.2.0")
    git(work, "commit", "-qam", "0.2.0")
    git(work, "tag", "v0.2.0")
    accepted = run_cli("release", str(work), "--out", str(tmp_path / "d2"))
    assert accepted.exit_code == 0, accepted.output
    assert "need a minor bump" in accepted.output


def test_release_refuses_an_invalid_package(tmp_path):
    from conftest import build_package

    package = build_package(tmp_path, "foreign-key")
    git(package, "init", "-q")
    git(package, "add", "-A")
    git(package, "commit", "-qm", "broken")
    git(package, "tag", "v0.1.0")
    result = run_cli("release", str(package), "--out", str(tmp_path / "dist"))
    assert result.exit_code == 1 and "release refused" in result.output
    assert not (tmp_path / "dist").exists() or not any((tmp_path / "dist").iterdir())


@pytest.mark.parametrize("layout", ["release-folder", "unzipped-beside-the-zip", "inside-the-unpacked-zip", "unpacked-zip-alone"])
def test_verify_dot_in_every_layout_a_downloader_meets(dist, tmp_path, monkeypatch, layout):
    """`ihr verify .` however the folder is named or reached, after the README's `unzip -d` step too."""
    download = tmp_path / "any name"
    shutil.copytree(dist, download)
    unpacked = download / "ihr-0.1.0"
    if layout != "release-folder":
        with zipfile.ZipFile(download / f"{STEM}.zip") as zf:  # unzip iran-hamas-relations-0.1.0.zip -d ihr-0.1.0
            zf.extractall(unpacked)
    if layout == "unpacked-zip-alone":
        unpacked = shutil.move(unpacked, tmp_path / "elsewhere")
    here = download if layout in ("release-folder", "unzipped-beside-the-zip") else Path(unpacked)
    monkeypatch.chdir(here)
    result = run_cli("verify", ".")
    assert result.exit_code == 0, result.output
    assert "error" not in result.output.split("valid:")[0]
    if layout == "unzipped-beside-the-zip":  # the unpacked folder is verified, not ignored
        (Path("ihr-0.1.0") / "tables" / "claims.csv").write_text("id\n")
        damaged = run_cli("verify", "--format", "json", ".")
        assert damaged.exit_code == 1
        assert ("ihr-0.1.0/tables/claims.csv", "checksum-mismatch") in {
            (f["path"], f["code"]) for f in json.loads(damaged.output)["findings"]}
        (Path("ihr-0.1.0") / "stray.txt").write_text("x")
        (Path("notes") ).mkdir()
        (Path("notes") / "mine.txt").write_text("x")
        extra = {(f["path"], f["code"]) for f in json.loads(run_cli("verify", "--format", "json", ".").output)["findings"]}
        assert {("ihr-0.1.0/stray.txt", "extra-file"), ("notes/mine.txt", "extra-file")} <= extra
