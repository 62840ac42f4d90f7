"""Coverage settings: which pages the principle check reads, and how strict each rule is.

Kept in ``principles/coverage.yaml`` so that a local site can name other training pages, change
the section heading level, or switch a rule to ``warning`` or ``off`` without touching code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from .diagnostics import Diagnostic, ProblemsFound, did_you_mean
from .framework import LEVELS
from .strict_yaml import load_yaml

__all__ = [
    "glob_regex", "load_settings", "matches", "OBSERVABLE_VERBS", "parse_settings", "RULES", "Settings",
    "SEVERITIES"
]

#: Rules a site may switch, with their default severity. One place, as data.
RULES: dict[str, str] = {
    "coverage.unlinked-section": "error",
    "coverage.exempt-without-reason": "error",
    "coverage.principle-not-taught": "error",
    "coverage.supervision-missing-principle": "error",
    "coverage.supervision-missing-theme": "error",
    "coverage.theme-not-addressed": "error",
    "coverage.principle-not-focus": "error",
    "coverage.chip-inflation": "warning",
    "modules.duration-mismatch": "error",
    "modules.missing-duration": "error",
    "modules.bad-front-matter": "error",
    "modules.missing-focus": "error",
    "modules.focus-too-thin": "error",
    "modules.vague-objective": "error",
    "modules.no-break": "error",
    "slots.unfilled-draft": "warning",
    "materials.unused": "warning",
    "pages.review-overdue": "warning",
    "pages.review-missing": "warning",
    # Old advice must not go out under a new page: both become errors when publishing (PUBLISH_ERRORS).
    "translations.stale": "warning",
    "translations.not-stamped": "warning",
}
#: Rules that are errors in a publish build, whatever their setting: a safety page past its review date,
#: or without review dates, is never published.
PUBLISH_ERRORS: tuple[str, ...] = ("pages.review-missing", "pages.review-overdue", "translations.not-stamped",
                                     "translations.stale")
#: Verbs an objective may start with: each names something a trainer can see or hear a trainee do.
OBSERVABLE_VERBS: tuple[str, ...] = (
    "agree", "apply", "ask", "choose", "compare", "demonstrate", "describe", "discuss", "explain", "give",
    "identify", "list", "name", "outline", "plan", "practise", "prepare", "recognise", "respond", "role-play",
    "show", "summarise", "use", "write",
)
SEVERITIES = ("error", "warning", "off")


@lru_cache(maxsize=64)
def glob_regex(pattern: str) -> re.Pattern:
    """Compile a docs-relative glob: ``*`` within a folder, ``**/`` across folders."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out + r"\Z")


def matches(src_uri: str, patterns: tuple[str, ...]) -> bool:
    """True when the docs-relative path matches any of the globs."""
    return any(glob_regex(p).match(src_uri) for p in patterns)


@dataclass(frozen=True)
class Settings:
    """Where the principle coverage rule looks and how strict it is."""

    training_include: tuple[str, ...] = ("training/**/*.md",)
    """Globs (relative to docs/) of the training pages."""
    training_exclude: tuple[str, ...] = ()
    """Globs of pages under the training globs that are not training."""
    heading_level: int = 2
    """The heading level that starts a training section."""
    supervision: dict[str, str] = field(default_factory=lambda: {
        "individual": "supervision/individual.md",
        "team": "supervision/team.md",
        "organisational": "supervision/organisational.md",
    })
    """The supervision guide for each level (relative to docs/)."""
    handbook_include: tuple[str, ...] = ("handbook/**/*.md",)
    """Globs of the handbook pages, listed as backlinks on principle pages."""
    rules: dict[str, str] = field(default_factory=lambda: dict(RULES))
    """Severity of each switchable rule: error, warning or off."""
    max_principles_per_section: int = 3
    """More principles than this in one section is "chip inflation" (the theme is not counted)."""
    break_from_minutes: int = 120
    """A module this long or longer needs at least one break."""
    focus_sections: int = 2
    """How many sections of a module must link each of its focus principles."""
    objective_verbs: tuple[str, ...] = OBSERVABLE_VERBS
    """The verbs a learning objective may start with (lower case)."""

    def is_training(self, src_uri: str) -> bool:
        """Is this page a training page?"""
        return matches(src_uri, self.training_include) and not matches(src_uri, self.training_exclude)

    def supervision_level(self, src_uri: str) -> str | None:
        """The supervision level whose guide this page is, if any."""
        for level, guide in self.supervision.items():
            if guide == src_uri:
                return level
        return None

    def is_handbook(self, src_uri: str) -> bool:
        """Is this page part of the handbook (the role and the pathway)?"""
        return matches(src_uri, self.handbook_include)

    def for_publishing(self) -> Settings:
        """These settings for a publish build: the rules in ``PUBLISH_ERRORS`` become errors."""
        return replace(self, rules={**self.rules, **dict.fromkeys(PUBLISH_ERRORS, "error")})

    def severity(self, code: str) -> str:
        """error, warning or off; codes that are not switchable are always errors."""
        return self.rules.get(code, "error")


_SECTIONS = {
    "training": {"include", "exclude", "heading_level", "max_principles_per_section", "break_from_minutes",
                 "focus_sections"},
    "supervision": set(LEVELS),
    "handbook": {"include"},
    "objectives": {"verbs"},
    "rules": set(RULES),
}
_WHOLE_NUMBERS = {"heading_level": (1, 6), "max_principles_per_section": (1, 20), "break_from_minutes": (1, 1000),
                  "focus_sections": (1, 20)}


def parse_settings(text: str, display_path: str) -> Settings:
    """Validate the settings YAML, or raise ProblemsFound naming every problem."""
    doc, problems = load_yaml(text, display_path)

    def bad(path: tuple, message: str, key: bool = False) -> None:
        pos = doc.where(path, key=key)
        problems.append(Diagnostic(display_path, pos.line, pos.column, "settings.invalid", message))

    values: dict = {}
    if doc is not None:
        data = doc.data if doc.data is not None else {}
        if not isinstance(data, dict):
            problems.append(Diagnostic(display_path, 1, 1, "settings.invalid",
                                       "the file must be a mapping with training, supervision, handbook and rules"))
            data = {}
        for top, body in data.items():
            if top not in _SECTIONS:
                bad((top,), f'unknown section "{top}"; {did_you_mean(top, sorted(_SECTIONS))}', key=True)
                continue
            if not isinstance(body, dict):
                bad((top,), f'"{top}" must be a mapping of fields')
                continue
            for key, value in body.items():
                where = (top, key)
                if key not in _SECTIONS[top]:
                    bad(where, f'unknown field "{key}" in {top}; {did_you_mean(key, sorted(_SECTIONS[top]))}', key=True)
                elif top == "rules":
                    if value is False and (doc.where(where).raw or "").lower() == "off":
                        value = "off"  # YAML 1.1 reads an unquoted off as false; the README writes it unquoted
                    if value not in SEVERITIES:
                        bad(where, f'rule {key} must be one of error, warning, off (not "{value}")')
                    else:
                        values.setdefault("rules", dict(RULES))[key] = value
                elif top == "objectives":
                    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
                        bad(where, "objectives.verbs must be a list of verbs such as describe, explain, practise")
                    else:
                        values["objective_verbs"] = tuple(v.strip().lower() for v in value)
                elif key in ("include", "exclude"):
                    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                        bad(where, f"{top}.{key} must be a list of globs such as training/**/*.md")
                    elif key == "include" and not value:
                        bad(where, f"{top}.include is empty; name at least one glob")
                    else:
                        values[f"{top}_{key}"] = tuple(value)
                elif key in _WHOLE_NUMBERS:
                    low, high = _WHOLE_NUMBERS[key]
                    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                        bad(where, f"training.{key} must be a whole number from {low} to {high} (not {value!r})")
                    else:
                        values[key] = value
                else:  # a supervision level
                    if not isinstance(value, str) or not value.endswith(".md"):
                        bad(where, f"supervision.{key} must be the path of a Markdown page under docs/")
                    else:
                        values.setdefault("supervision", {})[key] = value
        if "supervision" in values and set(values["supervision"]) != set(LEVELS):
            missing = sorted(set(LEVELS) - set(values["supervision"]))
            bad(("supervision",), f"supervision must name a guide for every level; missing: {', '.join(missing)}")
    if problems:
        raise ProblemsFound(problems)
    return Settings(**values)


def load_settings(path: Path, display_path: str | None = None) -> Settings:
    """Read the settings file; a missing file means the defaults."""
    display = display_path or path.as_posix()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as error:
        raise ProblemsFound([Diagnostic(display, 1, 1, "settings.invalid", f"cannot read the file ({error})")]) from None
    return parse_settings(text, display)
