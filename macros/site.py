"""The site as the engine sees it: one build's state, its sources, its coverage and its principle pages.

``Site`` is created once per build (never stored at module level), by the site generator's glue
or by a script, and is the only place build state lives: the framework, the coverage settings,
the help lines, the coverage once scanned, the published course-pack downloads, the cache of
rendered chips, and the page being woven between the glue's two macro steps.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pathspec

from . import render
from .coverage import Coverage, RenderedPage, scan_site
from .diagnostics import Diagnostic, ProblemsFound
from .framework import LEVELS, PRINCIPLES_FOLDER, Framework, Principle, load_framework, principle_of_page
from .help import HelpSettings, parse_help
from .markdown_html import SiteMarkdown
from .page_macros import PageMacros
from .project import ProjectConfig, read_project_config
from .settings import Settings, load_settings
from .templating import render_leftovers
from .weave import Call, MacroError, Woven, weave


def _scan_macro(macros: PageMacros, name: str):
    """A macro for the scan's Jinja pass: summaries render nothing, as in ``PageMacros.scan_call``."""
    def call(*args, **kwargs):
        try:
            return macros.scan_call(Call(name, args, kwargs, 0, 0, 0)) or ""
        except MacroError as error:
            return error.output
    return call

#: Names mkdocs-macros (and Zensical's copy of it) gives every page, besides ``extra`` and our macros.
KNOWN_SITE_NAMES = frozenset({
    "config", "page", "navigation", "files", "environment", "plugin", "git", "macros_info", "now", "fix_url",
    "context", "render_file", "pretty", "extra",
})

FRAMEWORK_FILE = "principles/principles.yaml"
SETTINGS_FILE = "principles/coverage.yaml"


@dataclass
class Site:
    """One build's view of the project, and all of that build's state."""

    root: Path
    docs_dir: Path
    framework: Framework
    settings: Settings
    help: HelpSettings = field(default_factory=HelpSettings)
    coverage: Coverage | None = None
    """The coverage, once ``scan`` has run."""
    downloads: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """Per module page: (label, docs-relative path) of its course-pack files, when they are published."""
    rendered: dict[tuple, str] = field(default_factory=dict, repr=False)
    """Output of the calls in ``PER_FOLDER_MACROS``, by folder and call, for this build: the scan and
    the weave render the same few calls thousands of times."""
    woven: Woven | None = None
    """The page being rendered now, between the glue's pre- and post-macro steps."""
    config: ProjectConfig = field(default_factory=ProjectConfig, repr=False)
    """mkdocs.yml as data: ``extra`` variables, Markdown extensions, excluded pages."""
    reported: set[Diagnostic] = field(default_factory=set, repr=False)
    """Every diagnostic the glue has shown in this build (each is shown once)."""
    errors: list[Diagnostic] = field(default_factory=list, repr=False)
    """The error-severity diagnostics of this build: the glue fails the build on them itself."""
    _markdown: SiteMarkdown | None = field(default=None, repr=False)

    @classmethod
    def load(cls, root: Path, docs_dir: Path | None = None, config: ProjectConfig | None = None) -> Site:
        """Load and validate the framework, the settings and the help lines; raise ProblemsFound with all problems.

        ``config`` is the project's mkdocs.yml as data; by default it is read from ``root``.
        """
        root = root.resolve()
        problems: list[Diagnostic] = []
        framework = settings = help = None
        try:
            config = config or read_project_config(root)
            problems += config.problems()
            help = parse_help(config.extra.get("help"), config.filename, config.line_of)
        except ProblemsFound as error:
            problems += error.diagnostics
        try:
            framework = load_framework(root / FRAMEWORK_FILE, FRAMEWORK_FILE)
        except ProblemsFound as error:
            problems += error.diagnostics
        try:
            settings = load_settings(root / SETTINGS_FILE, SETTINGS_FILE)
        except ProblemsFound as error:
            problems += error.diagnostics
        if problems:
            raise ProblemsFound(problems)
        docs = docs_dir or root / config.docs_dir
        return cls(root, docs.resolve(), framework, settings, help, config=config)

    @classmethod
    def from_data(cls, framework: Framework, settings: Settings | None = None, help: HelpSettings | None = None,
                  root: Path = Path(".")) -> Site:
        """A site made from data already loaded (tests, tools): docs/ under ``root``."""
        root = root.resolve()
        return cls(root, root / "docs", framework, settings or Settings(), help or HelpSettings())

    @property
    def docs_prefix(self) -> str:
        """docs/ as seen from the repository root, for messages."""
        try:
            return self.docs_dir.relative_to(self.root).as_posix() + "/"
        except ValueError:
            return self.docs_dir.as_posix() + "/"

    def read_sources(self) -> dict[str, str]:
        """Every Markdown page the site builds, as MkDocs chooses them: hidden files, ``templates/``,
        ``exclude_docs`` and ``draft_docs`` are left out; ``not_in_nav`` pages are built, so they are in."""
        sources: dict[str, str] = {}
        problems = []
        excluded = self.excluded_pages()
        for path in sorted(self.docs_dir.rglob("*.md")):
            rel = path.relative_to(self.docs_dir).as_posix()
            if excluded(rel):
                continue
            try:
                sources[rel] = path.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as error:
                problems.append(Diagnostic(self.docs_prefix + rel, 1, None, "source.unreadable",
                                           f"cannot read this page ({error}); save it as UTF-8 text"))
        if problems:
            raise ProblemsFound(problems)
        return sources

    def note(self, diagnostics) -> list[tuple[str, Diagnostic]]:
        """Record diagnostics for this build: each once, errors kept for the gate; return (severity, d) to show."""
        shown = []
        for d in sorted(set(diagnostics) - self.reported):
            self.reported.add(d)
            severity = self.settings.severity(d.code)
            if severity == "off":
                continue
            if severity == "error":
                self.errors.append(d)
            shown.append((severity, d))
        return shown

    def excluded_pages(self):
        """A test for docs-relative paths that MkDocs leaves out of the build (gitignore-style patterns)."""
        lines = [".*", "/templates/"]
        for key in ("exclude_docs", "draft_docs"):
            value = self.config.data.get(key)
            if isinstance(value, str):
                lines += value.splitlines()
        spec = pathspec.GitIgnoreSpec.from_lines(lines)
        return lambda rel: spec.match_file(rel)

    @property
    def markdown(self) -> SiteMarkdown:
        """The site's Markdown converter (the extensions in mkdocs.yml), made once per build."""
        if self._markdown is None:
            self._markdown = SiteMarkdown(self.config.data.get("markdown_extensions") if self.config.data else None,
                                          self.config.filename)
        return self._markdown

    def variables(self) -> dict[str, Any]:
        """The Jinja variables a page can use besides our macros: ``extra`` (as mkdocs-macros gives it)."""
        extra = dict(self.config.extra)
        return {**extra, "extra": extra}

    def render_for_scan(self, src_uri: str, body: str, line_offset: int) -> RenderedPage:
        """One page's body rendered as the site renders it, for the coverage scan.

        Summaries of other sections (the module overview, the coverage tables, the help lines) are
        left out: their links are not this page's teaching.
        """
        macros = self.macros(src_uri)
        path = self.docs_prefix + src_uri
        woven = weave(body, macros.scan_call, macro_names=PageMacros.NAMES,
                      known_names=KNOWN_SITE_NAMES | set(self.variables()), display_path=path,
                      line_offset=line_offset)
        text, diagnostics = woven.text, list(woven.diagnostics)
        if woven.needs_jinja:
            scan_macros = {name: _scan_macro(macros, name) for name in PageMacros.NAMES}
            text, found = render_leftovers(text, scan_macros, self.variables(), path=path, line_offset=line_offset,
                                           code="macros.template-syntax")
            diagnostics += found
        return RenderedPage(self.markdown.convert(woven.finish(text)), diagnostics)

    def scan(self, sources: Mapping[str, str]) -> Coverage:
        """Scan the pages for coverage, check the principle pages' stubs, and keep the result for this build."""
        coverage = scan_site(sources, self.framework, self.settings, self.render_for_scan,
                             docs_prefix=self.docs_prefix)
        coverage.diagnostics = sorted(set(coverage.diagnostics) | set(self.stub_problems(sources)))
        self.coverage = coverage
        return coverage

    def macros(self, src_uri: str) -> PageMacros:
        """The macros bound to one page."""
        return PageMacros(self, src_uri)

    def weave(self, markdown: str, src_uri: str, known_names=(), line_offset: int = 0) -> Woven:
        """Render the literal macro calls of one page (see ``weave.weave``)."""
        return weave(markdown, self.macros(src_uri).render_call, macro_names=PageMacros.NAMES,
                     known_names=known_names, display_path=self.docs_prefix + src_uri, line_offset=line_offset)

    # -- principle pages ------------------------------------------------------------------------------
    # Each principle's page is a committed stub, docs/principles/<id>.md, holding two macro calls: every site generator that runs mkdocs-macros-style macros builds it (Zensical runs no MkDocs
    # hooks, so a page generated by a hook would be missing there). ``stub_problems`` keeps the stubs in
    # step with principles.yaml; ``principle_page`` makes what the reader sees.
    def principle_stubs(self) -> dict[str, str]:
        """What each principle's page file under docs/ must hold, keyed by src path."""
        return {p.src_uri: principle_stub(p) for p in self.framework.linkable}

    def stub_problems(self, sources: Mapping[str, str]) -> list[Diagnostic]:
        """Principle page stubs that are missing, extra (no such principle) or edited, with file:line."""
        expected = self.principle_stubs()
        fix = "run `python3 scripts/write_principle_pages.py` to rewrite the principle pages from principles/principles.yaml"
        problems = []
        for p in self.framework.linkable:
            if p.src_uri not in sources:
                problems.append(Diagnostic(self.framework.source, p.line, None, "principles.page-missing",
                                           f'principle "{p.id}" has no page {self.docs_prefix}{p.src_uri}; {fix}'))
        for src_uri in sorted(sources):
            if principle_of_page(src_uri) is None:
                continue
            path = self.docs_prefix + src_uri
            if src_uri not in expected:
                problems.append(Diagnostic(path, 1, None, "principles.page-extra",
                                           f"{PRINCIPLES_FOLDER}/ holds only the pages of the principles in "
                                           f"principles/principles.yaml; delete this file or add its principle there"))
                continue
            want, have = expected[src_uri].splitlines(), sources[src_uri].splitlines()
            if want != have:
                line = next((i for i, (a, b) in enumerate(zip(want, have), 1) if a != b), min(len(want), len(have)) + 1)
                should = want[line - 1] if line <= len(want) else "(nothing)"
                problems.append(Diagnostic(path, line, None, "principles.page-edited",
                                           f"principle pages are made from principles/principles.yaml, so this file "
                                           f"must hold exactly its two macro calls (line {line} should be "
                                           f"{should!r}); {fix}"))
        return problems

    def principle_pages(self) -> dict[str, str]:
        """Markdown for every principle's page and the theme's as the reader gets it, keyed by src path."""
        pages = {}
        for p in self.framework.linkable:
            heading = self.macros(p.src_uri).principle_title(p.id)
            pages[p.src_uri] = f"# {heading}\n\n" + self.principle_page(p.id)
        return pages

    def principle_page(self, principle_id: str) -> str:
        """Everything under the heading of a principle's (or the theme's) page: the quote, prompts, backlinks."""
        fw = self.framework
        p = fw.get(principle_id)
        t = render.text
        lines: list[str] = []
        if p.is_theme:
            lines += [
                f'<p class="principle-page__intro">The theme that runs through all {len(fw.principles)} principles '
                f"of the {t(fw.title)}. Its name is quoted from the paper; the rest of this page was written for "
                f"this handbook.</p>", "",
                "## The theme", "",
                f"> **{t(p.statement)}**", "",
                f"The paper says this applies to every principle. In this handbook's words: {t(p.summary)}", "",
                "It is not a sixth principle. It is a way of reading each of the five:", "",
                "\n".join(f"- {render.link(q, p.src_uri, label=q.label)}" for q in fw.principles), "",
            ]
        else:
            keywords = ", ".join(t(k) for k in p.keywords)
            facets = "\n".join(f"- {t(f)}" for f in p.facets)
            lines += [
                f'<p class="principle-page__intro">Principle {p.number} of {len(fw.principles)} in the '
                f"{t(fw.title)}. The principle and its parts are quoted exactly; see the source below.</p>", "",
                "## The principle", "",
                f"{t(fw.preamble)}", "{: .principles-preamble }", "",
                f"> **{t(p.statement)}**", ">",
                "\n".join(f"> {line}" for line in facets.splitlines()), "",
                f"Across all five principles: **{render.link(fw.theme, p.src_uri, label=fw.theme.statement)}**. "
                f"In this handbook's words: {t(fw.theme.summary)}", "",
                "## Where it comes from", "",
                "The paper built the framework from codes found in a review of the literature and from an "
                "expert panel of people with lived experience. It did not say which codes led to which "
                f"principle. These are the codes this handbook reads alongside this principle: {keywords}.", "",
            ]
        lines += [
            "## What you might notice", "",
            f"Written for this handbook: signs that this {'theme' if p.is_theme else 'principle'} is alive in "
            "practice. They are prompts for conversation, never scores.", "",
            "\n".join(f"- {t(i)}" for i in p.indicators), "",
            "## Questions for reflection", "",
            "Written for this handbook, for each level of supervision.", "",
        ]
        for level in LEVELS:
            lines += [f"### {level.capitalize()} supervision", "", "\n".join(f"- {t(q)}" for q in p.prompts[level]), ""]
        lines += self._backlinks(p, p.src_uri)
        lines += ["## Source", "", render.attribution(fw), ""]
        return "\n".join(lines)

    def _backlinks(self, p: Principle, src: str) -> list[str]:
        coverage = self.coverage
        t = render.text
        what = "theme" if p.is_theme else "principle"

        def item(s) -> str:
            return f"- [{t(s.page)}: {t(s.title)}]({render.rel(s.src_uri, src)}#{s.anchor})"

        focus = coverage.focus_of(p.id) if coverage else []
        lines = ["## Focus of", ""]
        lines += [f"- [{t(m.title)}]({render.rel(m.src_uri, src)}) (module {m.number})" for m in focus] or [
            f"No module names this {what} as its focus yet."]
        lines += ["", "## Taught in", ""]
        taught = coverage.taught_in(p.id) if coverage else []
        lines += [item(s) for s in taught] or [f"No training section links to this {what} yet."]
        lines += ["", "## Supervised in", ""]
        supervised = coverage.supervised_in(p.id) if coverage else {}
        any_supervision = False
        for level in LEVELS:
            for s in supervised.get(level, []):
                any_supervision = True
                lines.append(item(s))
        if not any_supervision:
            lines.append(f"No supervision guide section links to this {what} yet.")
        handbook = coverage.handbook_pages(p.id) if coverage else []
        if handbook:
            lines += ["", "## In the handbook", ""]
            lines += [f"- [{t(page.title)}]({render.rel(page.src_uri, src)})" for page in handbook]
        return lines + [""]


def principle_stub(p: Principle) -> str:
    """The committed file docs/principles/<id>.md: two macro calls, its heading and the rest of the page.

    Nothing from the YAML is copied into it (not even the title: both engines take the page title from
    the rendered heading), so rewording a principle changes its page without touching the stub.
    """
    call = json.dumps(p.id)
    return f"# {{{{ principle_title({call}) }}}}\n\n{{{{ principle_page({call}) }}}}\n"
