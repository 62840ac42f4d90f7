"""The offline copy: the zip from scripts/build_offline.py, unpacked and opened from file://."""

from __future__ import annotations

import html
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from .browser_checks import is_local
from .built_site import ROOT


@pytest.fixture(scope="module")
def offline_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zip, built by the real script and unpacked; returns the folder holding index.html."""
    work = tmp_path_factory.mktemp("offline")
    archive = work / "site-offline.zip"
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_offline.py"), "--output", str(archive)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    with zipfile.ZipFile(archive) as unpacked:
        names = unpacked.namelist()
        assert "handbook/index.html" in names and "handbook/search/search_index.js" in names, names[:20]
        assert not [n for n in names if n.endswith(".map") or n == "handbook/404.html"]
        unpacked.extractall(work / "unzipped")
    return work / "unzipped" / "handbook"


def test_offline_copy_searches_and_links_from_file_urls(offline_copy: Path, new_context) -> None:
    """From file:// (no server): search finds the mutuality principle, its result opens the page,
    and a link on that page opens the next page. Nothing is requested from any server."""
    page = new_context().context.new_page()
    requests, errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto((offline_copy / "index.html").as_uri())
    page.click("input.md-search__input")
    page.keyboard.type("reciprocity")
    result = page.locator(".md-search-result__item > a[href*='principles/mutuality.html']").first
    result.wait_for(state="visible")
    result.click()
    page.wait_for_load_state()
    assert page.url.split("?")[0] == (offline_copy / "principles" / "mutuality.html").as_uri()
    assert page.locator("h1").count() == 1

    link = page.locator(".md-content a[href$='.html']:not([href^='http'])").first
    target = link.get_attribute("href")
    link.click()
    page.wait_for_load_state()
    assert page.url.startswith("file://") and page.url.split("#")[0].endswith(target.split("/")[-1].split("#")[0])
    assert page.locator("h1").count() == 1, f"{page.url} did not open as a handbook page"

    assert [url for url in requests if not is_local(url)] == []
    assert errors == []


def test_every_address_in_the_offline_copy_is_a_file_in_it(offline_copy: Path) -> None:
    """From file:// there is no server to turn "principles/" into "principles/index.html": every
    link, stylesheet, script and image must name a file that is in the copy."""
    reference = re.compile(r"<(?:a|link|script|img|source)\b[^>]*?\s(?:href|src)=\"([^\"]+)\"")
    broken = []
    for page in sorted(offline_copy.rglob("*.html")):
        for address in map(html.unescape, reference.findall(page.read_text(encoding="utf-8"))):
            parts = urlsplit(address)
            if parts.scheme or parts.netloc or address.startswith("#"):
                continue  # another site (the reader's choice to follow) or a place on this page
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.is_file() or offline_copy.resolve() not in target.parents:
                broken.append(f"{page.relative_to(offline_copy)}: {address}")
    assert broken == [], f"{len(broken)} address(es) that do not work offline:\n" + "\n".join(broken)
