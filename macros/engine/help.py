"""Urgent help lines: a typed, validated view of ``extra.help`` in mkdocs.yml.

Help-line numbers differ by country and change over time, so they live in configuration, never
in page text. Each line separates the number to dial (validated: digits and spaces, an optional
leading ``+``) from the words shown beside it, so a label such as "111, option 2" can never
become a wrong ``tel:`` link.

The words can be given per language under ``labels:`` (the number never is: it is the same in every language)::

    - name: Samaritans
      number: "116 123"
      description: Free, any time.
      labels:
        cy: {name: Samaritans, description: Am ddim, unrhyw bryd.}

``extra.help.labels`` does the same for the introduction (``labels: {cy: {intro: ...}}``). A page in a language
a line has no label for shows that line in English, marked as English.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from .diagnostics import Diagnostic, ProblemsFound

__all__ = ["EXAMPLE", "HelpLine", "HelpSettings", "parse_help"]

_DIALLABLE = re.compile(r"\+?[0-9][0-9 ]*[0-9]")
_LINE_FIELDS = {"name", "number", "display", "description", "url", "url_text", "sms", "labels"}
#: The words of a line that may be given per language (never the number, the link or sms).
_LABEL_FIELDS = ("name", "description", "display", "url_text")
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
    labels: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    """Per language, the words given in it: ``(("cy", (("name", "..."), ("description", "..."))),)``."""

    def in_language(self, locale: str | None) -> tuple[HelpLine, bool]:
        """(this line with its words in ``locale``, whether it has a label in that language)."""
        for lang, words in self.labels:
            if lang == locale:
                return replace(self, **dict(words)), True
        return self, False

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
    intro_labels: tuple[tuple[str, str], ...] = ()
    """Per language, the introduction in it."""

    def intro_in(self, locale: str | None) -> tuple[str | None, bool]:
        """(the introduction in ``locale``, whether it is given in that language)."""
        for lang, intro in self.intro_labels:
            if lang == locale:
                return intro, True
        return self.intro, False

    @property
    def national_lines(self) -> tuple[HelpLine, ...]:
        """The lines from mkdocs.yml, without the variant's own."""
        return self.lines[: len(self.lines) - len(self.local_lines)]


def parse_help(value: Any, path: str = "mkdocs.yml", line_of: Callable[..., int] = lambda *keys: 1,
               where: tuple[str, ...] = ("extra", "help"), locales: tuple[str, ...] | None = None) -> HelpSettings:
    """Validate ``extra.help``; raise ProblemsFound naming every problem with its file and line.

    ``line_of(*keys)`` gives the line of a key path in the file (``("extra", "help", "lines", 0)``);
    ``where`` is the key path of the help settings in that file (a local variant's ``local.yml``: ``("help",)``).
    ``locales``: the site's other languages, which ``labels:`` may name (None: any).
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
        if key not in ("intro", "lines", "labels"):
            bad((key,), f'unknown field {prefix}.{key}; use intro, lines and labels')
    intro = value.get("intro")
    if intro is not None and not isinstance(intro, str):
        bad(("intro",), f"{prefix}.intro must be text")

    def labels_of(raw: Any, keys: tuple, place: str, fields: tuple[str, ...]) -> tuple:
        """``labels:`` at ``keys``: a mapping of a language to the words in it, each text."""
        if raw is None:
            return ()
        if not isinstance(raw, Mapping):
            bad(keys, f"{place}.labels must map a language to its words, for example "
                      f"labels: {{cy: {{{fields[0]}: ...}}}}")
            return ()
        found = []
        for locale, words in raw.items():
            if locales is not None and locale not in locales:
                known = ", ".join(locales) or "none: add languages to the i18n plugin in mkdocs.yml"
                bad((*keys, locale), f"{place}.labels.{locale}: not a language of this site ({known})")
                continue
            if not isinstance(words, Mapping):
                bad((*keys, locale), f"{place}.labels.{locale} must be a mapping of {', '.join(fields)}")
                continue
            good = []
            for key, word in words.items():
                if key not in fields:
                    bad((*keys, locale, key), f"unknown field {place}.labels.{locale}.{key}; use "
                                              f"{', '.join(fields)} (the number is the same in every language)")
                elif not isinstance(word, str) or not word.strip():
                    bad((*keys, locale, key), f"{place}.labels.{locale}.{key} must be text")
                else:
                    good.append((key, word.strip()))
            found.append((str(locale), tuple(good)))
        return tuple(found)

    intro_labels = tuple((locale, dict(words)["intro"]) for locale, words in
                         labels_of(value.get("labels"), ("labels",), prefix, ("intro",)) if dict(words).get("intro"))
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
        labels = labels_of(entry.get("labels"), ("lines", index, "labels"), place, _LABEL_FIELDS)
        if ok:
            lines.append(HelpLine(name.strip(), number.strip(), entry.get("description") or "",
                                  entry.get("display"), url, entry.get("url_text"), entry.get("sms", False), labels))
    if problems:
        raise ProblemsFound(problems)
    return HelpSettings(intro, tuple(lines), intro_labels=intro_labels)
