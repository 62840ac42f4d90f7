"""The literal-call pass as a Python-Markdown extension, for Zensical (listed in mkdocs.yml).

MkDocs renders our literal macro calls in the mkdocs-macros hooks ``on_pre_page_macros`` and
``on_post_page_macros`` (``macros/glue/macros_module.py``), before Jinja runs. Zensical never calls those hooks:
it runs macros as a Markdown preprocessor of its own (priority 35). This extension adds two
preprocessors around it that run the same step (``weave_page``): one before Jinja (40) that renders
literal calls and hides code behind placeholders, and one after it (34) that puts them back before
Python-Markdown's whitespace step (30) would strip the placeholders' control characters.

Under MkDocs the extension finds no Zensical page context and adds nothing: there the hooks do it,
because MkDocs runs Jinja before any Markdown preprocessor.
"""

from __future__ import annotations

from pathlib import Path

from jinja2.defaults import DEFAULT_NAMESPACE
from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

__all__ = ["makeExtension", "PrinciplesExtension", "WeaveAfterJinja", "WeaveBeforeJinja"]

#: Zensical's macros preprocessor runs at 35; ours wrap it, and finish before normalize_whitespace (30).
BEFORE_JINJA, AFTER_JINJA = 40, 34


class _Woven:
    """The page being converted, between the two preprocessors (one per Markdown instance: one per page)."""

    woven = None


class WeaveBeforeJinja(Preprocessor):
    """Render our literal calls and protect code, as ``on_pre_page_macros`` does under MkDocs."""

    def __init__(self, md: Markdown, page, config: dict, state: _Woven):
        super().__init__(md)
        self.page, self.config, self.state = page, config, state

    def run(self, lines: list[str]) -> list[str]:
        from .macros_module import front_matter_lines, page_src_uri, raise_errors, site_for, weave_page
        from ..engine.page_macros import PageMacros

        page = self.page
        if page.meta.get("render_macros") is False:
            return lines
        site = site_for(self.config)
        src_uri = page_src_uri(page, self.config)
        # every name Jinja will know there: ours, the engine's variables, the page's front matter
        known = set(PageMacros.NAMES) | set(page.meta) | set(self.config.get("extra") or {}) | _ZENSICAL_NAMES
        woven = weave_page(site, "\n".join(lines), src_uri, page.meta, known, front_matter_lines(site, src_uri))
        raise_errors(site, woven.diagnostics)  # Zensical ignores logging: raising is what fails its build
        self.state.woven = woven
        if not woven.needs_jinja:
            page.meta["render_macros"] = False  # nothing left for Jinja: skip it (the step after puts it back)
        return woven.text.split("\n")


class WeaveAfterJinja(Preprocessor):
    """Put back the protected code and the rendered calls, as ``on_post_page_macros`` does under MkDocs."""

    def __init__(self, md: Markdown, page, state: _Woven):
        super().__init__(md)
        self.page, self.state = page, state

    def run(self, lines: list[str]) -> list[str]:
        woven, self.state.woven = self.state.woven, None
        if woven is None:
            return lines
        if not woven.needs_jinja:
            self.page.meta.pop("render_macros", None)
        return woven.finish("\n".join(lines)).split("\n")


#: Variables Zensical's macros add besides the config's extra (see zensical/extensions/macros.py), and Jinja's own.
_ZENSICAL_NAMES = frozenset(DEFAULT_NAMESPACE) | frozenset({
    "config", "context", "environment", "extra", "files", "filters", "filters_builtin", "git", "macros",
    "macros_info", "navigation", "now", "page", "plugin",
})


class PrinciplesExtension(Extension):
    """Adds the two preprocessors when Zensical renders a page; nothing under MkDocs."""

    def extendMarkdown(self, md: Markdown) -> None:
        context = _zensical_context(md)
        if context is None:
            return  # MkDocs: on_pre/post_page_macros do this step
        _check_engine_location(context.config)
        state = _Woven()
        md.preprocessors.register(WeaveBeforeJinja(md, context.page, context.config, state), "principles_weave", BEFORE_JINJA)
        md.preprocessors.register(WeaveAfterJinja(md, context.page, state), "principles_unweave", AFTER_JINJA)


def _zensical_context(md: Markdown):
    """Zensical's page context (it registers it before other extensions), or None under MkDocs."""
    try:
        from zensical.extensions.context import ContextPreprocessor
    except ImportError:
        return None
    return ContextPreprocessor.from_markdown(md)


def _check_engine_location(config: dict) -> None:
    """Refuse to weave a project with another copy's engine (an editable install elsewhere on sys.path).

    Python-Markdown imports this module by name, while Zensical loads ``macros/__init__.py`` from
    the project folder: both must be the same folder.
    """
    here = Path(__file__).resolve().parents[1]
    wanted = Path(config.get("root_dir") or ".").resolve() / "macros"
    if here != wanted:
        raise RuntimeError(f"{wanted}: Python imported the macros package from {here} instead; "
                           f"run Zensical with PYTHONPATH={wanted.parent}")


def makeExtension(**kwargs) -> PrinciplesExtension:
    """Python-Markdown's entry point for ``markdown_extensions: [macros.glue.extension]``."""
    return PrinciplesExtension(**kwargs)
