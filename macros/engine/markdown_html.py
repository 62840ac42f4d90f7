"""Markdown to HTML the way the site does it: Python-Markdown with the extensions named in mkdocs.yml.

The coverage scan judges sections and links by this HTML, so that it sees what readers see:
setext headings, headings inside admonitions and tabs, links that Markdown really makes, and
nothing inside HTML comments. The course packs render pages with the same converter.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

import markdown

from .diagnostics import Diagnostic, ProblemsFound
from .files import write_bytes_atomic
from .libraries import library_versions
from .project import resolve_names

__all__ = [
    "DEFAULT_EXTENSIONS", "extension_settings", "MARKDOWN_LIBRARIES", "MARKDOWN_MEMO", "MKDOCS_BUILTIN_EXTENSIONS",
    "SiteMarkdown"
]

#: The libraries that turn Markdown into HTML (their versions key the memo).
MARKDOWN_LIBRARIES = ("markdown", "pymdown-extensions")
#: Where the commands keep each page's HTML between runs (in the project; git ignores .cache/).
MARKDOWN_MEMO = ".cache/markdown"
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
    """A reusable Python-Markdown converter configured like the site.

    With ``memo`` (a folder), each page's HTML is kept there, one entry per page, with a digest of
    everything it was made from: the Markdown text, the extensions and their settings, and the
    versions of Python-Markdown and pymdown-extensions. The same input then costs a file read, not
    a conversion; any other input, or an entry that does not match its checksum, is converted
    again and replaces the entry. Settings that are not plain data (a Python function named in
    mkdocs.yml) turn the memo off, since their code could change without their names changing.
    """

    def __init__(self, configured: Sequence[Any] | None = None, source: str = "mkdocs.yml",
                 memo: Path | None = None):
        names, configs = extension_settings(configured)
        self.extensions = tuple(names)
        self._configs, self._source = configs, source
        self._md: markdown.Markdown | None = None
        self._memo = Path(memo) if memo is not None and _plain(configs) else None
        self._settings = ""
        if self._memo is not None:
            self._settings = json.dumps([names, configs, library_versions(MARKDOWN_LIBRARIES)], sort_keys=True)
        if self._memo is None:
            self._converter()  # report unusable settings now (with a memo: at the first page not in it)

    def _converter(self) -> markdown.Markdown:
        if self._md is None:
            try:
                self._md = markdown.Markdown(extensions=list(self.extensions),
                                             extension_configs=resolve_names(self._configs))
            except Exception as error:  # an extension that cannot be loaded or configured: the user's settings
                raise ProblemsFound([Diagnostic(self._source, 1, None, "config.invalid",
                                                f"markdown_extensions cannot be loaded ({error}); check the "
                                                f"names and options")]) from None
        return self._md

    def convert(self, text: str, name: str | None = None) -> str:
        """HTML for one page's Markdown (``name``: the page, so that the memo keeps one entry per page)."""
        if self._memo is None:
            return self._convert(text)
        digest = hashlib.sha256(f"{self._settings}\0{text}".encode("utf-8")).hexdigest()
        entry = hashlib.sha256((name or digest).encode("utf-8")).hexdigest()[:40]
        path = self._memo / f"{entry}.html"
        with suppress(OSError, ValueError):
            header, _, html = path.read_bytes().partition(b"\n")
            made_from, checksum = header.decode("ascii").split()
            if made_from == digest and hashlib.sha256(html).hexdigest() == checksum:
                return html.decode("utf-8")
        html = self._convert(text)
        data = html.encode("utf-8")
        with suppress(OSError):  # a memo that cannot be written only costs time
            self._memo.mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(path, f"{digest} {hashlib.sha256(data).hexdigest()}\n".encode("ascii") + data)
        return html

    def _convert(self, text: str) -> str:
        converter = self._converter()
        converter.reset()
        return converter.convert(text)


def _plain(value: Any) -> bool:
    """Is this only JSON data (text, numbers, yes/no, lists and mappings of them)?"""
    if value is None or isinstance(value, (str, int, float, bool)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_plain(item) for item in value)
    if isinstance(value, Mapping):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False
