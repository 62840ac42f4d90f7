"""What readers do: search, follow a principle and back, read without motion, print a module."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from .browser_checks import axe_violations, wait_until_settled


def path_of(url: str) -> str:
    return urlsplit(url).path


def test_searching_a_principle_keyword_lists_its_page(new_context, base_url) -> None:
    """Searching "reciprocity" lists the mutuality principle's page among the results (and the
    open results pass axe like any page)."""
    page = new_context().context.new_page()
    page.goto(base_url)
    wait_until_settled(page)
    page.click("input.md-search__input")
    page.keyboard.type("reciprocity")
    page.wait_for_selector(".md-search-result__item a", state="visible")
    results = page.eval_on_selector_all(".md-search-result__item > a", "links => links.map(a => a.href)")
    assert any(path_of(url).endswith("/principles/mutuality/") for url in results), results
    assert axe_violations(page) == []


def test_a_chip_leads_to_its_principle_and_taught_in_leads_back(new_context, base_url, training_module) -> None:
    """From a training module, a principle chip opens the principle's page; on it, the "Taught in"
    list links back to the module."""
    page = new_context().context.new_page()
    page.goto(base_url + training_module)
    chip = page.locator("a.principle-chip").first
    expected = urljoin(page.url, chip.get_attribute("href"))
    chip.click()
    page.wait_for_load_state()
    assert path_of(page.url) == path_of(expected)
    assert re.search(r"/principles/[^/]+/$", path_of(page.url)), page.url

    taught_in = page.locator("h2", has_text=re.compile(r"^\s*Taught in\s*$"))
    assert taught_in.count() == 1, "the principle page has no 'Taught in' section"
    back = page.locator(f"xpath=//h2[@id='{taught_in.get_attribute('id')}']/following::a"
                        f"[contains(@href, '{training_module.rstrip('/').split('/')[-1]}')]").first
    back.click()
    page.wait_for_load_state()
    assert path_of(page.url) == "/" + training_module


TRANSITIONS = """() => {
  const seconds = v => v.split(',').map(s => s.trim().endsWith('ms') ? parseFloat(s) / 1000 : parseFloat(s));
  const longest = (el, prop) => Math.max(...seconds(getComputedStyle(el)[prop]));
  const sidebar = document.querySelector('.md-sidebar--primary');
  const skip = document.querySelector('.md-skip');
  skip.focus();
  return {
    sidebar: longest(sidebar, 'transitionDuration'),
    skip: longest(skip, 'transitionDuration'),
    animations: Math.max(0, ...[...document.querySelectorAll('*')].map(el => longest(el, 'animationDuration'))),
    scroll: getComputedStyle(document.documentElement).scrollBehavior,
  };
}"""


def test_reduced_motion_is_honoured(new_context, base_url, training_module) -> None:
    """With prefers-reduced-motion: reduce, transitions and animations take no time and nothing
    scrolls smoothly; without it, Material's motion is still there (so the test measures something)."""
    readings = {}
    for motion in ("no-preference", "reduce"):
        page = new_context({"width": 375, "height": 812}, reduced_motion=motion).context.new_page()
        page.goto(base_url + training_module)
        readings[motion] = page.evaluate(TRANSITIONS)
    moving, still = readings["no-preference"], readings["reduce"]
    assert moving["sidebar"] > 0.1 and moving["skip"] > 0.1, moving
    assert still["sidebar"] < 0.001 and still["skip"] < 0.001 and still["animations"] < 0.001, still
    assert still["scroll"] == "auto", still


def test_printed_module_is_the_content_with_link_targets(new_context, base_url, site_dir, pages) -> None:
    """Printed (print media emulated), a training module has no navigation chrome, shows where
    external links go, and prints facilitator notes open."""
    modules = [p for p in pages if re.match(r"training/\d+-", p)]
    with_notes = [p for p in modules if "<details" in (site_dir / p / "index.html").read_text(encoding="utf-8")]
    module = (with_notes or modules)[0]
    page = new_context().context.new_page()
    page.goto(base_url + module)
    wait_until_settled(page)
    # An external link in the module's text, so the rule is tested whatever the content holds.
    page.evaluate("""() => document.querySelector('.md-content__inner p').insertAdjacentHTML('beforeend',
        ' <a id="print-probe" href="https://www.nhs.uk/mental-health/">NHS mental health</a>')""")
    page.emulate_media(media="print")

    chrome = page.evaluate("""() => ['.md-header', '.md-search', '.md-banner', '.md-sidebar--primary',
        '.md-sidebar--secondary', '.md-footer', '.md-skip', '.md-top']
        .filter(s => document.querySelector(s))
        .filter(s => { const el = document.querySelector(s);
                       return getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0; })""")
    assert chrome == [], f"{module}: printed with navigation chrome: {chrome}"

    after = page.evaluate("() => getComputedStyle(document.getElementById('print-probe'), '::after').content")
    assert "https://www.nhs.uk/mental-health/" in after, f"{module}: printed link shows no target ({after})"

    internal = page.evaluate("""() => { const a = document.querySelector('.md-content__inner a[href^="../"]');
                                         return a ? getComputedStyle(a, '::after').content : 'none'; }""")
    assert "../" not in internal, f"{module}: a relative link prints its meaningless relative address"

    if with_notes:
        hidden = page.evaluate("""() => [...document.querySelectorAll('.md-content details:not([open])')]
            .filter(d => [...d.children].some(c => c.tagName !== 'SUMMARY' && c.getBoundingClientRect().height === 0))
            .map(d => d.querySelector('summary').textContent.trim())""")
        assert hidden == [], f"{module}: collapsed notes do not print: {hidden}"
