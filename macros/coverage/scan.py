"""Scanning: the sections of every page and the principles each links.

A section is a heading of the configured level and everything under it up to the next heading
of that level or higher. A section is linked when its content links a principle page, however
the link was made: a macro (whose output is rendered by the caller's ``render_call``, the same
code the site uses), a hand-written Markdown or HTML link, or a reference-style link.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable, Collection, Mapping
from functools import lru_cache
from typing import Any

from markdown.extensions.toc import slugify, unique

from ..diagnostics import Diagnostic
from ..framework import Framework, principle_of_page
from ..settings import Settings
from ..strict_yaml import load_yaml
from ..weave import Call, MacroError, expressions, protect, restore
from .model import Coverage, PageScan, Section
from .rules import check_module, rule_diagnostics

#: Renders one literal macro call on a page: (src_uri, call) -> output, or None when its links do not count.
RenderCall = Callable[[str, Call], "str | None"]

_FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.S)
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)
_INLINE_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^)]*[\"'])?\s*\)")
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""")
_REF_DEF = re.compile(r"^[ ]{0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s.*)?$", re.M)
_REF_USE = re.compile(r"\[([^\[\]]+)\]\[([^\[\]]*)\]")
_ATTRS = re.compile(r"\s*\{:?\s*([^}]*)\}\s*$")


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(front matter YAML or None, the body after it, the number of lines before the body)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return None, text, 0
    return match.group(1), text[match.end():], match.group(0).count("\n")


def _front_matter(text: str, path: str, diagnostics: list[Diagnostic]) -> tuple[dict[str, Any], str, dict]:
    """Front matter as data (with positions), and the text with it blanked out line for line."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text, {}
    doc, problems = load_yaml(match.group(1), path)
    positions = {}
    data: dict[str, Any] = {}
    if doc is not None and isinstance(doc.data, dict):
        data = doc.data
        positions = {k[0]: doc.values[k].line + 1 for k in doc.values if len(k) == 1}
    for p in problems:  # shift: the YAML starts on line 2 of the file
        diagnostics.append(Diagnostic(path, p.line + 1, p.column, "modules.bad-front-matter",
                                      f"front matter: {p.message}"))
    blank = "\n" * match.group(0).count("\n")
    return data, blank + text[match.end():], positions


def _plain_heading(raw: str, stash) -> tuple[str, str | None]:
    """Heading text without attribute lists or Markdown; and an explicit id, if any."""
    raw = restore(raw, stash)
    explicit = None
    attrs = _ATTRS.search(raw)
    if attrs:
        found = re.search(r"#([\w:.-]+)", attrs.group(1))
        explicit = found.group(1) if found else None
        raw = raw[: attrs.start()]
    plain = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", raw)
    plain = re.sub(r"<[^>]+>", "", plain)
    plain = re.sub(r"[*_`]", "", plain).strip()
    return html.unescape(plain), explicit


def principle_target(target: str, from_src: str, framework: Framework) -> tuple[str | None, str | None]:
    """Which principle a link points at: (id, None); an unknown principle page: (None, name)."""
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


def scan_page(src_uri: str, text: str, framework: Framework, settings: Settings, render_call: RenderCall, *,
              macro_names: Collection[str], docs_prefix: str = "docs/") -> tuple[PageScan, list[Diagnostic]]:
    """Read one page's sections and links; return the scan and its diagnostics.

    ``render_call(src_uri, call)`` renders one literal macro call with the site's own code (its
    links count like hand-written ones) or returns None for a macro whose links do not count
    (summaries of other sections); it raises ``MacroError`` for an author's mistake.
    """
    path = docs_prefix + src_uri
    diagnostics: list[Diagnostic] = []
    meta, body, meta_lines = _front_matter(text, path, diagnostics)
    protected, stash = protect(body)
    level = settings.supervision_level(src_uri)
    kind = ("training" if settings.is_training(src_uri) else "supervision" if level
            else "handbook" if settings.is_handbook(src_uri) else "other")

    # headings, with the same anchors the Markdown toc extension will give them
    ids: set[str] = set()
    headings = []  # (offset, line, depth, title, anchor)
    page_title = meta.get("title") if isinstance(meta.get("title"), str) else None
    for match in _HEADING.finditer(protected):
        depth = len(match.group(1))
        title, explicit = _plain_heading(match.group(2), stash)
        anchor = unique(explicit or slugify(title, "-"), ids)
        line = protected.count("\n", 0, match.start()) + 1
        headings.append((match.start(), line, depth, title, anchor))
        if depth == 1 and page_title is None:
            page_title = title
    page_title = page_title or posixpath.splitext(posixpath.basename(src_uri))[0].replace("-", " ").capitalize()

    # every principle link on the page, with its offset
    links: list[tuple[int, str]] = []
    exempt_at: list[tuple[int, str]] = []
    minutes_at: list[tuple[int, int]] = []

    def add_links(output: str, offset: int, line: int) -> None:
        for target in _INLINE_LINK.findall(output) + _HREF.findall(output):
            pid, unknown = principle_target(target, src_uri, framework)
            if pid:
                links.append((offset, pid))
            elif unknown:
                diagnostics.append(Diagnostic(path, line, None, "principles.unknown-id",
                                              f'link to unknown principle page "{target}"; {framework.suggest(unknown)}'))

    for expr in expressions(protected):
        if expr.callee not in macro_names or expr.call is None:
            continue
        line = expr.line
        try:
            output = render_call(src_uri, expr.call)
        except MacroError as error:
            diagnostics.append(Diagnostic(path, line, None, error.code, error.message))
            if error.code == "coverage.exempt-without-reason":
                exempt_at.append((expr.start, ""))  # one mistake, one message: not also "unlinked"
            continue
        if output is None:
            continue
        if expr.callee == "no_principle":
            exempt_at.append((expr.start, expr.call.args[0].strip() if expr.call.args else
                              str(expr.call.kwargs.get("reason", "")).strip()))
        elif expr.callee == "duration":
            minutes_at.append((expr.start, (list(expr.call.args) + list(expr.call.kwargs.values()))[0]))
        add_links(output, expr.start, line)

    plain = _without_expressions(protected)
    for match in _INLINE_LINK.finditer(plain):
        add_links(match.group(0), match.start(), plain.count("\n", 0, match.start()) + 1)
    for match in _HREF.finditer(plain):
        add_links(match.group(0), match.start(), plain.count("\n", 0, match.start()) + 1)
    definitions = {label.lower(): target for label, target in _REF_DEF.findall(plain)}
    if definitions:
        for match in _REF_USE.finditer(plain):
            label = (match.group(2) or match.group(1)).lower()
            if label in definitions:
                add_links(f"]({definitions[label]})", match.start(), plain.count("\n", 0, match.start()) + 1)

    # cut the page into sections
    sections: list[Section] = []
    level_wanted = settings.heading_level
    bounds = [h for h in headings if h[2] <= level_wanted]
    for index, (offset, line, depth, title, anchor) in enumerate(bounds):
        if depth != level_wanted:
            continue
        end = bounds[index + 1][0] if index + 1 < len(bounds) else len(protected)
        ids_here = sorted({pid for at, pid in links if offset <= at < end}, key=framework.ids.index)
        reasons = [r for at, r in exempt_at if offset <= at < end]
        minutes = [m for at, m in minutes_at if offset <= at < end]
        sections.append(Section(path, src_uri, line, title, anchor, page_title, tuple(ids_here),
                                reasons[0] if reasons else None, sum(minutes) if minutes else None))

    page = PageScan(path, src_uri, page_title, kind, level, sections, {pid for _, pid in links}, meta)
    if kind == "training" and "module" in meta:
        page.module = check_module(page, meta, meta_lines, diagnostics)
    return page, diagnostics


def _without_expressions(text: str) -> str:
    """Text with ``{{ ... }}`` expressions blanked (their links are counted from their output)."""
    return _ANY_EXPRESSION.sub(_blank, text)


_ANY_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.S)


def _blank(match: re.Match) -> str:
    """Spaces in place of the matched text, keeping its line breaks."""
    found = match.group(0)
    return re.sub(r"[^\n]", " ", found) if "\n" in found else " " * len(found)


def scan_site(sources: Mapping[str, str], framework: Framework, settings: Settings, render_call: RenderCall, *,
              macro_names: Collection[str], docs_prefix: str = "docs/") -> Coverage:
    """Scan every page (``src_uri -> Markdown``), apply every rule, and return the coverage."""
    pages: dict[str, PageScan] = {}
    diagnostics: list[Diagnostic] = []
    for src_uri in sorted(sources):
        page, found = scan_page(src_uri, sources[src_uri], framework, settings, render_call,
                                macro_names=macro_names, docs_prefix=docs_prefix)
        pages[src_uri] = page
        diagnostics += found
    coverage = Coverage(framework, settings, pages, diagnostics)
    coverage.diagnostics += rule_diagnostics(coverage, docs_prefix)
    coverage.diagnostics = [d for d in sorted(set(coverage.diagnostics)) if coverage.severity(d) != "off"]
    return coverage
