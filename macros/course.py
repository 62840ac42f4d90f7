"""Course packs: facilitator guides and participant handouts, as PDF and DOCX, from the site's sources.

The orchestration. ``Course`` is made once per run (by the CLI or by the MkDocs hook) from a
scanned ``Site``. It finds the training modules, refuses to build any module whose sources have
problems (timings that do not add up, an unknown principle...), lays each pack out as one tree
(``course_layout``), and has it written as PDF (``course_pdf``) or DOCX (``course_docx``).
Files are written atomically: a temporary file in the same folder, then a rename.

Nothing here imports MkDocs. The pages are rendered through the same weaving, macros and Markdown
extensions as the site, so a pack and its web page cannot say different things.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .coverage import Module, PageScan, split_front_matter
from .course_html import (Element, PackError, add_writing_space, facilitator_notes, mark_links, open_out, prefix_ids, remove,
                          render_markdown, resolve_links, show_external_urls)
from .course_layout import AUDIENCE_LABELS, PackContext, PrintDocument, module_pack, programme_guide, \
    reflective_checklist
from .course_settings import CourseError, PublishSettings
from .diagnostics import Diagnostic, ProblemsFound
from .framework import PRINCIPLES_FOLDER, principle_of_page
from .files import write_atomic, write_bytes_atomic
from .project import read_project_config
from .page_macros import PageMacros
from .site import Site

AUDIENCES: tuple[str, ...] = ("facilitator", "participant")
FORMATS: tuple[str, ...] = ("pdf", "docx")
FORMAT_LABELS = {"pdf": "PDF", "docx": "Word"}
PROGRAMME_GUIDE = "programme-facilitator-guide.pdf"
CHECKLIST = "reflective-checklist.pdf"
#: Worker processes pay off from this many PDFs.
POOL_FROM_PDFS = 2


# -- version ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Version:
    """The version printed on every pack: the same text for the same sources."""

    label: str
    date: datetime | None = None


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def source_version(root: Path, source_dirs: Sequence[Path]) -> Version:
    """The git commit (marked when the sources have local edits), or else the date of the newest source."""
    root = root.resolve()
    top = _git(root, "rev-parse", "--show-toplevel")
    if top and Path(top).resolve() == root:
        commit = _git(root, "rev-parse", "--short", "HEAD")
        if commit:
            rel = [str(d.resolve().relative_to(root)) for d in source_dirs if d.resolve().is_relative_to(root)]
            dirty = _git(root, "status", "--porcelain", "--", *rel)
            stamp = _git(root, "log", "-1", "--format=%cI")
            date = datetime.fromisoformat(stamp) if stamp else None
            if dirty:
                return Version(f"{commit} with local edits", date)
            return Version(commit, date)
    newest = 0.0
    for folder in source_dirs:
        for path in folder.rglob("*"):
            if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts):
                newest = max(newest, path.stat().st_mtime)
    if not newest:
        return Version("unversioned")
    date = datetime.fromtimestamp(newest, tz=timezone.utc).replace(microsecond=0)
    return Version(f"sources of {date:%d %B %Y}".replace(" 0", " "), date)


def prepare_output(folder: Path) -> Path:
    """Create the output folder and prove it can be written to; raise CourseError in one line if not."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".write-test.", suffix=".part")
        os.close(fd)
        os.unlink(probe)
    except OSError as error:
        reason = error.strerror or str(error)
        raise CourseError(f"{folder}: cannot write the course packs here ({reason}); choose another --out") from None
    return folder


# -- what to build ---------------------------------------------------------------------------------------------
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


@dataclass(frozen=True)
class PackSpec:
    """One file to make."""

    name: str
    """File name in the output folder."""
    label: str
    """What it is, for people: 'Facilitator guide (PDF)'."""
    kind: str
    """module, programme or checklist."""
    format: str
    audience: str | None = None
    page: ModulePage | None = None


@dataclass(frozen=True)
class Made:
    """A file's content, made but not yet written."""

    spec: PackSpec
    data: bytes
    pages: int | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Written:
    """A file written to the output folder."""

    spec: PackSpec
    path: Path
    size: int
    pages: int | None
    seconds: float
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Failed:
    """A file that could not be made; its last good version, if any, is untouched."""

    spec: PackSpec
    path: Path
    message: str


@dataclass
class BuildReport:
    """What a run wrote and what failed."""

    written: list[Written] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)
    seconds: float = 0.0


def pack_name(page: ModulePage, audience: str, fmt: str) -> str:
    """03-mutuality-and-reciprocity-facilitator-guide.pdf"""
    return f"{page.slug}-{AUDIENCE_LABELS[audience].lower().replace(' ', '-')}.{fmt}"


# -- the course ----------------------------------------------------------------------------------------------
class Course:
    """The training modules of one scanned site, ready to be made into packs."""

    def __init__(self, site: Site, *, programme: str, version: Version, extra: Mapping[str, Any] | None = None,
                 sources: Mapping[str, str] | None = None):
        if site.coverage is None:
            raise ValueError("scan the site before making a Course")  # a bug in the caller
        self.site = site
        self.coverage = site.coverage
        self.version = version
        self.extra = dict(extra or {})
        self.sources = dict(sources) if sources is not None else None
        self.context = PackContext(site.framework, programme, version.label, site.help)
        self._pages: dict[str, tuple[Element, list[Diagnostic]]] = {}

    @classmethod
    def load(cls, root: Path, version: Version | None = None, variant: str | None = None) -> Course:
        """Read mkdocs.yml, load and scan the site (with a local variant's values, slots and pages when
        ``variant`` names one); raise ProblemsFound, CourseError or UnknownVariant."""
        root = root.resolve()
        config = read_project_config(root)
        site = Site.load(root, root / config.docs_dir, config=config, variant=variant)
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

    def publishable(self, *, jobs: int | None = None) -> list[Made]:
        """Every pack, made in memory for the site; raise ProblemsFound if any module has problems."""
        problems = self.problems(self.pages)
        if problems:
            raise ProblemsFound(problems)
        return self.render_all(self.specs(self.pages), jobs=jobs)

    # -- the modules -----------------------------------------------------------------------------------------
    @property
    def pages(self) -> list[ModulePage]:
        """Every module page, in module-number order."""
        found = []
        for page in self.coverage.pages.values():
            number = page.meta.get("module") if page.kind == "training" else None
            if isinstance(number, int) and not isinstance(number, bool):
                found.append(ModulePage(number, page.src_uri, page.path, page.module))
        return sorted(found, key=lambda p: (p.number, p.src_uri))

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

    def problems(self, pages: Sequence[ModulePage]) -> list[Diagnostic]:
        """Everything that stops these modules' packs: their own errors, timings, macros and templates."""
        found: set[Diagnostic] = set()
        by_number: dict[int, list[ModulePage]] = {}
        for page in self.pages:
            by_number.setdefault(page.number, []).append(page)
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
            _, diagnostics = self._page(page)
            found.update(diagnostics)
        return sorted(found)

    # -- rendering pages ---------------------------------------------------------------------------------------
    def _source(self, src_uri: str) -> str:
        if self.sources is not None and src_uri in self.sources:
            return self.sources[src_uri]
        return (self.site.docs_dir / src_uri).read_text(encoding="utf-8-sig")

    def _page(self, page: ModulePage) -> tuple[Element, list[Diagnostic]]:
        """The page woven and rendered like the site, for print: ids prefixed, links marked (cached)."""
        if page.src_uri in self._pages:
            return self._pages[page.src_uri]
        text = self._source(page.src_uri)
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
            add_writing_space(tree, lambda h: h.text().strip().lower().startswith("activity"))
        return tree

    def _links(self, page: ModulePage) -> list[str]:
        scan: PageScan | None = self.coverage.pages.get(page.src_uri)
        return sorted(scan.links) if scan else []

    def _anchors(self, pages: Sequence[ModulePage], title_id: Callable[[ModulePage], str]) -> dict[str, str]:
        anchors = {p.src_uri: f"principle-{p.id}" for p in self.site.framework.principles}
        anchors[f"{PRINCIPLES_FOLDER}/index.md"] = "pack-principles"
        anchors["help.md"] = "help"
        for page in pages:
            prefix = f"m{page.number}-"
            anchors[page.src_uri] = title_id(page)
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
            return self._finish(doc, self._anchors([page], lambda p: "pack-title"))
        if spec.kind == "programme":
            pages = [p for p in self.pages if p.module is not None]
            modules = [(p.module, self._content(p, "facilitator"), self._links(p)) for p in pages]
            doc = programme_guide(modules, self.context)
            return self._finish(doc, self._anchors(pages, lambda p: f"m{p.number}-title"))
        if spec.kind == "checklist":
            return self._finish(reflective_checklist(self.context), self._anchors([], lambda p: ""))
        raise ValueError(f"unknown pack kind {spec.kind!r}")  # a bug in our code

    def specs(self, pages: Sequence[ModulePage], audiences: Sequence[str] = AUDIENCES,
              formats: Sequence[str] = FORMATS, whole_course: bool = True) -> list[PackSpec]:
        """The files to make: each module for each audience and format, then the whole-course PDFs."""
        out = []
        for page in pages:
            for fmt in FORMATS:
                if fmt not in formats:
                    continue
                for audience in AUDIENCES:
                    if audience in audiences:
                        out.append(PackSpec(pack_name(page, audience, fmt),
                                            f"{AUDIENCE_LABELS[audience]} ({FORMAT_LABELS[fmt]})",
                                            "module", fmt, audience, page))
        if whole_course and "pdf" in formats:
            if "facilitator" in audiences:
                out.append(PackSpec(PROGRAMME_GUIDE, "Facilitator guide for the whole programme (PDF)",
                                    "programme", "pdf", "facilitator"))
            out.append(PackSpec(CHECKLIST, "Reflective checklist (PDF)", "checklist", "pdf"))
        return out

    # -- making and writing ---------------------------------------------------------------------------------
    @property
    def allowed_roots(self) -> list[Path]:
        """The only folders a PDF may read from (besides the shipped assets): the docs."""
        return [self.site.docs_dir]

    def make(self, spec: PackSpec) -> Made:
        """Make one file in this process."""
        return _make(spec, self.document(spec), self.site.docs_dir, self.allowed_roots, self.version.date)

    def build(self, specs: Sequence[PackSpec], out_dir: Path, *, jobs: int | None = None,
              progress: Callable[[Written | Failed], None] | None = None) -> BuildReport:
        """Make and write every file, reporting each as written; a file that fails keeps its last good copy.

        PDFs are laid out in ``jobs`` worker processes (default: one per CPU) while this process
        makes the DOCX files. Files are written, and reported, in the order of ``specs``.
        """
        start = time.perf_counter()
        report = BuildReport()
        pdfs = [s for s in specs if s.format == "pdf"]
        workers = min(jobs or os.cpu_count() or 1, len(pdfs))
        pool = _pool(workers) if workers > 1 and len(pdfs) >= POOL_FROM_PDFS else None
        started: dict[str, Future | Made | Exception] = {}
        try:
            if pool is not None:
                # the whole-programme guide is the longest: start it first so that no worker ends with it alone
                for spec in sorted(pdfs, key=lambda s: s.kind != "programme"):
                    try:
                        args = (spec, self.document(spec), self.site.docs_dir, self.allowed_roots, self.version.date)
                        started[spec.name] = pool.submit(_make, *args)
                    except PackError as error:
                        started[spec.name] = error
                for spec in specs:  # the DOCX files, made here while the workers lay out the PDFs
                    if spec.name not in started:
                        try:
                            started[spec.name] = self.make(spec)
                        except PackError as error:
                            started[spec.name] = error
            for spec in specs:
                began = time.perf_counter()
                result: Made | Exception
                job = started.get(spec.name)
                try:
                    if isinstance(job, Exception):
                        raise job
                    if isinstance(job, Future):
                        result = job.result()
                    else:
                        result = job if isinstance(job, Made) else self.make(spec)
                except PackError as error:
                    result = error
                outcome = self._write(spec, result, out_dir, began)
                (report.written if isinstance(outcome, Written) else report.failed).append(outcome)
                if progress:
                    progress(outcome)
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
        report.seconds = time.perf_counter() - start
        return report

    def _write(self, spec: PackSpec, result: Made | Exception, out_dir: Path, began: float) -> Written | Failed:
        path = out_dir / spec.name
        if isinstance(result, Exception):
            return Failed(spec, path, " ".join(str(result).split()))
        try:
            write_bytes_atomic(path, result.data)
        except OSError as error:
            return Failed(spec, path, f"cannot write the file ({error.strerror or error})")
        return Written(spec, path, len(result.data), result.pages, time.perf_counter() - began, result.warnings)

    def render_all(self, specs: Sequence[PackSpec], *, jobs: int | None = None) -> list[Made]:
        """Make every file in memory (for the site build, which adds them as generated files).

        Raises CourseError naming the first file that could not be made.
        """
        docs = [(spec, self.document(spec)) for spec in specs]
        args = [(spec, doc, self.site.docs_dir, self.allowed_roots, self.version.date) for spec, doc in docs]
        pdfs = sum(1 for spec in specs if spec.format == "pdf")
        workers = min(jobs or os.cpu_count() or 1, pdfs)
        pool = _pool(workers) if workers > 1 and pdfs >= POOL_FROM_PDFS else None
        try:
            jobs_of = [pool.submit(_make, *a) if pool is not None and a[0].format == "pdf" else None for a in args]
            made = []
            for a, job in zip(args, jobs_of):
                try:
                    made.append(job.result() if job is not None else _make(*a))
                except PackError as error:
                    raise CourseError(f"{a[0].name}: {' '.join(str(error).split())}") from None
            return made
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)

    def downloads(self, made: Sequence[Made], folder: str) -> dict[str, list[tuple[str, str]]]:
        """Per module page, its files as (label, docs-relative path): the two PDFs, then the two DOCX."""
        out: dict[str, list[tuple[str, str]]] = {}
        for item in made:
            if item.spec.page is not None:
                out.setdefault(item.spec.page.src_uri, []).append((item.spec.label, f"{folder}/{item.spec.name}"))
        return out


def _pool(jobs: int) -> ProcessPoolExecutor:
    """Worker processes for laying out PDFs (WeasyPrint is single-threaded and CPU-bound).

    A process with no other thread (the CLI) forks its workers after importing WeasyPrint, which
    is the quickest start. With threads about (``mkdocs serve``), forking is unsafe, so a fork
    server is used, with WeasyPrint imported once in it.
    """
    import importlib
    import multiprocessing
    import threading

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        importlib.import_module("weasyprint")  # imported once here, shared by every forked worker

        return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"))
    method = "forkserver" if "forkserver" in methods else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(["weasyprint"])  # the slow import; our modules load fresh per pool
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context)


def _make(spec: PackSpec, document: PrintDocument, docs_dir: Path, roots: Sequence[Path],
          created: datetime | None) -> Made:
    """Make one file's bytes (runs in a worker process for PDFs)."""
    if spec.format == "pdf":
        from .course_pdf import render_pdf

        pdf = render_pdf(document.html(), base_dir=docs_dir, allowed_roots=roots)
        return Made(spec, pdf.data, pdf.pages, pdf.warnings)
    from .course_docx import render_docx

    return Made(spec, render_docx(document, docs_dir, created))


def build_course(root: Path, out_dir: Path, *, modules: Sequence[str] = (), audiences: Sequence[str] = AUDIENCES,
                 formats: Sequence[str] = FORMATS, jobs: int | None = None, version: Version | None = None,
                 progress: Callable[[Written | Failed], None] | None = None) -> BuildReport:
    """The whole job, as the CLI runs it: load, select, check, then make and write every file.

    Raises CourseError (a usage problem) or ProblemsFound (the sources have problems; nothing is
    written). Whole-course outputs are made when no module is named.
    """
    course = Course.load(root, version=version)
    pages = course.select(modules)
    problems = course.problems(pages if modules else course.pages)
    if problems:
        raise ProblemsFound(problems)
    specs = course.specs(pages, audiences, formats, whole_course=not modules)
    prepare_output(out_dir)
    return course.build(specs, out_dir, jobs=jobs, progress=progress)


__all__ = [
    "AUDIENCES", "CHECKLIST", "FORMATS", "PROGRAMME_GUIDE", "BuildReport", "Course", "CourseError", "Failed",
    "Made", "ModulePage", "PackSpec", "PublishSettings", "Version", "Written", "build_course",
    "pack_name", "prepare_output", "source_version", "write_atomic", "write_bytes_atomic",
]
