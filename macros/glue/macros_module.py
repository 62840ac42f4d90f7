"""mkdocs-macros glue: registers the principle macros and weaves each page.

Thin on purpose. Everything real lives in the engine modules and packages beside this file
(``framework``, ``weave``, ``page_macros``, ``coverage``, ``site``, ``course``), which import nothing
from MkDocs, so that scripts can use them and a future site generator only needs new glue. Nothing
from MkDocs is imported at module level here either, so ``import macros.engine.framework`` stays MkDocs-free.

mkdocs-macros imports this package once per process; all build state lives on the engine's ``Site``,
kept in the config of the current build (see ``site_for``), never in module globals.

The gate does not depend on logging: under MkDocs every error-severity diagnostic is counted on the
``Site`` and the hook (``macros/glue/hooks.py``, loaded by ``overrides/.hooks/principles.py``) fails the build on them itself, so ``mkdocs
build -q`` or ``--no-strict`` cannot switch it off (MkDocs' ``-q`` hides warnings before strict mode
counts them: mkdocs/mkdocs#4126). Errors are also logged at ERROR level, so ``-q`` still shows them.

Zensical runs this module too, with differences the glue absorbs: its config is a plain dict with
``root_dir`` instead of ``config_file_path``; it runs ``define_env`` for every page; it never calls
``on_pre_page_macros``/``on_post_page_macros`` (``macros/glue/extension.py`` runs the same step there);
it runs no MkDocs hooks (``site_for`` scans the sources instead); and it ignores Python logging, so
under Zensical our problems are raised, never logged.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

__all__ = [
    "define_env", "front_matter_lines", "is_zensical", "raise_errors", "log", "on_post_page_macros", "on_pre_page_macros",
    "page_src_uri", "project_config_file", "report", "site_for", "weave_page"
]

log = logging.getLogger("mkdocs.plugins.principles")
_ATTR = "_principles_site"


def is_zensical(config: Any) -> bool:
    """True under Zensical, which hands macros its configuration as a plain dict (MkDocs: MkDocsConfig)."""
    return isinstance(config, dict)


def project_config_file(config: Any) -> Path:
    """The project's mkdocs.yml, from whichever key the engine provides."""
    if config.get("root_dir"):  # Zensical gives the folder it read mkdocs.yml from
        return Path(config["root_dir"]).resolve() / "mkdocs.yml"
    return Path(config["config_file_path"] or "mkdocs.yml").resolve()  # MkDocs


def site_for(config: Any):
    """The engine's Site for this build, created on first use and kept in the build's config."""
    site = config.get(_ATTR)
    if site is None:
        from ..engine.diagnostics import ProblemsFound
        from ..engine.project import read_project_config
        from ..engine.site import Site

        config_file = project_config_file(config)
        root = config_file.parent
        try:
            project = read_project_config(root, config_file.name)
            # zensical-i18n builds each language from a staged copy of docs/ without the language suffixes;
            # the engine always reads the project's own docs/, so both engines check the same files
            docs = root / (project.docs_dir if _zensical_language(config) else config["docs_dir"])
            site = Site.load(root, docs, config=project,
                             publish=bool((config.get("extra") or {}).get("publish")) or None)
            if is_zensical(config):
                _zensical_checks(site, config)
        except ProblemsFound as error:
            if is_zensical(config):
                raise
            from mkdocs.exceptions import PluginError

            raise PluginError("The principles could not be loaded:\n" + error.report()) from None
        site = config.setdefault(_ATTR, site)  # Zensical may render pages in parallel: keep the first
    return site


def _zensical_checks(site, config) -> None:
    """What the MkDocs hooks do before any page, done once per Zensical build: scan, check, fail loudly."""
    from ..engine.course.settings import PublishSettings
    from ..engine.diagnostics import ProblemsFound
    from ..engine.markdown_html import MARKDOWN_MEMO

    site.markdown_memo = site.root / MARKDOWN_MEMO  # the same memo as the commands: unchanged pages cost a read
    coverage = site.scan(site.read_sources())
    raise_errors(site, coverage.diagnostics)
    if site.errors:
        raise ProblemsFound(site.errors)
    if PublishSettings.from_extra(config.get("extra") or {}).publish:
        raise RuntimeError("mkdocs.yml: extra.course_packs.publish needs the MkDocs hooks, which Zensical does not run; "
                           "set it to false and make the packs with `python3 scripts/build_course.py`, or build with MkDocs")


def raise_errors(site, diagnostics) -> None:
    """Zensical's way to show diagnostics (it ignores logging): warnings on stderr, errors raised. A rule set to
    ``off`` or ``warning`` in principles/coverage.yaml means the same here as under MkDocs and in the CLI."""
    from ..engine.diagnostics import ProblemsFound

    errors = []
    for severity, d in site.note(diagnostics):
        if severity == "error":
            errors.append(d)
        else:
            print(f"warning: {d.format()}", file=sys.stderr)
    if errors:
        raise ProblemsFound(errors)


def report(site, diagnostics) -> None:
    """Show diagnostics once each: errors at ERROR level (counted on the Site for the gate), warnings as info."""
    for severity, d in site.note(diagnostics):
        if severity == "error":
            log.error(d.format())
        else:
            log.info("warning: %s", d.format())


def _jinja_line() -> int | None:
    """The template line of the macro call being run by Jinja (for error messages)."""
    frame = sys._getframe(2)
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:
            return template.get_corresponding_lineno(frame.f_lineno)
        frame = frame.f_back
    return None


def define_env(env) -> None:
    """Register every principle macro with mkdocs-macros (the Jinja path)."""
    from ..engine.diagnostics import Diagnostic
    from ..engine.page_macros import PageMacros
    from ..engine.weave import MacroError

    site = site_for(env.conf)
    zensical = is_zensical(env.conf)

    def make(name: str):
        def macro(*args, **kwargs):
            src_uri = page_src_uri(env.page, env.conf)
            try:
                return site.macros(src_uri).call(name, args, kwargs)
            except MacroError as error:
                offset = site.woven.line_offset if site.woven else front_matter_lines(site, src_uri)
                found = [Diagnostic(site.display_path(src_uri), (_jinja_line() or 0) + offset, None, error.code, error.message)]
                if zensical:
                    raise_errors(site, found)
                else:
                    report(site, found)
                return error.output

        macro.__name__ = name
        macro.__doc__ = getattr(PageMacros, name).__doc__
        return macro

    for name in PageMacros.NAMES:
        env.macro(make(name), name)


def page_src_uri(page, config: Any = None) -> str:
    """The page's source under docs/ (MkDocs: page.file.src_uri, ``help.cy.md`` for a translation; Zensical:
    page.path, which zensical-i18n stages without the suffix, so the language's suffix is put back unless the
    page is the English fallback)."""
    file = getattr(page, "file", None)
    if file is not None:
        return file.src_uri
    locale = _zensical_language(config) if config is not None else None
    if locale and not (page.meta or {}).get("i18n_fallback") and page.path.endswith(".md"):
        from ..engine.translations import translation_path

        return translation_path(page.path, locale)
    return page.path


def _zensical_language(config: Any) -> str | None:
    """Under zensical-i18n, the language being built when it is not the default one; else None."""
    if not is_zensical(config):
        return None
    i18n = (config.get("extra") or {}).get("i18n")
    if not isinstance(i18n, dict) or not i18n.get("prefix"):
        return None
    return i18n.get("locale")


def front_matter_lines(site, src_uri: str) -> int:
    """Lines before the Markdown body in the page's file (for error lines; read only when one is reported)."""
    from ..engine.coverage import split_front_matter

    try:
        return split_front_matter((site.docs_dir / src_uri).read_text(encoding="utf-8-sig"))[2]
    except OSError:
        return 0


def weave_page(site, markdown: str, src_uri: str, meta, known_names, line_offset: int):
    """The literal-call pass both engines run before Jinja (MkDocs: on_pre_page_macros; Zensical: extension.py).

    Both engines add front matter to the Jinja variables, over the macros: a training module's
    ``duration: 150`` would hide ``duration()``. Literal calls never reach Jinja; for the Jinja that is
    left, each of our macro names that the front matter would hide is bound back to the macro on the
    page's first line (no line is added, so line numbers hold).
    """
    from ..engine.page_macros import PageMacros

    woven = site.weave(markdown, src_uri, known_names=known_names, line_offset=line_offset)
    _escape_own_title(site, src_uri, meta)
    _add_review_line(woven, src_uri, meta)
    hidden = [name for name in PageMacros.NAMES if name in meta]
    if woven.needs_jinja and hidden:
        woven.text = "".join(f'{{% set {name} = macros["{name}"] %}}' for name in hidden) + woven.text
    return woven


def _add_review_line(woven, src_uri: str, meta) -> None:
    """A safety page's owner role and review dates, at the foot of the page (checked by the scan)."""
    from ..engine.safety import render_review, review_of

    review = review_of(src_uri, meta, src_uri)
    if review is not None:
        woven.text = woven.text.rstrip("\n") + "\n\n" + render_review(review) + "\n"


def _escape_own_title(site, src_uri: str, meta) -> None:
    """A principle's page takes its title from YAML, which is data: give the theme an HTML-escaped title.

    Themes print page titles unescaped (in the navigation and <title>), and a title taken from the
    rendered heading comes back unescaped, so a title such as '<img onerror=...>' would run as code.
    """
    from markupsafe import escape

    from ..engine.framework import principle_of_page

    principle = site.framework.get(principle_of_page(src_uri) or "")
    if principle is not None and "title" not in meta:
        meta["title"] = str(escape(principle.label))


def on_pre_page_macros(env) -> None:
    """Render our literal macro calls directly and protect code; skip Jinja when nothing is left."""
    page = env.page
    if page.meta.get("render_macros") is False:
        return
    site = site_for(env.conf)
    raw = page.file.content_string
    markdown = env.markdown
    offset = raw[: len(raw) - len(markdown)].count("\n") if raw.endswith(markdown) else 0
    known = set(env.macros) | set(env.variables) | set(env.filters) | set(env.env.globals)
    woven = weave_page(site, markdown, page.file.src_uri, page.meta, known, offset)
    report(site, woven.diagnostics)
    site.woven = woven
    env.markdown = woven.text
    if not woven.needs_jinja:
        page.meta["render_macros"] = False


def on_post_page_macros(env) -> None:
    """Put back the protected code and the rendered macro output."""
    site = site_for(env.conf)
    woven = site.woven
    if woven is None:
        return
    env.markdown = woven.finish(env.markdown)
    if not woven.needs_jinja:
        env.page.meta.pop("render_macros", None)
        title = env.page.title  # mkdocs-macros renders a title's macros with Jinja, which this page skipped
        if isinstance(title, str) and "{{" in title:
            env.page.title = site.weave(title, env.page.file.src_uri).finish()
    site.woven = None
