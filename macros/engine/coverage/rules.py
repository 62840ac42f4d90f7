"""The coverage rules: a module's front matter and timings, and the site-wide principle rules.

Each rule yields diagnostics with a code; ``Settings`` decides whether a code is an error, a
warning or off.
"""

from __future__ import annotations

from ..diagnostics import Diagnostic
from ..framework import LEVELS, Framework
from ..settings import Settings
from .model import Coverage, Module, PageScan

__all__ = ["check_module", "module_rules", "rule_diagnostics"]


def check_module(page: PageScan, meta: dict, meta_lines: dict, diagnostics: list[Diagnostic],
                 framework: Framework) -> Module | None:
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
    focus = meta.get("focus", [])
    if not isinstance(focus, list) or not 1 <= len(focus) <= 3 or not all(isinstance(f, str) for f in focus):
        if "focus" in meta:
            bad("focus", "focus must be a list of one to three principle ids, for example focus: [mutuality]")
        focus = []
    else:
        for item in focus:
            if framework.get(item) is None:
                problems.append(Diagnostic(page.path, meta_lines.get("focus", 1), None, "principles.unknown-id",
                                           f'unknown principle id "{item}" in focus; {framework.suggest(item)}'))
    lists = {}
    for key in ("materials", "key_points"):
        value = meta.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            bad(key, f"{key} must be a list of short lines, each starting with '- '")
            value = []
        lists[key] = tuple(v.strip() for v in value)
    keep_whole = meta.get("keep_whole")
    if keep_whole is not None:
        if not isinstance(keep_whole, str) or not keep_whole.strip():
            bad("keep_whole", "keep_whole must say in a sentence why nothing in this module is cut when time is short")
            keep_whole = None
        elif any(s.cut_if_short for s in page.sections):
            bad("keep_whole", "keep_whole says nothing is cut, but a section is marked cut_if_short=True; keep one of them")
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
                  tuple(o.strip() for o in objectives), tuple(page.sections),
                  tuple(f for f in focus if framework.get(f)), lists["materials"], lists["key_points"],
                  meta_lines.get("module", 1),
                  tuple(meta_lines.get(("objectives", i), meta_lines.get("objectives", 1)) for i in range(len(objectives))),
                  " ".join(keep_whole.split()) if keep_whole else None)


def module_rules(module: Module, framework: Framework, settings: Settings) -> list[Diagnostic]:
    """One module's teaching rules: focus, depth, the theme, objectives and breaks."""
    out: list[Diagnostic] = []
    path = module.path
    if not module.focus:
        out.append(Diagnostic(path, module.line, None, "modules.missing-focus",
                              f"module {module.number} does not say what it focuses on; add focus: [PRINCIPLE-ID] "
                              f"with one to three ids to its front matter"))
    for focus in module.focus:
        linked = [s for s in module.sections if focus in s.principles]
        if len(linked) < settings.focus_sections:
            item = framework.get(focus)
            out.append(Diagnostic(path, module.line, None, "modules.focus-too-thin",
                                  f'module {module.number} focuses on "{focus}" ({item.title}) but links it in '
                                  f"{len(linked)} section{'s' if len(linked) != 1 else ''}; a focus is linked in at least "
                                  f"{settings.focus_sections} sections"))
    theme = framework.theme
    if not any(theme.id in s.principles for s in module.sections):
        out.append(Diagnostic(path, module.line, None, "coverage.theme-not-addressed",
                              f'module {module.number} has no section that links the theme "{theme.id}" '
                              f"({theme.statement}); give one section real content about it and add "
                              f'{{{{ principles("{theme.id}") }}}} there'))
    verbs = settings.objective_verbs
    for objective, line in zip(module.objectives, module.objective_lines or (module.line,) * len(module.objectives)):
        first = objective.split()[0].strip(",.:;").lower() if objective.split() else ""
        if first not in verbs:
            out.append(Diagnostic(path, line, None, "modules.vague-objective",
                                  f'objective "{objective}" starts with "{first}", which nobody can observe; start it '
                                  f"with a verb such as {', '.join(v.capitalize() for v in verbs[:6])} (the list is "
                                  f"objectives.verbs in principles/coverage.yaml)"))
    if module.duration >= settings.break_from_minutes and not module.breaks:
        out.append(Diagnostic(path, module.line, None, "modules.no-break",
                              f"module {module.number} lasts {module.duration} minutes with no break; add a section "
                              f'"## Break" with {{{{ duration(15, kind="break") }}}}'))
    return out


def rule_diagnostics(coverage: Coverage, docs_prefix: str = "docs/") -> list[Diagnostic]:
    """The site-wide rules: unlinked and inflated sections, modules, untaught principles, supervision gaps."""
    out: list[Diagnostic] = []
    framework = coverage.framework
    settings = coverage.settings
    for section in coverage.training_sections:
        if not section.principles and section.exempt is None:
            out.append(Diagnostic(section.path, section.line, None, "coverage.unlinked-section",
                                  f'section "{section.title}" is not linked to any principle'))
        named = [i for i in section.principles if i in framework.ids]  # the theme and local values run alongside
        if len(named) > settings.max_principles_per_section:
            out.append(Diagnostic(section.path, section.line, None, "coverage.chip-inflation",
                                  f'section "{section.title}" links {len(named)} principles; keep the one to '
                                  f"{settings.max_principles_per_section} it really works with"))
    for module in coverage.modules:
        out += module_rules(module, framework, settings)
    if coverage.modules:
        for principle in framework.principles:
            if not coverage.focus_of(principle.id):
                out.append(Diagnostic(framework.source, principle.line, None, "coverage.principle-not-focus",
                                      f'principle "{principle.id}" ({principle.title}) is not the focus of any module; '
                                      f"name it in one module's focus:"))
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
        if framework.theme.id not in page.links:
            out.append(Diagnostic(page.path, 1, None, "coverage.supervision-missing-theme",
                                  f'the {level} supervision guide does not link the theme "{framework.theme.id}"; '
                                  f'add {{{{ principles("{framework.theme.id}") }}}} to a section about it'))
    return out
