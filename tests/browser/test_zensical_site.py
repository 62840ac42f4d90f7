"""The handbook built by Zensical, in the browser: search works and every page passes axe.

Skipped, with the reason, when Zensical is not installed in this interpreter
(`python3 -m pip install -c requirements.lock -e ".[test,zensical]"`). The build itself is compared
with the MkDocs build in tests/test_zensical.py.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .browser_checks import DESKTOP, axe_violations, guarded_context
from .built_site import copy_project, page_paths, serve

pytestmark = pytest.mark.skipif(importlib.util.find_spec("zensical") is None,
                                reason='Zensical is not installed: pip install -c requirements.lock -e ".[test,zensical]"')


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real handbook built with `zensical build --clean` from a copy of the project."""
    project = copy_project(tmp_path_factory.mktemp("zensical") / "project")
    built = subprocess.run([sys.executable, "-m", "zensical", "build", "--clean"], cwd=project, capture_output=True,
                           text=True, env={**os.environ, "PYTHONPATH": str(project)})
    assert built.returncode == 0, built.stdout + built.stderr
    return project / "site"


@pytest.fixture(scope="module")
def zensical_url(zensical_site: Path) -> Iterator[str]:
    with serve(zensical_site) as url:
        yield url


@pytest.fixture(scope="module")
def zensical_desktop(browser):
    guard = guarded_context(browser, viewport=DESKTOP)
    yield guard
    guard.context.close()


def open_search(page, query: str) -> list[str]:
    """Open Zensical's search from the header, type the query; the result links, once shown."""
    page.click("[data-handbook-toggle=search], .md-search__button >> visible=true")
    page.keyboard.type(query)
    results = page.locator("a[role=option][href]")
    results.first.wait_for(state="visible")
    return results.evaluate_all("links => links.map(a => a.href)")


def test_searching_reciprocity_lists_the_mutuality_principle(zensical_desktop, zensical_url) -> None:
    page = zensical_desktop.context.new_page()
    page.goto(zensical_url)
    page.wait_for_load_state("networkidle")
    results = open_search(page, "reciprocity")
    assert any(urlsplit(url).path.endswith("/principles/mutuality/") for url in results), results
    page.close()


def test_axe_reports_nothing_on_every_page(zensical_desktop, zensical_url, zensical_site) -> None:
    paths = page_paths(zensical_site)
    assert "principles/mutuality/" in paths and len(paths) > 40
    page = zensical_desktop.context.new_page()
    failures = []
    for path in paths:
        page.goto(zensical_url + path)
        page.wait_for_load_state("load")
        failures += [f"/{path}: {problem}" for problem in axe_violations(page)]
    page.close()
    assert not failures, f"{len(failures)} axe violation(s):\n" + "\n".join(failures)


@pytest.mark.xfail(strict=True, reason="Zensical 0.0.73's search dialog: result paths in #8c8c8c on white "
                                       "(color-contrast, 3.4:1) and results named by aria-labelledby that leaves "
                                       "out their text (label-content-name-mismatch); not fixable from our theme")
def test_axe_reports_nothing_on_the_open_search_results(zensical_desktop, zensical_url) -> None:
    page = zensical_desktop.context.new_page()
    page.goto(zensical_url)
    page.wait_for_load_state("networkidle")
    open_search(page, "reciprocity")
    assert axe_violations(page) == []
