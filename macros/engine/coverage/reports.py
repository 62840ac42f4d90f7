"""The coverage reports: text, JSON, JUnit XML and GitHub Actions annotations.

Each format is a function of the ``Coverage`` alone; ``REPORT_FORMATS`` maps the CLI's names to them.
"""

from __future__ import annotations

import json
from typing import Any
import re
from xml.sax.saxutils import escape as _escape, quoteattr as _quoteattr

from ..diagnostics import Diagnostic
from ..framework import LEVELS
from .model import Coverage, Module, Section

__all__ = [
    "format_github", "format_json", "format_junit", "format_text", "principle_lines", "quoteattr",
    "report_data", "REPORT_FORMATS", "REPORT_SCHEMA", "xml_escape"
]


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_escape(value: str) -> str:
    """Escape text for XML, replacing characters XML 1.0 cannot hold (control characters) with U+FFFD."""
    return _escape(_NOT_XML.sub("\ufffd", value))


def quoteattr(value: str) -> str:
    """An XML attribute value, quoted, with characters XML cannot hold replaced."""
    return _quoteattr(_NOT_XML.sub("\ufffd", value))


def _ref(section: Section) -> dict[str, Any]:
    return {"path": section.path, "line": section.line, "title": section.title}


#: The JSON report's schema (documents every field; a test validates the real report against it).
REPORT_SCHEMA = "principles/coverage-report.schema.json"


def _module_ref(module: Module) -> dict[str, Any]:
    return {"path": module.path, "line": module.line, "number": module.number, "title": module.title}


def report_data(coverage: Coverage) -> dict[str, Any]:
    """The JSON report: deterministic, sorted, no timestamps."""
    principles = {}
    for p in coverage.framework.linkable:
        principles[p.id] = {
            "kind": p.kind,
            "title": p.title,
            "focus": [_module_ref(m) for m in coverage.focus_of(p.id)],
            "training": [_ref(s) for s in coverage.taught_in(p.id)],
            "supervision": {level: [_ref(s) for s in sections] for level, sections in coverage.supervised_in(p.id).items()},
            "handbook": [page.path for page in coverage.handbook_pages(p.id)],
        }
    def diag(d: Diagnostic) -> dict[str, Any]:
        return {"path": d.path, "line": d.line, "code": d.code, "message": d.message}
    return {
        "summary": coverage.summary(),
        "modules": [{**_module_ref(m), "duration": m.duration, "focus": list(m.focus),
                     "breaks": sum(s.minutes or 0 for s in m.breaks)} for m in coverage.modules],
        "sections": [{"path": s.path, "line": s.line, "title": s.title, "page": s.page, "kind": s.kind,
                      "minutes": s.minutes, "principles": list(s.principles), "exempt": s.exempt}
                     for s in coverage.training_sections],
        "principles": principles,
        "reviews": [r.as_dict(coverage.today) for r in coverage.reviews],
        "violations": [diag(d) for d in coverage.errors],
        "warnings": [diag(d) for d in coverage.warnings],
        **({"languages": {locale: language_data(report) for locale, report in sorted(coverage.languages.items())}}
           if coverage.languages else {}),
    }


def language_data(report) -> dict[str, Any]:
    """One translated language in the JSON report: each page's state, the changed sections of stale ones."""
    return {
        "name": report.language.name,
        "translated": [p.src_uri for p in report.pages if p.state == "translated"],
        "stale": [{"page": p.src_uri, "changed": list(p.changed), "status": p.status}
                  for p in report.pages if p.state == "stale"],
        "left_out": list(report.left_out),
        "missing": [p.src_uri for p in report.pages if p.state == "missing"],
    }


def format_json(coverage: Coverage) -> str:
    """The report as JSON text."""
    return json.dumps(report_data(coverage), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _summary_line(coverage: Coverage) -> str:
    s = coverage.summary()
    pages = len({x.path for x in coverage.training_sections})
    return (f"{s['sections']} training sections in {pages} pages: {s['linked']} linked, {s['exempt']} exempt, "
            f"{s['unlinked']} unlinked; {s['violations']} violation{'s' if s['violations'] != 1 else ''}, "
            f"{len(coverage.warnings)} warning{'s' if len(coverage.warnings) != 1 else ''}.")


def _exempt_lines(coverage: Coverage) -> list[str]:
    return [f'{s.path}:{s.line}: section "{s.title}" is exempt: {s.exempt}'
            for s in coverage.training_sections if s.exempt is not None]


def principle_lines(coverage: Coverage) -> list[str]:
    """Per principle and for the theme: the modules that focus on it, then its sections, guides and pages."""
    lines = []
    for p in coverage.framework.linkable:
        focus = coverage.focus_of(p.id)
        taught = coverage.taught_in(p.id)
        guides = [level for level, sections in coverage.supervised_in(p.id).items() if sections]
        handbook = coverage.handbook_pages(p.id)
        name = f"{p.id} (the theme)" if p.is_theme else f"{p.id} (a local value)" if p.is_local else p.id
        modules = (f"module{'s' if len(focus) != 1 else ''} " + ", ".join(str(m.number) for m in focus)) if focus else "no module"
        lines.append(f"{name}: focus of {modules}; linked in {len(taught)} "
                     f"training section{'s' if len(taught) != 1 else ''}; supervision: {', '.join(guides) or 'none'}; "
                     f"{len(handbook)} handbook page{'s' if len(handbook) != 1 else ''}")
    return lines


def format_text(coverage: Coverage) -> str:
    """One line per problem, the exemptions, each principle's reach, then a summary."""
    lines = [d.format() for d in coverage.errors]
    lines += [f"{d.format()} (warning)" for d in coverage.warnings]
    exempt = _exempt_lines(coverage)
    if exempt:
        lines.append(f"Exempt sections ({len(exempt)}):")
        lines += ["  " + e for e in exempt]
    lines.append("By principle:")
    lines += ["  " + line for line in principle_lines(coverage)]
    if coverage.languages:
        from ..translations import language_lines

        lines.append("By language:")
        for _locale, report in sorted(coverage.languages.items()):
            lines += ["  " + line for line in language_lines(report)]
    lines.append(_summary_line(coverage))
    return "\n".join(lines) + "\n"


def _gh_escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def format_github(coverage: Coverage) -> str:
    """GitHub Actions workflow commands: one annotation per problem, then the summary."""
    lines = []
    for kind, items in (("error", coverage.errors), ("warning", coverage.warnings)):
        for d in items:
            lines.append(f"::{kind} file={_gh_escape(d.path, True)},line={max(d.line, 1)}::"
                         f"{_gh_escape(d.message)} [{d.code}]")
    lines += [f"::notice file={_gh_escape(s.path, True)},line={s.line}::{_gh_escape(f'section {s.title!r} is exempt: {s.exempt}')}"
              for s in coverage.training_sections if s.exempt is not None]
    source = coverage.framework.source
    lines += [f"::notice file={_gh_escape(source, True)},line={p.line}::{_gh_escape(line)}"
              for p, line in zip(coverage.framework.linkable, principle_lines(coverage))]
    lines.append(_summary_line(coverage))
    return "\n".join(lines) + "\n"


def format_junit(coverage: Coverage) -> str:
    """JUnit XML: one test case per training section and per principle rule."""
    cases: list[str] = []
    failures = 0
    errors_by_place: dict[tuple[str, int, str], Diagnostic] = {(d.path, d.line, d.code): d for d in coverage.errors}

    def case(classname: str, name: str, failure: Diagnostic | None = None, out: str | None = None) -> None:
        nonlocal failures
        body = ""
        if failure:
            failures += 1
            body += (f"<failure type={quoteattr(failure.code)} message={quoteattr(failure.message)}>"
                     f"{xml_escape(failure.format())}</failure>")
        if out:
            body += f"<system-out>{xml_escape(out)}</system-out>"
        cases.append(f"    <testcase classname={quoteattr(classname)} name={quoteattr(name)}>{body}</testcase>"
                     if body else f"    <testcase classname={quoteattr(classname)} name={quoteattr(name)}/>")

    used: set[tuple[str, int, str]] = set()
    for s in coverage.training_sections:
        key = (s.path, s.line, "coverage.unlinked-section")
        used.add(key)
        out = f"exempt: {s.exempt}" if s.exempt is not None else ("linked: " + ", ".join(s.principles) if s.principles else None)
        case(s.path, f"line {s.line}: {s.title}", errors_by_place.get(key), out)
    for p in coverage.framework.principles:
        key = (coverage.framework.source, p.line, "coverage.principle-not-taught")
        used.add(key)
        case("rules.principle-taught", f"{p.id} is taught", errors_by_place.get(key))
        for level in LEVELS:
            guide = coverage.settings.supervision[level]
            page = coverage.pages.get(guide)
            failure = next((d for d in coverage.errors if d.code == "coverage.supervision-missing-principle"
                            and d.path.endswith(guide) and (f'"{p.id}"' in d.message or page is None)), None)
            if failure:
                used.add((failure.path, failure.line, failure.code))
            case(f"rules.supervision-{level}", f"{p.id} in the {level} guide", failure)
    for p, line in zip(coverage.framework.linkable, principle_lines(coverage)):
        case("reach", f"{p.id}: focus, sections, guides and pages", out=line)
    for d in coverage.errors:
        if (d.path, d.line, d.code) not in used:
            case(d.path, f"line {d.line}: {d.code}", d)
    suite = (f'<testsuite name="principle-coverage" tests="{len(cases)}" failures="{failures}" errors="0">\n'
             + "\n".join(cases) + "\n  </testsuite>")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  {suite}\n</testsuites>\n'


REPORT_FORMATS = {"text": format_text, "json": format_json, "junit": format_junit, "github": format_github}
