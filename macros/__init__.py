"""mkdocs-macros glue: registers the principle macros and weaves each page.

Thin on purpose. Everything real lives in the engine modules beside this file (``framework``,
``weave``, ``page_macros``, ``coverage``, ``site``), which import nothing from MkDocs, so that
scripts can use them and a future site generator only needs new glue. Nothing from MkDocs is
imported at module level here either, so ``import macros.framework`` stays MkDocs-free.

mkdocs-macros imports this package once per process; all build state lives on the MkDocs
config object of the current build (see ``site_for``), never in module globals.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

log = logging.getLogger("mkdocs.plugins.principles")
_ATTR = "_principles_site"


def site_for(config: Any):
    """The engine's Site for this build, created on first use and kept on the config object."""
    site = getattr(config, _ATTR, None)
    if site is None:
        from .diagnostics import ProblemsFound
        from .site import Site

        from .project import read_project_config

        config_file = Path(config["config_file_path"] or "mkdocs.yml").resolve()
        root = config_file.parent
        try:
            site = Site.load(root, Path(config["docs_dir"]), config=read_project_config(root, config_file.name))
        except ProblemsFound as error:
            from mkdocs.exceptions import PluginError

            raise PluginError("The principles could not be loaded:\n" + error.report()) from None
        setattr(config, _ATTR, site)
    return site


def report(diagnostics, severity=lambda d: "error") -> None:
    """Log diagnostics: errors as warnings (strict mode fails on them), the rest as info."""
    for d in diagnostics:
        level = severity(d)
        if level == "error":
            log.warning(d.format())
        elif level == "warning":
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
    from .diagnostics import Diagnostic
    from .page_macros import PageMacros
    from .weave import MacroError

    site = site_for(env.conf)

    def make(name: str):
        def macro(*args, **kwargs):
            src_uri = env.page.file.src_uri
            try:
                return site.macros(src_uri).call(name, args, kwargs)
            except MacroError as error:
                line = (_jinja_line() or 0) + (site.woven.line_offset if site.woven else 0)
                report([Diagnostic(site.docs_prefix + src_uri, line, None, error.code, error.message)])
                return ""

        macro.__name__ = name
        macro.__doc__ = getattr(PageMacros, name).__doc__
        return macro

    for name in PageMacros.NAMES:
        env.macro(make(name), name)


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
    woven = site.weave(markdown, page.file.src_uri, known_names=known, line_offset=offset)
    report(woven.diagnostics)
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
    site.woven = None
