"""Phone-sized screens (320 and 375 CSS px, also what 400% zoom gives a desktop reader) and 200% zoom (640 px).

Every page: no sideways scrolling, principle chips at least 24x24 px, and (at 375 px) axe.
On a training module: the navigation drawer and the search open and close with the keyboard alone.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .browser_checks import PHONES, axe_violations, focused, tab_to, wait_until_settled

WIDTHS = [viewport["width"] for viewport in PHONES]
VIEWPORTS = {viewport["width"]: viewport for viewport in PHONES}


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_the_screen(width: int, phone_reports: dict[int, dict[str, list[str]]]) -> None:
    """No page scrolls sideways, every chip is a big enough target, and axe passes at 375 px."""
    failures = [f"/{path}: {problem}" for path, problems in phone_reports[width].items() for problem in problems]
    assert not failures, f"at {width} px, {len(failures)} problem(s):\n" + "\n".join(failures)


def checked(page, name: str) -> bool:
    return page.evaluate("(n) => document.querySelector(`[data-md-toggle=${n}]`).checked", name)


DRAWER_ON_SCREEN = """() => { const s = document.querySelector('.md-sidebar--primary'), r = s.getBoundingClientRect();
  return getComputedStyle(s).visibility === 'visible' && r.left >= -1 && r.right <= innerWidth + 1; }"""

SEARCH_ON_SCREEN = """() => { const s = document.querySelector('.md-search__inner');
  return getComputedStyle(s).visibility === 'visible' && getComputedStyle(s).opacity === '1'; }"""


def wait_for(page, condition: str, what: str) -> None:
    """Wait (up to 3 s, for slow CI machines) until the JavaScript `condition` holds."""
    try:
        page.wait_for_function(condition, timeout=3_000)
    except PlaywrightTimeout:
        pytest.fail(f"{page.url}: {what}")


@pytest.mark.parametrize("width", WIDTHS)
def test_drawer_opens_and_closes_with_the_keyboard(width, new_context, base_url, training_module) -> None:
    """Tab reaches the menu button; Enter opens the drawer with focus inside; Escape closes it and
    returns focus; Space opens it again; Tab walks its links; Tabbing out of it closes it."""
    page = new_context(VIEWPORTS[width]).context.new_page()
    page.goto(base_url + training_module)
    wait_until_settled(page)
    button = "[data-handbook-toggle=drawer]"

    tab_to(page, button)
    assert page.get_attribute(button, "aria-expanded") == "false"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.closest('.md-sidebar--primary')")
    assert checked(page, "drawer") and page.get_attribute(button, "aria-expanded") == "true"
    wait_for(page, DRAWER_ON_SCREEN, "the drawer did not slide into view")

    page.keyboard.press("Escape")
    assert not checked(page, "drawer"), "Escape did not close the drawer"
    assert page.evaluate(f"document.activeElement.matches('{button}')"), f"focus went to {focused(page)}"
    assert page.get_attribute(button, "aria-expanded") == "false"

    page.keyboard.press("Space")
    page.wait_for_function("() => document.activeElement.closest('.md-sidebar--primary')")
    links = page.evaluate("() => document.querySelectorAll('.md-sidebar--primary a[href]').length")
    visited = set()
    for _ in range(links + 5):
        page.keyboard.press("Tab")
        if not checked(page, "drawer"):
            break
        visited.add(page.evaluate("document.activeElement.getAttribute('href')"))
        inside = page.evaluate(
            """() => { const a = document.activeElement, r = a.getBoundingClientRect();
                       return !!a.closest('.md-sidebar--primary') && getComputedStyle(a).visibility === 'visible'; }""")
        assert inside, f"Tab inside the open drawer went to {focused(page)}"
    else:
        pytest.fail("Tab never left the open drawer")
    assert len(visited) > 5, f"Tab reached only {visited} in the drawer"
    assert not checked(page, "drawer"), "Tabbing out of the drawer left it open over the page"


@pytest.mark.parametrize("width", WIDTHS)
def test_search_opens_and_closes_with_the_keyboard(width, new_context, base_url, training_module) -> None:
    """Tab reaches the search button; Enter opens search with focus in the query; results can be
    reached with the arrow keys; Escape closes it and returns focus to the button; Material's "/"
    shortcut opens it too."""
    page = new_context(VIEWPORTS[width]).context.new_page()
    page.goto(base_url + training_module)
    wait_until_settled(page)
    button = "[data-handbook-toggle=search]"

    tab_to(page, button)
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.matches('input.md-search__input')")
    assert checked(page, "search") and page.get_attribute(button, "aria-expanded") == "true"
    page.keyboard.type("reciprocity")
    page.wait_for_selector(".md-search-result__item a", state="visible")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("!!document.activeElement.closest('.md-search-result')"), f"ArrowDown went to {focused(page)}"

    page.keyboard.press("Escape")
    assert not checked(page, "search"), "Escape did not close the search"
    assert page.evaluate(f"document.activeElement.matches('{button}')"), f"focus went to {focused(page)}"
    assert page.get_attribute(button, "aria-expanded") == "false"
    wait_for(page, f"() => !({SEARCH_ON_SCREEN})()", "the closed search is still on screen")

    page.keyboard.press("/")  # Material's shortcut to search works here too
    page.wait_for_function("() => document.activeElement.matches('input.md-search__input')")
    assert checked(page, "search")
    wait_for(page, SEARCH_ON_SCREEN, "'/' did not open the search")


def test_open_drawer_and_search_pass_axe(new_context, base_url, training_module) -> None:
    """The states a phone reader sees after pressing the buttons are as accessible as the page."""
    page = new_context(VIEWPORTS[375]).context.new_page()
    page.goto(base_url + training_module)
    wait_until_settled(page)
    page.click("[data-handbook-toggle=drawer]")
    wait_for(page, DRAWER_ON_SCREEN, "the drawer did not open")
    problems = [f"drawer open: {v}" for v in axe_violations(page)]
    page.keyboard.press("Escape")
    page.click("[data-handbook-toggle=search]")
    page.keyboard.type("reciprocity")
    page.wait_for_selector(".md-search-result__item a", state="visible")
    wait_for(page, SEARCH_ON_SCREEN, "the search did not open")
    problems += [f"search open with results: {v}" for v in axe_violations(page)]
    assert not problems, "\n".join(problems)
