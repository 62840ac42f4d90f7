"""The suite catches the regressions it exists for.

Each test copies the project, injects one fault, builds the copy (a fresh `mkdocs build --strict`
process), serves it, and runs the very function the suite runs on every page (`audit_page`). The
fault must show up in the same report field that test_every_page.py asserts is empty.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .browser_checks import audit_page, report_problems
from .built_site import build_site, copy_project, serve

#: A 1x1 GIF: an image that needs no file and no request.
PIXEL = "data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw=="


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def image_without_alt(project: Path) -> None:
    """A page gains an image with no alt attribute."""
    append(project / "docs" / "index.md", f'\n\n<img src="{PIXEL}" width="40" height="40">\n')


def font_from_the_internet(project: Path) -> None:
    """A template links a web font from a font service."""
    append(project / "overrides" / "main.html",
           '\n{% block extrahead %}<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin>'
           '<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Roboto&display=swap">'
           '{% endblock %}\n')


def skipped_heading_level(project: Path) -> None:
    """A page jumps from a level-2 heading to a level-4 one."""
    append(project / "docs" / "index.md", "\n\n## A new section\n\nText.\n\n#### Too deep\n\nMore text.\n")


REGRESSIONS: dict[str, tuple[Callable[[Path], None], str, Callable[[str], bool]]] = {
    # name: (inject, report field, how the problem shows up there)
    "image without alt text": (image_without_alt, "axe", lambda p: p.startswith("[image-alt]")),
    "font from the internet": (font_from_the_internet, "privacy",
                               lambda p: "fonts.googleapis.com" in p or "fonts.gstatic.com" in p),
    "skipped heading level": (skipped_heading_level, "axe", lambda p: p.startswith("[heading-order]")),
}


@pytest.mark.parametrize("regression", list(REGRESSIONS))
def test_the_suite_fails_on(regression: str, tmp_path: Path, desktop) -> None:
    inject, field, matches = REGRESSIONS[regression]
    project = copy_project(tmp_path / "project")
    inject(project)
    site = build_site(project, tmp_path / "site")
    with serve(site) as url:
        report = audit_page(desktop, url)
    problems = report_problems(report)
    assert any(matches(problem) for problem in problems[field]), (
        f"'{regression}' was not reported under {field!r}; the home page's report was:\n{problems}")


def test_a_hostile_principle_title_never_runs_as_code(tmp_path: Path, desktop) -> None:
    """YAML is data: a principle title with markup shows as text in the navigation, the page and its title."""
    project = copy_project(tmp_path / "project")
    yaml_file = project / "principles" / "principles.yaml"
    hostile = "Safe <img src=x onerror=window.__pwned=1> trust"
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8").replace(
        "title: Mutuality and reciprocity", f"title: '{hostile}'"), encoding="utf-8")
    site = build_site(project, tmp_path / "site")
    with serve(site) as url:
        for path in ("", "principles/mutuality/", "training/03-mutuality-and-reciprocity/"):
            page = desktop.context.new_page()
            dialogs: list[str] = []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(url + path, wait_until="load")
            assert page.evaluate("window.__pwned") is None, f"{path}: the title's markup ran as code"
            assert page.locator("img[onerror]").count() == 0, path
            assert not dialogs, path
            if path == "principles/mutuality/":
                assert hostile in page.title()
                assert hostile in page.locator("h1").inner_text()
            page.close()
