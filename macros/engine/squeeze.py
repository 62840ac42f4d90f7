"""Squeeze the template whitespace out of a built page, so that a phone downloads the page, not its indentation.

Material's templates indent every navigation item, and a module page's navigation alone came to 29 KB, about
12 KB of it spaces and blank lines. In HTML a run of whitespace that holds a line break shows exactly as one
line break does, so each such run becomes one line break; nothing else changes. ``<pre>``, ``<textarea>``,
``<script>`` and ``<style>`` are left exactly as they are. Pure Python.
"""

from __future__ import annotations

import re

__all__ = ["squeeze_whitespace"]

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
