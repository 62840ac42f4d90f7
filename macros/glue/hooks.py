"""MkDocs hooks: scan the sources for principle coverage, publish the course packs, fail the build.

Thin glue over the engine in ``macros/engine/``. The rule itself lives in ``macros/engine/coverage/`` and is the
same function that ``scripts/check_coverage.py`` runs. The principle pages are committed stubs
(docs/principles/<id>.md) that the scan keeps in step with principles.yaml, not generated here:
Zensical runs no hooks, and both engines must build the same pages. The events, in the order
MkDocs calls them:

* ``on_startup``: remember whether this is ``mkdocs serve`` (which shows errors but keeps serving);
* ``on_config``: load and validate the framework, the settings and mkdocs.yml (macros plugin present);
* ``on_files``: read every page's source and check the principle stubs and slots; switch the build to
  one render (or, when publishing course packs, scan first and make the packs);
* ``on_page_content``: scan the page from the HTML MkDocs made of it (its one render);
* ``on_env``: every page is known: apply the coverage rules, fill the cross-page placeholders (backlinks,
  coverage tables, module overviews), then the gate, before anything is written: any error-severity
  diagnostic fails the build, whatever the log level or ``--strict``;
* ``on_post_page``: the last line of defence: no built page may hold unrendered macro text;
* ``on_post_build``: fail on that, and forget the engine's modules (see ``_forget_engine``).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

from ..engine.squeeze import tidy_built_page
from ..engine.contract import FILL, FILL_PATTERN, FRAGMENT_END, fill_html, strip_summary_marks
from .macros_module import log, report, site_for

__all__ = [
    "on_build_error", "on_config", "on_env", "on_files", "on_page_content", "on_post_build", "on_post_page",
    "on_post_template", "on_startup",
]

FILL_MARK = FILL.partition("{")[0]


_SERVE = "PRINCIPLES_MKDOCS_SERVE"
_CODE = re.compile(r"(?is)<(pre|code|script|style|textarea)\b.*?</\1>|<!--.*?-->")
_LEFTOVER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def on_startup(command, dirty):
    """Remember the command for the whole process: `mkdocs serve` reloads this module on each rebuild."""
    os.environ[_SERVE] = "1" if command == "serve" else ""


def on_config(config):
    """Load and validate the framework, the settings and mkdocs.yml early: bad input stops the build at once."""
    site_for(config)
    return config


def on_files(files: Files, config):
    """Read every page and check the principle pages' stubs (one pass over the sources); in a publish build,
    leave out draft translations, so the i18n plugin serves the English page with its notice.

    mkdocs-static-i18n builds each further language by running the build again on the same config: the
    coverage is found once (in the first language's build), the drafts are left out in every language's build."""
    site = site_for(config)
    if site.coverage is not None:
        return _leave_out_drafts(files, site)
    sources = {}
    for f in files.documentation_pages():
        try:
            sources[f.src_uri] = f.content_string
        except UnicodeDecodeError:
            raise PluginError(f"{site.docs_prefix}{f.src_uri}:1: this page is not UTF-8 text; save it as UTF-8 "
                              f"(in most editors: Save with encoding, UTF-8) [source.unreadable]") from None
    if _publishing(config):  # the packs need the coverage before any page renders: scan the sources first
        coverage = site.scan(sources)
        report(site, coverage.diagnostics)
        _publish_course_packs(files, config, site, sources)
    else:
        site.defer_cross_page(sources)
        report(site, site.source_problems(sources))
    return _leave_out_drafts(files, site)


def _leave_out_drafts(files: Files, site) -> Files:
    """Remove the translations a publish build must not publish (``Site.translations``' left_out)."""
    for report in site.translations.values():
        for src_uri in report.left_out:
            found = files.get_file_from_path(src_uri)
            if found is not None:
                files.remove(found)
                log.info("translation left out of this publish build (a draft): %s%s", site.docs_prefix, src_uri)
    return files


def on_page_content(html, page, config, files):
    """Scan the page from the HTML MkDocs made (its one render); the summaries' marks go once read."""
    site = site_for(config)
    if site.pending is None or site.coverage is not None:  # a further language's build: the coverage is known
        return html
    site.scan_html(page.file.src_uri, html, page.file.url)
    return strip_summary_marks(html)


def _fill_cross_page(site, config, files: Files) -> None:
    """Put the cross-page content in its placeholders, as HTML made like the page's own (its links made relative).

    The Markdown is the engine's; the converter is MkDocs' (the extensions of mkdocs.yml and its link rewriting
    for this page), so the result is what an in-page render would have given.
    """
    import markdown
    from mkdocs.structure.pages import _RelativePathTreeprocessor  # MkDocs 1.6.1 is the last 1.x: a fixed target

    md = relative = None
    for file in files.documentation_pages():
        page = file.page
        if page is None or not page.content or FILL_MARK not in page.content:
            continue
        if md is None:
            md = markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs or {})
            relative = _RelativePathTreeprocessor(file, files, config)
            relative._register(md)
        relative.file = file

        def fill(match):
            text, problems = site.fill(int(match.group(1)))
            report(site, problems)
            return fill_html(md.reset().convert(text + "\n\n" + FRAGMENT_END), last=match.group(2) is None)

        page.content = FILL_PATTERN.sub(fill, page.content)


# -- course packs (extra.course_packs.publish in mkdocs.yml) --------------------------------------------
def _publishing(config) -> bool:
    """True when this build publishes the course packs (``extra.course_packs.publish``)."""
    from ..engine.course.settings import CourseError, PublishSettings

    try:
        return PublishSettings.from_extra(config.extra).publish
    except CourseError as error:
        raise PluginError(f"Course packs: {error}") from None


def _publish_course_packs(files: Files, config, site, sources) -> None:
    """When publishing is on: make every course pack, add it under downloads/, link it from its module page.

    All the work is the engine's (macros/engine/course/); this only hands the files to MkDocs.
    """
    from ..engine.course.settings import CourseError, PublishSettings
    from ..engine.diagnostics import ProblemsFound

    try:
        settings = PublishSettings.from_extra(config.extra)
        from ..engine.course.cache import CACHE_FOLDER, PackCache
        from ..engine.course.course import Course, downloads

        course = Course.for_site(site, programme=config.site_name, extra=config.extra, sources=sources)
        made, plan = course.publishable(cache=PackCache(site.root / CACHE_FOLDER))
    except CourseError as error:
        raise PluginError(f"Course packs: {error}") from None
    except ProblemsFound as error:
        raise PluginError("The course packs could not be made:\n" + error.report()) from None
    for item in made:
        files.append(File.generated(config, f"{settings.folder}/{item.spec.name}", content=item.data))
    site.downloads = downloads(made, settings.folder)
    log.info("Course packs: made %d, reused %d unchanged from the cache", len(made) - len(plan.reused), len(plan.reused))


def _forget_engine() -> None:
    """Drop the engine's modules, so that `mkdocs serve` picks up edits to macros/ on the next rebuild.

    mkdocs-macros imports the `macros` package once per process; without this, a rebuild after
    an edit to the engine would still run the old code.
    """
    for name in [m for m in sys.modules if m == "macros" or m.startswith("macros.")]:
        del sys.modules[name]


def _fail_on_errors(site, when: str, outcome: str = "nothing is published") -> None:
    """The gate: raise when this build found any error, unless serving (serve shows them and keeps going)."""
    if site.errors and not os.environ.get(_SERVE):
        n = len(site.errors)
        raise PluginError(f"{n} principle problem{'s' if n != 1 else ''} {when} (each is listed above once, with its "
                          f"file and line); {outcome}")


def on_env(env, config, files):
    """Every page is rendered and scanned: the coverage rules, the cross-page content, then the gate, before
    any page is written."""
    site = site_for(config)
    if site.pending is not None and site.coverage is None:
        coverage = site.finish_scan()
        report(site, coverage.diagnostics)
        _fill_cross_page(site, config, files)
    _fail_on_errors(site, "found")
    return env


_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset"')


def _english_search_only(config) -> None:
    """Keep the search index to the default language's pages.

    Material loads one index for every language (search/search_index.json at the root; mkdocs-static-i18n
    gathers each language's entries into it after this hook has run), and Lunr has no Welsh stemmer: English
    readers would get the /cy/ copies of each page (English fallbacks and machine-assisted drafts) beside the
    English ones, often first. Until each language has an index of its own, the other languages' pages are
    left out of search (they are reached from the language switcher). Called after each page: in another
    language's pass, that page's entries (the last ones added) are taken off again."""
    i18n = config["plugins"].get("i18n")
    language = config.theme.get("language")
    if i18n is None or any(lang.default and lang.locale == language for lang in i18n.config.languages):
        return
    search = config["plugins"].get("material/search") or config["plugins"].get("search")
    index = getattr(search, "search_index", None)
    for name in ("entries", "_entries"):
        entries = getattr(index, name, None)
        if isinstance(entries, list):
            while entries and str(entries[-1].get("location", "")).startswith(f"{language}/"):
                entries.pop()
            return


def _keep_english_offline_index(config) -> None:
    """The offline copy's search index (search/search_index.js) follows the final search_index.json.

    Material's offline plugin writes the .js in every language's pass, from that pass's index: the Welsh pass
    left it holding only the /cy/ copies, so an English search offline found only Welsh pages. mkdocs-static-i18n
    writes the final, merged search_index.json before this hook's last call, so the .js is made from it."""
    folder = Path(config["site_dir"]) / "search"
    script, index = folder / "search_index.js", folder / "search_index.json"
    if script.is_file() and index.is_file():
        script.write_text("var __index = " + index.read_text(encoding="utf-8"), encoding="utf-8")


def on_post_template(output_content, template_name, config):
    """Keep the default language's 404 page: mkdocs-static-i18n builds each further language into the same
    site, and its pass would replace /404.html with a copy whose links are made for /cy/ (no styles, so the
    skip link failed its contrast check). The first rendering of 404.html is kept for every pass, without the
    head's alternate links (see ``on_post_page``) and the templates' whitespace."""
    if template_name != "404.html":
        return output_content
    return config.setdefault("_principles_404", tidy_built_page(output_content))


def on_post_page(output, page, config):
    """Mark a page shown in another language than the build's (an English fallback under /cy/) with its own
    language, for screen readers (zensical-i18n does the same); then the last line of defence: a built page
    with unrendered macro text outside code means macros did not run."""
    file_locale = getattr(page.file, "locale", None)
    if file_locale and file_locale != config.theme.get("language"):
        output = _ARTICLE.sub(f'\\g<0> lang="{file_locale}"', output, count=1)
    output = tidy_built_page(output)  # head alternate links and the templates' whitespace
    _english_search_only(config)
    if "{{" in output or "{%" in output or "{#" in output:
        leftover = _LEFTOVER.search(_CODE.sub("", output))
        if leftover:
            from ..engine.diagnostics import Diagnostic

            site = site_for(config)
            snippet = " ".join(leftover.group(0).split())[:60]
            report(site, [Diagnostic(site.docs_prefix + page.file.src_uri, 1, None, "site.unrendered-macro",
                                     f'the built page still shows "{snippet}": the macros did not run on it; check '
                                     f"that mkdocs.yml lists the macros plugin once, under a single plugins: key")])
    return output


@event_priority(-200)  # after Material's offline plugin and mkdocs-static-i18n (-100): the last word on the files
def on_post_build(config):
    """The build is done: fail on any late error (unrendered macros), then forget the engine's code."""
    site = site_for(config)
    _keep_english_offline_index(config)
    _forget_engine()
    _fail_on_errors(site, "found after writing the pages",
                    f"the pages in {config.site_dir} were written but are not fit to publish: fix them and build again")


def on_build_error(error):
    """The build failed: forget the engine's code too, so a fix is picked up."""
    _forget_engine()
