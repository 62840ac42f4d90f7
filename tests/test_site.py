"""End-to-end: tiny sites built in temporary folders, and the real site in strict mode."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from macros.engine.project import read_project_config

ROOT = Path(__file__).resolve().parent.parent
SOURCE = (ROOT / "principles" / "principles.yaml").read_text(encoding="utf-8")


def mkdocs_config() -> dict:
    return dict(read_project_config(ROOT).data)


def visible(html: str) -> str:
    """Page HTML without code blocks, inline code, scripts and the search index."""
    html = re.sub(r"(?s)<(code|pre|script|style)\b.*?</\1>", "", html)
    return html


def test_real_site_builds_strictly_with_no_template_leftovers(real_site):
    pages = sorted(real_site.rglob("*.html"))
    assert len(pages) > 40
    for page in pages:
        text = visible(page.read_text(encoding="utf-8"))
        for marker in ("{{", "{%", "{#", "Macro Syntax Error", "Macro Rendering Error", "jinja2.exceptions"):
            assert marker not in text, f"{page.relative_to(real_site)} contains {marker!r}"


def test_real_site_has_a_page_per_principle_from_its_stub(real_site):
    from macros.engine.site import Site

    site = Site.load(ROOT)
    for p in site.framework.principles:
        html = (real_site / "principles" / p.id / "index.html").read_text(encoding="utf-8")
        assert f"<title>{p.number}. {p.title} - " in html
        assert f">{p.number}. {p.title}</h1>" in html
        assert p.statement in html
        assert "Taught in" in html and "Supervised in" in html
    stubs = site.principle_stubs()
    assert {src: (ROOT / "docs" / src).read_text(encoding="utf-8") for src in stubs} == stubs


def test_help_lines_come_from_configuration(real_site):
    html = (real_site / "help" / "index.html").read_text(encoding="utf-8")
    for line in mkdocs_config()["extra"]["help"]["lines"]:
        assert line["name"] in html and (line.get("display") or line.get("number") or line["url"]) in html
    home = (real_site / "index.html").read_text(encoding="utf-8")
    assert 'href="help/"' in home


def test_mkdocs_config_settings():
    config = mkdocs_config()
    assert config["strict"] is True
    assert config["theme"]["name"] == "material" and config["theme"]["font"] is False
    assert config["theme"]["language"] == "en"
    assert set(config["watch"]) >= {"principles", "macros", "overrides"}
    macros = next(p["macros"] for p in config["plugins"] if isinstance(p, dict) and "macros" in p)
    assert macros == {"module_name": "macros", "on_error_fail": True, "on_undefined": "strict"}
    assert not any((p if isinstance(p, str) else next(iter(p))) == "privacy" for p in config["plugins"])
    for key in ("not_found", "anchors", "absolute_links", "unrecognized_links"):
        assert config["validation"]["links"][key] == "warn"
    assert config["validation"]["omitted_files"] == "warn"


# -- tiny sites -----------------------------------------------------------------------------------
PAGE = """\
# Guide

## Listening {#listen-well}

{{ principles("mutuality") }}

Use `{{ principle("x") }}` in your pages, and see {{ principle_link("relationships") }}.

```jinja
{{ principle("not-an-id") }} {% if x %}
```

!!! note
    {{ principle("strengths-connections") }}
"""


def test_tiny_site_weaves_principles_and_keeps_code(make_site):
    site = make_site({"docs/guide.md": PAGE})
    result = site.build()
    assert result.returncode == 0, result.stderr
    html = site.html("guide/index.html")
    assert 'id="listen-well"' in html
    assert '<a class="principle-chip" href="../principles/mutuality/">2. Mutuality and reciprocity</a>' in html
    assert '<a class="principle-link" href="../principles/relationships/">Safe and trusting relationships</a>' in html
    import html as html_lib

    code = html_lib.unescape(re.sub(r"<[^>]+>", "", re.search(r"(?s)<pre.*?</pre>", html).group(0)))
    assert code.strip() == '{{ principle("not-an-id") }} {% if x %}'
    assert "Use <code>{{ principle(\"x\") }}</code> in your pages" in html
    assert 'class="principle-card"' in html and "Principle 5" in html


def test_rewording_a_short_title_changes_every_page(make_site):
    site = make_site({"docs/guide.md": PAGE, "docs/training/t.md": "# T\n\n## S\n\n{{ principles(\"mutuality\") }}\n"},
                     framework=SOURCE.replace("title: Mutuality and reciprocity", "title: Give and take"))
    result = site.build()
    assert result.returncode == 0, result.stderr
    pages = [p for p in (site.root / "site").rglob("*.html")]
    hits = [p for p in pages if "Give and take" in p.read_text(encoding="utf-8")]
    assert {p.relative_to(site.root / "site").as_posix() for p in hits} >= {
        "guide/index.html", "training/t/index.html", "principles/mutuality/index.html",
        "supervision/team/index.html"}
    assert not any("Mutuality and reciprocity" in p.read_text(encoding="utf-8") for p in pages)


def test_unknown_id_fails_the_build_with_page_line_and_suggestion(make_site):
    site = make_site({"docs/guide.md": "---\ntitle: G\n---\n# G\n\n## A\n\n{{ principles(\"mutualty\") }}\n\n"
                                       "{{ prompts(\"teams\") }}\n"})
    result = site.build()
    assert result.returncode != 0
    assert ('docs/guide.md:8: unknown principle id "mutualty" in principles(); did you mean "mutuality"? '
            "[principles.unknown-id]") in result.stderr
    assert 'docs/guide.md:10: unknown supervision level "teams" in prompts(); did you mean "team"? [macros.bad-level]' \
        in result.stderr
    assert "Traceback" not in result.stderr


def test_macro_error_inside_jinja_logic_still_names_the_line(make_site):
    site = make_site({"docs/guide.md": "# G\n\n{% for i in ['mutuality', 'nope'] %}\n{{ principle_link(i) }}\n{% endfor %}\n"})
    result = site.build()
    assert result.returncode != 0
    assert ('docs/guide.md:4: unknown principle id "nope" in principle_link(); valid values are: "relationships", '
            '"mutuality", "experiential-knowledge", "leadership-choice-control", "strengths-connections", '
            '"diversity" [principles.unknown-id]') in result.stderr


def test_undefined_variable_fails_the_build(make_site):
    site = make_site({"docs/guide.md": "# G\n\nHello {{ not_defined_anywhere }}\n"})
    result = site.build()
    assert result.returncode != 0
    assert "not_defined_anywhere" in result.stderr


@pytest.mark.parametrize(("files", "message"), [
    ({"docs/principles/mutuality.md": "# My own copy\n"},
     "docs/principles/mutuality.md:1: principle pages are made from principles/principles.yaml, so this file must "
     "hold exactly its two macro calls (line 1 should be '# {{ principle_title(\"mutuality\") }}'); run "
     "`python3 scripts/write_principle_pages.py` to rewrite the principle pages from principles/principles.yaml "
     "[principles.page-edited]"),
    ({"docs/principles/kindness.md": "# Kindness\n"},
     "docs/principles/kindness.md:1: principles/ holds only the pages of the principles in principles/principles.yaml; "
     "delete this file or add its principle there [principles.page-extra]"),
])
def test_edited_or_extra_principle_page_fails_the_build_and_the_check(make_site, files, message):
    site = make_site(files)
    for result in (site.build(), site.check()):
        assert result.returncode != 0
        assert message in result.stderr + result.stdout


def test_missing_principle_page_names_the_principle_in_the_yaml(make_site):
    site = make_site({})
    (site.root / "docs" / "principles" / "mutuality.md").unlink()
    result = site.check()
    assert result.returncode == 1
    line = next(i for i, text in enumerate(SOURCE.splitlines(), 1) if "- id: mutuality" in text)
    assert (f'principles/principles.yaml:{line}: principle "mutuality" has no page docs/principles/mutuality.md; run '
            '`python3 scripts/write_principle_pages.py`') in result.stdout
    assert subprocess.run([sys.executable, str(ROOT / "scripts" / "write_principle_pages.py"), "--root", str(site.root)],
                          capture_output=True, text=True).returncode == 0
    assert site.check().returncode == 0


def test_in_process_rebuilds_do_not_leak_state(make_site, tmp_path, monkeypatch):
    """Two builds in one process (as `mkdocs serve` does) see their own YAML and engine code."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site = make_site({"docs/guide.md": PAGE})
    monkeypatch.chdir(site.root)
    monkeypatch.syspath_prepend(str(site.root))
    for name in [m for m in sys.modules if m == "macros" or m.startswith("macros.")]:
        monkeypatch.delitem(sys.modules, name)
    titles = []
    for title in ("First wording", "Second wording"):
        framework = site.root / "principles" / "principles.yaml"
        framework.write_text(SOURCE.replace("title: Mutuality and reciprocity", f"title: {title}"), encoding="utf-8")
        config = load_config(config_file=str(site.root / "mkdocs.yml"), site_dir=str(site.root / "site"))
        build(config)
        titles.append(title in site.html("guide/index.html"))
        assert not any(m == "macros" or m.startswith("macros.") for m in sys.modules)
    assert titles == [True, True]


@pytest.mark.parametrize(("html", "expected"), [
    ("<ul>\n    <li>a</li>\n\n\n    <li>b</li>\n</ul>", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"),
    ("<p>one two</p>  <p>x</p>", "<p>one two</p>  <p>x</p>"),                      # no line break: untouched
    ("<pre>  a\n\n    b\n</pre>\n\n  <p>c</p>", "<pre>  a\n\n    b\n</pre>\n<p>c</p>"),   # code keeps its layout
    ("<textarea>\n  x\n</textarea>", "<textarea>\n  x\n</textarea>"),
    ("<script>\n  var s = `a\n\n  b`;\n</script>", "<script>\n  var s = `a\n\n  b`;\n</script>"),
])
def test_built_pages_lose_only_template_whitespace(html, expected):
    from macros.engine.squeeze import squeeze_whitespace

    assert squeeze_whitespace(html) == expected
