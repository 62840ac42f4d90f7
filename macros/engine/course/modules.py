"""Finding the training modules: which pages declare a module, picking them by number or name, and
what stops a module's packs (its own errors, a bad front matter, a number used twice).

Works on the coverage scan of the site (``macros.engine.coverage``); renders nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..coverage import Module
from ..diagnostics import Diagnostic
from .settings import CourseError


@dataclass(frozen=True)
class ModulePage:
    """A training page that declares a module number, with its module once its front matter is valid."""

    number: int
    src_uri: str
    path: str
    module: Module | None

    @property
    def slug(self) -> str:
        """The page's file name without .md: 03-mutuality-and-reciprocity."""
        return Path(self.src_uri).stem


class ModuleFinder:
    """The module pages of one coverage scan."""

    def __init__(self, coverage):
        self.coverage = coverage
        found = []
        for page in coverage.pages.values():
            number = page.meta.get("module") if page.kind == "training" else None
            if isinstance(number, int) and not isinstance(number, bool):
                found.append(ModulePage(number, page.src_uri, page.path, page.module))
        self.pages: list[ModulePage] = sorted(found, key=lambda p: (p.number, p.src_uri))
        """Every module page, in module-number order."""

    def select(self, ids: Iterable[str] = ()) -> list[ModulePage]:
        """The module pages named by number (3, 03) or page name (03-mutuality-and-reciprocity); all if none."""
        pages = self.pages
        ids = list(ids)
        if not ids:
            return pages
        chosen: list[ModulePage] = []
        for raw in ids:
            key = raw.strip().removesuffix(".md").split("/")[-1]
            match = [p for p in pages if (key.isdigit() and p.number == int(key)) or p.slug == key]
            if not match:
                known = ", ".join(str(p.number) for p in pages) or "none"
                raise CourseError(f'unknown module "{raw}"; use a module number ({known}) or a page name '
                                  f"such as {pages[0].slug if pages else '03-mutuality-and-reciprocity'}")
            chosen += [p for p in match if p not in chosen]
        return sorted(chosen, key=lambda p: (p.number, p.src_uri))

    def problems(self, pages: Sequence[ModulePage]) -> set[Diagnostic]:
        """What stops these modules: their own errors, an incomplete front matter, a shared number or file name."""
        found: set[Diagnostic] = set()
        by_number: dict[int, list[ModulePage]] = {}
        by_slug: dict[str, list[ModulePage]] = {}
        for page in self.pages:
            by_number.setdefault(page.number, []).append(page)
            by_slug.setdefault(page.slug, []).append(page)
        for page in pages:
            found.update(d for d in self.coverage.errors if d.path == page.path)
            if page.module is None and not any(d.path == page.path for d in found):
                found.add(Diagnostic(page.path, 1, None, "modules.bad-front-matter",
                                     "the module's front matter is incomplete; it needs module, title, duration "
                                     "and objectives"))
            twins = by_number[page.number]
            if len(twins) > 1:
                others = ", ".join(p.path for p in twins if p.src_uri != page.src_uri)
                found.add(Diagnostic(page.path, 1, None, "course.duplicate-module",
                                     f"module {page.number} is also declared in {others}; give each module its "
                                     f"own number"))
            namesakes = by_slug[page.slug]
            if len(namesakes) > 1:  # their packs would be written over each other, and their places in the binder
                others = ", ".join(p.path for p in namesakes if p.src_uri != page.src_uri)
                found.add(Diagnostic(page.path, 1, None, "course.duplicate-file-name",
                                     f"the module page {page.slug}.md is also the name of {others}, and the course "
                                     f"packs are named after it; rename one of them"))
        return found


__all__ = ["ModuleFinder", "ModulePage"]
