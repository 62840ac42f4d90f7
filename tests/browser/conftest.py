"""Fixtures for the browser suite: the real site built once, served on 127.0.0.1, one Chromium.

Everything expensive is session-scoped: one build, one server, one browser, one visit per page
and viewport (the reports are shared by the tests that assert on them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from .browser_checks import (
    DESKTOP, PHONES, Guard, PageReport, audit_layout, audit_page, guarded_context, launch,
)
from .built_site import ROOT, build_site, page_paths, serve


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real handbook, built once with `mkdocs build --strict` into a temporary folder."""
    return build_site(ROOT, tmp_path_factory.mktemp("site") / "site")


@pytest.fixture(scope="session")
def base_url(site_dir: Path) -> Iterator[str]:
    """The built site served on 127.0.0.1; ends in "/"."""
    with serve(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def pages(site_dir: Path) -> list[str]:
    """Every page of the built site (paths relative to the root), from the built files."""
    found = page_paths(site_dir)
    assert len(found) > 1, f"{site_dir}: the build produced no pages"
    return found


@pytest.fixture(scope="session")
def training_module(site_dir: Path, pages: list[str]) -> str:
    """A training module with principle chips (the first in the built site), e.g. "training/01-.../"."""
    modules = [p for p in pages if re.match(r"training/\d+-", p)]
    for path in modules:
        if 'class="principle-chip' in (site_dir / path / "index.html").read_text(encoding="utf-8"):
            return path
    pytest.fail(f"{site_dir}: no training module has principle chips (modules: {modules})")


@pytest.fixture(scope="session")
def principle_page(pages: list[str]) -> str:
    """A generated principle page: mutuality if it exists, otherwise the first one."""
    principles = [p for p in pages if re.fullmatch(r"principles/[^/]+/", p)]
    assert principles, "the built site has no principle pages"
    return "principles/mutuality/" if "principles/mutuality/" in principles else principles[0]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session (Debian's, via executable_path)."""
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def desktop(browser: Browser) -> Iterator[Guard]:
    """A 1280 px wide context that refuses (and records) every request off 127.0.0.1."""
    guard = guarded_context(browser, viewport=DESKTOP)
    yield guard
    guard.context.close()


@pytest.fixture
def new_context(browser: Browser):
    """new_context(viewport=..., **options) -> Guard: a fresh guarded context, closed after the test."""
    made: list[Guard] = []

    def factory(viewport: dict = DESKTOP, **options) -> Guard:
        guard = guarded_context(browser, viewport=viewport, **options)
        made.append(guard)
        return guard

    yield factory
    for guard in made:
        guard.context.close()


@pytest.fixture(scope="session")
def desktop_reports(desktop: Guard, base_url: str, pages: list[str]) -> dict[str, PageReport]:
    """Every page visited once at desktop width, with every per-page check run."""
    return {path: audit_page(desktop, base_url + path) for path in pages}


@pytest.fixture(scope="session")
def phone_reports(browser: Browser, base_url: str, pages: list[str]) -> dict[int, dict[str, list[str]]]:
    """Every page at 320, 375 and 640 px: sideways scrolling and chip sizes; axe too at 375 px."""
    results: dict[int, dict[str, list[str]]] = {}
    for viewport in PHONES:
        guard = guarded_context(browser, viewport=viewport)
        page = guard.context.new_page()
        results[viewport["width"]] = {
            path: audit_layout(page, base_url + path, axe=viewport["width"] == 375) for path in pages
        }
        guard.context.close()
    return results
