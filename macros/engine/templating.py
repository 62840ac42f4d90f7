"""Jinja for what our own macro pass leaves: loops, conditions, comments and ``extra`` variables.

mkdocs-macros renders a page's leftover Jinja in the site. The coverage scan and the course packs
render the same leftovers here, with the same macros, so that a section inside ``{% if false %}``
or a link inside ``{# ... #}`` counts nowhere, exactly as it shows nowhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import jinja2

from .diagnostics import Diagnostic

__all__ = ["render_leftovers"]


def render_leftovers(text: str, macros: Mapping[str, Callable[..., str]], variables: Mapping[str, Any], *,
                     path: str, line_offset: int, code: str, strict: bool = False) -> tuple[str, list[Diagnostic]]:
    """Render ``text`` with Jinja; on a template error return the text unchanged and one diagnostic.

    ``strict`` makes undefined variables errors (as the site does); otherwise they render empty, for
    readers such as the coverage scan that do not know every variable of the site generator.
    """
    env = jinja2.Environment(undefined=jinja2.StrictUndefined if strict else jinja2.ChainableUndefined,
                             autoescape=False, keep_trailing_newline=True)
    env.globals.update(variables)
    env.globals.update(macros)
    try:
        return env.from_string(text).render(), []
    except jinja2.TemplateError as error:
        line = (getattr(error, "lineno", None) or 1) + line_offset
        message = getattr(error, "message", None) or str(error)
        return text, [Diagnostic(path, line, None, code, f"this page's template cannot be rendered ({message}); "
                                                         f"check the {{% %}} and {{{{ }}}} near this line")]
