"""The contributor path: what a first-time contributor runs, and messages they can act on."""

from __future__ import annotations

import json

from conftest import ROOT, run_cli


def test_errors_only_hides_warnings_in_text_but_counts_them(valid_package):
    claims = valid_package / "tables" / "claims.csv"
    lines = claims.read_text().splitlines()
    lines[3] = lines[3].replace(",denies,", ",deny,")
    claims.write_text("\n".join(lines))  # an enum error on line 4; no final newline is a warning
    for flag in ("--errors-only", "-q"):
        result = run_cli("validate", flag, str(valid_package))
        assert result.exit_code == 1
        assert "tables/claims.csv:4: stance: enum:" in result.output
        assert " warning " not in result.output
        last = result.output.rstrip().splitlines()[-1]
        assert last.startswith("INVALID: 1 error(s), 1 warning(s) in ")
        assert last.endswith("(warnings not listed: --errors-only)")
    full = run_cli("validate", str(valid_package))
    assert "warning line-ending" in full.output
    as_json = json.loads(run_cli("validate", "-q", "--format", "json", str(valid_package)).output)
    assert {f["severity"] for f in as_json["findings"]} == {"error", "warning"}


def test_a_partial_date_pattern_finding_says_how_to_write_dates(valid_package):
    events = valid_package / "tables" / "events.csv"
    events.write_text(events.read_text().replace(",2023-10-07,,attack,", ",04/10/2024,,attack,", 1))
    result = run_cli("validate", "--format", "json", str(valid_package))
    assert result.exit_code == 1
    [finding] = [f for f in json.loads(result.output)["findings"] if f["code"] == "pattern"]
    assert finding["path"] == "tables/events.csv" and finding["column"] == "date_start"
    assert finding["message"].startswith('"04/10/2024": write dates as YYYY, YYYY-MM or YYYY-MM-DD')
    assert finding["hint"] == ("the day/month order of 04/10/2024 is ambiguous: write 2024-04-10 or 2024-10-04, "
                               "whichever the source means")
    text = run_cli("validate", "-q", str(valid_package)).output
    assert "write dates as YYYY, YYYY-MM or YYYY-MM-DD" in text and "is ambiguous" in text


def test_every_schema_pattern_has_a_description_used_in_messages_and_the_codebook(valid_package):
    from ihr.checks.descriptor import load_package

    package, _ = load_package(ROOT)
    with_pattern = [(t.name, f) for t in package.tables.values() for f in t.fields if f.pattern]
    assert with_pattern and all(f.pattern_description for _, f in with_pattern), \
        [(t, f.name) for t, f in with_pattern if not f.pattern_description]
    codebook = (ROOT / "docs" / "codebook.md").read_text()
    for _, f in with_pattern:
        if not f.partial_date:
            assert f"{f.pattern_description} (pattern `{f.pattern}`)".replace("|", "\\|") in codebook
    actors = valid_package / "tables" / "actors.csv"
    actors.write_text(actors.read_text().replace("\niran,Iran,state,", "\nIran_State,Iran,state,", 1))
    findings = json.loads(run_cli("validate", "--format", "json", str(valid_package)).output)["findings"]
    messages = [f["message"] for f in findings if f["code"] == "pattern" and f["path"] == "tables/actors.csv"]
    assert messages and messages[0].startswith('"Iran_State": an id: lowercase letters a-z and digits')


def test_contributing_has_a_ready_pre_commit_config_for_every_shipped_hook():
    import re

    import yaml

    shipped = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    text = (ROOT / "CONTRIBUTING.md").read_text()
    [snippet] = [m for m in re.findall(r"```yaml\n(.*?)```", text, re.S) if "repos:" in m]
    config = yaml.safe_load(snippet)
    [repo] = config["repos"]
    assert repo["repo"] == json.loads((ROOT / "datapackage.json").read_text())["homepage"]
    assert re.fullmatch(r"v\d+\.\d+\.\d+", repo["rev"])
    assert [h["id"] for h in repo["hooks"]] == [h["id"] for h in shipped]
    docs_hook = next(h for h in shipped if h["id"] == "ihr-docs")
    for generated_from in ("tables/claims.csv", "README.md", "docs/questions.md", "schemas/claims.schema.json"):
        assert re.search(docs_hook["files"], generated_from), generated_from
