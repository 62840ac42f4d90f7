"""A course: one run's modules and the packs they make, from a scanned site.

``Course`` is made once per run (by the CLI or by the site build that publishes the packs) and
joins the three parts: ``modules`` finds the training modules (``ModuleFinder``), ``packs`` lays
them out (``PackRenderer``), and ``jobs`` makes and writes the files. It refuses to build any
module whose sources have problems (timings that do not add up, an unknown principle...).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, ProblemsFound
from ..project import read_project_config
from ..site import Site
from .jobs import make_files
from .layout import PackContext
from .modules import ModuleFinder, ModulePage
from .rendering import Made, PackRenderer, pack_specs
from .settings import CourseError
from .version import Version, source_version


class Course:
    """The training modules of one scanned site, ready to be made into packs."""

    def __init__(self, site: Site, *, programme: str, version: Version, extra: Mapping[str, Any] | None = None,
                 sources: Mapping[str, str] | None = None):
        if site.coverage is None:
            raise ValueError("scan the site before making a Course")  # a bug in the caller
        self.site = site
        self.version = version
        self.extra = dict(extra or {})
        self.modules = ModuleFinder(site.coverage)
        """Finding the modules."""
        context = PackContext(site.framework, programme, version.label, dict(site.context.help))
        self.packs = PackRenderer(site, self.modules.pages, context, version.date, self.extra, sources)
        """Laying out the packs."""

    @classmethod
    def load(cls, root: Path, version: Version | None = None) -> Course:
        """Read mkdocs.yml, load and scan the site; raise ProblemsFound or CourseError."""
        root = root.resolve()
        config = read_project_config(root)
        site = Site.load(root, root / config.docs_dir, help=config.extra.get("help") or {})
        sources = site.read_sources()
        site.scan(sources)
        version = version or source_version(root, [site.docs_dir, root / "principles"])
        return cls(site, programme=config.site_name, version=version, extra=config.extra, sources=sources)

    @classmethod
    def for_site(cls, site: Site, *, programme: str, extra: Mapping[str, Any],
                 sources: Mapping[str, str] | None = None) -> Course:
        """A Course over a site that a site generator has already loaded and scanned."""
        version = source_version(site.root, [site.docs_dir, site.root / "principles"])
        return cls(site, programme=programme, version=version, extra=extra, sources=sources)

    def problems(self, pages: Sequence[ModulePage]) -> list[Diagnostic]:
        """Everything that stops these modules' packs: their own errors, timings, macros and templates."""
        found = self.modules.problems(pages)
        for page in pages:
            found.update(self.packs.diagnostics(page))
        return sorted(found)

    def publishable(self, *, jobs: int | None = None) -> list[Made]:
        """Every pack, made in memory for the site; raise ProblemsFound or CourseError (naming every file that failed)."""
        pages = self.modules.pages
        problems = self.problems(pages)
        if problems:
            raise ProblemsFound(problems)
        made, failed = [], []
        for spec, result in make_files(pack_specs(pages), self.packs.task, jobs=jobs):
            if isinstance(result, Made):
                made.append(result)
            else:
                failed.append(f"{spec.name}: {' '.join(str(result).split())}")
        if failed:
            raise CourseError("; ".join(failed))
        return made


def downloads(made: Sequence[Made], folder: str) -> dict[str, list[tuple[str, str]]]:
    """Per module page, its files as (label, docs-relative path): the two PDFs, then the two DOCX."""
    out: dict[str, list[tuple[str, str]]] = {}
    for item in made:
        if item.spec.page is not None:
            out.setdefault(item.spec.page.src_uri, []).append((item.spec.label, f"{folder}/{item.spec.name}"))
    return out


__all__ = ["Course", "downloads"]
