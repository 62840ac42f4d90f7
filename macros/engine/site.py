"""The site as the engine sees it: one build's state, its sources, its coverage and its principle pages.

``Site`` is created once per build (never stored at module level), by the site generator's glue
or by a script, and is the only place build state lives: the framework, the coverage settings,
the help lines, the coverage once scanned, the published course-pack downloads, the cache of
rendered chips, and the page being woven between the glue's two macro steps.
"""

from __future__ import annotations

import datetime as _dt

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pathspec

from . import render
from .contract import SUMMARY_END, SUMMARY_START, fill_mark
from .coverage import Coverage, PageScan, RenderedPage, coverage_of, scan_page, scan_site
from .diagnostics import Diagnostic, ProblemsFound
from .framework import LEVELS, PRINCIPLES_FOLDER, Framework, Principle, load_framework, principle_of_page
from .help import HelpSettings, parse_help
from .markdown_html import SiteMarkdown
from .materials import Materials, load_materials
from .page_macros import PageMacros
from .project import ProjectConfig, read_project_config
from .settings import Settings, load_settings
from .safety import SAFETY_FILE, Escalation, load_safety, review_of, review_problems
from .slots import SLOTS_FILE, SlotCatalogue, load_slots
from .templating import render_leftovers
from .translations import (TRANSLATIONS_FILE, WORDS, FrameworkTranslation, Language, LanguageReport,
                           PageStatus, TranslationSettings, check_language, compare_structure, digest, languages_of,
                           load_principles_translation, load_translation_settings, principles_translation_path,
                           split_language, status_problems, translation_path)
from .variant import UnknownVariant, Variant, check_variant_name, load_variant
from .weave import Call, MacroError, Woven, find_calls, protect, weave

__all__ = ["FRAMEWORK_FILE", "KNOWN_SITE_NAMES", "nav_sections", "principle_stub", "SETTINGS_FILE", "Site"]


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
    slots: SlotCatalogue = field(default_factory=SlotCatalogue, repr=False)
    """The slot catalogue (principles/slots.yml): where each service's own facts go in the core pages."""
    materials: Materials = field(default_factory=Materials, repr=False)
    """The training materials (principles/materials/*.yml): cards, scripts, forms and decks, by id."""
    material_uses: dict[str, list[str]] = field(default_factory=dict, repr=False)
    """Per page, the ids of the materials its material() calls show, in the order first shown (filled by the
    macro as pages render, so the scan sees every call the reader sees, Jinja's included)."""
    variant: Variant | None = None
    """The local variant this build is for (local/<name>/local.yml), or None for the generic handbook."""
    overlay: bool = False
    """True when the variant's local pages are read from local/<name>/docs/ beside docs/ (the scripts); False
    when docs_dir already holds them (a variant's site build, see ``variant_build``)."""
    publish: bool = False
    """A publish build: an empty required slot is an error (a draft build only warns)."""
    safety: Escalation | None = None
    """The escalation rule and the safety pages (principles/safety.yml); None only for sites made from data."""
    today: _dt.date | None = None
    """The date review dates are checked against (tests fix it; None: today)."""
    _markdown: SiteMarkdown | None = field(default=None, repr=False)
    markdown_memo: Path | None = None
    """A folder where each page's HTML is kept between runs (``SiteMarkdown``); None: convert every time."""
    pending: list[tuple[str, str, tuple]] | None = None
    """The one-render route (MkDocs): cross-page content waiting for the coverage, as (page, what, arguments),
    each with a placeholder in its page (``contract.FILL``); None: the scan ran first, so render it at once."""
    scanned: dict[str, tuple[PageScan, list[Diagnostic]]] = field(default_factory=dict, repr=False)
    """The one-render route: each page's scan, read from the HTML the site generator made."""
    sources: dict[str, str] = field(default_factory=dict, repr=False)
    """The one-render route: every page's Markdown source (headings' lines, front matter)."""
    languages: list[Language] = field(default_factory=lambda: [Language("en", "English", True)])
    """The site's languages (the i18n plugin in mkdocs.yml), the default first."""
    translation_settings: TranslationSettings = field(default_factory=TranslationSettings, repr=False)
    translations: dict[str, LanguageReport] = field(default_factory=dict)
    """Per translated language (not the default), once ``scan`` has run: every page's state and problems."""
    principle_translations: dict[str, FrameworkTranslation] = field(default_factory=dict, repr=False)
    """Per language, principles/principles.<locale>.yaml read over the framework."""

    @classmethod
    def load(cls, root: Path, docs_dir: Path | None = None, config: ProjectConfig | None = None,
             variant: str | None = None, publish: bool | None = None) -> Site:
        """Load and validate the framework, the settings, the slots, the help lines and any local variant; raise
        ProblemsFound with all problems.

        ``config`` is the project's mkdocs.yml as data; by default it is read from ``root``. ``variant`` names a
        local variant whose pages are read from local/<name>/docs/ beside docs/ (raises UnknownVariant, listing
        the known ones, when there is none); without it, ``extra.variant`` in the config names the variant of a
        merged build. ``publish`` (default: ``extra.publish``) makes empty required slots errors.
        """
        root = root.resolve()
        problems: list[Diagnostic] = []
        framework = settings = help = slots = None
        materials = Materials()
        if variant is not None:
            check_variant_name(root, variant)
        try:
            config = config or read_project_config(root)
            problems += config.problems()
            others = tuple(lang.locale for lang in languages_of(config.data) if not lang.default)
            help = parse_help(config.extra.get("help"), config.filename, config.line_of, locales=others)
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
        try:
            slots = load_slots(root / SLOTS_FILE, SLOTS_FILE)
        except ProblemsFound as error:
            problems += error.diagnostics
        try:
            materials = load_materials(root)
        except ProblemsFound as error:
            problems += error.diagnostics
        safety = None
        try:
            safety = load_safety(root / SAFETY_FILE, SAFETY_FILE)
        except ProblemsFound as error:
            problems += error.diagnostics
        translation_settings = TranslationSettings()
        try:
            translation_settings = load_translation_settings(root / TRANSLATIONS_FILE)
        except ProblemsFound as error:
            problems += error.diagnostics
        if problems:
            raise ProblemsFound(problems)
        docs = (docs_dir or root / config.docs_dir).resolve()
        name = variant if variant is not None else config.extra.get("variant")
        loaded = None
        if name:
            try:
                loaded = load_variant(root, str(name), framework, slots, nav_sections=nav_sections(config.data),
                                      core_docs=docs if variant is not None else None)
            except UnknownVariant as error:
                raise ProblemsFound([Diagnostic(config.filename, config.line_of("extra", "variant"), None,
                                                "config.invalid", f"extra.variant: {error}")]) from None
            framework = loaded.apply(framework)
            help = loaded.help_for(help)
        publish = bool(config.extra.get("publish")) if publish is None else publish
        if publish:  # a page past its review, a safety page without dates, a stale translation: never published
            settings = settings.for_publishing()
        languages = languages_of(config.data)
        languages.sort(key=lambda lang: not lang.default)
        principle_translations = {}
        for lang in languages[1:]:
            found, trouble = load_principles_translation(root, lang.locale, framework)
            problems += [d for d in trouble if settings.severity(d.code) == "error"]
            if found is not None:
                principle_translations[lang.locale] = found
        if problems:
            raise ProblemsFound(problems)
        return cls(root, docs, framework, settings, help, config=config, slots=slots, materials=materials,
                   variant=loaded, overlay=variant is not None, publish=publish, safety=safety, languages=languages,
                   translation_settings=translation_settings, principle_translations=principle_translations)

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

    def display_path(self, src_uri: str) -> str:
        """Where a page's source lives, from the repository root, for messages: a variant's local page is named
        in its own folder (local/<name>/docs/...), every other page under docs/."""
        if self.variant is not None and src_uri in self.variant.page_files:
            return f"{self.variant.docs_folder}/{src_uri}"
        return self.docs_prefix + src_uri

    def read_sources(self) -> dict[str, str]:
        """Every Markdown page the site builds, as MkDocs chooses them: hidden files, ``templates/``,
        ``exclude_docs`` and ``draft_docs`` are left out; ``not_in_nav`` pages are built, so they are in.

        With a variant read beside docs/ (``overlay``), its local pages and its values' page stubs are
        added, as the variant's own build (``variant_build``) would merge them."""
        sources: dict[str, str] = {}
        problems = []
        excluded = self.excluded_pages()
        folders = [(self.docs_dir, None)]
        if self.overlay and self.variant is not None:
            folders.append((self.root / self.variant.docs_folder, self.variant.page_files))
        for folder, only in folders:
            for path in sorted(folder.rglob("*.md")):
                rel = path.relative_to(folder).as_posix()
                if excluded(rel) or (only is not None and rel not in only):
                    continue
                try:
                    sources[rel] = path.read_text(encoding="utf-8-sig")
                except (OSError, UnicodeDecodeError) as error:
                    problems.append(Diagnostic(self.display_path(rel), 1, None, "source.unreadable",
                                               f"cannot read this page ({error}); save it as UTF-8 text"))
        if self.overlay:
            for p in self.framework.local_values:
                sources.setdefault(p.src_uri, principle_stub(p))
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
                                          self.config.filename, self.markdown_memo)
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
        path = self.display_path(src_uri)
        woven = weave(body, macros.scan_call, macro_names=PageMacros.NAMES,
                      known_names=KNOWN_SITE_NAMES | set(self.variables()), display_path=path,
                      line_offset=line_offset)
        text, diagnostics = woven.text, list(woven.diagnostics)
        if woven.needs_jinja:
            scan_macros = {name: _scan_macro(macros, name) for name in PageMacros.NAMES}
            text, found = render_leftovers(text, scan_macros, self.variables(), path=path, line_offset=line_offset,
                                           code="macros.template-syntax")
            diagnostics += found
        return RenderedPage(self.markdown.convert(woven.finish(text), src_uri), diagnostics)

    @property
    def locales(self) -> list[str]:
        """Every language's locale, the default first."""
        return [lang.locale for lang in self.languages]

    def language_of(self, src_uri: str) -> str:
        """The language a page is written in: its suffix's (``help.cy.md``), else the default language."""
        return split_language(src_uri, self.locales)[1] or self.languages[0].locale

    def framework_for(self, locale: str):
        """The framework in one language: its principles file's titles, prompts and translations over the English.
        English (the quotations always, and everything when the language has no file, or in a publish build while
        the file is a draft) otherwise."""
        found = self.principle_translations.get(locale)
        if found is None or (self.publish and found.meta.status != "reviewed"):
            return self.framework
        return found.framework

    def words_for(self, locale: str) -> dict[str, str]:
        """The words around the principles (chip labels, the translation note) in the framework's language."""
        found = self.principle_translations.get(locale)
        if found is None or self.framework_for(locale) is self.framework:
            return dict(WORDS)
        return dict(found.words)

    def split_sources(self, sources: Mapping[str, str]) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
        """(the default language's pages, per other language its translations keyed by the English page)."""
        default: dict[str, str] = {}
        other: dict[str, dict[str, str]] = {lang.locale: {} for lang in self.languages[1:]}
        for src_uri, text in sources.items():
            base, locale = split_language(src_uri, self.locales)
            if locale is None or locale == self.languages[0].locale:
                default[src_uri] = text
            else:
                other[locale][base] = text
        return default, other

    def scan(self, sources: Mapping[str, str]) -> Coverage:
        """Scan the pages for coverage, check the principle pages' stubs, and keep the result for this build.

        Coverage is the default language's: a translation (``page.cy.md``) is not another English page. Each
        translation is checked against its English page instead (``check_translations``), and its problems
        join the coverage's, so the build, the CLI and the gate see them the same way."""
        self.material_uses = {}
        english, _ = self.split_sources(sources)
        coverage = scan_site(english, self.framework, self.settings, self.render_for_scan,
                             docs_prefix=self.docs_prefix, paths={s: self.display_path(s) for s in english})
        return self._finish(coverage, sources)

    def _finish(self, coverage: Coverage, sources: Mapping[str, str]) -> Coverage:
        """The checks over the whole site once its pages are scanned (both routes), kept for this build."""
        english, translated = self.split_sources(sources)
        found = set(self.source_problems(sources)) | set(self.review_problems(coverage))
        found |= set(self.materials.unused(i for ids in self.material_uses.values() for i in ids))
        found |= set(self.check_translations(english, translated, coverage))
        coverage.diagnostics = [d for d in sorted(set(coverage.diagnostics) | found) if coverage.severity(d) != "off"]
        coverage.languages = self.translations
        self.coverage = coverage
        return coverage

    def source_problems(self, sources: Mapping[str, str]) -> list[Diagnostic]:
        """What the sources alone show, before any page is rendered: edited principle stubs, empty required slots
        (of the default language's pages; translations are checked against them in ``check_translations``)."""
        english, _ = self.split_sources(sources)
        return self.stub_problems(english) + self.slot_problems(english)

    # -- the one-render route (MkDocs): scan the site generator's HTML, fill cross-page content after ----------
    def defer_cross_page(self, sources: Mapping[str, str]) -> None:
        """Switch this build to the one-render route: pages are scanned from the site generator's own HTML
        (``scan_html``), cross-page content is a placeholder until ``finish_scan``, then ``fill``."""
        self.pending = []
        self.sources = dict(sources)
        self.material_uses = {}

    def scan_html(self, src_uri: str, html: str, url: str) -> None:
        """Scan one page from the HTML the site generator made of it (its only render) at ``url``."""
        text = self.sources.get(src_uri)
        locale = split_language(src_uri, self.locales)[1]
        if text is not None and locale in (None, self.languages[0].locale):  # translations: see check_translations
            self.scanned[src_uri] = scan_page(src_uri, text, self.framework, self.settings,
                                              lambda *_: RenderedPage(html), docs_prefix=self.docs_prefix,
                                              path=self.display_path(src_uri), url=url)

    def finish_scan(self) -> Coverage:
        """Every rule over the pages scanned from the site's HTML: the same coverage the CLI finds."""
        coverage = coverage_of(self.scanned, self.framework, self.settings, docs_prefix=self.docs_prefix)
        return self._finish(coverage, self.sources)

    def cross_page(self, src_uri: str, what: str, *args: Any) -> str:
        """Content made from other pages' facts: rendered now when the coverage is known, else a placeholder."""
        if self.pending is not None and self.coverage is None:
            self.pending.append((src_uri, what, args))
            return fill_mark(len(self.pending) - 1)
        return self.cross_page_markdown(src_uri, what, args)

    def fill(self, number: int) -> tuple[str, list[Diagnostic]]:
        """The Markdown for placeholder ``number`` now that the coverage is known, and any problem with it."""
        src_uri, what, args = self.pending[number]
        try:
            return self.cross_page_markdown(src_uri, what, args), []
        except MacroError as error:
            text = self.sources.get(src_uri, "")
            at = text.find(f"{what}(")
            line = text.count("\n", 0, at) + 1 if at >= 0 else 1
            return error.output, [Diagnostic(self.display_path(src_uri), line, None, error.code, error.message)]

    def cross_page_markdown(self, src_uri: str, what: str, args: tuple) -> str:
        """The Markdown of one piece of cross-page content (see ``cross_page``)."""
        coverage = self.coverage
        if what == "module_overview":
            module = coverage.module_for(src_uri) if coverage else None
            if module is None:
                raise MacroError("macros.bad-arguments",
                                 "module_overview() works only on a training module page with module, title, "
                                 "duration and objectives in its front matter")
            return render.module_overview(module, self.macros(src_uri).framework, src_uri,
                                          self.downloads.get(src_uri, ()), self.materials_of(src_uri))
        if what == "coverage_matrix":
            if coverage is None:
                return ""
            focus = {m.src_uri: m.focus for m in coverage.modules}
            return render.coverage_matrix(self.macros(src_uri).framework, coverage.training_sections, src_uri, focus)
        if what == "coverage_exemptions":
            return render.exemptions(coverage.training_sections if coverage else (), src_uri)
        if what == "backlinks":
            return "\n".join(self._backlinks(self.framework.get(args[0]), src_uri, args[1]))
        raise ValueError(what)

    def check_translations(self, english: Mapping[str, str], translated: Mapping[str, Mapping[str, str]],
                           coverage: Coverage) -> list[Diagnostic]:
        """Every translation: its freshness and status, and its sections, links and durations against its English
        page, read from the rendered page as the coverage reads the English one."""
        from .coverage import scan_page

        found: list[Diagnostic] = []
        stubs = self.principle_stubs()
        for lang in self.languages[1:]:
            pages = translated.get(lang.locale, {})
            checked = {k: v for k, v in pages.items() if k not in stubs}
            report = check_language(lang, {k: v for k, v in english.items() if k not in stubs}, checked,
                                    docs_prefix=self.docs_prefix, settings=self.translation_settings,
                                    publish=self.publish)
            for base, text in sorted(pages.items()):
                own = translation_path(base, lang.locale)
                path = self.docs_prefix + own
                if base in stubs:
                    if text.splitlines() != stubs[base].splitlines():
                        report.diagnostics.append(Diagnostic(
                            path, 1, None, "principles.page-edited",
                            "a principle page's translation holds the same two macro calls as the English page (the "
                            "words come from principles/principles." + lang.locale + ".yaml); run "
                            "`python3 scripts/write_principle_pages.py`"))
                    continue
                if base not in english:
                    continue
                page, problems = scan_page(own, text, self.framework, self.settings, self.render_for_scan,
                                           docs_prefix=self.docs_prefix, path=path)
                report.diagnostics += problems
                source = coverage.pages.get(base)
                training = self.settings.is_training(base)
                stale = any(status.src_uri == base and status.state == "stale" for status in report.pages)
                # a training page's sections, links and times must always match (the gate per language); on
                # any other page, an English edit not yet translated is staleness (reported as such), and
                # only a translation of the current English must match its sections
                if source is not None and (training or not stale):
                    report.diagnostics += compare_structure(source, page, training=training)
            principles = self.principle_translations.get(lang.locale)
            if principles is not None:
                path = principles_translation_path(lang.locale)
                source_text = (self.root / FRAMEWORK_FILE).read_text(encoding="utf-8")
                report.diagnostics += status_problems(principles.meta, path, self.translation_settings)
                # a publish build uses a draft file's words nowhere (framework_for), so its staleness is listed only
                left_out = self.publish and principles.meta.status != "reviewed"
                state = "translated"
                if principles.meta.source != digest(source_text):
                    state = "stale"
                    if not left_out:
                        report.diagnostics.append(Diagnostic(
                            path, principles.meta.line("source"), None,
                            "translations.stale" if principles.meta.source else "translations.not-stamped",
                            f"{FRAMEWORK_FILE} changed since these translations were made (or they were never "
                            f"stamped); update them, then run `python3 scripts/translations.py stamp {path}`"))
                if left_out:
                    state = "draft-left-out" if state == "translated" else state
                    report.left_out.append(path)
                report.pages.append(PageStatus(FRAMEWORK_FILE, state, principles.meta.status))
                # the principle pages' translations are the same stubs: their words, state and status are the file's
                for base in sorted(set(pages) & set(stubs)):
                    report.pages.append(PageStatus(base, state, principles.meta.status))
                    if left_out:
                        report.left_out.append(translation_path(base, lang.locale))
            self.translations[lang.locale] = report
            found += report.diagnostics
        return found

    # -- review dates ----------------------------------------------------------------------------------------
    def review_problems(self, coverage: Coverage) -> list[Diagnostic]:
        """Read every page's review: front matter into ``coverage.reviews``; return the review problems."""
        problems: list[Diagnostic] = []
        reviews = []
        for src_uri, page in sorted(coverage.pages.items()):
            found = review_of(src_uri, page.meta or {}, self.display_path(src_uri), 1, problems)
            if found is not None:
                reviews.append(found)
        coverage.reviews = reviews
        coverage.today = self.today or _dt.date.today()
        safety_pages = self.safety.pages if self.safety else ()
        return problems + review_problems(reviews, safety_pages, coverage.pages, coverage.today, self.display_path)

    # -- slots -----------------------------------------------------------------------------------------------
    def slot_uses(self, sources: Mapping[str, str]) -> dict[str, list[tuple[str, int]]]:
        """Per slot id, every (page, line) with a ``local("...")`` call, outside code."""
        uses: dict[str, list[tuple[str, int]]] = {}
        for src_uri in sorted(sources):
            text = sources[src_uri]
            if "local(" not in text:
                continue
            for call in find_calls(protect(text)[0], ["local"]):
                if call.args and isinstance(call.args[0], str):
                    uses.setdefault(call.args[0], []).append((src_uri, call.line))
        return uses

    def slot_problems(self, sources: Mapping[str, str]) -> list[Diagnostic]:
        """A variant's empty required slots, at every page and line that uses each (errors when publishing)."""
        variant = self.variant
        if variant is None:
            return []
        code = "slots.unfilled" if self.publish else "slots.unfilled-draft"
        stage = "a published variant must fill it" if self.publish else "fill it before you publish"
        uses = self.slot_uses(sources)
        problems = []
        for slot in self.slots.slots:
            if not slot.required or slot.id in variant.slots:
                continue
            fix = f'add slots: {slot.id}: with {slot.what} to {variant.source}'
            places = uses.get(slot.id) or []
            for src_uri, line in places:
                problems.append(Diagnostic(self.display_path(src_uri), line, None, code,
                                           f'required slot "{slot.id}" is empty in {variant.name}; {stage}: {fix}'))
            if not places:
                problems.append(Diagnostic(variant.source, 1, None, code,
                                           f'required slot "{slot.id}" is empty (no page uses it yet); {stage}: {fix}'))
        return problems

    def use_material(self, src_uri: str, material_id: str) -> None:
        """Record that a page shows a material (``material_uses``)."""
        ids = self.material_uses.setdefault(src_uri, [])
        if material_id not in ids:
            ids.append(material_id)

    def materials_of(self, src_uri: str) -> list:
        """The materials a page shows, in the order it first shows them (known once the site is scanned)."""
        return [m for m in (self.materials.get(i) for i in self.material_uses.get(src_uri, ())) if m is not None]

    def macros(self, src_uri: str) -> PageMacros:
        """The macros bound to one page."""
        return PageMacros(self, src_uri)

    def weave(self, markdown: str, src_uri: str, known_names=(), line_offset: int = 0) -> Woven:
        """Render the literal macro calls of one page (see ``weave.weave``)."""
        return weave(markdown, self.macros(src_uri).render_call, macro_names=PageMacros.NAMES,
                     known_names=known_names, display_path=self.display_path(src_uri), line_offset=line_offset)

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
                if p.is_local:  # made by the variant's build, never written by hand
                    problems.append(Diagnostic(self.variant.source, p.line, None, "principles.page-missing",
                                               f'local value "{p.id}" has no page {self.docs_prefix}{p.src_uri}; build '
                                               f"the variant with `python3 scripts/build_variant.py {self.variant.name}`"))
                    continue
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

    def principle_page(self, principle_id: str, locale: str | None = None) -> str:
        """Everything under the heading of a principle's (or the theme's) page: the quote, prompts, backlinks.

        In another language with its own principles file (``docs/principles/<id>.cy.md``), the page is
        ``translated_principle_page``: that language's words, the paper's quotation one click away."""
        if locale and locale != self.locales[0] and self.framework_for(locale) is not self.framework:
            return self.translated_principle_page(principle_id, locale)
        fw = self.framework
        p = fw.get(principle_id)
        t = render.text
        lines: list[str] = []
        if p.is_local:
            lines += [
                f'<p class="principle-page__intro">A value of {t(fw.organisation)}, in its own words. It sits beside '
                f"the {len(fw.principles)} principles of the {t(fw.title)} and never replaces them.</p>", "",
                "## The value", "",
                f"> **{t(p.statement)}**", "",
                f"See how it sits beside [the principles]({render.rel(PRINCIPLES_FOLDER + '/index.md', p.src_uri)}).", "",
            ]
        elif p.is_theme:
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
        what = "theme" if p.is_theme else "value" if p.is_local else "principle"
        whose = f"Written by {t(fw.organisation)}" if p.is_local else "Written for this handbook"
        if p.indicators:
            lines += [
                "## What you might notice", "",
                f"{whose}: signs that this {what} is alive in practice. They are prompts for conversation, never "
                "scores.", "",
                "\n".join(f"- {t(i)}" for i in p.indicators), "",
            ]
        levels = [level for level in LEVELS if p.prompts[level]]
        if levels:
            lines += ["## Questions for reflection", "", f"{whose}, for each level of supervision.", ""]
        for level in levels:
            lines += [f"### {level.capitalize()} supervision", "", "\n".join(f"- {t(q)}" for q in p.prompts[level]), ""]
        # the backlinks come from every other page: placeholders on the one-render route, filled at the end
        for heading, part in (("Focus of", "focus"), ("Taught in", "taught"), ("Supervised in", "supervised"),
                              ("In the handbook", "handbook")):
            lines += [f"## {heading}", "", self.cross_page(p.src_uri, "backlinks", p.id, part), ""]
        if p.is_local:
            lines += ["## Source", "", f"{whose}, in {t(self.variant.source)}.", ""]
        else:
            lines += ["## Source", "", render.attribution(fw), ""]
        page = "\n".join(lines)
        if self.pending is not None and self.coverage is None:  # the one-render route: marked for the scan to skip
            return f"{SUMMARY_START}\n\n{page}\n\n{SUMMARY_END}"
        return page

    def translated_principle_page(self, principle_id: str, locale: str) -> str:
        """A principle's (or the theme's) page in another language: this handbook's own translation said to be ours,
        the paper's English quotation one click away (``lang="en"``), and every part still in English (prompts or
        indicators not translated yet, the lists of English pages) marked ``lang="en"``. A draft says so at the top,
        in both languages, as a draft page does."""
        english, fw = self.framework, self.framework_for(locale)
        p, source = fw.get(principle_id), english.get(principle_id)
        words = self.words_for(locale)
        t = render.text
        src = translation_path(p.src_uri, locale)
        default = self.locales[0]

        def in_english(block: str) -> str:
            return f'<div class="in-english" lang="{default}" markdown>\n\n{block}\n\n</div>'

        lines: list[str] = []
        meta = self.principle_translations[locale].meta
        if meta.status != "reviewed":
            notice = next((lang.draft_notice for lang in self.languages if lang.locale == locale), "")
            assisted = ", made with machine assistance" if meta.machine_assisted else ""
            lines += [f'<aside class="md-i18n-notice admonition warning" role="note">\n'
                      + (f"<p>{t(notice)}</p>\n" if notice else "") + f'<p lang="{default}">Draft translation{assisted}: not yet checked by a fluent reviewer. The '
                      f"English page is the checked version.</p>\n</aside>", ""]
        key = "theme_intro" if p.is_theme else "page_intro"
        intro = words[key].format(number=p.number, count=len(fw.principles))
        lines += [f'<p class="principle-page__intro">{t(intro)}</p>', ""]
        lines += [f"## {t(words['the_theme' if p.is_theme else 'the_principle'])} {{#the-{'theme' if p.is_theme else 'principle'}}}", ""]
        if p.statement_translation:
            ours = "\n".join(f"<li>{t(f)}</li>" for f in p.facets_translation)
            lines += [f'<div class="principle-card__translation">\n<p><strong>{t(p.statement_translation)}</strong></p>'
                      + (f"\n<ul>\n{ours}\n</ul>" if ours else "")
                      + f'\n<p class="principle-card__note">{t(words["our_translation"])}</p>\n</div>', ""]
        quote = "\n".join(f"> {t(f)}" for f in source.facets)
        original = (f"{t(english.preamble)}\n\n> **{t(source.statement)}**" + (f"\n>\n{quote}" if quote else ""))
        lines += [f'<details class="principle-card__original" markdown>\n<summary>{t(words["english_original"])}'
                  f'</summary>\n\n<div lang="{default}" markdown>\n\n{original}\n\n</div>\n</details>', ""]
        if p.is_theme:
            lines += [t(fw.theme.summary), "", t(words["not_a_sixth"]), "",
                      "\n".join(f"- {render.link(q, src, label=q.label)}" for q in fw.principles), ""]
        else:
            lines += [f"## {t(words['where_from'])} {{#where-it-comes-from}}", "", t(words["codes"]), "",
                      f'<p lang="{default}">{", ".join(t(k) for k in source.keywords)}</p>', ""]
        if p.indicators:
            items = "\n".join(f"- {t(i)}" for i in p.indicators)
            lines += [f"## {t(words['notice'])} {{#what-you-might-notice}}", "", t(words["notice_intro"]), "",
                      in_english(items) if p.indicators == source.indicators else items, ""]
        levels = [level for level in LEVELS if p.prompts[level]]
        if levels:
            lines += [f"## {t(words['questions'])} {{#questions-for-reflection}}", "", t(words["questions_intro"]), ""]
        for level in levels:
            items = "\n".join(f"- {t(q)}" for q in p.prompts[level])
            lines += [f"### {t(words[level])} {{#{level}-supervision}}", "",
                      in_english(items) if p.prompts[level] == source.prompts[level] else items, ""]
        lines += [t(words["links_in_english"]), "", in_english(self._backlinks_block(source, src)), ""]
        lines += [f"## {t(words['source'])} {{#source}}", "", in_english(render.attribution(english)), ""]
        return "\n".join(lines)

    def _backlinks_block(self, p: Principle, src: str) -> str:
        """Every backlink list of a principle's page under its heading (for a page in another language)."""
        return "\n".join(f"## {heading}\n\n{self.cross_page(src, 'backlinks', p.id, part)}\n" for heading, part in
                         (("Focus of", "focus"), ("Taught in", "taught"), ("Supervised in", "supervised"),
                          ("In the handbook", "handbook")))

    def _backlinks(self, p: Principle, src: str, part: str) -> list[str]:
        """One list of a principle page's backlinks (``focus``, ``taught``, ``supervised``, ``handbook``)."""
        coverage = self.coverage
        t = render.text
        what = "theme" if p.is_theme else "value" if p.is_local else "principle"

        def item(s) -> str:
            return f"- [{t(s.page)}: {t(s.title)}]({render.rel(s.src_uri, src)}#{s.anchor})"

        if part == "focus":
            focus = coverage.focus_of(p.id) if coverage else []
            return [f"- [{t(m.title)}]({render.rel(m.src_uri, src)}) (module {m.number})" for m in focus] or [
                f"No module names this {what} as its focus yet."]
        if part == "taught":
            taught = coverage.taught_in(p.id) if coverage else []
            return [item(s) for s in taught] or [f"No training section links to this {what} yet."]
        if part == "supervised":
            supervised = coverage.supervised_in(p.id) if coverage else {}
            return [item(s) for level in LEVELS for s in supervised.get(level, [])] or [
                f"No supervision guide section links to this {what} yet."]
        handbook = coverage.handbook_pages(p.id) if coverage else []
        return [f"- [{t(page.title)}]({render.rel(page.src_uri, src)})" for page in handbook] or [
            f"No handbook page links to this {what} yet."]


def principle_stub(p: Principle) -> str:
    """The committed file docs/principles/<id>.md: two macro calls, its heading and the rest of the page.

    Nothing from the YAML is copied into it (not even the title: both engines take the page title from
    the rendered heading), so rewording a principle changes its page without touching the stub.
    """
    call = json.dumps(p.id)
    return f"# {{{{ principle_title({call}) }}}}\n\n{{{{ principle_page({call}) }}}}\n"


def nav_sections(data: Mapping[str, Any]) -> list[str]:
    """The titles of the top-level sections of mkdocs.yml's ``nav`` (where a variant's local pages may go)."""
    nav = data.get("nav") if isinstance(data, Mapping) else None
    return [next(iter(item)) for item in (nav if isinstance(nav, list) else [])
            if isinstance(item, dict) and len(item) == 1 and isinstance(next(iter(item.values())), list)]
