"""The finding catalogue: every code once, with severity, layer, meaning and fix; shown by
`ihr validate --list-rules` and the codebook. Emitted codes are checked against it wherever the
suite validates (broken fixtures, hostile cases, the real data: conftest.assert_catalogued)."""

from __future__ import annotations

import re

from conftest import ROOT, run_cli
from ihr.catalogue import catalogue
from ihr.checks.semantic import RULES

SOURCE = ROOT / "src" / "ihr"
# A finding's code as the source writes it: Finding(path, line, column, "code", "severity", ...) or
# _finding(ctx, table, line, column, "code", "severity", ...).
CODE_LITERAL = re.compile(r'"([a-z]+(?:-[a-z]+)*)",\s*"(error|warning)"')
# ihr/read/findings.py: _file_finding(table, line, "code", message[, severity=...]) (an error unless it says otherwise)
FILE_FINDING = re.compile(r'_file_finding\(table, [^,]+, "([a-z]+(?:-[a-z]+)*)",[^\n]*?(?:severity="(warning)")?\)$', re.M)


def test_every_code_written_in_the_source_is_catalogued():
    codes = catalogue()
    written = {(m[1], m[2], str(p.relative_to(ROOT))) for p in SOURCE.rglob("*.py") if p.name not in ("catalogue.py", "findings.py")
               for m in CODE_LITERAL.finditer(p.read_text(encoding="utf-8"))}
    written |= {(m[1], m[2] or "error", "src/ihr/read/findings.py")
                for m in FILE_FINDING.finditer((SOURCE / "read" / "findings.py").read_text(encoding="utf-8"))}
    assert len(written) > 40  # the pattern still finds the codes
    registered_only = {r.code for r in RULES if r.emits}  # a rule's name when it reports other codes
    missing = sorted((code, where) for code, _, where in written if code not in codes and code not in registered_only)
    assert not missing, f"codes written in the source but not catalogued: {missing}"
    wrong = sorted((code, severity, where) for code, severity, where in written if code in codes and severity not in codes[code].severity)
    assert not wrong, f"severity differs from the catalogue: {wrong}"


def test_every_entry_says_what_it_means_and_how_to_fix_it():
    for code, info in catalogue().items():
        assert info.description and info.fix, code
        assert info.layer in {"descriptor", "file", "rows", "pandera", "semantic"}, code


def test_every_rule_is_in_the_catalogue_or_names_the_codes_it_emits():
    codes = catalogue()
    for r in RULES:
        assert r.fix, r.code
        assert all(c in codes for c in (r.emits or (r.code,))), r.code


def test_list_rules_prints_every_code_without_reading_a_package(tmp_path):
    result = run_cli("validate", "--list-rules", str(tmp_path))  # no package there: not read
    assert result.exit_code == 0, result.output
    listed = {line.split()[0] for line in result.output.splitlines() if line and not line.startswith(" ") and "[" in line}
    assert listed == set(catalogue())


def test_the_codebook_lists_every_code():
    codebook = (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8")
    for code in catalogue():
        assert f"| `{code}` |" in codebook, code


def test_real_data_findings_are_catalogued():
    import json

    from conftest import assert_catalogued

    result = run_cli("validate", "--format", "json", str(ROOT))
    assert_catalogued(json.loads(result.output)["findings"])
