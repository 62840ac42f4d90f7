"""The offline copy: the zip from scripts/build_offline.py, unpacked and opened from file://."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from browser_checks import is_local
from built_site import ROOT


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
        assert not [n for n in names if n.endswith(".map")]
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
