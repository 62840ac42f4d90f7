"""check_coverage.py --compare BASE: what a change does to coverage, on real revisions of the handbook.

A copy of the real project is made into a git repository with three commits: the handbook as it is, then
module 3's "Listening and sharing" section drops its experiential-knowledge chip, then module 1's focus
moves from [relationships, experiential-knowledge] to [relationships]. The comparisons run the real CLI.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from macros.cli import coverage as cli
from macros.engine.coverage.compare import COMPARE_SCHEMA, compare_reports

ROOT = Path(__file__).resolve().parent.parent
MODULE_1 = "docs/training/01-what-peer-support-is.md"
MODULE_3 = "docs/training/03-mutuality-and-reciprocity.md"
LISTENING_CHIP = '{{ principles("mutuality", "experiential-knowledge") }}'


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=Test", "-c", "user.email=test@example.org",
                           "-c", "commit.gpgsign=false", *args], check=True, capture_output=True, text=True).stdout


def edit(repo: Path, page: str, old: str, new: str) -> None:
    path = repo / page
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{page} no longer holds {old!r} once: update this test's edit"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    """A git repository of the real handbook with tags base -> dropped-link -> moved-focus (HEAD)."""
    repo = tmp_path_factory.mktemp("history")
    for part in ("docs", "principles", "overrides", "local"):
        shutil.copytree(ROOT / part, repo / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "mkdocs.yml", repo / "mkdocs.yml")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "the handbook as it is")
    git(repo, "tag", "base")
    edit(repo, MODULE_3, LISTENING_CHIP, '{{ principles("mutuality") }}')
    git(repo, "commit", "-q", "-am", "module 3: Listening and sharing drops its experiential-knowledge link")
    git(repo, "tag", "dropped-link")
    edit(repo, MODULE_1, "focus: [relationships, experiential-knowledge]", "focus: [relationships]")
    git(repo, "commit", "-q", "-am", "module 1: focus on relationships only")
    git(repo, "tag", "moved-focus")
    return repo


def run(repo: Path, *args: str, capsys) -> tuple[int, str, str]:
    code = cli.main(["--root", str(repo), *args])
    out, err = capsys.readouterr()
    return code, out, err


def compare_json(repo: Path, base: str, capsys, *extra: str) -> tuple[int, dict]:
    code, out, err = run(repo, "--compare", base, "--format", "json", *extra, capsys=capsys)
    assert err == "" or code != 0, err
    return code, json.loads(out)


def test_a_dropped_link_shows_the_section_and_the_principles_reach(history, capsys):
    # the working tree holds both changes; against dropped-link only the focus move is new
    code, both = compare_json(history, "base", capsys)
    assert code == 0  # reach fell, every rule still holds: the gate passes
    [section] = both["sections"]
    assert section == {"path": MODULE_3, "title": "Listening and sharing", "line": section["line"],
                       "status": "changed", "lost": ["experiential-knowledge"], "gained": []}
    [reach] = [r for r in both["reach"] if r["id"] == "experiential-knowledge"]
    assert reach["before"]["sections"] - reach["after"]["sections"] == 1
    assert reach["before"]["modules"] - reach["after"]["modules"] == 1
    assert reach["fell"] == ["modules", "sections"] and reach["rose"] == []
    assert both["summary"]["reach_fell"] == ["experiential-knowledge"]
    assert both["rules"] == {"broken": [], "fixed": []}
    assert both["exemptions"] == {"added": [], "removed": []}


def test_a_moved_focus_shows_the_module_and_nothing_else(history, capsys):
    code, moved = compare_json(history, "dropped-link", capsys)
    assert code == 0
    assert moved["sections"] == []
    assert moved["modules"] == [{"path": MODULE_1, "number": 1, "title": "What peer support is and why values matter",
                                 "status": "changed", "before": ["relationships", "experiential-knowledge"],
                                 "after": ["relationships"]}]
    [reach] = moved["reach"]
    assert (reach["id"], reach["fell"], reach["before"]["modules"] - reach["after"]["modules"]) == \
        ("experiential-knowledge", ["modules"], 1)


def test_the_same_revision_shows_no_change(history, capsys):
    code, out, err = run(history, "--compare", "moved-focus", capsys=capsys)
    assert (code, err) == (0, "")
    assert out == ("Compared with moved-focus: 0 sections changed links, 0 module focus changes, no reach fell; "
                   "exemptions +0 -0; rules newly broken 0, fixed 0.\n")


def test_text_report_names_each_change(history, capsys):
    code, out, _ = run(history, "--compare", "base", capsys=capsys)
    assert code == 0
    lines = out.splitlines()
    listening = next(line for line in lines if "Listening and sharing" in line)
    assert listening.startswith(f"  {MODULE_3}:") and listening.endswith(
        ': section "Listening and sharing": lost experiential-knowledge')
    assert (f'  {MODULE_1}: module 1 "What peer support is and why values matter" focus '
            "[relationships, experiential-knowledge] -> [relationships]") in lines
    fell = lines[lines.index("Reach fell (1):") + 1]
    assert fell.startswith("  experiential-knowledge: modules with it as focus ") and "; training sections " in fell
    assert lines[-1] == ("Compared with base: 1 section changed links, 1 module focus change, reach fell for "
                         "experiential-knowledge; exemptions +0 -0; rules newly broken 0, fixed 0.")


def test_markdown_for_the_job_summary(history, capsys):
    code, out, _ = run(history, "--compare", "base", "--format", "markdown", capsys=capsys)
    assert code == 0
    assert out.startswith("## Principle coverage compared with base\n\nThe coverage gate passes.")
    assert "| experiential-knowledge | " in out and "(fell)" in out
    assert "| Listening and sharing | docs/training/03-mutuality-and-reciprocity.md:" in out
    assert "| 1. What peer support is and why values matter | relationships, experiential-knowledge | relationships |" in out
    assert "<" not in out.replace("&lt;", "")


def test_fail_on_reach_drop_makes_a_fall_fail(history, capsys):
    code, _, err = run(history, "--compare", "base", "--fail-on-reach-drop", capsys=capsys)
    assert code == 1
    assert err == "error: reach fell since base for experiential-knowledge (--fail-on-reach-drop)\n"
    code, _, err = run(history, "--compare", "moved-focus", "--fail-on-reach-drop", capsys=capsys)
    assert (code, err) == (0, "")


def test_json_comparison_matches_its_documented_schema(history, capsys):
    schema = json.loads((ROOT / COMPARE_SCHEMA).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    _, comparison = compare_json(history, "base", capsys)
    jsonschema.validate(comparison, schema)
    assert comparison["base"] == "base"
    broken = {**comparison, "reach": [{**comparison["reach"][0], "fell": ["pages"]}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


@pytest.fixture
def working_copy(history, tmp_path) -> Path:
    """A copy of the history's working tree (no git), with a saved JSON report of it as it is."""
    copy = tmp_path / "copy"
    shutil.copytree(history, copy, ignore=shutil.ignore_patterns(".git"))
    assert cli.main(["--root", str(copy), "--format", "json", "--output", str(tmp_path / "before.json")]) == 0
    return copy


def test_a_saved_report_as_base_with_new_exemption_and_broken_rule(working_copy, tmp_path, capsys):
    capsys.readouterr()
    # Power and difference gives up its chips for an exemption; module 3 then focuses on a principle it links once
    edit(working_copy, MODULE_3, '{{ principles("mutuality", "leadership-choice-control", "diversity") }}',
         '{{ no_principle("a test: this section is housekeeping now") }}')
    edit(working_copy, MODULE_3, "focus: [mutuality]", "focus: [mutuality, relationships]")
    code, out, err = run(working_copy, "--compare", str(tmp_path / "before.json"), "--format", "json", capsys=capsys)
    assert code == 1  # the gate's own exit code: the change breaks rules
    comparison = json.loads(out)
    assert comparison["exemptions"]["added"] == [{"path": MODULE_3, "title": "Power and difference",
                                                  "line": comparison["exemptions"]["added"][0]["line"],
                                                  "reason": "a test: this section is housekeeping now"}]
    assert comparison["exemptions"]["removed"] == []
    broken = {(d["code"], d["severity"]) for d in comparison["rules"]["broken"]}
    assert ("modules.focus-too-thin", "error") in broken
    assert ("coverage.theme-not-addressed", "error") in broken
    assert all(d["path"] == MODULE_3 for d in comparison["rules"]["broken"])
    assert "[modules.focus-too-thin]" in err  # the gate's problems on standard error, as with --output

    # and back: the saved report of the broken tree as base, the original as head: fixed, exemption removed
    broken_report = tmp_path / "broken.json"
    assert cli.main(["--root", str(working_copy), "--format", "json", "--output", str(broken_report)]) == 1
    capsys.readouterr()
    original = json.loads((tmp_path / "before.json").read_text(encoding="utf-8"))
    reverse = compare_reports(json.loads(broken_report.read_text(encoding="utf-8")), original)
    assert {d["code"] for d in reverse["rules"]["fixed"]} == {d["code"] for d in comparison["rules"]["broken"]}
    assert [e["title"] for e in reverse["exemptions"]["removed"]] == ["Power and difference"]


@pytest.mark.parametrize(("content", "message"), [
    ("not json", "not-a-report.json: cannot read the base report (Expecting value: line 1 column 1 (char 0)); "
                 "write one with `check_coverage.py --format json --output PATH`"),
    ('{"summary": {}}', "not-a-report.json: not a coverage report (the top level: 'modules' is a required property); "
                        "write one with `check_coverage.py --format json --output PATH`"),
])
def test_a_bad_base_report_is_an_input_error(working_copy, tmp_path, capsys, content, message):
    capsys.readouterr()
    bad = tmp_path / "not-a-report.json"
    bad.write_text(content, encoding="utf-8")
    code, out, err = run(working_copy, "--compare", str(bad), capsys=capsys)
    assert (code, out) == (2, "")
    assert err == f"error: {str(bad.parent)}/{message}\n"


def test_an_unknown_revision_is_an_input_error(history, capsys):
    code, out, err = run(history, "--compare", "no-such-branch", capsys=capsys)
    assert (code, out) == (2, "")
    assert err.startswith("error: no-such-branch: neither a report file nor a git revision of ")


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "markdown"], "--format markdown needs --compare BASE"),
    (["--compare", "HEAD", "--format", "junit"], "--format junit cannot be used with --compare; choose text, json or markdown"),
    (["--fail-on-reach-drop"], "--fail-on-reach-drop needs --compare BASE"),
])
def test_option_mistakes_exit_2(args, message, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--root", str(ROOT), *args])
    assert stop.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"check_coverage.py: error: {message}"


def test_the_readme_shows_the_workflow_step_as_it_is():
    import textwrap

    import yaml

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split("### What a pull request changes in coverage", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "handbook.yml").read_text(encoding="utf-8"))
    job = workflow["jobs"]["coverage-changes"]
    assert job["if"] == "github.event_name == 'pull_request'"
    assert yaml.safe_load(textwrap.dedent(shown)) == job["steps"]
    assert '--compare "origin/$BASE_REF" --format markdown >> "$GITHUB_STEP_SUMMARY"' in job["steps"][-1]["run"]
