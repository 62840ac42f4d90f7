"""The coverage model: sections, modules, page scans and the coverage of a whole site.

Plain data with views. Nothing here reads files or renders anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import Diagnostic
from ..framework import LEVELS, Framework, Principle
from ..settings import Settings

__all__ = ["Coverage", "Module", "PageScan", "PlanRow", "Section"]


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
    kind: str = "session"
    """``session`` or ``break`` (from ``duration(..., kind="break")``)."""
    teaching: int | None = None
    """Minutes of the section spent teaching, when the author says (the rest is activity)."""
    activity: int | None = None
    """Minutes of the section spent on activities, when the author says."""
    cut_if_short: bool = False
    """The activity a trainer drops first when the session runs late (``duration(..., cut_if_short=True)``)."""


@dataclass(frozen=True)
class PlanRow:
    """One row of a module's session plan: a section, its minutes and the principles it links."""

    title: str
    anchor: str
    minutes: int
    principles: tuple[Principle, ...]
    kind: str = "session"
    teaching: int | None = None
    activity: int | None = None
    cut_if_short: bool = False


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
    focus: tuple[str, ...] = ()
    """The principles (or the theme) the module is built around, from ``focus:`` in its front matter."""
    materials: tuple[str, ...] = ()
    """What the facilitator needs in the room, from ``materials:``."""
    key_points: tuple[str, ...] = ()
    """The facilitator-facing summary, from ``key_points:``."""
    line: int = 1
    """The line of ``module:`` in the page's front matter."""
    objective_lines: tuple[int, ...] = ()
    """The line of each objective in the page's front matter."""
    keep_whole: str | None = None
    """Why nothing in this module is cut when time is short (``keep_whole:``), instead of a cut-if-short section."""

    @property
    def breaks(self) -> tuple[Section, ...]:
        """The module's break sections."""
        return tuple(s for s in self.sections if s.kind == "break")

    def plan_rows(self, framework: Framework) -> list[PlanRow]:
        """The session plan: one row per section (the site's overview and the course packs share it)."""
        return [PlanRow(s.title, s.anchor, s.minutes or 0, tuple(framework.get(i) for i in s.principles),
                        s.kind, s.teaching, s.activity, s.cut_if_short)
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
    languages: dict[str, Any] = field(default_factory=dict)
    """Per translated language, its ``translations.LanguageReport`` (set by ``Site.scan``; empty: English only)."""
    reviews: list = field(default_factory=list)
    """Every page's owner and review dates (``safety.PageReview``), from its review: front matter."""
    today: Any = None
    """The date the reviews were checked against."""

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

    def focus_of(self, principle_id: str) -> list[Module]:
        """Modules that name the principle (or the theme) in their ``focus:``."""
        return [m for m in self.modules if principle_id in m.focus]

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
