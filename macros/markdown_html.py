"""Markdown to HTML the way the site does it: Python-Markdown with the extensions named in mkdocs.yml.

The coverage scan judges sections and links by this HTML, so that it sees what readers see:
setext headings, headings inside admonitions and tabs, links that Markdown really makes, and
nothing inside HTML comments. The course packs render pages with the same converter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import markdown

from .diagnostics import Diagnostic, ProblemsFound

#: MkDocs always loads these before the ones named in mkdocs.yml.
MKDOCS_BUILTIN_EXTENSIONS: tuple[str, ...] = ("toc", "tables", "fenced_code")
#: What a project without ``markdown_extensions`` in mkdocs.yml gets (and what tests use).
DEFAULT_EXTENSIONS: tuple[Any, ...] = (
    "abbr", "admonition", "attr_list", "def_list", "md_in_html", "tables", {"toc": {"permalink": False}},
    "pymdownx.details", "pymdownx.superfences", {"pymdownx.tabbed": {"alternate_style": True}}, "pymdownx.tasklist",
)


def extension_settings(configured: Sequence[Any] | None) -> tuple[list[str], dict[str, dict]]:
    """(names, configs) from a ``markdown_extensions`` list as mkdocs.yml writes it, builtins first."""
    names = list(MKDOCS_BUILTIN_EXTENSIONS)
    configs: dict[str, dict] = {}
    for item in DEFAULT_EXTENSIONS if configured is None else configured:
        if isinstance(item, Mapping):
            for name, options in item.items():
                if name not in names:
                    names.append(name)
                configs[name] = dict(options or {})
        elif isinstance(item, str) and item not in names:
            names.append(item)
    return names, configs


class SiteMarkdown:
    """A reusable Python-Markdown converter configured like the site."""

    def __init__(self, configured: Sequence[Any] | None = None, source: str = "mkdocs.yml"):
        names, configs = extension_settings(configured)
        try:
            self._md = markdown.Markdown(extensions=names, extension_configs=configs)
        except Exception as error:  # an extension that cannot be loaded or configured: the user's settings
            raise ProblemsFound([Diagnostic(source, 1, None, "config.invalid",
                                            f"markdown_extensions cannot be loaded ({error}); check the names "
                                            f"and options")]) from None
        self.extensions = tuple(names)

    def convert(self, text: str) -> str:
        """HTML for one page's Markdown."""
        self._md.reset()
        return self._md.convert(text)
