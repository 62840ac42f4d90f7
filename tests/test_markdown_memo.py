"""The Markdown memo: a page's HTML is reused only for exactly the input it was made from.

The course CLI keeps each page's HTML in ``.cache/markdown`` so that a run where nothing changed
does not convert every page again (issue 17: the whole course with nothing changed in a second).
"""

from __future__ import annotations

import pytest

from macros.engine.course.course import MARKDOWN_MEMO, Course
from macros.engine.course.version import Version
from macros.engine.diagnostics import ProblemsFound
from macros.engine.markdown_html import SiteMarkdown

PAGE = "# Title\n\n## A section\n\nSome *words* and [a link](other.md).\n"


@pytest.fixture
def counted(monkeypatch):
    """How many pages Python-Markdown really converted."""
    calls = []
    real = SiteMarkdown._convert

    def convert(self, text):
        calls.append(text)
        return real(self, text)

    monkeypatch.setattr(SiteMarkdown, "_convert", convert)
    return calls


def test_the_same_page_is_converted_once_and_gives_the_same_html(tmp_path, counted):
    fresh = SiteMarkdown().convert(PAGE)
    first = SiteMarkdown(memo=tmp_path).convert(PAGE, "a.md")
    again = SiteMarkdown(memo=tmp_path).convert(PAGE, "a.md")
    assert fresh == first == again and "<h2" in again
    assert len(counted) == 2, "the third conversion came from the memo"


def test_an_edited_page_is_converted_again_and_replaces_its_entry(tmp_path, counted):
    memo = SiteMarkdown(memo=tmp_path)
    memo.convert(PAGE, "a.md")
    edited = memo.convert(PAGE.replace("words", "EDITED words"), "a.md")
    assert "EDITED" in edited and len(counted) == 2
    assert len(list(tmp_path.iterdir())) == 1, "one entry per page, not one per version"


def test_other_extension_settings_do_not_share_entries(tmp_path, counted):
    SiteMarkdown(memo=tmp_path).convert(PAGE, "a.md")
    html = SiteMarkdown(["toc"], memo=tmp_path).convert(PAGE, "a.md")
    assert len(counted) == 2 and "<h2" in html


@pytest.mark.parametrize("damage", ["flip a byte", "truncate", "no header", "empty"])
def test_a_damaged_entry_is_never_served(tmp_path, counted, damage):
    SiteMarkdown(memo=tmp_path).convert(PAGE, "a.md")
    (entry,) = tmp_path.iterdir()
    data = entry.read_bytes()
    entry.write_bytes({"flip a byte": data[:-5] + bytes([data[-5] ^ 1]) + data[-4:], "truncate": data[:-10],
                       "no header": data.partition(b"\n")[2], "empty": b""}[damage])
    html = SiteMarkdown(memo=tmp_path).convert(PAGE, "a.md")
    assert html == SiteMarkdown().convert(PAGE)
    assert len(counted) == 3
    assert entry.read_bytes() == data, "the entry is made again"


def test_settings_that_name_python_code_turn_the_memo_off(tmp_path, counted):
    def formatter(*args, **kwargs):
        return ""

    settings = [{"pymdownx.superfences": {"custom_fences": [{"name": "x", "class": "x", "format": formatter}]}}]
    SiteMarkdown(settings, memo=tmp_path).convert(PAGE, "a.md")
    SiteMarkdown(settings, memo=tmp_path).convert(PAGE, "a.md")
    assert len(counted) == 2 and not list(tmp_path.iterdir())


def test_a_memo_that_cannot_be_written_only_costs_time(tmp_path, counted):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert SiteMarkdown(memo=blocked / "memo").convert(PAGE, "a.md") == SiteMarkdown().convert(PAGE)


def test_unusable_settings_are_still_reported_with_a_memo(tmp_path):
    with pytest.raises(ProblemsFound, match="markdown_extensions cannot be loaded"):
        SiteMarkdown(["no_such_extension"], memo=tmp_path).convert(PAGE, "a.md")


def test_the_course_cli_keeps_the_memo_and_scans_the_same(make_site, counted):
    page = "---\ntitle: Other\n---\n\n# Other\n\n## Section\n\nWords.\n"
    site = make_site({"docs/other.md": page})
    first = Course.load(site.root, version=Version("v"))
    converted = len(counted)
    second = Course.load(site.root, version=Version("v"))
    assert converted > 0 and len(counted) == converted, "the second scan read every page from the memo"
    assert (site.root / MARKDOWN_MEMO).is_dir()
    assert first.site.coverage.pages.keys() == second.site.coverage.pages.keys()
    assert ([s.title for p in first.site.coverage.pages.values() for s in p.sections]
            == [s.title for p in second.site.coverage.pages.values() for s in p.sections])


def test_a_second_coverage_check_on_an_unchanged_tree_converts_nothing(make_site, counted, capsys):
    """Issue 22: the coverage CLI (and Zensical's check) use the memo; a warm run converts no page."""
    from macros.cli.coverage import main

    site = make_site({"docs/training/a.md": "# A\n\n## One\n\n{{ principles(\"mutuality\") }}\n",
                      "docs/guide.md": "# Guide\n\nSee {{ principle_link(\"mutuality\") }}.\n"})
    first = main(["--root", str(site.root), "--format", "json"])
    cold = len(counted)
    report = capsys.readouterr().out
    second = main(["--root", str(site.root), "--format", "json"])
    assert first == second and cold > 0 and len(counted) == cold, "the warm run converted a page"
    assert capsys.readouterr().out == report
    assert list((site.root / MARKDOWN_MEMO).glob("*.html"))


def test_a_python_name_in_mkdocs_yml_reaches_the_engines_converter(tmp_path):
    """Issue 22, defect 3: ``!!python/name:`` read as None, so a Mermaid fence became inline code in the scan."""
    from macros.engine.project import PythonName, read_project_config

    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\nmarkdown_extensions:\n  - pymdownx.superfences:\n      custom_fences:\n"
        "        - name: mermaid\n          class: mermaid\n"
        "          format: !!python/name:pymdownx.superfences.fence_code_format\n", encoding="utf-8")
    config = read_project_config(tmp_path)
    fence = config.data["markdown_extensions"][0]["pymdownx.superfences"]["custom_fences"][0]
    assert fence["format"] == PythonName("pymdownx.superfences.fence_code_format")
    html = SiteMarkdown(config.data["markdown_extensions"]).convert("```mermaid\ngraph TD; A-->B\n```\n")
    assert html.startswith('<pre class="mermaid"><code>graph TD;'), html
