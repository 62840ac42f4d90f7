"""Squeeze the template whitespace out of a built page, so that a phone downloads the page, not its indentation.

Material's templates indent every navigation item, and a module page's navigation alone came to 29 KB, about
12 KB of it spaces and blank lines. In HTML a run of whitespace that holds a line break shows exactly as one
line break does, so each such run becomes one line break; nothing else changes. ``<pre>``, ``<textarea>``,
``<script>`` and ``<style>`` are left exactly as they are. Pure Python.
"""

from __future__ import annotations

import re

__all__ = ["squeeze_whitespace", "tidy_built_page"]

_HEAD_ALTERNATE = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')
_KEEP = re.compile(r"(?is)<(pre|textarea|script|style)\b.*?</\1\s*>")
_RUN = re.compile(r"[ \t\r]*\n[ \t\r\n]*")


def squeeze_whitespace(html: str) -> str:
    """``html`` with every whitespace run that holds a line break made one line break, outside the kept elements."""
    out, last = [], 0
    for match in _KEEP.finditer(html):
        out.append(_RUN.sub("\n", html[last:match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(_RUN.sub("\n", html[last:]))
    return "".join(out)


def tidy_built_page(html: str) -> str:
    """What the MkDocs glue does to every built page: the head's language alternate links go (Material's script
    fetches sitemap.xml beside each, taking it for a language's root, and mkdocs-static-i18n points them at pages,
    so every page logged two 404s; the language switcher keeps its hreflang links, and the sitemap declares the
    alternates when site_url is set, as zensical-i18n does), then the templates' whitespace is squeezed."""
    return squeeze_whitespace(_HEAD_ALTERNATE.sub("", html))
