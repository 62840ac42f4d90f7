"""A course: one run's modules and the packs they make, from a scanned site.

``Course`` is made once per run (by the CLI or by the site build that publishes the packs) and
joins the three parts: ``modules`` finds the training modules (``ModuleFinder``), ``packs`` lays
them out (``PackRenderer``), ``plan`` asks the cache (``cache``) which packs need making, and
``jobs`` makes and writes the files. It refuses to build any
module whose sources have problems (timings that do not add up, an unknown principle...).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, ProblemsFound
from ..markdown_html import MARKDOWN_MEMO
from ..project import read_project_config
from ..site import Site
from .cache import CachedFrontPages, KeyInputs, PackCache, PackKeys, pages_of
from .jobs import make_files
from .layout import PackContext
from .modules import ModuleFinder, ModulePage
from .rendering import Made, PackRenderer, PackSpec, pack_specs
from .settings import AUDIENCES, PACK_FORMATS, CourseError
from .version import Version, source_version


#: Where the course CLI keeps each page's HTML between runs (git ignores .cache/).


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
        context = PackContext(site.framework, programme, version.label, site.help)
        self.packs = PackRenderer(site, self.modules.pages, context, version.date, self.extra, sources)
        """Laying out the packs."""

    @classmethod
    def load(cls, root: Path, version: Version | None = None, variant: str | None = None) -> Course:
        """Read mkdocs.yml, load and scan the site (with a local variant's values, slots and pages when
        ``variant`` names one); raise ProblemsFound, CourseError or UnknownVariant."""
        root = root.resolve()
        config = read_project_config(root)
        site = Site.load(root, root / config.docs_dir, config=config, variant=variant)
        site.markdown_memo = root / MARKDOWN_MEMO
        sources = site.read_sources()
        site.scan(sources)
        local = [root / site.variant.folder] if site.variant else []
        version = version or source_version(root, [site.docs_dir, root / "principles", *local])
        programme = f"{config.site_name}: {site.variant.organisation}" if site.variant else config.site_name
        return cls(site, programme=programme, version=version, extra=config.extra, sources=sources)

    @classmethod
    def for_site(cls, site: Site, *, programme: str, extra: Mapping[str, Any],
                 sources: Mapping[str, str] | None = None) -> Course:
        """A Course over a site that a site generator has already loaded and scanned."""
        version = source_version(site.root, [site.docs_dir, site.root / "principles"])
        return cls(site, programme=programme, version=version, extra=extra, sources=sources)

    def pack_specs(self, pages: Sequence[ModulePage], audiences: Sequence[str] = AUDIENCES,
                   formats: Sequence[str] = PACK_FORMATS, whole_course: bool = True) -> list[PackSpec]:
        """The files to make for these modules (``rendering.pack_specs``), with a materials pack for each module
        whose page shows materials."""
        shown = [p.src_uri for p in pages if p.module is not None and self.site.materials_of(p.src_uri)]
        return pack_specs(pages, audiences, formats, whole_course, with_materials=shown)

    def problems(self, pages: Sequence[ModulePage], rendered: Sequence[ModulePage] | None = None) -> list[Diagnostic]:
        """Everything that stops these modules' packs: their own errors, timings, macros and templates.

        The macros and templates are checked by rendering the pages in ``rendered`` (default: all
        of ``pages``); a page whose packs all come from the cache rendered without problems when
        they were made, from the same sources, so it need not be rendered again.
        """
        found = self.modules.problems(pages)
        for page in pages if rendered is None else rendered:
            found.update(self.packs.diagnostics(page))
        return sorted(found)

    def pack_keys(self) -> PackKeys:
        """The cache keys of this run's packs (what every pack shares, and each one's own pages)."""
        return PackKeys(KeyInputs(
            programme=self.packs.context.programme, settings=self.extra, version_label=self.version.label,
            version_date=self.version.date, titles={s: p.title for s, p in self.site.coverage.pages.items()},
            docs_dir=self.site.docs_dir, principles_dir=self.site.root / "principles"), self.packs.source)

    def plan(self, specs: Sequence[PackSpec], cache: PackCache | None, *, force: bool = False) -> Plan:
        """Which packs the cache already holds (none with ``force``), and the key of every pack."""
        keys = self.pack_keys()
        key_of = {s.name: keys.key(s, pages_of(s, self.modules.pages)) for s in specs}
        if cache is not None:
            self.packs.fronts = CachedFrontPages(cache, keys, read=not force)
        reused: dict[str, Made] = {}
        if cache is not None and not force:
            for spec in specs:
                hit = cache.get(spec, key_of[spec.name])
                if hit is not None:
                    reused[spec.name] = hit
        to_make = [s for s in specs if s.name not in reused]
        # a joined pack (the programme guide) lays out no page itself: its module guides did
        rendered = {p.src_uri: p for s in to_make if not s.joined for p in pages_of(s, self.modules.pages)}
        return Plan(list(specs), key_of, reused, cache, sorted(rendered.values(), key=lambda p: (p.number, p.src_uri)))

    def publishable(self, *, jobs: int | None = None, cache: PackCache | None = None) -> tuple[list[Made], Plan]:
        """Every pack, made in memory for the site (reusing the cache); raise ProblemsFound or CourseError.

        CourseError names every file that could not be made.
        """
        pages = self.modules.pages
        specs = self.pack_specs(pages)
        plan = self.plan(specs, cache)
        problems = self.problems(pages, plan.to_render)
        if problems:
            raise ProblemsFound(problems)
        made, failed = [], []
        for spec, result in make_files(specs, self.packs.task, jobs=jobs, reused=plan.reused, store=plan.store):
            if isinstance(result, Made):
                made.append(result)
            else:
                failed.append(f"{spec.name}: {' '.join(str(result).split())}")
        if failed:
            raise CourseError("; ".join(failed))
        return made, plan


@dataclass
class Plan:
    """What a run will make and what it takes from the cache."""

    specs: list[PackSpec]
    keys: dict[str, str]
    """The cache key of every pack."""
    reused: dict[str, Made]
    """The packs found in the cache, checked, by file name."""
    cache: PackCache | None
    to_render: list[ModulePage]
    """The module pages that packs still to make are made from."""

    def store(self, made: Made) -> None:
        """Keep a file just made in the cache."""
        if self.cache is not None:
            self.cache.put(self.keys[made.spec.name], made)


def downloads(made: Sequence[Made], folder: str) -> dict[str, list[tuple[str, str]]]:
    """Per module page, its files as (label, docs-relative path): the two PDFs, then the two DOCX."""
    out: dict[str, list[tuple[str, str]]] = {}
    for item in made:
        if item.spec.page is not None:
            out.setdefault(item.spec.page.src_uri, []).append((item.spec.label, f"{folder}/{item.spec.name}"))
    return out


__all__ = ["MARKDOWN_MEMO", "Course", "Plan", "downloads"]
