"""Principle coverage: the sections of every page, the principles each links, and the rules.

This is the one implementation of the check. The MkDocs hook and ``scripts/check_coverage.py``
both call ``scan_site`` over the same Markdown sources and get the same ``Coverage``, so the
build and CI cannot disagree.

A section is a heading of the configured level and everything under it up to the next heading
of that level or higher. A section is linked when its content links a principle page, however
the link was made: a macro (whose output is rendered here, by the same code the site uses), a
hand-written Markdown or HTML link, or a reference-style link.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape as xml_escape, quoteattr

from markdown.extensions.toc import slugify, unique

from . import render
from .diagnostics import Diagnostic
from .framework import LEVELS, Framework, Principle
from .page_macros import SUMMARY_MACROS, PageMacros, SiteContext
from .settings import Settings
from .strict_yaml import load_yaml
from .weave import MacroError, expressions, protect, restore

_FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.S)
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)
_INLINE_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^)]*[\"'])?\s*\)")
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""")
_REF_DEF = re.compile(r"^[ ]{0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s.*)?$", re.M)
_REF_USE = re.compile(r"\[([^\[\]]+)\]\[([^\[\]]*)\]")
_ATTRS = re.compile(r"\s*\{:?\s*([^}]*)\}\s*$")


@dataclass(frozen=True)
class Section:
    """One section of a page: its heading, where it is, and the principles it links."""

    path: str
    """The source file, relative to the repository root."""
    src_uri: str
    """The source file, relative to docs/."""
    line: int
    title: str
    anchor: str
    page: str
    """The page's title."""
    principles: tuple[str, ...]
    exempt: str | None
    minutes: int | None


@dataclass(frozen=True)
class PlanRow:
    """One row of a module's session plan: a section, its minutes and the principles it links."""

    title: str
    anchor: str
    minutes: int
    principles: tuple[Principle, ...]


@dataclass(frozen=True)
class Module:
    """A training module page's front matter and timed sections."""

    path: str
    src_uri: str
    number: int
    title: str
    duration: int
    objectives: tuple[str, ...]
    sections: tuple[Section, ...]

    def plan_rows(self, framework: Framework) -> list[PlanRow]:
        """The session plan: one row per section (the site's overview and the course packs share it)."""
        return [PlanRow(s.title, s.anchor, s.minutes or 0, tuple(framework.get(i) for i in s.principles))
                for s in self.sections]


@dataclass
class PageScan:
    """Everything the scan learned about one page."""

    path: str
    src_uri: str
    title: str
    kind: str
    """training, supervision, handbook or other."""
    level: str | None
    sections: list[Section]
    links: set[str]
    """Every principle the page links anywhere (including above its first section)."""
    meta: dict[str, Any]
    module: Module | None = None


@dataclass
class Coverage:
    """The result of scanning the site: pages, sections, modules and every diagnostic."""

    framework: Framework
    settings: Settings
    pages: dict[str, PageScan]
    diagnostics: list[Diagnostic] = field(default_factory=list)

    # -- views ---------------------------------------------------------------------------------
    @property
    def training_sections(self) -> list[Section]:
        """Every training section, sorted by path and line."""
        return sorted((s for p in self.pages.values() if p.kind == "training" for s in p.sections),
                      key=lambda s: (s.path, s.line))

    @property
    def modules(self) -> list[Module]:
        """Training modules, in module-number order."""
        return sorted((p.module for p in self.pages.values() if p.module), key=lambda m: (m.number, m.path))

    def module_for(self, src_uri: str) -> Module | None:
        """The module on this page, if it is one."""
        page = self.pages.get(src_uri)
        return page.module if page else None

    def taught_in(self, principle_id: str) -> list[Section]:
        """Training sections that link the principle."""
        return [s for s in self.training_sections if principle_id in s.principles]

    def supervised_in(self, principle_id: str) -> dict[str, list[Section]]:
        """Per supervision level, the guide's sections that link the principle."""
        out: dict[str, list[Section]] = {level: [] for level in LEVELS}
        for page in self.pages.values():
            if page.kind == "supervision" and page.level:
                out[page.level] += [s for s in page.sections if principle_id in s.principles]
        return out

    def handbook_pages(self, principle_id: str) -> list[PageScan]:
        """Handbook pages that link the principle."""
        return sorted((p for p in self.pages.values() if p.kind == "handbook" and principle_id in p.links),
                      key=lambda p: p.src_uri)

    def severity(self, diagnostic: Diagnostic) -> str:
        """error, warning or off, from the settings."""
        return self.settings.severity(diagnostic.code)

    @property
    def errors(self) -> list[Diagnostic]:
        """Diagnostics that fail the build and CI."""
        return sorted(d for d in self.diagnostics if self.severity(d) == "error")

    @property
    def warnings(self) -> list[Diagnostic]:
        """Diagnostics reported without failing."""
        return sorted(d for d in self.diagnostics if self.severity(d) == "warning")

    def summary(self) -> dict[str, int]:
        """Counts for every report."""
        sections = self.training_sections
        exempt = sum(1 for s in sections if s.exempt is not None)
        linked = sum(1 for s in sections if s.principles)
        unlinked = sum(1 for s in sections if not s.principles and s.exempt is None)
        return {"sections": len(sections), "linked": linked, "exempt": exempt,
                "unlinked": unlinked, "violations": len(self.errors)}


# -- scanning -------------------------------------------------------------------------------------
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
    name = _principle_page_name(target, posixpath.dirname(from_src))
    if name is None:
        return None, None
    return (name, None) if framework.get(name) else (None, name)


@lru_cache(maxsize=16384)
def _principle_page_name(target: str, from_dir: str) -> str | None:
    """The name of the principle page a link from this folder points at, known or not.

    Cached: every page links the same few principle pages many times.
    """
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith(("/", "#")):
        return None
    path = target.split("#", 1)[0].split("?", 1)[0]
    resolved = posixpath.normpath(posixpath.join(from_dir, path))
    match = re.fullmatch(r"principles/([^/]+?)(?:\.md|/index\.md|/|\.html)?", resolved + ("/" if path.endswith("/") else ""))
    if not match or match.group(1) in ("index", "index.md"):
        return None
    return match.group(1).rstrip("/")


def scan_page(src_uri: str, text: str, site: SiteContext, settings: Settings, docs_prefix: str = "docs/") -> tuple[PageScan, list[Diagnostic]]:
    """Read one page's sections and links; return the scan and its diagnostics."""
    path = docs_prefix + src_uri
    diagnostics: list[Diagnostic] = []
    meta, body, meta_lines = _front_matter(text, path, diagnostics)
    protected, stash = protect(body)
    framework = site.framework
    macros = PageMacros(site, src_uri)
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
        if expr.callee not in PageMacros.NAMES or expr.call is None:
            continue
        line = expr.line
        if expr.callee in SUMMARY_MACROS:
            continue
        try:
            output = macros.render_call(expr.call)
        except MacroError as error:
            diagnostics.append(Diagnostic(path, line, None, error.code, error.message))
            if error.code == "coverage.exempt-without-reason":
                exempt_at.append((expr.start, ""))  # one mistake, one message: not also "unlinked"
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
        page.module = _module(page, meta, meta_lines, diagnostics)
    return page, diagnostics


def _without_expressions(text: str) -> str:
    """Text with ``{{ ... }}`` expressions blanked (their links are counted from their output)."""
    return _ANY_EXPRESSION.sub(_blank, text)


_ANY_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.S)


def _blank(match: re.Match) -> str:
    """Spaces in place of the matched text, keeping its line breaks."""
    found = match.group(0)
    return re.sub(r"[^\n]", " ", found) if "\n" in found else " " * len(found)


def _module(page: PageScan, meta: dict, meta_lines: dict, diagnostics: list[Diagnostic]) -> Module | None:
    """Check a module's front matter and timings; build the Module."""
    problems = []

    def bad(key: str, message: str) -> None:
        problems.append(Diagnostic(page.path, meta_lines.get(key, 1), None, "modules.bad-front-matter", message))

    number, duration, title, objectives = meta.get("module"), meta.get("duration"), meta.get("title"), meta.get("objectives")
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        bad("module", f"module must be a whole number from 1 (not {number!r})")
    if not isinstance(title, str) or not title.strip():
        bad("title", "title is missing or empty; add the module's title")
    if isinstance(duration, bool) or not isinstance(duration, int) or duration <= 0:
        bad("duration", f"duration must be the module's total length in whole minutes (not {duration!r})")
    if not isinstance(objectives, list) or not objectives or not all(isinstance(o, str) and o.strip() for o in objectives):
        bad("objectives", "objectives must be a list of learning objectives, one per line starting with '- '")
    for section in page.sections:
        if section.minutes is None:
            problems.append(Diagnostic(page.path, section.line, None, "modules.missing-duration",
                                       f'section "{section.title}" has no duration; add {{{{ duration(MINUTES) }}}} under its heading'))
    diagnostics.extend(problems)
    if any(p.code == "modules.bad-front-matter" for p in problems):
        return None
    total = sum(s.minutes or 0 for s in page.sections)
    if total != duration:
        diagnostics.append(Diagnostic(
            page.path, meta_lines.get("duration", 1), None, "modules.duration-mismatch",
            f"module {number} lasts {duration} minutes in its front matter, but its sections add up to "
            f"{total} minutes; change the total or the sections' durations"))
    return Module(page.path, page.src_uri, number, title.strip(), duration,
                  tuple(o.strip() for o in objectives), tuple(page.sections))


def scan_site(sources: Mapping[str, str], site: SiteContext, settings: Settings, docs_prefix: str = "docs/") -> Coverage:
    """Scan every page, apply every rule, and return the coverage (also stored on ``site``)."""
    pages: dict[str, PageScan] = {}
    diagnostics: list[Diagnostic] = []
    for src_uri in sorted(sources):
        page, found = scan_page(src_uri, sources[src_uri], site, settings, docs_prefix)
        pages[src_uri] = page
        diagnostics += found
    coverage = Coverage(site.framework, settings, pages, diagnostics)
    coverage.diagnostics += rule_diagnostics(coverage, docs_prefix)
    coverage.diagnostics = [d for d in sorted(set(coverage.diagnostics)) if coverage.severity(d) != "off"]
    site.coverage = coverage
    return coverage


def rule_diagnostics(coverage: Coverage, docs_prefix: str = "docs/") -> list[Diagnostic]:
    """The site-wide rules: unlinked sections, untaught principles, supervision gaps."""
    out: list[Diagnostic] = []
    framework = coverage.framework
    for section in coverage.training_sections:
        if not section.principles and section.exempt is None:
            out.append(Diagnostic(section.path, section.line, None, "coverage.unlinked-section",
                                  f'section "{section.title}" is not linked to any principle'))
    for principle in framework.principles:
        if not coverage.taught_in(principle.id):
            out.append(Diagnostic(framework.source, principle.line, None, "coverage.principle-not-taught",
                                  f'principle "{principle.id}" ({principle.title}) is not linked from any training section'))
    for level in LEVELS:
        guide = coverage.settings.supervision[level]
        page = coverage.pages.get(guide)
        if page is None:
            out.append(Diagnostic(docs_prefix + guide, 0, None, "coverage.supervision-missing-principle",
                                  f"the {level} supervision guide is missing; create it or fix supervision.{level} "
                                  f"in principles/coverage.yaml"))
            continue
        for principle in framework.principles:
            if principle.id not in page.links:
                out.append(Diagnostic(page.path, 1, None, "coverage.supervision-missing-principle",
                                      f'the {level} supervision guide does not link principle "{principle.id}"; '
                                      f'add {{{{ principles("{principle.id}") }}}} to a section'))
    return out


# -- reports ----------------------------------------------------------------------------------------
def _ref(section: Section) -> dict[str, Any]:
    return {"path": section.path, "line": section.line, "title": section.title}


def report_data(coverage: Coverage) -> dict[str, Any]:
    """The JSON report: deterministic, sorted, no timestamps."""
    principles = {}
    for p in coverage.framework.principles:
        principles[p.id] = {
            "title": p.title,
            "training": [_ref(s) for s in coverage.taught_in(p.id)],
            "supervision": {level: [_ref(s) for s in sections] for level, sections in coverage.supervised_in(p.id).items()},
            "handbook": [page.path for page in coverage.handbook_pages(p.id)],
        }
    def diag(d: Diagnostic) -> dict[str, Any]:
        return {"path": d.path, "line": d.line, "code": d.code, "message": d.message}
    return {
        "summary": coverage.summary(),
        "sections": [{"path": s.path, "line": s.line, "title": s.title, "page": s.page,
                      "principles": list(s.principles), "exempt": s.exempt} for s in coverage.training_sections],
        "principles": principles,
        "violations": [diag(d) for d in coverage.errors],
        "warnings": [diag(d) for d in coverage.warnings],
    }


def format_json(coverage: Coverage) -> str:
    """The report as JSON text."""
    return json.dumps(report_data(coverage), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _summary_line(coverage: Coverage) -> str:
    s = coverage.summary()
    pages = len({x.path for x in coverage.training_sections})
    return (f"{s['sections']} training sections in {pages} pages: {s['linked']} linked, {s['exempt']} exempt, "
            f"{s['unlinked']} unlinked; {s['violations']} violation{'s' if s['violations'] != 1 else ''}, "
            f"{len(coverage.warnings)} warning{'s' if len(coverage.warnings) != 1 else ''}.")


def _exempt_lines(coverage: Coverage) -> list[str]:
    return [f'{s.path}:{s.line}: section "{s.title}" is exempt: {s.exempt}'
            for s in coverage.training_sections if s.exempt is not None]


def format_text(coverage: Coverage) -> str:
    """One line per problem, the exemptions, then a summary."""
    lines = [d.format() for d in coverage.errors]
    lines += [f"{d.format()} (warning)" for d in coverage.warnings]
    exempt = _exempt_lines(coverage)
    if exempt:
        lines.append(f"Exempt sections ({len(exempt)}):")
        lines += ["  " + e for e in exempt]
    lines.append(_summary_line(coverage))
    return "\n".join(lines) + "\n"


def _gh_escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def format_github(coverage: Coverage) -> str:
    """GitHub Actions workflow commands: one annotation per problem, then the summary."""
    lines = []
    for kind, items in (("error", coverage.errors), ("warning", coverage.warnings)):
        for d in items:
            lines.append(f"::{kind} file={_gh_escape(d.path, True)},line={max(d.line, 1)}::"
                         f"{_gh_escape(d.message)} [{d.code}]")
    lines += [f"::notice file={_gh_escape(s.path, True)},line={s.line}::{_gh_escape(f'section {s.title!r} is exempt: {s.exempt}')}"
              for s in coverage.training_sections if s.exempt is not None]
    lines.append(_summary_line(coverage))
    return "\n".join(lines) + "\n"


def format_junit(coverage: Coverage) -> str:
    """JUnit XML: one test case per training section and per principle rule."""
    cases: list[str] = []
    failures = 0
    errors_by_place: dict[tuple[str, int, str], Diagnostic] = {(d.path, d.line, d.code): d for d in coverage.errors}

    def case(classname: str, name: str, failure: Diagnostic | None = None, out: str | None = None) -> None:
        nonlocal failures
        body = ""
        if failure:
            failures += 1
            body += (f"<failure type={quoteattr(failure.code)} message={quoteattr(failure.message)}>"
                     f"{xml_escape(failure.format())}</failure>")
        if out:
            body += f"<system-out>{xml_escape(out)}</system-out>"
        cases.append(f"    <testcase classname={quoteattr(classname)} name={quoteattr(name)}>{body}</testcase>"
                     if body else f"    <testcase classname={quoteattr(classname)} name={quoteattr(name)}/>")

    used: set[tuple[str, int, str]] = set()
    for s in coverage.training_sections:
        key = (s.path, s.line, "coverage.unlinked-section")
        used.add(key)
        out = f"exempt: {s.exempt}" if s.exempt is not None else ("linked: " + ", ".join(s.principles) if s.principles else None)
        case(s.path, f"line {s.line}: {s.title}", errors_by_place.get(key), out)
    for p in coverage.framework.principles:
        key = (coverage.framework.source, p.line, "coverage.principle-not-taught")
        used.add(key)
        case("rules.principle-taught", f"{p.id} is taught", errors_by_place.get(key))
        for level in LEVELS:
            guide = coverage.settings.supervision[level]
            page = coverage.pages.get(guide)
            failure = next((d for d in coverage.errors if d.code == "coverage.supervision-missing-principle"
                            and d.path.endswith(guide) and (f'"{p.id}"' in d.message or page is None)), None)
            if failure:
                used.add((failure.path, failure.line, failure.code))
            case(f"rules.supervision-{level}", f"{p.id} in the {level} guide", failure)
    for d in coverage.errors:
        if (d.path, d.line, d.code) not in used:
            case(d.path, f"line {d.line}: {d.code}", d)
    suite = (f'<testsuite name="principle-coverage" tests="{len(cases)}" failures="{failures}" errors="0">\n'
             + "\n".join(cases) + "\n  </testsuite>")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  {suite}\n</testsuites>\n'


FORMATS = {"text": format_text, "json": format_json, "junit": format_junit, "github": format_github}


# -- pages made from the coverage ------------------------------------------------------------------------
def module_overview_markdown(site: SiteContext, from_src: str) -> str:
    """Duration, objectives, session plan and downloads for a module page."""
    from .weave import MacroError

    coverage = site.coverage
    module = coverage.module_for(from_src) if coverage else None
    if module is None:
        raise MacroError("macros.bad-arguments",
                         "module_overview() works only on a training module page with module, title, "
                         "duration and objectives in its front matter")
    objectives = "\n".join(f"- {render.text(o)}" for o in module.objectives)
    rows = [(r.title, r.anchor, r.minutes, r.principles) for r in module.plan_rows(site.framework)]
    parts = [
        "<div class=\"module-overview\" markdown>\n",
        f"**Length:** {render.length_text(module.duration)}\n{{: .module-length }}\n",
        f"**By the end of this module you will be able to:**\n\n{objectives}\n",
        f"**Session plan**\n\n{render.session_plan(rows, from_src)}\n",
    ]
    downloads = site.downloads.get(from_src)
    if downloads:
        items = "\n".join(f"- [{render.text(label)}]({render.rel(target, from_src)})" for label, target in downloads)
        parts.append(f"**Course pack downloads**\n\n{items}\n")
    parts.append("</div>")
    return "\n".join(parts)


def matrix_markdown(site: SiteContext, from_src: str) -> str:
    """The principle x module heat table, with counts as text."""
    coverage = site.coverage
    if coverage is None:
        return ""
    pages = sorted({(s.src_uri, s.page) for s in coverage.training_sections})
    header = "| Principle | " + " | ".join(f"[{render.text(title)}]({render.rel(src, from_src)})" for src, title in pages) + " | Total |"
    lines = [header, "| --- | " + " | ".join("---:" for _ in pages) + " | ---: |"]
    for p in coverage.framework.principles:
        taught = coverage.taught_in(p.id)
        cells = []
        for src, _ in pages:
            n = sum(1 for s in taught if s.src_uri == src)
            heat = min(n, 3)
            cells.append(f'<span class="heat heat-{heat}">{n}</span>')
        lines.append(f"| {render.link(p, from_src, label=f'{p.number}. {p.title}')} | " + " | ".join(cells) + f" | {len(taught)} |")
    return '<div class="coverage-matrix" markdown>\n\n' + "\n".join(lines) + "\n\n</div>"


def exemptions_markdown(site: SiteContext, from_src: str) -> str:
    """Every exempt training section, with its reason."""
    coverage = site.coverage
    exempt = [s for s in coverage.training_sections if s.exempt is not None] if coverage else []
    if not exempt:
        return "No training section is exempt."
    return "\n".join(f"- [{render.text(s.page)}: {render.text(s.title)}]({render.rel(s.src_uri, from_src)}#{s.anchor}): "
                     f"{render.text(s.exempt)}" for s in exempt)
