"""Checks on every page of the built site at desktop width, each page visited once (see conftest)."""

from __future__ import annotations

import pytest

from .browser_checks import AXE_VERSION, VENDOR, PageReport, report_problems
from .built_site import ROOT

CHECKS = {
    "axe": "axe-core (WCAG 2.0/2.1/2.2 A and AA, best practice) reports no violations",
    "privacy": "no request leaves 127.0.0.1, and no resource is referenced on another host",
    "console": "nothing is logged as an error, and no script throws",
    "h1": "exactly one h1",
    "lang": "<html lang> is set to a language tag",
    "skip-link": "the first Tab lands on a visible skip link that takes the reader into the content",
}


def test_axe_is_the_pinned_version_with_its_licence_header() -> None:
    header = (VENDOR / "axe.min.js").read_text(encoding="utf-8")[:400]
    assert header.startswith(f"/*! axe v{AXE_VERSION}\n") and "Mozilla Public" in header


def test_every_built_page_is_visited(pages: list[str]) -> None:
    """The pages come from the built files: every Markdown page, the generated ones and the 404 page."""
    sources = list((ROOT / "docs").rglob("*.md"))
    assert "" in pages and "404.html" in pages
    assert len(pages) >= len(sources) + 1, f"{len(pages)} pages built from {len(sources)} Markdown files"


@pytest.mark.parametrize("check", list(CHECKS), ids=list(CHECKS))
def test_every_page(check: str, desktop_reports: dict[str, PageReport]) -> None:
    """One check over every page; the failure lists every page and problem, not just the first."""
    failures = [f"/{path}: {problem}"
                for path, report in desktop_reports.items()
                for problem in report_problems(report)[check]]
    assert not failures, (f"{CHECKS[check]}: {len(failures)} problem(s) on "
                          f"{len({f.split(': ')[0] for f in failures})} page(s):\n" + "\n".join(failures))
