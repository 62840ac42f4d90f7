"""Screenshots for people to look at: the home page, a principle and a training module, at
desktop width and at 375 px. Saved under test-artifacts/screenshots/ (git-ignored)."""

from __future__ import annotations

import pytest

from .browser_checks import DESKTOP, wait_until_settled
from .built_site import SCREENSHOTS

VIEWPORTS = {"desktop": DESKTOP, "375": {"width": 375, "height": 812}}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_screenshots(viewport, new_context, base_url, principle_page, training_module) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = new_context(VIEWPORTS[viewport]).context.new_page()
    for name, path in (("home", ""), ("principle", principle_page), ("training-module", training_module)):
        page.goto(base_url + path)
        wait_until_settled(page)
        target = SCREENSHOTS / f"{name}-{viewport}.png"
        page.screenshot(path=str(target), full_page=True, animations="disabled")
        assert target.stat().st_size > 0
