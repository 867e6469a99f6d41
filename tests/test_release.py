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

from conftest import VALID, run_cli

STEM = "iran-hamas-relations-0.1.0"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.email=t@example.org", "-c", "user.name=t", *args], cwd=repo,
                          check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    repo = tmp_path_factory.mktemp("release") / "repo"
    shutil.copytree(VALID, repo)
    (repo / "CHANGELOG.md").write_text("# Changelog\n")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "first")
    return repo


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
    work = tmp_path / "work"
    shutil.copytree(repo, work)
    git(work, "tag", "v0.1.0")
    actors = work / "tables" / "actors.csv"
    actors.write_text(actors.read_text() + "zz-new,New actor,other,,,,,,A new row makes a minor change.\n")
    git(work, "commit", "-qam", "new row")
    refused = run_cli("release", str(work), "--out", str(tmp_path / "d1"))
    assert refused.exit_code == 1
    assert "need a minor bump" in refused.output
    descriptor = work / "datapackage.json"
    descriptor.write_text(descriptor.read_text().replace('"version": "0.1.0"', '"version": "0.2.0"'))
    git(work, "commit", "-qam", "0.2.0")
    accepted = run_cli("release", str(work), "--out", str(tmp_path / "d2"))
    assert accepted.exit_code == 0, accepted.output
    assert "need a minor bump" in accepted.output


def test_release_refuses_an_invalid_package(tmp_path):
    from conftest import build_package

    package = build_package(tmp_path, "foreign-key")
    result = run_cli("release", str(package), "--out", str(tmp_path / "dist"))
    assert result.exit_code == 1 and "release refused" in result.output
    assert not (tmp_path / "dist").exists() or not any((tmp_path / "dist").iterdir())
