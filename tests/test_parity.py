"""The official tool must agree: whatever row or cell frictionless flags, ihr flags too. The check
runs on every broken fixture inside tests/test_validate_fixtures.py::test_broken_fixture (one ihr
validation per fixture serves both); here, the guards that keep that check meaningful."""

from __future__ import annotations

from conftest import ROOT, build_package, frictionless_row_findings


def test_parity_fixtures_exercise_frictionless(tmp_path):
    """Guard against a parity test that passes because frictionless found nothing anywhere."""
    total = 0
    for name in ("foreign-key", "primary-key", "enum", "extra-cell", "type-number", "required"):
        total += len(frictionless_row_findings(build_package(tmp_path / name, name) / "datapackage.json"))
    assert total >= 6


def test_frictionless_accepts_the_real_package():
    import frictionless

    report = frictionless.validate(str(ROOT / "datapackage.json"), limit_errors=0)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:20]
