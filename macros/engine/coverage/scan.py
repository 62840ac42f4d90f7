"""Scanning: the sections of every page and the principles each links, judged by the rendered page.

Coverage follows what readers see. Each page is rendered the way the site renders it (our macros,
the page's leftover Jinja, then Python-Markdown with the site's extensions) by a callable the
caller passes in, and the sections and links are read from that HTML:

* a **section** is every heading of the configured level (``<h2>`` by default) in the HTML, however
  it was written (``## Title``, ``##Title``, a title underlined with ``---``, or inside an
  admonition, a tab, a details block, a list item or a quote), and runs to the next heading of
  that level or higher;
* a **link** is an ``<a href>`` in the HTML that points at a principle page (or the theme's page),
  whoever wrote it: a macro, a Markdown or HTML link, a reference-style link;
* nothing inside an HTML comment, a Jinja comment, a false ``{% if %}``, or code counts.

The source is read only to give each section the line its heading is written on.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

from markdown.extensions.toc import slugify

from ..diagnostics import Diagnostic
from ..framework import Framework, principle_of_page
from ..contract import DURATION_CLASS, EXEMPT_CLASS, EXEMPTION_PREFIX, SUMMARY_END, SUMMARY_START
from ..settings import Settings
from ..strict_yaml import load_yaml
from ..weave import protect, restore
from .model import Coverage, PageScan, Section
from .rules import check_module, rule_diagnostics

__all__ = [
    "coverage_of", "heading_lines", "MODULE_KEYS", "OTHER_KEYS", "principle_target", "read_rendered", "RenderedPage",
    "RenderPage", "scan_page", "scan_site", "split_front_matter"
]


@dataclass
class RenderedPage:
    """One page's body as the site renders it, and the problems found on the way."""

    html: str
    diagnostics: list[Diagnostic] = field(default_factory=list)


#: Renders one page's body for the scan: (src_uri, body, lines before the body) -> RenderedPage.
RenderPage = Callable[[str, str, int], RenderedPage]

_FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.S)
_ATX = re.compile(r"^[ \t]*(?:(?:>[ \t]?)|(?:[-*+][ \t]+)|(?:\d+[.)][ \t]+))*(#{1,6})(?!#)[ \t]*(.*?)[ \t]*#*[ \t]*$")
_SETEXT = re.compile(r"^[ \t>]*(?:=+|-+)[ \t]*$")
_ATTRS = re.compile(r"\s*\{:?\s*([^}]*)\}\s*$")
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_JINJA_COMMENT = re.compile(r"\{#.*?(?:#\}|\Z)", re.S)


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(front matter YAML or None, the body after it, the number of lines before the body)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return None, text, 0
    return match.group(1), text[match.end():], match.group(0).count("\n")


def _blank(match: re.Match) -> str:
    """Spaces in place of the matched text, keeping its line breaks."""
    return re.sub(r"[^\n]", " ", match.group(0))


def _plain(raw: str) -> str:
    """Heading text without attribute lists, Markdown or tags, as the reader sees it."""
    attrs = _ATTRS.search(raw)
    if attrs:
        raw = raw[: attrs.start()]
    plain = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", raw)
    plain = re.sub(r"<[^>]+>", "", plain)
    return html.unescape(re.sub(r"[*_`]", "", plain)).strip()


def _key(text: str) -> str:
    """A loose key for matching a heading in the HTML with its line in the source."""
    return re.sub(r"\W+", "", text.lower())


def heading_lines(body: str) -> list[tuple[int, str]]:
    """(line, loose key) of everything in the source that may render as a heading, in order.

    Code, HTML comments and Jinja comments are left out. A candidate that does not render (a
    ``#`` inside a paragraph, say) is harmless: lines are given to the HTML's headings in order.
    """
    protected, stash = protect(body)
    protected = _JINJA_COMMENT.sub(_blank, _HTML_COMMENT.sub(_blank, protected))
    lines = protected.split("\n")
    found: list[tuple[int, str]] = []
    for index, line in enumerate(lines):
        atx = _ATX.match(line)
        if atx:
            found.append((index + 1, _key(_plain(restore(atx.group(2), stash)))))
        elif (line.strip() and index + 1 < len(lines) and _SETEXT.match(lines[index + 1])
              and not _SETEXT.match(line)):
            found.append((index + 1, _key(_plain(restore(line.strip().lstrip(">").strip(), stash)))))
    return found


class _PageReader(HTMLParser):
    """Reads, in document order, what the coverage needs from a rendered page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple] = []  # ("heading", level, id, text) | ("link", href) | ("exempt", reason)
        #                                | ("duration", minutes, kind, teaching, activity, cut_if_short)
        self._heading: list | None = None
        self._exempt: list[str] | None = None
        self._summaries = 0  # inside a summary's marks: another section's facts, never this page's

    def handle_comment(self, data: str) -> None:
        if data == SUMMARY_START[4:-3]:
            self._summaries += 1
        elif data == SUMMARY_END[4:-3]:
            self._summaries = max(0, self._summaries - 1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._summaries:
            return
        a = {k: v or "" for k, v in attrs}
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6") and self._heading is None:
            self._heading = [int(tag[1]), a.get("id", ""), []]
        elif tag == "a" and a.get("href"):
            self.events.append(("link", a["href"]))
        elif tag == "p" and EXEMPT_CLASS in a.get("class", "").split():
            self._exempt = []
        elif "data-minutes" in a and DURATION_CLASS in a.get("class", "").split():
            def number(name: str) -> int | None:
                value = a.get(name, "")
                return int(value) if value.isdigit() else None
            self.events.append(("duration", number("data-minutes") or 0, a.get("data-kind") or "session",
                                number("data-teaching"), number("data-activity"),
                                a.get("data-cut-if-short") == "true"))

    def handle_endtag(self, tag: str) -> None:
        if self._summaries:
            return
        if self._heading is not None and tag == f"h{self._heading[0]}":
            level, anchor, parts = self._heading
            self.events.append(("heading", level, anchor, " ".join("".join(parts).split())))
            self._heading = None
        elif tag == "p" and self._exempt is not None:
            text = " ".join("".join(self._exempt).split())
            self.events.append(("exempt", text.removeprefix(EXEMPTION_PREFIX).strip()))
            self._exempt = None

    def handle_data(self, data: str) -> None:
        if self._summaries:
            return
        if self._heading is not None:
            self._heading[2].append(data)
        if self._exempt is not None:
            self._exempt.append(data)


def read_rendered(rendered_html: str) -> list[tuple]:
    """The headings, links, exemptions and durations of a rendered page, in document order."""
    reader = _PageReader()
    reader.feed(rendered_html)
    reader.close()
    return reader.events


def principle_target(target: str, from_src: str, framework: Framework,
                     url: str | None = None) -> tuple[str | None, str | None]:
    """Which principle a link points at: (id, None); an unknown principle page: (None, name).

    ``url``: the page's URL in the built site, when the link was made relative to it by the site generator
    (a link it could not resolve keeps its source form, so that is tried too)."""
    name = _linked_principle(target, posixpath.dirname(url)) if url is not None else None
    if name is None:
        name = _linked_principle(target, posixpath.dirname(from_src))
    if name is None:
        return None, None
    return (name, None) if framework.get(name) else (None, name)


@lru_cache(maxsize=16384)
def _linked_principle(target: str, from_dir: str) -> str | None:
    """The principle id whose page a link from this folder points at, known or not (see ``principle_of_page``).

    Cached: every page links the same few principle pages many times.
    """
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith(("/", "#")):
        return None
    path = target.split("#", 1)[0].split("?", 1)[0]
    resolved = posixpath.normpath(posixpath.join(from_dir, path))
    return principle_of_page(resolved + ("/" if path.endswith("/") else ""))


def scan_page(src_uri: str, text: str, framework: Framework, settings: Settings, render_page: RenderPage, *,
              docs_prefix: str = "docs/", path: str | None = None,
              url: str | None = None) -> tuple[PageScan, list[Diagnostic]]:
    """Read one page's sections and links from its rendered HTML; return the scan and its diagnostics.

    ``path`` names the page's source in messages (default: ``docs_prefix + src_uri``). ``url`` is the page's
    URL when the HTML is the site generator's, whose links are relative to that URL."""
    path = path or docs_prefix + src_uri
    diagnostics: list[Diagnostic] = []
    meta, body, meta_lines, offset = _front_matter(text, path, diagnostics)
    rendered = render_page(src_uri, body, offset)
    diagnostics += rendered.diagnostics
    events = read_rendered(rendered.html)
    level = settings.supervision_level(src_uri)
    kind = ("training" if settings.is_training(src_uri) else "supervision" if level
            else "handbook" if settings.is_handbook(src_uri) else "other")

    # the line of each heading: the HTML's headings, in order, matched with the source's candidates
    candidates = heading_lines(body)
    next_candidate = 0
    page_title = meta.get("title") if isinstance(meta.get("title"), str) else None
    want = settings.heading_level
    sections: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    links: set[str] = set()
    last_line = 1
    for event in events:
        if event[0] == "heading":
            _, depth, anchor, title = event
            key = _key(title)
            for index in range(next_candidate, len(candidates)):
                if candidates[index][1] == key:
                    last_line = candidates[index][0] + offset
                    next_candidate = index + 1
                    break
            if depth == 1 and page_title is None:
                page_title = title
            if depth <= want:
                current = None
            if depth == want:
                current = {"line": last_line, "title": title, "anchor": anchor or slugify(title, "-"),
                           "ids": set(), "exempt": None, "durations": []}
                sections.append(current)
        elif event[0] == "link":
            pid, unknown = principle_target(event[1], src_uri, framework, url)
            if pid:
                links.add(pid)
                if current is not None:
                    current["ids"].add(pid)
            elif unknown:
                line = _line_of(text, event[1], last_line)
                diagnostics.append(Diagnostic(path, line, None, "principles.unknown-id",
                                              f'link to unknown principle page "{event[1]}"; {framework.suggest(unknown)}'))
        elif event[0] == "exempt" and current is not None and current["exempt"] is None:
            current["exempt"] = event[1]
        elif event[0] == "duration" and current is not None:
            current["durations"].append(event[1:])
    page_title = page_title or posixpath.splitext(posixpath.basename(src_uri))[0].replace("-", " ").capitalize()

    order = framework.linkable_ids
    built: list[Section] = []
    for s in sections:
        durations = s["durations"]
        minutes = sum(d[0] for d in durations) if durations else None
        section_kind = "break" if any(d[1] == "break" for d in durations) else "session"
        teaching = [d[2] for d in durations if d[2] is not None]
        activity = [d[3] for d in durations if d[3] is not None]
        exempt = s["exempt"]
        if exempt is None and section_kind == "break":
            exempt = "Break"
        built.append(Section(path, src_uri, s["line"], s["title"], s["anchor"], page_title,
                             tuple(sorted(s["ids"], key=order.index)), exempt, minutes, section_kind,
                             sum(teaching) if teaching else None, sum(activity) if activity else None,
                             any(d[4] for d in durations)))

    page = PageScan(path, src_uri, page_title, kind, level, built, links, meta)
    if kind == "training":
        diagnostics += _module_look_alike(path, meta, meta_lines)
        if "module" in meta:
            page.module = check_module(page, meta, meta_lines, diagnostics, framework)
    return page, diagnostics


#: Front matter a module page uses, and other keys MkDocs, Material or Zensical read on any page.
MODULE_KEYS = ("module", "title", "duration", "objectives", "focus", "materials", "key_points", "keep_whole")
OTHER_KEYS = frozenset({"render_macros", "hide", "search", "description", "template", "tags", "status", "icon",
                        "subtitle", "comments", "title", "translation"})


def _module_look_alike(path: str, meta: dict[str, Any], meta_lines: dict) -> list[Diagnostic]:
    """A training page that looks like a module but is not a valid one would drop out of the course silently."""
    from ..diagnostics import closest

    found = []
    for key in meta:
        if not isinstance(key, str) or key in MODULE_KEYS or key in OTHER_KEYS:
            continue
        guess = closest(key, MODULE_KEYS)
        if guess:
            found.append(Diagnostic(path, meta_lines.get(key, 2), None, "modules.bad-front-matter",
                                    f'unknown front matter field "{key}"; did you mean "{guess}"?'))
    module_like = [k for k in ("duration", "objectives", "focus", "materials", "key_points") if k in meta]
    if module_like and "module" not in meta and not any(d.message.endswith('"module"?') for d in found):
        found.append(Diagnostic(path, meta_lines.get(module_like[0], 2), None, "modules.bad-front-matter",
                                f"this page has {', '.join(module_like)} like a training module but no module: number, "
                                f"so it would be left out of the course packs; add module: N"))
    return found


def _line_of(text: str, needle: str, default: int) -> int:
    """The first line of the file that holds ``needle`` (for a link's message), or ``default``."""
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else default


def _front_matter(text: str, path: str, diagnostics: list[Diagnostic]) -> tuple[dict[str, Any], str, dict, int]:
    """Front matter as data, the line of each top-level key, the body, and the lines before the body."""
    yaml_text, body, offset = split_front_matter(text)
    if yaml_text is None:
        return {}, text, {}, 0
    doc, problems = load_yaml(yaml_text, path)
    positions: dict = {}
    data: dict[str, Any] = {}
    if doc is not None and isinstance(doc.data, dict):
        data = doc.data
        # top-level keys by name, nested values by path: ("objectives", 2)
        positions = {(k[0] if len(k) == 1 else k): doc.values[k].line + 1 for k in doc.values if k}
    elif doc is not None and doc.data is not None:
        diagnostics.append(Diagnostic(path, 2, None, "modules.bad-front-matter",
                                      "front matter must be a mapping of fields such as title: and module:"))
    for p in problems:  # shift: the YAML starts on line 2 of the file
        diagnostics.append(Diagnostic(path, p.line + 1, p.column, "modules.bad-front-matter",
                                      f"front matter: {p.message}"))
    return data, body, positions, offset


def scan_site(sources: Mapping[str, str], framework: Framework, settings: Settings, render_page: RenderPage, *,
              docs_prefix: str = "docs/", paths: Mapping[str, str] | None = None) -> Coverage:
    """Scan every page (``src_uri -> Markdown``), apply every rule, and return the coverage.

    ``paths`` names pages whose source is not under ``docs_prefix`` (a local variant's pages)."""
    scanned = {src_uri: scan_page(src_uri, sources[src_uri], framework, settings, render_page,
                                  docs_prefix=docs_prefix, path=(paths or {}).get(src_uri))
               for src_uri in sorted(sources)}
    return coverage_of(scanned, framework, settings, docs_prefix=docs_prefix)


def coverage_of(scanned: Mapping[str, tuple[PageScan, list[Diagnostic]]], framework: Framework, settings: Settings, *,
                docs_prefix: str = "docs/") -> Coverage:
    """Every rule over pages already scanned (``src_uri -> (PageScan, its diagnostics)``), as one coverage.

    The scan of each page may come from the engine's render (``scan_site``) or from the HTML the site
    generator made (the MkDocs glue, one page at a time); the rules are the same."""
    pages = {src_uri: scanned[src_uri][0] for src_uri in sorted(scanned)}
    diagnostics = [d for src_uri in sorted(scanned) for d in scanned[src_uri][1]]
    coverage = Coverage(framework, settings, pages, diagnostics)
    coverage.diagnostics += rule_diagnostics(coverage, docs_prefix)
    coverage.diagnostics = [d for d in sorted(set(coverage.diagnostics)) if coverage.severity(d) != "off"]
    return coverage
