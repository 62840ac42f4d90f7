"""The coverage gate cannot be switched off, fooled or crashed (issue 11).

Each test here failed on the code before the fix: the build and the CLI are run end to end, as a
programme lead or a trainer would run them.
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import MINIMAL_MKDOCS

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK = (ROOT / "principles" / "principles.yaml").read_text(encoding="utf-8")
UNLINKED = "# Module\n\n## Linked\n\n{{ principles(\"mutuality\") }}\n\n## Drifted away\n\nNothing links here.\n"


def lines_of(output: str) -> list[str]:
    """The diagnostics in a command's output (lines ending in a [code])."""
    import re

    return [line.split("-  ", 1)[-1] for line in output.splitlines() if re.search(r"\[[a-z]+\.[a-z-]+\]$", line)]


# -- switched off ------------------------------------------------------------------------------------
@pytest.mark.parametrize("flags", [("-q",), ("-q", "--strict"), ("--no-strict",)], ids=" ".join)
def test_quiet_or_non_strict_builds_still_fail_on_an_unlinked_section(make_site, flags):
    site = make_site({"docs/training/a.md": UNLINKED})
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", *flags, "-d", str(site.root / "site")],
                            cwd=site.root, capture_output=True, text=True)
    assert result.returncode == 1
    assert ('docs/training/a.md:7: section "Drifted away" is not linked to any principle '
            "[coverage.unlinked-section]") in result.stderr
    assert not (site.root / "site" / "index.html").exists(), "nothing is published"


def test_quiet_build_fails_on_an_unknown_principle_id(make_site):
    site = make_site({"docs/guide.md": '# Guide\n\nSee {{ principle_link("mutualty") }}.\n'})
    result = site.build("-q")
    assert result.returncode == 1
    assert 'docs/guide.md:3: unknown principle id "mutualty" in principle_link(); did you mean "mutuality"?' in result.stderr


def test_a_second_plugins_key_without_macros_is_refused_by_the_build_and_the_cli(make_site):
    mkdocs = MINIMAL_MKDOCS + "plugins:\n  - search\n"
    site = make_site({"docs/guide.md": '# Guide\n\n{{ principles("mutuality") }}\n'}, mkdocs=mkdocs)
    line = mkdocs.splitlines().index("plugins:", mkdocs.splitlines().index("plugins:") + 1) + 1
    for result in (site.build(), site.check()):
        assert result.returncode != 0
        out = result.stdout + result.stderr
        assert f'mkdocs.yml:{line}: duplicate key "plugins"' in out
        assert "the macros plugin is not active" in out
        assert "Traceback" not in out
    assert not (site.root / "site" / "guide" / "index.html").exists()


def test_a_missing_hooks_entry_gives_one_clear_message(make_site):
    mkdocs = MINIMAL_MKDOCS.replace("hooks:\n  - overrides/.hooks/principles.py\n", "")
    site = make_site({}, mkdocs=mkdocs)
    result = site.build()
    assert result.returncode == 1
    problems = lines_of(result.stderr)
    assert problems == ["mkdocs.yml:1: the principles hook is not listed, so MkDocs would not check coverage or make "
                        "the principle pages; add 'hooks: [overrides/.hooks/principles.py]' [site.machinery-missing]"]


def test_a_page_whose_macros_did_not_run_is_refused(make_site):
    page = "---\nrender_macros: false\n---\n\n# Raw\n\n{{ principles(\"mutuality\") }}\n\n```\n{{ in code is fine }}\n```\n"
    site = make_site({"docs/raw.md": page})
    result = site.build("-q")
    assert result.returncode == 1
    assert 'docs/raw.md:1: the built page still shows "{{ principles("mutuality") }}"' in result.stderr
    # issue 22, defect 8: the pages are written by then, so the message must not say that nothing is published
    assert "nothing is published" not in result.stderr
    assert "were written but are not fit to publish" in result.stderr


# -- fooled: the check follows what readers see ---------------------------------------------------------------
FOOLED = {
    "html comment": "## Welcome back\n\n<!-- [hidden](../principles/mutuality.md) -->\n",
    "macro in an html comment": '## Welcome back\n\n<!-- {{ principles("mutuality") }} -->\n',
    "jinja comment": "## Welcome back\n\n{# [hidden](../principles/mutuality.md) #}\n",
    "false condition": "## Welcome back\n\n{% if false %}[hidden](../principles/mutuality.md){% endif %}\n",
}


@pytest.mark.parametrize("body", FOOLED.values(), ids=FOOLED)
def test_links_readers_cannot_see_do_not_count(make_site, body):
    site = make_site({"docs/training/a.md": "# A\n\n" + body})
    result = site.check()
    assert result.returncode == 1
    assert 'docs/training/a.md:3: section "Welcome back" is not linked to any principle' in result.stdout
    built = site.build()
    assert built.returncode == 1 and 'section "Welcome back" is not linked' in built.stderr


HIDDEN_SECTIONS = {
    "setext": ("Hidden section\n--------------\n\nNothing.\n", "Hidden section", 7),
    "no space": ("##Hidden section\n\nNothing.\n", "Hidden section", 7),
    "in a quote": ("> ## Quoted section\n>\n> Nothing.\n", "Quoted section", 7),
    "in an admonition": ('!!! note "Note"\n\n    ## Boxed section\n\n    Nothing.\n', "Boxed section", 9),
}


@pytest.mark.parametrize(("body", "title", "line"), HIDDEN_SECTIONS.values(), ids=HIDDEN_SECTIONS)
def test_every_heading_that_renders_as_h2_is_a_section(make_site, body, title, line):
    page = '# A\n\n## Linked\n\n{{ principles("mutuality") }}\n\n' + body
    site = make_site({"docs/training/a.md": page})
    result = site.check()
    assert result.returncode == 1
    assert f'docs/training/a.md:{line}: section "{title}" is not linked to any principle' in result.stdout


def test_a_commented_out_heading_is_not_a_section(make_site):
    page = '# A\n\n## Linked\n\n{{ principles("mutuality") }}\n\n<!--\n## Old section\n\nOld text.\n-->\n'
    site = make_site({"docs/training/a.md": page})
    assert site.check().returncode == 0
    assert site.build().returncode == 0


@pytest.mark.parametrize("where", ["docs/templates/note.md", "docs/drafts/note.md"])
def test_the_cli_and_the_build_agree_on_which_pages_exist(make_site, where):
    mkdocs = MINIMAL_MKDOCS + "exclude_docs: |\n  /drafts/\n"
    site = make_site({where: '# Note\n\n{{ principle_link("mutualty") }}\n'}, mkdocs=mkdocs)
    assert site.check().returncode == 0
    assert site.build().returncode == 0


@pytest.mark.parametrize("severity", ["warning", "off"])
def test_settings_mean_the_same_in_the_cli_and_the_build(make_site, severity):
    page = '# A\n\n## Welcome\n\n{{ no_principle("") }}\n\n## Work\n\n{{ principles("mutuality") }}\n'
    site = make_site({"docs/training/a.md": page}, settings=f"rules:\n  coverage.exempt-without-reason: {severity}\n")
    assert site.check().returncode == 0
    assert site.build().returncode == 0, site.build().stderr


def test_raw_blocks_and_indented_code_stay_literal(make_site):
    page = ("# Code\n\n{% raw %}{{ principles(\"nope\") }}{% endraw %}\n\nIndented:\n\n    {{ 7*7 }}\n"
            "    {{ principle_link(\"nope\") }}\n\nAfter.\n")
    site = make_site({"docs/code.md": page})
    result = site.build()
    assert result.returncode == 0, result.stderr
    html = site.html("code/index.html")
    assert '&#123;&#123; principles("nope") &#125;&#125;' in html  # the browser shows {{ principles("nope") }}
    assert "{{ 7*7 }}" in html and ">49<" not in html


# -- crashed or misled ----------------------------------------------------------------------------------
def test_a_hostile_principle_title_is_escaped_everywhere(make_site):
    hostile = FRAMEWORK.replace("title: Mutuality and reciprocity",
                                "title: 'Safe <img src=x onerror=alert(1)> trust \\ back'")
    site = make_site({"docs/training/a.md": '# A\n\n## S\n\n{{ principles("mutuality") }}\n'}, framework=hostile)
    result = site.build()
    assert result.returncode == 0, result.stderr
    for page in ("training/a/index.html", "principles/mutuality/index.html", "index.html"):
        html = site.html(page)
        assert "<img src=x" not in html, page
    page = site.html("principles/mutuality/index.html")
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    index = json.loads((site.root / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert not any("<img src=x" in doc["title"] for doc in index["docs"])


BOMB = ('a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n'
        'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n'
        'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n'
        'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n'
        'i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n')


def test_an_alias_bomb_is_refused_not_expanded(make_site):
    site = make_site({"docs/training/bomb.md": "---\n" + BOMB + "---\n\n# Bomb\n\n## S\n\n{{ principles(\"mutuality\") }}\n"},
                     framework=FRAMEWORK + "\n" + BOMB.replace("a: &a", "zz: &a").replace("\nb:", "\nyy:"))
    for result in (subprocess.run([sys.executable, str(ROOT / "scripts" / "check_coverage.py"), "--root", str(site.root)],
                                  capture_output=True, text=True, timeout=60), site.build()):
        out = result.stdout + result.stderr
        assert result.returncode != 0 and "Traceback" not in out and "MemoryError" not in out
        assert 'anchor "&a" is not allowed' in out
        # issue 22, defect 11: one message per file, not one per anchor and alias (81 lines for one mistake)
        files = [line.split("  -  ")[-1].split(":")[0] for line in out.splitlines() if line.endswith("[yaml.anchor]")]
        assert files and len(files) == len(set(files)), out


@pytest.mark.parametrize("front", ["- module: 3\n- title: A list\n", "modul: 3\ntitle: Typo\nduration: 60\n"],
                         ids=["list", "typo"])
def test_a_page_that_looks_like_a_module_but_is_not_one_is_an_error(make_site, front):
    site = make_site({"docs/training/m.md": f"---\n{front}---\n\n# M\n\n## S\n\n{{{{ principles(\"mutuality\") }}}}\n"})
    result = site.check()
    assert result.returncode == 1
    assert "docs/training/m.md:2:" in result.stdout and "[modules.bad-front-matter]" in result.stdout


@pytest.mark.parametrize(("entry", "href"), [
    ('{name: Emergency, number: "999"}', 'href="tel:999"'),
    ('{name: NHS 111, number: "111", display: "111, option 2"}', 'href="tel:111">111, option 2</a>'),
    ('{name: Samaritans, number: "116 123", description: "Free, 24/7."}', 'href="tel:116123">116 123</a>'),
    ('{name: Shout, number: "85258", sms: true}', 'href="sms:85258"'),
    ('{name: Mind infoline, number: "0300 123 3393"}', 'href="tel:03001233393"'),
    ('{name: From abroad, number: "+44 20 7946 0000"}', 'href="tel:+442079460000"'),
], ids=["999", "111", "samaritans", "shout", "mind", "international"])
def test_help_lines_dial_the_number_and_show_the_label(make_site, entry, href):
    mkdocs = MINIMAL_MKDOCS + f"extra:\n  help:\n    lines:\n      - {entry}\n"
    site = make_site({"docs/help.md": "# Help\n\n{{ help_lines() }}\n"}, mkdocs=mkdocs)
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert href in site.html("help/index.html")


@pytest.mark.parametrize(("help_value", "message"), [
    ('"call 999"', "extra.help must be a mapping with intro and lines"),
    ("\n    lines: [Samaritans, Shout]", "extra.help.lines[0] must be a mapping with name, number and description"),
    ('\n    lines:\n      - {name: NHS 111, number: "111, option 2"}',
     'extra.help.lines[0].number must be the number to dial, digits and spaces only'),
    ('\n    lines:\n      - {name: Samaritans, number: "116 123 (24/7)"}', "must be the number to dial"),
], ids=["string", "list-of-strings", "label-in-number", "hours-in-number"])
def test_malformed_help_lines_are_clear_errors(make_site, help_value, message):
    mkdocs = MINIMAL_MKDOCS + f"extra:\n  help: {help_value}\n"
    site = make_site({}, mkdocs=mkdocs)
    for result in (site.build(), site.check()):
        out = result.stdout + result.stderr
        assert result.returncode != 0 and "Traceback" not in out
        assert message in out and "mkdocs.yml:" in out


def test_an_unclosed_brace_is_reported_at_its_own_line_once(make_site):
    page = "# P\n\n" + "Text.\n\n" * 20 + "Oops {{ principle_link(\"mutuality\")\n\n" + "More.\n\n" * 5 + "Later }} here.\n"
    line = page.splitlines().index('Oops {{ principle_link("mutuality")') + 1
    site = make_site({"docs/p.md": page})
    for result in (site.build(), site.check()):
        found = [l for l in lines_of(result.stdout + result.stderr) if "[macros.template-syntax]" in l]
        assert result.returncode != 0
        assert found and all(f"docs/p.md:{line}:" in l for l in found), found
    assert len([l for l in lines_of(site.build().stderr) if "[macros.template-syntax]" in l]) == 1


def test_an_undefined_variable_names_the_file_line_without_a_traceback(make_site):
    page = "---\ntitle: P\n---\n\n# P\n\nHello {{ undefined_thing }}.\n"
    site = make_site({"docs/p.md": page})
    result = site.build()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert 'docs/p.md:7: unknown variable "undefined_thing"' in result.stderr


def test_a_macro_error_is_reported_once(make_site):
    site = make_site({"docs/p.md": '# P\n\n{{ principle_link("mutualty") }}\n'})
    result = site.build()
    assert result.returncode == 1
    assert sum('unknown principle id "mutualty"' in l for l in result.stderr.splitlines()) == 1


def test_a_page_that_is_not_utf8_is_a_message_not_a_traceback(make_site):
    site = make_site({})
    (site.root / "docs" / "latin1.md").write_bytes("# Caf\xe9\n".encode("latin-1"))
    for result in (site.build(), site.check()):
        out = result.stdout + result.stderr
        assert result.returncode != 0 and "Traceback" not in out
        assert "docs/latin1.md:1:" in out and "UTF-8" in out


def test_yaml_nested_600_levels_deep_is_a_message(make_site):
    deep = FRAMEWORK + "deep: " + "[" * 600 + "]" * 600 + "\n"
    site = make_site({}, framework=deep)
    for result in (site.check(), site.build()):
        out = result.stdout + result.stderr
        assert result.returncode != 0 and "Traceback" not in out and "RecursionError" not in out
        assert "nested more than 50 levels deep" in out


def test_problems_with_and_without_a_column_on_one_line_sort(make_site):
    page = '---\ntitle: M\nmodule: 3\nduration: &d "sixty"\nobjectives: [Describe it]\nfocus: [mutuality]\n---\n\n# M\n'
    site = make_site({"docs/training/m.md": page})
    result = site.check()
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr
    assert "docs/training/m.md:4" in result.stdout + result.stderr


def test_report_to_a_folder_fails_cleanly_and_leaves_no_litter(make_site):
    site = make_site({})
    folder = site.root / "reports"
    folder.mkdir()
    result = site.check("--output", str(folder))
    assert result.returncode == 2 and "cannot write the report" in result.stderr
    assert list(site.root.glob(".reports*")) == [] and list(folder.iterdir()) == []


def test_junit_stays_valid_xml_with_a_control_character_in_a_heading(make_site):
    site = make_site({"docs/training/a.md": "# A\n\n## Bell \x07 here\n\nNothing.\n"})
    result = site.check("--format", "junit")
    assert result.returncode == 1
    suite = ET.fromstring(result.stdout).find("testsuite")
    assert any("Bell" in (c.get("name") or "") for c in suite.findall("testcase"))


# -- gates outside the project's environment ---------------------------------------------------------------
def test_the_cli_outside_the_environment_says_what_to_install_and_exits_2():
    result = subprocess.run([sys.executable, "-S", str(ROOT / "scripts" / "check_coverage.py")],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2
    assert "the project's Python packages are not installed" in result.stderr
    assert "pip install -c requirements.lock -e ." in result.stderr


def test_the_workflow_pins_actions_and_keeps_credentials_out():
    import re

    import yaml

    text = (ROOT / ".github" / "workflows" / "handbook.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    for name, job in workflow["jobs"].items():
        uses = [s["uses"] for s in job["steps"] if "uses" in s]
        assert all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u) for u in uses), (name, uses)
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False, name
        if "container" in job:
            assert not any(u.startswith("actions/setup-python@") for u in uses), name


def test_site_url_comes_from_the_environment_and_fills_the_sitemap(make_site):
    mkdocs = MINIMAL_MKDOCS + 'site_url: !ENV [SITE_URL, ""]\n'
    site = make_site({}, mkdocs=mkdocs)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-d", str(site.root / "site")], cwd=site.root,
                            capture_output=True, text=True, env={**__import__("os").environ,
                                                                  "SITE_URL": "https://example.org/handbook/"})
    assert result.returncode == 0, result.stderr
    assert "<loc>https://example.org/handbook/principles/mutuality/</loc>" in site.html("sitemap.xml")
    assert "site_url: !ENV [SITE_URL" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
