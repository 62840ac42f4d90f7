"""Principle coverage: the rule, its reports, and the build failing on the same violations."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from macros.engine.framework import load_framework
from macros.engine.settings import Settings, parse_settings
from macros.engine.site import Site

ROOT = Path(__file__).resolve().parent.parent
FW = load_framework(ROOT / "principles" / "principles.yaml", "principles/principles.yaml")
ALL = '{{ principles("relationships", "mutuality", "experiential-knowledge", "leadership-choice-control", "strengths-connections") }}'


def scan(pages: dict[str, str], settings: Settings | None = None):
    site = Site.from_data(FW, settings)
    return site.scan({**site.principle_stubs(), **pages})  # with the principle pages a project commits


def section_ids(coverage):
    return [(s.src_uri, s.line, s.title, s.principles, s.exempt) for s in coverage.training_sections]


SECTION_CASES = [
    pytest.param("## A\n\n{{ principles(\"mutuality\") }}\n", ("mutuality",), None, id="macro"),
    pytest.param("## A\n\nSee {{ principle_link(\"relationships\") }}.\n", ("relationships",), None, id="principle_link"),
    pytest.param("## A\n\n{{ principle(\"strengths-connections\") }}\n", ("strengths-connections",), None, id="card"),
    pytest.param("## A\n\nRead [this](../principles/mutuality.md).\n", ("mutuality",), None, id="hand-link"),
    pytest.param("## A\n\nRead [this](../principles/mutuality.md#the-principle).\n", ("mutuality",), None, id="hand-anchor"),
    pytest.param("## A\n\nRead [this][m].\n\n[m]: ../principles/experiential-knowledge.md\n",
                 ("experiential-knowledge",), None, id="reference-link"),
    pytest.param('## A\n\n<a href="../principles/mutuality.md">x</a>\n', ("mutuality",), None, id="html-link"),
    pytest.param("## A\n\n!!! note\n    See [m](../principles/mutuality.md)\n", ("mutuality",), None, id="admonition"),
    pytest.param('## A\n\n??? facilitator "For facilitators"\n    {{ principles("mutuality") }}\n', ("mutuality",), None,
                 id="details"),
    pytest.param('## A\n\n=== "One"\n\n    Text.\n\n=== "Two"\n\n    {{ principle_link("mutuality") }}\n',
                 ("mutuality",), None, id="tabs"),
    pytest.param("## A\n\n### Sub\n\n{{ principles(\"mutuality\") }}\n", ("mutuality",), None, id="in-subsection"),
    pytest.param("## A\n\nNo links here.\n", (), None, id="unlinked"),
    pytest.param("## A\n\n`{{ principles(\"mutuality\") }}` in code\n", (), None, id="inline-code-not-a-link"),
    pytest.param("## A\n\n{{ no_principle(\"Welcome, timings and breaks\") }}\n", (), "Welcome, timings and breaks",
                 id="exempt"),
]


@pytest.mark.parametrize(("body", "principles", "exempt"), SECTION_CASES)
def test_section_is_linked(body, principles, exempt):
    coverage = scan({"training/x.md": "# X\n\nIntro.\n\n" + body})
    [section] = coverage.training_sections
    assert (section.line, section.title, section.principles, section.exempt) == (5, "A", principles, exempt)


def test_heading_in_fenced_code_is_not_a_heading_and_h3_only_is_no_section():
    page = "# X\n\n```markdown\n## Not a heading\n```\n\n### Only a subsection\n\nText.\n"
    assert scan({"training/x.md": page}).training_sections == []


def test_text_above_the_first_section_is_not_a_section_and_does_not_count():
    coverage = scan({"training/x.md": "# X\n\n{{ principles(\"mutuality\") }}\n\n## A\n\nText.\n"})
    assert section_ids(coverage) == [("training/x.md", 5, "A", (), None)]


def test_exempt_without_reason_is_an_error():
    coverage = scan({"training/x.md": "# X\n\n## A\n\n{{ no_principle(\"\") }}\n"})
    assert [d.format() for d in coverage.errors if d.path.startswith("docs/training")] == [(
        'docs/training/x.md:5: no_principle() needs a reason, for example '
        '{{ no_principle("Welcome, timings and breaks") }} [coverage.exempt-without-reason]')]


def test_heading_level_is_configurable():
    settings = parse_settings("training:\n  heading_level: 3\n", "principles/coverage.yaml")
    coverage = scan({"training/x.md": "# X\n\n## Part\n\n### A\n\nText\n\n### B\n\n" + ALL + "\n"}, settings)
    assert [(s.title, bool(s.principles)) for s in coverage.training_sections] == [("A", False), ("B", True)]


def test_training_globs_come_from_settings():
    settings = parse_settings('training:\n  include: ["course/**/*.md"]\n  exclude: ["course/index.md"]\n',
                              "principles/coverage.yaml")
    coverage = scan({"course/index.md": "## Intro\n", "course/a/b.md": "## S\n", "training/x.md": "## T\n"}, settings)
    assert [s.src_uri for s in coverage.training_sections] == ["course/a/b.md"]


def test_site_wide_rules_and_their_severity():
    pages = {"training/a.md": '# A\n\n## One\n\n{{ principles("mutuality") }}\n',
             "supervision/individual.md": "# I\n\n## R\n\n" + ALL + "\n",
             "supervision/team.md": '# T\n\n## R\n\n{{ prompts("team") }}\n',
             "supervision/organisational.md": '# O\n\n## R\n\n{{ principles("mutuality") }}\n'}
    coverage = scan(pages)
    codes = sorted((d.path, d.code) for d in coverage.errors)
    assert codes.count(("principles/principles.yaml", "coverage.principle-not-taught")) == 4
    assert codes.count(("docs/supervision/organisational.md", "coverage.supervision-missing-principle")) == 4
    assert not any(d.path == "docs/supervision/team.md" for d in coverage.errors)
    relaxed = parse_settings("rules:\n  coverage.principle-not-taught: warning\n"
                             "  coverage.supervision-missing-principle: 'off'\n"
                             "  coverage.supervision-missing-theme: 'off'\n", "principles/coverage.yaml")
    coverage = scan(pages, relaxed)
    assert coverage.errors == [] and len(coverage.warnings) == 4


SETTINGS_ERRORS = [
    ("rules:\n  coverage.unlinked-section: loud\n",
     "principles/coverage.yaml:2:30: rule coverage.unlinked-section must be one of error, warning, off (not \"loud\") [settings.invalid]"),
    ("trainin:\n  include: []\n",
     'principles/coverage.yaml:1:1: unknown section "trainin"; did you mean "training"? [settings.invalid]'),
    ("training:\n  heading_level: 9\n",
     "principles/coverage.yaml:2:18: training.heading_level must be a whole number from 1 to 6 (not 9) [settings.invalid]"),
]


@pytest.mark.parametrize(("text", "message"), SETTINGS_ERRORS)
def test_bad_settings(text, message):
    from macros.engine.diagnostics import ProblemsFound

    with pytest.raises(ProblemsFound) as caught:
        parse_settings(text, "principles/coverage.yaml")
    assert [d.format() for d in caught.value.diagnostics] == [message]


# -- the CLI and the build, end to end ---------------------------------------------------------------
MODULE = """\
# Module 3: Mutuality

Intro text above the first section.

## Welcome

{{ no_principle("Welcome, timings and breaks") }}

## Listening and sharing

Nothing links here yet.

```markdown
## Not a heading
```

### Pairs

Still nothing.

## Giving and receiving

!!! tip
    Read [about mutuality](../principles/mutuality.md#the-principle).
"""
OTHER = """\
# Module 1

## All of them

=== "Tab"

    """ + ALL.replace('"mutuality", ', "") + """
"""


@pytest.fixture
def coverage_site(make_site):
    # the "All of them" section links four principles on purpose; the chip-inflation warning is tested elsewhere
    return make_site({"docs/training/03-mutuality.md": MODULE, "docs/training/01-basics.md": OTHER}, taught=False,
                     settings="rules:\n  coverage.chip-inflation: 'off'\n")


EXPECTED_TEXT = """\
docs/training/03-mutuality.md:9: section "Listening and sharing" is not linked to any principle [coverage.unlinked-section]
Exempt sections (1):
  docs/training/03-mutuality.md:5: section "Welcome" is exempt: Welcome, timings and breaks
By principle:
  relationships: focus of no module; linked in 1 training section; supervision: individual, team, organisational; 0 handbook pages
  mutuality: focus of no module; linked in 1 training section; supervision: individual, team, organisational; 0 handbook pages
  experiential-knowledge: focus of no module; linked in 1 training section; supervision: individual, team, organisational; 0 handbook pages
  leadership-choice-control: focus of no module; linked in 1 training section; supervision: individual, team, organisational; 0 handbook pages
  strengths-connections: focus of no module; linked in 1 training section; supervision: individual, team, organisational; 0 handbook pages
  diversity (the theme): focus of no module; linked in 0 training sections; supervision: individual, team, organisational; 0 handbook pages
4 training sections in 2 pages: 2 linked, 1 exempt, 1 unlinked; 1 violation, 0 warnings.
"""


def test_cli_text_report_and_exit_code(coverage_site):
    result = coverage_site.check()
    assert (result.returncode, result.stdout, result.stderr) == (1, EXPECTED_TEXT, "")


def test_cli_json_report(coverage_site, tmp_path):
    out = tmp_path / "reports" / "coverage.json"
    result = coverage_site.check("--format", "json", "--output", str(out))
    assert result.returncode == 1
    assert result.stderr == ('docs/training/03-mutuality.md:9: section "Listening and sharing" is not linked to any '
                             'principle [coverage.unlinked-section]\n')
    data = json.loads(out.read_text())
    assert data["summary"] == {"sections": 4, "linked": 2, "exempt": 1, "unlinked": 1, "violations": 1}
    assert data["sections"] == [
        {"path": "docs/training/01-basics.md", "line": 3, "title": "All of them", "page": "Module 1",
         "principles": ["relationships", "experiential-knowledge", "leadership-choice-control", "strengths-connections"],
         "exempt": None, "kind": "session", "minutes": None},
        {"path": "docs/training/03-mutuality.md", "line": 5, "title": "Welcome", "page": "Module 3: Mutuality",
         "principles": [], "exempt": "Welcome, timings and breaks", "kind": "session", "minutes": None},
        {"path": "docs/training/03-mutuality.md", "line": 9, "title": "Listening and sharing", "page": "Module 3: Mutuality",
         "principles": [], "exempt": None, "kind": "session", "minutes": None},
        {"path": "docs/training/03-mutuality.md", "line": 21, "title": "Giving and receiving", "page": "Module 3: Mutuality",
         "principles": ["mutuality"], "exempt": None, "kind": "session", "minutes": None},
    ]
    assert data["principles"]["mutuality"]["training"] == [
        {"path": "docs/training/03-mutuality.md", "line": 21, "title": "Giving and receiving"}]
    assert data["principles"]["mutuality"]["supervision"]["team"] == [
        {"path": "docs/supervision/team.md", "line": 3, "title": "Reflection"}]
    assert data["violations"] == [{"path": "docs/training/03-mutuality.md", "line": 9, "code": "coverage.unlinked-section",
                                   "message": 'section "Listening and sharing" is not linked to any principle'}]
    again = coverage_site.check("--format", "json")
    assert again.stdout == out.read_text()  # deterministic


def test_cli_github_report(coverage_site):
    result = coverage_site.check("--format", "github")
    assert result.returncode == 1
    reach = [line for line in EXPECTED_TEXT.splitlines() if line.startswith("  ") and "focus of" in line]
    assert result.stdout.splitlines() == [
        '::error file=docs/training/03-mutuality.md,line=9::section "Listening and sharing" is not linked to any '
        "principle [coverage.unlinked-section]",
        "::notice file=docs/training/03-mutuality.md,line=5::section 'Welcome' is exempt: Welcome, timings and breaks",
        *[f"::notice file=principles/principles.yaml,line={p.line}::{line.strip()}" for p, line in zip(FW.linkable, reach)],
        "4 training sections in 2 pages: 2 linked, 1 exempt, 1 unlinked; 1 violation, 0 warnings.",
    ]


def test_cli_junit_report(coverage_site):
    result = coverage_site.check("--format", "junit")
    assert result.returncode == 1
    suite = ET.fromstring(result.stdout).find("testsuite")
    cases = suite.findall("testcase")
    assert suite.get("tests") == str(len(cases)) == str(4 + 5 + 5 * 3 + 6)  # sections, rules, reach of each principle
    assert suite.get("failures") == "1"
    failed = [c for c in cases if c.find("failure") is not None]
    assert [(c.get("classname"), c.get("name")) for c in failed] == [
        ("docs/training/03-mutuality.md", "line 9: Listening and sharing")]
    exempt = next(c for c in cases if c.get("name") == "line 5: Welcome")
    assert exempt.find("system-out").text == "exempt: Welcome, timings and breaks"
    names = {c.get("name") for c in cases}
    assert "mutuality is taught" in names and "mutuality in the organisational guide" in names


def test_build_fails_on_the_same_violations_and_passes_once_linked(coverage_site):
    failed = coverage_site.build()
    assert failed.returncode == 1
    lines = [l.split("-  ", 1)[1] for l in failed.stderr.splitlines() if l.startswith("ERROR") and "[" in l]
    assert lines == ['docs/training/03-mutuality.md:9: section "Listening and sharing" is not linked to any principle '
                     "[coverage.unlinked-section]"]
    page = coverage_site.root / "docs/training/03-mutuality.md"
    page.write_text(page.read_text().replace("Nothing links here yet.", '{{ principles("mutuality") }}'))
    assert coverage_site.check().returncode == 0
    passed = coverage_site.build()
    assert passed.returncode == 0, passed.stderr
    html = coverage_site.html("principles/mutuality/index.html")
    taught = html.split('id="taught-in"')[1].split("<h2")[0]
    assert '<a href="../../training/03-mutuality/#listening-and-sharing">Module 3: Mutuality: Listening and sharing</a>' in taught
    assert "#giving-and-receiving" in taught


def test_build_lists_every_violation(make_site):
    site = make_site({"docs/training/a.md": "# A\n\n## One\n\nx\n\n## Two\n\ny\n",
                      "docs/training/b.md": "# B\n\n## Three\n\n{{ principles(\"mutuality\") }}\n"}, taught=False)
    result = site.build()
    warnings = [l.split("-  ", 1)[1] for l in result.stderr.splitlines() if l.startswith("ERROR") and "[" in l]
    assert warnings[:2] == [
        'docs/training/a.md:3: section "One" is not linked to any principle [coverage.unlinked-section]',
        'docs/training/a.md:7: section "Two" is not linked to any principle [coverage.unlinked-section]']
    assert sum("[coverage.principle-not-taught]" in w for w in warnings) == 4
    assert site.check().returncode == 1


def test_input_errors_exit_2(make_site, tmp_path):
    site = make_site({}, settings="rules:\n  coverage.unlinked-section: loud\n")
    result = site.check()
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "[settings.invalid]" in result.stderr
    bad = site.root / "docs" / "training" / "bad.md"
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_bytes(b"## \xff\xfe broken\n")
    site.write("principles/coverage.yaml", "")
    result = site.check()
    assert result.returncode == 2
    assert result.stderr.startswith("docs/training/bad.md:1: cannot read this page (")
    assert result.stderr.rstrip().endswith("[source.unreadable]\n1 problem found.".rstrip())


def test_coverage_page_matrix_and_exemptions(coverage_site):
    page = coverage_site.root / "docs/training/03-mutuality.md"
    page.write_text(page.read_text().replace("Nothing links here yet.", '{{ principles("mutuality") }}'))
    coverage_site.write("docs/coverage.md", "# Coverage\n\n{{ coverage_matrix() }}\n\n## Exempt\n\n{{ coverage_exemptions() }}\n")
    result = coverage_site.build()
    assert result.returncode == 0, result.stderr
    html = coverage_site.html("coverage/index.html")
    row = re.search(r'(?s)<tr>\s*<td><a href="../principles/mutuality/">2\. Mutuality and reciprocity</a></td>(.*?)</tr>', html)
    assert re.findall(r'class="heat heat-\d">(\d+)<', row.group(1)) == ["0", "2"]
    assert "Welcome, timings and breaks" in html


def test_the_json_report_matches_its_documented_schema(coverage_site):
    import jsonschema

    from macros.engine.coverage.reports import REPORT_SCHEMA

    schema = json.loads((ROOT / REPORT_SCHEMA).read_text(encoding="utf-8"))
    real = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_coverage.py"), "--format", "json"],
                          cwd=ROOT, capture_output=True, text=True)
    for report in (json.loads(coverage_site.check("--format", "json").stdout), json.loads(real.stdout)):
        jsonschema.validate(report, schema)
    broken = json.loads(real.stdout)
    broken["sections"][0]["kind"] = "lunch"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


# -- teaching rules: focus, the theme, chips, objectives, breaks (issues 14 and 16) -------------------------
TEACHING_MODULE = """\
---
title: Rules fixture
module: 7
duration: 140
focus: [mutuality]
objectives:
  - Describe a peer relationship
  - Understand why it matters
---

# Module 7: Rules fixture

## One

{{ principles("mutuality") }}

{{ duration(70) }}

## Two

{{ principles("relationships", "experiential-knowledge", "leadership-choice-control", "strengths-connections") }}

{{ duration(70) }}
"""


def test_each_teaching_rule_fires_at_its_line():
    coverage = scan({"training/07-rules.md": TEACHING_MODULE})
    found = {(d.code, d.line): d.message for d in coverage.diagnostics if d.path == "docs/training/07-rules.md"}
    assert found[("coverage.theme-not-addressed", 3)].startswith('module 7 has no section that links the theme "diversity"')
    assert found[("modules.focus-too-thin", 3)] == (
        'module 7 focuses on "mutuality" (Mutuality and reciprocity) but links it in 1 section; a focus is linked '
        "in at least 2 sections")
    assert found[("coverage.chip-inflation", 19)] == (
        'section "Two" links 4 principles; keep the one to 3 it really works with')
    assert found[("modules.vague-objective", 8)].startswith(
        'objective "Understand why it matters" starts with "understand", which nobody can observe')
    assert found[("modules.no-break", 3)] == (
        'module 7 lasts 140 minutes with no break; add a section "## Break" with {{ duration(15, kind="break") }}')
    assert ("modules.vague-objective", 7) not in found
    assert [d.code for d in coverage.warnings if d.path == "docs/training/07-rules.md"] == ["coverage.chip-inflation"]


def test_a_break_is_timed_exempt_and_counts_toward_the_length():
    page = TEACHING_MODULE.replace("## Two", '## Break\n\n{{ duration(15, kind="break") }}\n\n## Two').replace(
        "duration: 140", "duration: 155")
    coverage = scan({"training/07-rules.md": page})
    module = coverage.modules[0]
    assert [(s.title, s.kind, s.minutes, s.exempt) for s in module.sections] == [
        ("One", "session", 70, None), ("Break", "break", 15, "Break"), ("Two", "session", 70, None)]
    codes = {d.code for d in coverage.diagnostics if d.path == "docs/training/07-rules.md"}
    assert "modules.no-break" not in codes and "modules.duration-mismatch" not in codes
    assert "coverage.unlinked-section" not in codes


def test_objective_verbs_are_data():
    settings = parse_settings("objectives:\n  verbs: [understand]\n", "principles/coverage.yaml")
    coverage = scan({"training/07-rules.md": TEACHING_MODULE}, settings)
    lines = [d.line for d in coverage.diagnostics if d.code == "modules.vague-objective"]
    assert lines == [7]  # now "Describe" is the vague one
