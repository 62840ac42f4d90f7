"""Rendering packs: a module page woven and rendered like the site, then laid out as each pack.

``PackRenderer`` turns a ``PackSpec`` (which file: module, audience, format) into a
``PrintDocument``, the tree both writers read. A module page is woven through the same macros
and Markdown extensions as the site (so a pack and its web page cannot say different things),
transformed for paper and for its audience (``transforms``), laid out (``layout``), and its links
resolved to places in the pack. ``make_file`` then writes a document as PDF or DOCX bytes.

Nothing here imports MkDocs; the PDF and Word libraries load only when a file is made.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..coverage import PageScan, split_front_matter
from ..diagnostics import Diagnostic
from ..framework import PRINCIPLES_FOLDER, principle_of_page
from ..page_macros import PageMacros
from .layout import AUDIENCE_LABELS, PackContext, PrintDocument, module_pack, programme_front, reflective_checklist
from .materials_layout import materials_pack
from .modules import ModulePage
from .settings import AUDIENCES, PACK_FORMAT_LABELS, PACK_FORMATS, PackError
from .transforms import (add_writing_space, drop_cut_if_short, facilitator_notes, mark_links, open_out, prefix_ids,
                         remove, resolve_links, show_external_urls, tighten_list_items)
from .tree import Element, render_markdown
from .spec import PackSpec

PROGRAMME_GUIDE = "programme-facilitator-guide.pdf"
CHECKLIST = "reflective-checklist.pdf"


@dataclass(frozen=True)
class Made:
    """A file's content, made but not yet written."""

    spec: PackSpec
    data: bytes
    pages: int | None = None
    warnings: tuple[str, ...] = ()


#: The front pages of the programme guide, kept in the cache by the HTML they are laid out from.
PROGRAMME_FRONT = PackSpec("programme-facilitator-guide-front.pdf", "Front pages of the programme guide",
                           "front", "pdf", "facilitator")


class FrontPages:
    """Where laid-out front pages are kept between runs: ``get``/``put`` by the HTML laid out."""

    def get(self, html: str) -> Made | None:
        return None

    def put(self, html: str, made: Made) -> None:
        pass


@dataclass(frozen=True)
class Task:
    """Everything a writer needs to make one file (sent to a worker process for PDFs)."""

    spec: PackSpec
    document: PrintDocument
    docs_dir: Path
    allowed_roots: tuple[Path, ...]
    created: datetime | None
    guides: tuple[tuple[str, bytes], ...] = ()
    """For the programme guide: each module's facilitator guide (tag, PDF), joined after the front pages."""
    front: Made | None = None
    """For the programme guide: its front pages (``document``), laid out."""


def make_file(task: Task) -> Made:
    """Make one file's bytes (runs in a worker process for PDFs)."""
    if task.spec.joined:
        from .binder import join

        front = task.front
        if front is None:  # a bug in the caller: PackRenderer.task lays the front pages out
            raise ValueError("the programme guide's task has no front pages")
        data, pages = join(front.data, task.guides)
        return Made(task.spec, data, pages, front.warnings)
    if task.spec.format == "csv":  # the service review kit's record (review_kit)
        from .review_kit import kit_csv

        return Made(task.spec, kit_csv(task.document))
    if task.spec.format == "pdf":
        from .pdf_writer import render_pdf

        pdf = render_pdf(task.document.html(), base_dir=task.docs_dir, allowed_roots=task.allowed_roots)
        return Made(task.spec, pdf.data, pdf.pages, pdf.warnings)
    from .docx_writer import render_docx

    return Made(task.spec, render_docx(task.document, task.docs_dir, task.created))


def pack_name(page: ModulePage, audience: str, fmt: str) -> str:
    """03-mutuality-and-reciprocity-facilitator-guide.pdf"""
    return f"{page.slug}-{AUDIENCE_LABELS[audience].lower().replace(' ', '-')}.{fmt}"


def materials_name(page: ModulePage, fmt: str, large_print: bool = False) -> str:
    """03-mutuality-and-reciprocity-materials.pdf, or ...-materials-large-print.pdf"""
    return f"{page.slug}-materials{'-large-print' if large_print else ''}.{fmt}"


def pack_specs(pages: Sequence[ModulePage], audiences: Sequence[str] = AUDIENCES,
               formats: Sequence[str] = PACK_FORMATS, whole_course: bool = True,
               with_materials: Collection[str] = ()) -> list[PackSpec]:
    """The files to make: each module for each audience and format, then the whole-course PDFs.

    A module page in ``with_materials`` (pages that show materials) also gets its materials to print, in
    standard and large print, with the facilitator's files (they hold the facilitator sides).
    """
    out = []
    for page in pages:
        for fmt in PACK_FORMATS:
            if fmt not in formats:
                continue
            for audience in AUDIENCES:
                if audience in audiences:
                    out.append(PackSpec(pack_name(page, audience, fmt),
                                        f"{AUDIENCE_LABELS[audience]} ({PACK_FORMAT_LABELS[fmt]})",
                                        "module", fmt, audience, page))
            if page.src_uri in with_materials and "facilitator" in audiences:
                for large in (False, True):
                    label = "Materials to print, large print" if large else "Materials to print"
                    out.append(PackSpec(materials_name(page, fmt, large), f"{label} ({PACK_FORMAT_LABELS[fmt]})",
                                        "materials", fmt, "facilitator", page, large))
    if whole_course and "pdf" in formats:
        if "facilitator" in audiences:
            out.append(PackSpec(PROGRAMME_GUIDE, "Facilitator guide for the whole programme (PDF)",
                                "programme", "pdf", "facilitator"))
        out.append(PackSpec(CHECKLIST, "Reflective checklist (PDF)", "checklist", "pdf"))
    return out


class PackRenderer:
    """Lays out the packs of one scanned site; remembers each rendered page for the run."""

    def __init__(self, site, pages: Sequence[ModulePage], context: PackContext, created: datetime | None,
                 extra: Mapping[str, Any], sources: Mapping[str, str] | None = None):
        self.site = site
        self.coverage = site.coverage
        self.module_pages = list(pages)
        """Every module page of the course (the programme guide has them all)."""
        self.context = context
        self.created = created
        self.extra = dict(extra)
        self.sources = dict(sources) if sources is not None else None
        self._pages: dict[str, tuple[Element, list[Diagnostic]]] = {}
        self.fronts = FrontPages()
        """The programme guide's front pages made before (the cache sets this)."""

    # -- rendering pages -------------------------------------------------------------------------------------
    def source(self, src_uri: str) -> str:
        """The page's Markdown as this run sees it."""
        if self.sources is not None and src_uri in self.sources:
            return self.sources[src_uri]
        return (self.site.docs_dir / src_uri).read_text(encoding="utf-8-sig")

    def diagnostics(self, page: ModulePage) -> list[Diagnostic]:
        """What rendering the page for print found wrong (macros, templates)."""
        return self._page(page)[1]

    def _page(self, page: ModulePage) -> tuple[Element, list[Diagnostic]]:
        """The page woven and rendered like the site, for print: ids prefixed, links marked (cached)."""
        if page.src_uri in self._pages:
            return self._pages[page.src_uri]
        text = self.source(page.src_uri)
        _, body, offset = split_front_matter(text)
        site = self.site
        known = set(self.extra)
        woven = site.weave(body, page.src_uri, known_names=known, line_offset=offset)
        diagnostics = list(woven.diagnostics)
        rendered = woven.text
        if woven.needs_jinja:
            rendered = self._jinja(rendered, page, offset, diagnostics)
        tree = render_markdown(woven.finish(rendered))
        remove(tree, lambda e: e.has_class("module-overview"))
        first_h1 = next((e for e in tree.elements() if e.tag == "h1"), None)
        if first_h1 is not None:
            tree.children.remove(first_h1)
        mark_links(tree, page.src_uri)
        prefix_ids(tree, f"m{page.number}-")
        self._pages[page.src_uri] = (tree, diagnostics)
        return tree, diagnostics

    def _jinja(self, text: str, page: ModulePage, offset: int, diagnostics: list[Diagnostic]) -> str:
        """Render what is left after our macros (loops, ``extra`` variables) with Jinja, as mkdocs-macros would."""
        import jinja2

        macros = self.site.macros(page.src_uri)
        env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)
        env.globals.update(self.extra)
        env.globals["extra"] = self.extra
        for name in PageMacros.NAMES:
            env.globals[name] = getattr(macros, name)
        try:
            return env.from_string(text).render()
        except jinja2.TemplateError as error:
            line = (getattr(error, "lineno", None) or 1) + offset
            diagnostics.append(Diagnostic(page.path, line, None, "course.template-error",
                                          f"the course packs cannot render this template ({error}); use only the "
                                          f"principle macros and values from extra in mkdocs.yml"))
            return text

    def _content(self, page: ModulePage, audience: str) -> Element:
        """The page's body for one audience."""
        tree = self._page(page)[0].copy()
        facilitator_notes(tree, keep=audience == "facilitator")
        open_out(tree)
        if audience == "participant":
            drop_cut_if_short(tree)
            add_writing_space(tree, lambda h: h.text().strip().lower().startswith("activity"))
        return tree

    def _links(self, page: ModulePage) -> list[str]:
        scan: PageScan | None = self.coverage.pages.get(page.src_uri)
        return sorted(scan.links) if scan else []

    def _anchors(self, page: ModulePage | None = None) -> dict[str, str]:
        """Where links land in a pack: the principle cards, help, and the module page's own places."""
        anchors = {p.src_uri: f"principle-{p.id}" for p in self.site.framework.principles}
        anchors[f"{PRINCIPLES_FOLDER}/index.md"] = "pack-principles"
        anchors["help.md"] = "help"
        if page is not None:
            prefix = f"m{page.number}-"
            anchors[page.src_uri] = "pack-title"
            for element in self._page(page)[0].iter():
                if element.attrs.get("id", "").startswith(prefix):
                    anchors[f"{page.src_uri}#{element.attrs['id'][len(prefix):]}"] = element.attrs["id"]
        return anchors

    def _describe(self, path: str) -> str | None:
        scan = self.coverage.pages.get(path)
        if scan is not None:
            return scan.title
        principle_id = principle_of_page(path)
        if principle_id is not None:
            principle = self.site.framework.get(principle_id)
            if principle is not None:
                return f"Principle {principle.number}: {principle.title}"
        return None

    def _finish(self, document: PrintDocument, anchors: dict[str, str]) -> PrintDocument:
        resolve_links(document.body, anchors, self._describe)
        show_external_urls(document.body)
        tighten_list_items(document.body)
        for element in document.body.iter():  # pictures: read from the docs folder, by absolute file URL
            if element.tag == "img" and element.attrs.get("data-doc"):
                element.attrs["src"] = (self.site.docs_dir / element.attrs["data-doc"].split("#", 1)[0]).as_uri()
        return document

    # -- the documents ----------------------------------------------------------------------------------------
    def document(self, spec: PackSpec) -> PrintDocument:
        """Lay out one pack (the tree both writers use)."""
        if spec.kind == "module":
            page = spec.page
            content = self._content(page, spec.audience)
            doc = module_pack(page.module, content, spec.audience, self._links(page), self.context)
            return self._finish(doc, self._anchors(page))
        if spec.kind == "materials":
            page = spec.page
            doc = materials_pack(page.module, self.site.materials_of(page.src_uri), self.context, spec.large_print,
                                 self.site.safety)
            return self._finish(doc, self._anchors())
        if spec.joined:
            raise ValueError("the programme guide is joined from the module guides: use task(spec, made)")
        if spec.kind == "checklist":
            return self._finish(reflective_checklist(self.context), self._anchors())
        if spec.kind == "review":
            from .review_kit import review_kit

            return self._finish(review_kit(self.context), self._anchors())
        raise ValueError(f"unknown pack kind {spec.kind!r}")  # a bug in our code

    @property
    def allowed_roots(self) -> tuple[Path, ...]:
        """The only folders a PDF may read from (besides the shipped assets): the docs."""
        return (self.site.docs_dir,)

    def task(self, spec: PackSpec, made: Mapping[str, Made] | None = None) -> Task:
        """Lay out one pack and bundle it with what its writer needs.

        The programme guide is the one pack made from other packs: ``made`` must hold every
        module's facilitator guide (PDF), which it follows, page for page, after its front pages.
        """
        if spec.joined:
            return self._programme_task(spec, made or {})
        return Task(spec, self.document(spec), self.site.docs_dir, self.allowed_roots, self.created)

    def _programme_task(self, spec: PackSpec, made: Mapping[str, Made]) -> Task:
        """The front pages, laid out here (or found in ``fronts``), and the module guides to join after them."""
        from .binder import target_name
        from .pdf_writer import render_pdf

        modules, guides = [], []
        for page in (p for p in self.module_pages if p.module is not None):
            name = pack_name(page, "facilitator", "pdf")
            guide = made.get(name)
            if guide is None:
                raise PackError(f"it is joined from {name}, which could not be made")
            modules.append((page.module, page.slug))
            guides.append((page.slug, guide.data))
        document = self._finish(programme_front(modules, self.context, target_name), self._anchors())
        html = document.html()
        front = self.fronts.get(html)
        if front is None:
            pdf = render_pdf(html, base_dir=self.site.docs_dir, allowed_roots=self.allowed_roots)
            front = Made(PROGRAMME_FRONT, pdf.data, pdf.pages, pdf.warnings)
            self.fronts.put(html, front)
        return Task(spec, document, self.site.docs_dir, self.allowed_roots, self.created, tuple(guides), front)

    def make(self, spec: PackSpec, made: Mapping[str, Made] | None = None) -> Made:
        """Make one file in this process."""
        return make_file(self.task(spec, made))


__all__ = ["CHECKLIST", "FrontPages", "PROGRAMME_FRONT", "PROGRAMME_GUIDE", "Made", "PackRenderer", "PackSpec", "Task",
           "make_file", "materials_name", "pack_name", "pack_specs"]
