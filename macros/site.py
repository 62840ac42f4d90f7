"""The site as the engine sees it: one build's state, its sources, its coverage and its generated pages.

``Site`` is created once per build (never stored at module level), by the site generator's glue
or by a script, and is the only place build state lives: the framework, the coverage settings,
the help lines, the coverage once scanned, the published course-pack downloads, the cache of
rendered chips, and the page being woven between the glue's two macro steps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import render
from .coverage import Coverage, scan_site
from .diagnostics import Diagnostic, ProblemsFound
from .framework import LEVELS, Framework, load_framework
from .help import HelpSettings, parse_help
from .page_macros import PageMacros
from .project import ProjectConfig, read_project_config
from .settings import Settings, load_settings
from .weave import Woven, weave

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
        return cls(root, docs.resolve(), framework, settings, help)

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
        """Every Markdown page under docs/ (hidden files and folders skipped, as MkDocs does)."""
        sources: dict[str, str] = {}
        problems = []
        for path in sorted(self.docs_dir.rglob("*.md")):
            rel = path.relative_to(self.docs_dir).as_posix()
            if any(part.startswith(".") for part in rel.split("/")):
                continue
            try:
                sources[rel] = path.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as error:
                problems.append(Diagnostic(self.docs_prefix + rel, 1, None, "source.unreadable",
                                           f"cannot read this page ({error}); save it as UTF-8 text"))
        if problems:
            raise ProblemsFound(problems)
        return sources

    def scan(self, sources: Mapping[str, str]) -> Coverage:
        """Scan the pages for coverage and keep the result for this build's macros and generated pages."""
        self.coverage = scan_site(sources, self.framework, self.settings,
                                  lambda src_uri, call: self.macros(src_uri).scan_call(call),
                                  macro_names=PageMacros.NAMES, docs_prefix=self.docs_prefix)
        return self.coverage

    def macros(self, src_uri: str) -> PageMacros:
        """The macros bound to one page."""
        return PageMacros(self, src_uri)

    def weave(self, markdown: str, src_uri: str, known_names=(), line_offset: int = 0) -> Woven:
        """Render the literal macro calls of one page (see ``weave.weave``)."""
        return weave(markdown, self.macros(src_uri).render_call, macro_names=PageMacros.NAMES,
                     known_names=known_names, display_path=self.docs_prefix + src_uri, line_offset=line_offset)

    # -- generated pages ----------------------------------------------------------------------------
    def principle_pages(self) -> dict[str, str]:
        """Markdown for every principle's page, keyed by src path (generated, never hand-copied)."""
        return {p.src_uri: self.principle_page(p.id) for p in self.framework.principles}

    def principle_page(self, principle_id: str) -> str:
        """One principle's page: the quote, keywords, prompts, indicators and backlinks."""
        fw = self.framework
        p = fw.get(principle_id)
        src = p.src_uri
        t = render.text
        keywords = ", ".join(t(k) for k in p.keywords)
        facets = "\n".join(f"- {t(f)}" for f in p.facets)
        lines = [
            "---", f"title: \"{p.number}. {p.title.replace(chr(34), '')}\"", "---", "",
            f"# {p.number}. {t(p.title)}", "",
            f'<p class="principle-page__intro">Principle {p.number} of {len(fw.principles)} in the '
            f"{t(fw.title)}. The principle and its parts are quoted exactly; see the source below.</p>", "",
            "## The principle", "",
            f"{t(fw.preamble)}", "{: .principles-preamble }", "",
            f"> **{t(p.statement)}**", ">",
            "\n".join(f"> {line}" for line in facets.splitlines()), "",
            f"Across all five principles: **{t(fw.cross_cutting_title)}**. {t(fw.cross_cutting_summary)}", "",
            "## Where it comes from", "",
            "Codes from the review of the literature and from the expert panel of people with lived "
            f"experience that this principle grew from: {keywords}.", "",
            "## What you might notice", "",
            "Written for this handbook: signs that this principle is alive in practice. They are "
            "prompts for conversation, never scores.", "",
            "\n".join(f"- {t(i)}" for i in p.indicators), "",
            "## Questions for reflection", "",
            "Written for this handbook, for each level of supervision.", "",
        ]
        for level in LEVELS:
            lines += [f"### {level.capitalize()} supervision", "", "\n".join(f"- {t(q)}" for q in p.prompts[level]), ""]
        lines += self._backlinks(p.id, src)
        lines += ["## Source", "", render.attribution(fw), ""]
        return "\n".join(lines)

    def _backlinks(self, principle_id: str, src: str) -> list[str]:
        coverage = self.coverage
        t = render.text

        def item(s) -> str:
            return f"- [{t(s.page)}: {t(s.title)}]({render.rel(s.src_uri, src)}#{s.anchor})"

        lines = ["## Taught in", ""]
        taught = coverage.taught_in(principle_id) if coverage else []
        lines += [item(s) for s in taught] or ["No training section links to this principle yet."]
        lines += ["", "## Supervised in", ""]
        supervised = coverage.supervised_in(principle_id) if coverage else {}
        any_supervision = False
        for level in LEVELS:
            for s in supervised.get(level, []):
                any_supervision = True
                lines.append(item(s))
        if not any_supervision:
            lines.append("No supervision guide section links to this principle yet.")
        handbook = coverage.handbook_pages(principle_id) if coverage else []
        if handbook:
            lines += ["", "## In the handbook", ""]
            lines += [f"- [{t(page.title)}]({render.rel(page.src_uri, src)})" for page in handbook]
        return lines + [""]
