"""The same handbook and the same gate under Zensical, the successor to MkDocs and Material.

Each test builds a copy of the real project with both engines (in fresh processes) and compares
what readers get. Skipped, with the reason, when Zensical is not installed in this interpreter:
`python3 -m pip install -c requirements.lock -e ".[test,zensical]"`.
"""

from __future__ import annotations

import html
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("mkdocs.yml", "docs", "macros", "overrides", "principles", "scripts")

pytestmark = pytest.mark.skipif(importlib.util.find_spec("zensical") is None,
                                reason='Zensical is not installed: pip install -c requirements.lock -e ".[test,zensical]"')


def copy_project(destination: Path) -> Path:
    """What the site is built from, copied (both engines write caches and output into the project)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    destination.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, destination / part, ignore=ignore)
        else:
            shutil.copy2(source, destination / part)
    return destination


def zensical_build(project: Path, *extra: str) -> subprocess.CompletedProcess:
    """The Zensical build of every language (`scripts/build_zensical.py --clean`: the check, then zensical-i18n
    running Zensical once per language) in a fresh process, with the project's own macros package first on the path."""
    return subprocess.run([sys.executable, "scripts/build_zensical.py", "--clean", *extra], cwd=project,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(project)})


def mkdocs_build(project: Path, site: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)], cwd=project,
                          capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def visible(page: str) -> str:
    """Page HTML without code, scripts and styles (where macro syntax may be shown on purpose)."""
    return re.sub(r"(?s)<(code|pre|script|style)\b.*?</\1>", "", page)


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> tuple[Path, Path]:
    """(MkDocs site, Zensical site), built from one copy of the project."""
    project = copy_project(tmp_path_factory.mktemp("zensical") / "project")
    mkdocs_site = project.parent / "mkdocs-site"
    built = mkdocs_build(project, mkdocs_site)
    assert built.returncode == 0, built.stderr
    built = zensical_build(project)
    assert built.returncode == 0, built.stdout + built.stderr
    return mkdocs_site, project / "site"


def test_same_pages(both):
    mkdocs_site, zensical_site = both
    # zensical-i18n writes a 404 page for each language; mkdocs-static-i18n keeps the one at the root
    assert pages(zensical_site) - {"cy/404.html"} == pages(mkdocs_site)
    assert {p for p in pages(mkdocs_site) if p.startswith("cy/")} == {f"cy/{p}" for p in pages(mkdocs_site)
                                                                     if not p.startswith("cy/") and p != "404.html"}


def test_welsh_site_language_switcher_notice_and_lang(both):
    for site in both:
        welsh = html.unescape((site / "cy" / "help" / "index.html").read_text(encoding="utf-8"))
        assert '<html lang="cy"' in welsh and "Cael help nawr" in welsh
        # the switcher links the same page in each language, each link with its hreflang
        assert re.search(r'href="\.\./\.\./help/" hreflang="en"', welsh) and re.search(r'href="\./(\./)?" hreflang="cy"', welsh)
        assert '<div class="in-english" lang="en">' in welsh          # the escalation rule is English data
        fallback = (site / "cy" / "handbook" / "endings" / "index.html").read_text(encoding="utf-8")
        assert re.search(r'<article class="md-content__inner md-typeset" lang="en"', fallback)
        assert "Nid oes fersiwn Gymraeg o&#x27;r dudalen hon" in fallback.replace("&#39;", "&#x27;")
        english = (site / "handbook" / "endings" / "index.html").read_text(encoding="utf-8")
        assert '<html lang="en"' in english and "Nid oes fersiwn" not in english


def test_principle_pages_are_complete(both):
    from macros.engine.site import Site

    framework = Site.load(ROOT).framework
    for site in both:
        for p in framework.principles:
            page = html.unescape((site / "principles" / p.id / "index.html").read_text(encoding="utf-8"))
            assert f"{p.number}. {p.title}</h1>" in page, (site, p.id)
            assert p.statement in page and all(f in page for f in p.facets), (site, p.id)
            assert "Taught in" in page and "Supervised in" in page and "training/" in page
            assert "Questions for reflection" in page and p.prompts["team"][0] in page


def test_no_unrendered_macro_text(both):
    for site in both:
        for page in sorted(site.rglob("*.html")):
            text = visible(page.read_text(encoding="utf-8"))
            for marker in ("{{", "{%", "Macro Syntax Error", "Macro Rendering Error", "\x02", "\x03"):
                assert marker not in text, f"{page.relative_to(site)} contains {marker!r}"


def test_chips_cards_session_plans_coverage_and_diagram(both):
    for site in both:
        module = (site / "training" / "03-mutuality-and-reciprocity" / "index.html").read_text(encoding="utf-8")
        assert 'class="principle-chip"' in module and "Session plan" in module
        assert 'class="principle-card' in (site / "index.html").read_text(encoding="utf-8") or \
            'class="principle-card' in (site / "principles" / "index.html").read_text(encoding="utf-8")
        coverage = (site / "coverage" / "index.html").read_text(encoding="utf-8")
        assert "<table" in coverage
        assert "<svg" in (site / "principles" / "index.html").read_text(encoding="utf-8")


def test_search_is_present(both):
    mkdocs_site, zensical_site = both
    assert (mkdocs_site / "search" / "search_index.json").is_file()
    assert "reciprocity" in (zensical_site / "search.json").read_text(encoding="utf-8")
    home = (zensical_site / "index.html").read_text(encoding="utf-8")
    assert 'data-handbook-toggle="search"' in home and 'class="md-search__button"' in home


def test_hook_source_is_not_published(both):
    # Zensical 0.0.73 copies every file of the theme's custom_dir into the site except hidden ones, so the
    # hook lives in overrides/.hooks/ (MkDocs loads it from there just the same)
    for site in both:
        assert not list(site.rglob("*.py")), site
        assert not (site / ".hooks").exists() and not (site / "hooks").exists(), site


def test_unlinked_section_fails_the_check_and_the_zensical_build_with_path_and_line(tmp_path):
    project = copy_project(tmp_path / "project")
    module = project / "docs" / "training" / "03-mutuality-and-reciprocity.md"
    text = module.read_text(encoding="utf-8")
    module.write_text(text + "\n## Something new\n\nNo principle here.\n", encoding="utf-8")
    line = text.count("\n") + 2
    expected = (f'docs/training/03-mutuality-and-reciprocity.md:{line}: section "Something new" is not linked '
                f"to any principle [coverage.unlinked-section]")
    check = subprocess.run([sys.executable, "scripts/check_coverage.py"], cwd=project, capture_output=True, text=True)
    assert check.returncode == 1 and expected in check.stdout
    built = zensical_build(project)
    assert built.returncode != 0 and expected in built.stdout + built.stderr


def test_macro_error_fails_the_zensical_build_with_path_and_line(tmp_path):
    project = copy_project(tmp_path / "project")
    page = project / "docs" / "glossary.md"
    lines = page.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("# ")) + 2  # under the title, after front matter
    lines.insert(at, '{{ principle_link("mutualty") }}')
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    built = zensical_build(project)
    assert built.returncode != 0
    assert (f'docs/glossary.md:{at + 1}: unknown principle id "mutualty" in principle_link(); did you mean "mutuality"? '
            "[principles.unknown-id]") in built.stdout + built.stderr


def test_front_matter_never_hides_a_macro_in_jinja_logic(tmp_path):
    project = copy_project(tmp_path / "project")
    page = project / "docs" / "training" / "01-what-peer-support-is.md"
    text = page.read_text(encoding="utf-8")
    assert re.search(r"^duration: \d+", text, re.M)
    # the loop's duration() counts like any other (the scan sees what readers see), so the total grows by 5
    total = int(re.search(r"^duration: (\d+)", text, re.M).group(1))
    text = re.sub(r"^duration: \d+", f"duration: {total + 5}", text, count=1, flags=re.M)
    page.write_text(text + "\n{% for m in [5] %}Read for {{ duration(m) }}.{% endfor %}\n", encoding="utf-8")
    built = zensical_build(project)
    assert built.returncode == 0, built.stdout + built.stderr
    mkdocs_site = tmp_path / "mkdocs-site"
    assert mkdocs_build(project, mkdocs_site).returncode == 0
    for site in (project / "site", mkdocs_site):
        out = (site / "training" / "01-what-peer-support-is" / "index.html").read_text(encoding="utf-8")
        assert "Read for " in out and "Read for 5." not in out


def test_a_rule_set_to_off_is_off_for_macro_problems_in_every_engine(tmp_path):
    """Issue 22, defect 2: Zensical raised every macro diagnostic, whatever its rule's severity."""
    project = copy_project(tmp_path / "project")
    settings = project / "principles" / "coverage.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "coverage.exempt-without-reason: error", 'coverage.exempt-without-reason: "off"'), encoding="utf-8")
    page = project / "docs" / "glossary.md"
    page.write_text(page.read_text(encoding="utf-8") + '\n{{ no_principle("") }}\n', encoding="utf-8")
    check = subprocess.run([sys.executable, "scripts/check_coverage.py"], cwd=project, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert mkdocs_build(project, tmp_path / "mkdocs-site").returncode == 0
    built = zensical_build(project)
    assert built.returncode == 0, built.stdout + built.stderr
