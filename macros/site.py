"""The site as the engine sees it: load the sources, scan them, make the generated pages.

``Site`` is created once per build (never stored at module level), by the MkDocs glue or by a
script. It holds the framework, the coverage settings and, after ``scan``, the coverage.
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
from .page_macros import PageMacros, SiteContext
from .settings import Settings, load_settings
from .weave import Woven, weave

FRAMEWORK_FILE = "principles/principles.yaml"
SETTINGS_FILE = "principles/coverage.yaml"


@dataclass
class Site:
    """One build's view of the project: framework, settings, coverage and macro context."""

    root: Path
    docs_dir: Path
    framework: Framework
    settings: Settings
    context: SiteContext
    diagnostics: list[Diagnostic] = field(default_factory=list)
    woven: Woven | None = None
    """The page being rendered now, between the glue's pre- and post-macro steps."""

    @classmethod
    def load(cls, root: Path, docs_dir: Path | None = None, help: Mapping[str, Any] | None = None) -> Site:
        """Load and validate the framework and the settings; raise ProblemsFound with all problems."""
        root = root.resolve()
        problems: list[Diagnostic] = []
        framework = settings = None
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
        context = SiteContext(framework, help=dict(help or {}))
        return cls(root, (docs_dir or root / "docs").resolve(), framework, settings, context)

    @property
    def docs_prefix(self) -> str:
        """docs/ as seen from the repository root, for messages."""
        try:
            return self.docs_dir.relative_to(self.root).as_posix() + "/"
        except ValueError:
            return self.docs_dir.as_posix() + "/"

    @property
    def coverage(self) -> Coverage | None:
        """The coverage, once scanned."""
        return self.context.coverage

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
        """Scan the pages (the principle pages that will be generated are added here)."""
        return scan_site(sources, self.context, self.settings, self.docs_prefix)

    def macros(self, src_uri: str) -> PageMacros:
        """The macros bound to one page."""
        return PageMacros(self.context, src_uri)

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
