"""The coverage rules: a module's front matter and timings, and the site-wide principle rules.

Each rule yields diagnostics with a code; ``Settings`` decides whether a code is an error, a
warning or off.
"""

from __future__ import annotations

from ..diagnostics import Diagnostic
from ..framework import LEVELS
from .model import Coverage, Module, PageScan


def check_module(page: PageScan, meta: dict, meta_lines: dict, diagnostics: list[Diagnostic]) -> Module | None:
    """Check a module's front matter and timings; build the Module."""
    problems = []

    def bad(key: str, message: str) -> None:
        problems.append(Diagnostic(page.path, meta_lines.get(key, 1), None, "modules.bad-front-matter", message))

    number, duration, title, objectives = meta.get("module"), meta.get("duration"), meta.get("title"), meta.get("objectives")
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        bad("module", f"module must be a whole number from 1 (not {number!r})")
    if not isinstance(title, str) or not title.strip():
        bad("title", "title is missing or empty; add the module's title")
    if isinstance(duration, bool) or not isinstance(duration, int) or duration <= 0:
        bad("duration", f"duration must be the module's total length in whole minutes (not {duration!r})")
    if not isinstance(objectives, list) or not objectives or not all(isinstance(o, str) and o.strip() for o in objectives):
        bad("objectives", "objectives must be a list of learning objectives, one per line starting with '- '")
    for section in page.sections:
        if section.minutes is None:
            problems.append(Diagnostic(page.path, section.line, None, "modules.missing-duration",
                                       f'section "{section.title}" has no duration; add {{{{ duration(MINUTES) }}}} under its heading'))
    diagnostics.extend(problems)
    if any(p.code == "modules.bad-front-matter" for p in problems):
        return None
    total = sum(s.minutes or 0 for s in page.sections)
    if total != duration:
        diagnostics.append(Diagnostic(
            page.path, meta_lines.get("duration", 1), None, "modules.duration-mismatch",
            f"module {number} lasts {duration} minutes in its front matter, but its sections add up to "
            f"{total} minutes; change the total or the sections' durations"))
    return Module(page.path, page.src_uri, number, title.strip(), duration,
                  tuple(o.strip() for o in objectives), tuple(page.sections))


def rule_diagnostics(coverage: Coverage, docs_prefix: str = "docs/") -> list[Diagnostic]:
    """The site-wide rules: unlinked sections, untaught principles, supervision gaps."""
    out: list[Diagnostic] = []
    framework = coverage.framework
    for section in coverage.training_sections:
        if not section.principles and section.exempt is None:
            out.append(Diagnostic(section.path, section.line, None, "coverage.unlinked-section",
                                  f'section "{section.title}" is not linked to any principle'))
    for principle in framework.principles:
        if not coverage.taught_in(principle.id):
            out.append(Diagnostic(framework.source, principle.line, None, "coverage.principle-not-taught",
                                  f'principle "{principle.id}" ({principle.title}) is not linked from any training section'))
    for level in LEVELS:
        guide = coverage.settings.supervision[level]
        page = coverage.pages.get(guide)
        if page is None:
            out.append(Diagnostic(docs_prefix + guide, 0, None, "coverage.supervision-missing-principle",
                                  f"the {level} supervision guide is missing; create it or fix supervision.{level} "
                                  f"in principles/coverage.yaml"))
            continue
        for principle in framework.principles:
            if principle.id not in page.links:
                out.append(Diagnostic(page.path, 1, None, "coverage.supervision-missing-principle",
                                      f'the {level} supervision guide does not link principle "{principle.id}"; '
                                      f'add {{{{ principles("{principle.id}") }}}} to a section'))
    return out
