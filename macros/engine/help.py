"""Urgent help lines: a typed, validated view of ``extra.help`` in mkdocs.yml.

Help-line numbers differ by country and change over time, so they live in configuration, never
in page text. Each line separates the number to dial (validated: digits and spaces, an optional
leading ``+``) from the words shown beside it, so a label such as "111, option 2" can never
become a wrong ``tel:`` link.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .diagnostics import Diagnostic, ProblemsFound

__all__ = ["EXAMPLE", "HelpLine", "HelpSettings", "parse_help"]

_DIALLABLE = re.compile(r"\+?[0-9][0-9 ]*[0-9]")
_LINE_FIELDS = {"name", "number", "display", "description", "url", "url_text", "sms"}
EXAMPLE = 'lines: [{name: Samaritans, number: "116 123", description: "Free, any time."}]'


@dataclass(frozen=True)
class HelpLine:
    """One urgent help line."""

    name: str
    number: str
    """What to dial, as written (digits and spaces): "116 123"."""
    description: str = ""
    display: str | None = None
    """What to show instead of the number, e.g. "111, option 2"; the link still dials ``number``."""
    url: str | None = None
    url_text: str | None = None
    sms: bool = False
    """A text-message service: the link opens the messaging app (``sms:``) instead of the phone."""

    @property
    def dial(self) -> str:
        """The number for a ``tel:``/``sms:`` link: digits only, with a leading + kept."""
        return ("+" if self.number.startswith("+") else "") + re.sub(r"\D", "", self.number)

    @property
    def href(self) -> str:
        """The link that dials (or texts) this line; a line with no number links its website."""
        if not self.number:
            return self.url or ""
        return f"{'sms' if self.sms else 'tel'}:{self.dial}"


@dataclass(frozen=True)
class HelpSettings:
    """``extra.help``: an introduction and the lines, in the order shown."""

    intro: str | None = None
    lines: tuple[HelpLine, ...] = ()
    """Every line, national first, then a local variant's own."""
    local_lines: tuple[HelpLine, ...] = ()
    """The local variant's own lines (the last of ``lines``): shown under their own heading on the help page."""

    @property
    def national_lines(self) -> tuple[HelpLine, ...]:
        """The lines from mkdocs.yml, without the variant's own."""
        return self.lines[: len(self.lines) - len(self.local_lines)]


def parse_help(value: Any, path: str = "mkdocs.yml", line_of: Callable[..., int] = lambda *keys: 1,
               where: tuple[str, ...] = ("extra", "help")) -> HelpSettings:
    """Validate ``extra.help``; raise ProblemsFound naming every problem with its file and line.

    ``line_of(*keys)`` gives the line of a key path in the file (``("extra", "help", "lines", 0)``);
    ``where`` is the key path of the help settings in that file (a local variant's ``local.yml``: ``("help",)``).
    A missing ``extra.help`` is an empty HelpSettings: pages that call ``help_lines()`` then fail.
    """
    problems: list[Diagnostic] = []

    def bad(keys: tuple, message: str) -> None:
        problems.append(Diagnostic(path, line_of(*where, *keys), None, "config.invalid", message))

    prefix = ".".join(where)
    if value is None:
        return HelpSettings()
    if not isinstance(value, Mapping):
        bad((), f"{prefix} must be a mapping with intro and lines, for example {EXAMPLE}")
        raise ProblemsFound(problems)
    for key in value:
        if key not in ("intro", "lines"):
            bad((key,), f'unknown field {prefix}.{key}; use intro and lines')
    intro = value.get("intro")
    if intro is not None and not isinstance(intro, str):
        bad(("intro",), f"{prefix}.intro must be text")
    raw_lines = value.get("lines") or []
    lines: list[HelpLine] = []
    if not isinstance(raw_lines, list):
        bad(("lines",), f"{prefix}.lines must be a list of help lines, for example {EXAMPLE}")
        raw_lines = []
    for index, entry in enumerate(raw_lines):
        place = f"{prefix}.lines[{index}]"
        if not isinstance(entry, Mapping):
            bad(("lines", index), f"{place} must be a mapping with name, number and description, "
                                  f"not {entry!r}; for example {EXAMPLE}")
            continue
        ok = True
        for key in entry:
            if key not in _LINE_FIELDS:
                bad(("lines", index, key), f"unknown field {place}.{key}; use {', '.join(sorted(_LINE_FIELDS))}")
                ok = False
        name, number = entry.get("name"), entry.get("number")
        if not isinstance(name, str) or not name.strip():
            bad(("lines", index), f"{place}.name is missing; give the service's name")
            ok = False
        if isinstance(number, int) and not isinstance(number, bool):
            number = str(number)
        if number is None and isinstance(entry.get("url"), str):
            number = ""  # a service reached through its website or app only (999 BSL), never a made-up number
        elif not isinstance(number, str) or not _DIALLABLE.fullmatch(number.strip()):
            bad(("lines", index, "number"), f"{place}.number must be the number to dial, digits and spaces only "
                                            f"(not {number!r}); put words such as \"option 2\" in display or "
                                            f"description")
            ok = False
        for key in ("description", "display", "url", "url_text"):
            if entry.get(key) is not None and not isinstance(entry.get(key), str):
                bad(("lines", index, key), f"{place}.{key} must be text")
                ok = False
        url = entry.get("url")
        if isinstance(url, str) and not url.startswith(("https://", "http://")):
            bad(("lines", index, "url"), f"{place}.url must start with https://")
            ok = False
        if not isinstance(entry.get("sms", False), bool):
            bad(("lines", index, "sms"), f"{place}.sms must be true or false")
            ok = False
        if ok:
            lines.append(HelpLine(name.strip(), number.strip(), entry.get("description") or "",
                                  entry.get("display"), url, entry.get("url_text"), entry.get("sms", False)))
    if problems:
        raise ProblemsFound(problems)
    return HelpSettings(intro, tuple(lines))
