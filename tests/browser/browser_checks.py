"""The checks the browser suite runs on a page, as plain functions over a Playwright page.

The suite runs them over every page of the real site; the regression tests run the same
functions over small variant sites and assert they report the injected fault. Each check returns
a list of problems, one sentence each saying what is wrong and where on the page: empty means it
passed. The tests put the page's path in front.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route
from playwright.sync_api import TimeoutError as PlaywrightTimeout

VENDOR = Path(__file__).resolve().parents[1] / "vendor"

#: Debian's chromium (apt-get install chromium); HANDBOOK_CHROMIUM points elsewhere if needed.
CHROMIUM = os.environ.get("HANDBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
)

#: The vendored axe-core (tests/vendor/axe.min.js; see tests/vendor/README.md).
AXE_VERSION = "4.14.1"

#: The rule sets GOV.UK Frontend tests with: WCAG 2.0, 2.1 and 2.2 A and AA, and best practice.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice")

#: Hosts a page may load from: only the local test server (and file:// for the offline copy).
LOCAL_HOSTS = frozenset({"127.0.0.1"})

DESKTOP = {"width": 1280, "height": 800}
# 320 and 375: phones (and 400% zoom); 640 x 400: a 1280 x 800 screen at 200% zoom.
PHONES = ({"width": 320, "height": 640}, {"width": 375, "height": 812}, {"width": 640, "height": 400})


def launch(playwright: Playwright) -> Browser:
    """Start Debian's chromium headless; never a downloaded browser (`playwright install`)."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM}: chromium is not installed; run `apt-get install -y chromium` "
                           f"(or set HANDBOOK_CHROMIUM to a Chromium binary)")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))


def is_local(url: str) -> bool:
    """True for URLs that do not leave this machine: the test server, file://, data: and blob:."""
    parts = urlsplit(url)
    if parts.scheme in {"file", "data", "blob", "about", "chrome-error"}:
        return True
    return parts.hostname in LOCAL_HOSTS


@dataclass
class Guard:
    """A browser context that can never reach the network: requests off 127.0.0.1 are recorded, then refused."""

    context: BrowserContext
    refused: list[str] = field(default_factory=list)

    def _route(self, route: Route) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            self.refused.append(url)
            route.abort("blockedbyclient")


def guarded_context(browser: Browser, **options) -> Guard:
    """A new context whose every request to another host is refused and remembered."""
    context = browser.new_context(**options)
    guard = Guard(context)
    context.route("**/*", guard._route)
    return guard


@dataclass(frozen=True)
class PageReport:
    """What one visit to one page found."""

    url: str
    axe: tuple[str, ...]
    outside_requests: tuple[str, ...]
    outside_references: tuple[str, ...]
    console_errors: tuple[str, ...]
    h1_count: int
    lang: str
    skip_link: tuple[str, ...]


def wait_until_settled(page: Page) -> None:
    """Wait for the page to finish loading, including Material's search index (fetched after load)."""
    page.wait_for_load_state("load")
    page.wait_for_function(
        """() => { const meta = document.querySelector('.md-search-result__meta');
                   return !meta || !/Initializing/i.test(meta.textContent); }""",
        timeout=10_000,
    )


def axe_violations(page: Page) -> list[str]:
    """Run axe-core (vendored, no network) with AXE_TAGS on the page as it is now; one line per
    violation: rule, impact, help and the first elements with what is wrong with them."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(VENDOR / "axe.min.js"))
    violations = page.evaluate(
        """async (tags) => {
             const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
             return result.violations.map(v => ({
               id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').replace(/\\s+/g, ' ').trim()),
             }));
           }""",
        list(AXE_TAGS),
    )
    return [f"[{v['id']}] ({v['impact']}) {v['help']}: {len(v['nodes'])} element(s): " + " | ".join(v["nodes"][:3])
            for v in violations]


def outside_references(page: Page) -> list[str]:
    """Resources the page points at on another host (<link>, <script>, <img>, ...), loaded or not.

    Catches what fires no request event, such as <link rel="preconnect"> to a font service.
    Hyperlinks (<a href>) are not resources: following one is the reader's choice.
    """
    found = page.evaluate(
        """() => {
             const attributes = ['href', 'src', 'srcset', 'poster', 'data', 'action'];
             const selector = 'link, script, img, iframe, frame, source, video, audio, track, embed, object, form, image, use';
             const out = [];
             for (const el of document.querySelectorAll(selector)) {
               for (const name of attributes) {
                 const value = el.getAttribute(name) || el.getAttribute('xlink:' + name);
                 if (!value) continue;
                 for (const part of (name === 'srcset' ? value.split(',').map(s => s.trim().split(/\\s+/)[0]) : [value])) {
                   try { out.push([el.tagName.toLowerCase(), new URL(part, document.baseURI).href]); } catch (e) {}
                 }
               }
             }
             return out;
           }"""
    )
    return [f"<{tag}> {url}" for tag, url in found if not is_local(url)]


def skip_link_problems(page: Page) -> list[str]:
    """From a fresh load, the first Tab must land on a visible skip link that moves the reader to the content."""
    page.keyboard.press("Tab")
    link = page.evaluate(
        """() => { const a = document.activeElement;
                   if (!a || a === document.body) return null;
                   return {tag: a.tagName.toLowerCase(), text: a.textContent.trim(), href: a.getAttribute('href') || ''}; }"""
    )
    if link is None:
        return ["the first Tab focuses nothing"]
    # "Skip to content", or Material's own words for it in the page's language (Welsh: "Neidio i'r cynnwys")
    if link["tag"] != "a" or not re.search(r"\bskip\b|\bneidio\b", link["text"], re.I) or not link["href"].startswith("#"):
        return [f"the first Tab lands on <{link['tag']}> {link['text']!r} (href {link['href']!r}), not a skip link"]
    target_id = link["href"][1:]
    problems = []
    try:
        page.wait_for_function(
            """() => { const a = document.activeElement, box = a.getBoundingClientRect();
                       return getComputedStyle(a).opacity === '1' && box.width > 0 && box.height > 0
                         && box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth; }""",
            timeout=2_000,
        )
    except PlaywrightTimeout:
        problems.append("the skip link is not visible when focused")
    target = page.evaluate(
        """(id) => { const t = document.getElementById(id);
                     return t ? {inContent: !!t.closest('main, [role=main], .md-content')} : null; }""",
        target_id,
    )
    if target is None:
        return problems + [f"the skip link points to #{target_id}, which is not on the page"]
    if not target["inContent"]:
        problems.append(f"the skip link target #{target_id} is not in the main content")
    page.keyboard.press("Enter")
    # Following the link is asynchronous (hash change, scroll): Tab only once it has happened,
    # or a busy machine presses Tab while focus is still on its way.
    try:
        page.wait_for_function("(id) => location.hash === '#' + id", arg=target_id, timeout=2_000)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    except PlaywrightTimeout:
        problems.append(f"Enter on the skip link does not move to #{target_id}")
    page.keyboard.press("Tab")
    after = page.evaluate(
        """(id) => { const t = document.getElementById(id), a = document.activeElement;
                     if (!a || a === document.body) return 'nothing';
                     const follows = t === a || t.contains(a) || (t.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING);
                     return follows ? null : (a.tagName.toLowerCase() + ' ' + (a.textContent || '').trim().slice(0, 40)); }""",
        target_id,
    )
    if after is not None:
        problems.append(f"after following the skip link, Tab goes to {after!r}, not into the content")
    return problems


def horizontal_overflow(page: Page) -> list[str]:
    """The page itself must not scroll sideways (WCAG 1.4.10 reflow); wide tables may scroll inside their box."""
    found = page.evaluate(
        """() => {
             const root = document.documentElement, viewport = root.clientWidth;
             const width = Math.max(root.scrollWidth, document.body.scrollWidth);
             if (width <= viewport) return null;
             const clipped = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement)
                                       if (/(auto|scroll|hidden|clip)/.test(getComputedStyle(p).overflowX)) return true;
                                     return false; };
             const widest = [...document.body.querySelectorAll('*')]
               .filter(el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.right > viewport + 1 && !clipped(el); })
               .slice(-3).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                                    + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : ''));
             return {width, viewport, widest};
           }"""
    )
    if found is None:
        return []
    return [f"scrolls sideways: content is {found['width']} px wide in a {found['viewport']} px viewport "
            f"(overflowing: {', '.join(found['widest']) or 'unknown'})"]


def small_targets(page: Page, selector: str, minimum: float = 24) -> list[str]:
    """Every visible element matching `selector` is at least `minimum` CSS px wide and tall (WCAG 2.5.8)."""
    boxes = page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
             .filter(el => el.getClientRects().length)
             .map(el => { const r = el.getBoundingClientRect();
                          return {text: el.textContent.trim(), width: r.width, height: r.height}; })""",
        selector,
    )
    return [f"{selector} {box['text']!r} is {box['width']:.1f}x{box['height']:.1f} px, under {minimum}x{minimum}"
            for box in boxes if box["width"] < minimum or box["height"] < minimum]


def audit_page(guard: Guard, url: str, *, axe: bool = True) -> PageReport:
    """Visit `url` in a fresh tab and run every per-page check on it."""
    page = guard.context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("websocket", lambda socket: requests.append(socket.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    refused_before = len(guard.refused)
    try:
        page.goto(url, wait_until="load")
        wait_until_settled(page)
        basics = page.evaluate(
            "() => ({h1: document.querySelectorAll('h1').length, lang: document.documentElement.lang})")
        skip = skip_link_problems(page)
        violations = axe_violations(page) if axe else []
        references = outside_references(page)
    finally:
        page.close()
    outside = sorted({u for u in requests if not is_local(u)} | set(guard.refused[refused_before:]))
    return PageReport(
        url=url, axe=tuple(violations), outside_requests=tuple(outside),
        outside_references=tuple(references), console_errors=tuple(errors),
        h1_count=basics["h1"], lang=basics["lang"], skip_link=tuple(skip),
    )


LANG_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def report_problems(report: PageReport) -> dict[str, list[str]]:
    """Everything wrong with one page, by check name (the names the tests assert on)."""
    return {
        "axe": list(report.axe),
        "privacy": [f"request to {u}" for u in report.outside_requests]
                   + [f"refers to {r}" for r in report.outside_references],
        "console": list(report.console_errors),
        "h1": [] if report.h1_count == 1 else [f"has {report.h1_count} h1 elements, not exactly one"],
        "lang": [] if LANG_TAG.match(report.lang or "") else [f"<html lang={report.lang!r}> is not a language tag"],
        "skip-link": list(report.skip_link),
    }


def audit_layout(page: Page, url: str, *, axe: bool) -> list[str]:
    """The phone-sized checks on one page: no sideways scrolling, chips big enough, and axe if asked."""
    page.goto(url, wait_until="load")
    wait_until_settled(page)
    problems = horizontal_overflow(page) + small_targets(page, "a.principle-chip")
    return problems + (axe_violations(page) if axe else [])


def tab_to(page: Page, selector: str, limit: int = 40) -> int:
    """Press Tab until the focused element matches `selector`; return how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{page.url}: {limit} presses of Tab never reached {selector}")


def focused(page: Page) -> str:
    """A short description of the focused element, for assertion messages."""
    return page.evaluate(
        """() => { const a = document.activeElement;
                   if (!a || a === document.body) return 'nothing';
                   return a.tagName.toLowerCase() + (a.className ? '.' + String(a.className).trim().split(/\\s+/).join('.') : '')
                     + ' ' + JSON.stringify((a.getAttribute('aria-label') || a.textContent || '').trim().slice(0, 40)); }""")
