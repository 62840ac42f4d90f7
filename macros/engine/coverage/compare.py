"""What a change does to principle coverage: two JSON coverage reports in, one comparison out.

``check_coverage.py --compare BASE`` checks the working tree as usual, then compares its report with
the base's: a saved JSON report (``--format json``), or a git revision whose tree is checked with
*this* engine (so a change to the engine is not mistaken for a change to the pages). The comparison
is a function of the two reports alone, so a saved report from last year compares as well as a branch.

Sections and modules are matched by page and heading (not line: a paragraph added above a section
moves it without changing it); a renamed heading shows as one section removed and one added.
"""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..diagnostics import ProblemsFound

#: The comparison's JSON schema (a test validates real comparisons against it).
COMPARE_SCHEMA = "principles/coverage-compare.schema.json"

#: What "reach" counts for a principle, the theme or a local value, in the order reports show them.
REACH_MEASURES = ("modules", "sections", "guides", "handbook")
_MEASURE_WORDS = {"modules": "modules with it as focus", "sections": "training sections", "guides": "supervision guides",
                  "handbook": "handbook pages"}


class BaseUnavailable(Exception):
    """The base to compare with cannot be read or checked (an input error: exit 2)."""


@dataclass(frozen=True)
class Base:
    """The report to compare with, and how to name it in the output."""

    label: str
    report: dict[str, Any]


def load_base(spec: str, root: Path, check: Callable[[Path], dict[str, Any]],
              schema: dict[str, Any] | None = None) -> Base:
    """The base report from ``spec``: a JSON report file if one exists at that path, else a git revision.

    ``check(folder)`` returns the JSON report of a project folder (the caller's engine and options). A git
    revision's tree is written to a temporary folder with ``git archive`` (no checkout, no worktree) and checked
    there. Raises ``BaseUnavailable`` with a message that says what would fix it.
    """
    path = Path(spec)
    if path.is_file():
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise BaseUnavailable(f"{spec}: cannot read the base report ({error}); "
                                  "write one with `check_coverage.py --format json --output PATH`") from None
        if schema is not None:
            import jsonschema

            try:
                jsonschema.validate(report, schema)
            except jsonschema.ValidationError as error:
                where = "/".join(str(p) for p in error.absolute_path) or "the top level"
                raise BaseUnavailable(f"{spec}: not a coverage report ({where}: {error.message}); "
                                      "write one with `check_coverage.py --format json --output PATH`") from None
        return Base(spec, report)
    return Base(spec, _check_revision(spec, root, check))


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    except OSError as error:
        raise BaseUnavailable(f"cannot run git ({error.strerror}); give a saved JSON report instead") from None


def _check_revision(rev: str, root: Path, check: Callable[[Path], dict[str, Any]]) -> dict[str, Any]:
    found = _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    if found.returncode != 0:
        raise BaseUnavailable(f"{rev}: neither a report file nor a git revision of {root}; give a JSON report "
                              "(`check_coverage.py --format json --output PATH`) or a branch, tag or commit "
                              "(in CI, fetch the target branch first)")
    commit = found.stdout.decode().strip()
    archive = _git(root, "archive", "--format=tar", commit)
    if archive.returncode != 0:
        raise BaseUnavailable(f"{rev}: git archive failed: {archive.stderr.decode(errors='replace').strip()}")
    with tempfile.TemporaryDirectory(prefix="coverage-base-") as folder:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(folder, filter="data")
        try:
            return check(Path(folder))
        except ProblemsFound as error:
            lines = "\n".join(f"  {d.format()}" for d in error.diagnostics)
            raise BaseUnavailable(f"{rev}: the base revision cannot be checked:\n{lines}") from None


# --- the comparison -----------------------------------------------------------------------------------


def _sections(report: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(s["path"], s["title"]): s for s in report["sections"]}


def _reach(entry: dict[str, Any]) -> dict[str, int]:
    return {"modules": len(entry["focus"]), "sections": len(entry["training"]),
            "guides": sum(1 for sections in entry["supervision"].values() if sections),
            "handbook": len(entry["handbook"])}


def _rule_key(d: dict[str, Any]) -> tuple[str, str, str]:
    # without the line: a problem that only moved is neither broken nor fixed
    return (d["code"], d["path"], d["message"])


def compare_reports(base: dict[str, Any], head: dict[str, Any]) -> dict[str, Any]:
    """What changed from ``base`` to ``head`` (two JSON coverage reports): see principles/coverage-compare.schema.json."""
    before, after = _sections(base), _sections(head)
    sections = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        was = set(old["principles"]) if old else set()
        now = set(new["principles"]) if new else set()
        status = "removed" if new is None else "added" if old is None else "changed"
        if status == "changed" and was == now:
            continue
        order = (new or old)["principles"] if status != "changed" else new["principles"] + old["principles"]
        ranked = {pid: i for i, pid in reversed(list(enumerate(order)))}
        sections.append({"path": key[0], "title": key[1], "line": (new or old)["line"], "status": status,
                         "lost": sorted(was - now, key=ranked.get), "gained": sorted(now - was, key=ranked.get)})

    old_modules = {m["path"]: m for m in base["modules"]}
    new_modules = {m["path"]: m for m in head["modules"]}
    modules = []
    for path in sorted(old_modules.keys() | new_modules.keys()):
        old, new = old_modules.get(path), new_modules.get(path)
        if old and new and old["focus"] == new["focus"]:
            continue
        ref = new or old
        modules.append({"path": path, "number": ref["number"], "title": ref["title"],
                        "status": "removed" if new is None else "added" if old is None else "changed",
                        "before": old["focus"] if old else [], "after": new["focus"] if new else []})
    modules.sort(key=lambda m: (m["number"], m["path"]))

    reach = []
    for pid in sorted(base["principles"].keys() | head["principles"].keys()):
        old, new = base["principles"].get(pid), head["principles"].get(pid)
        was = _reach(old) if old else dict.fromkeys(REACH_MEASURES, 0)
        now = _reach(new) if new else dict.fromkeys(REACH_MEASURES, 0)
        if was == now:
            continue
        ref = new or old
        reach.append({"id": pid, "kind": ref["kind"], "title": ref["title"], "before": was, "after": now,
                      "fell": [m for m in REACH_MEASURES if now[m] < was[m]],
                      "rose": [m for m in REACH_MEASURES if now[m] > was[m]]})

    def exempt(sections: dict[tuple[str, str], dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
        return {k: s for k, s in sections.items() if s["exempt"] is not None}

    old_exempt, new_exempt = exempt(before), exempt(after)
    exemptions = {
        "added": [{"path": k[0], "title": k[1], "line": s["line"], "reason": s["exempt"]}
                  for k, s in sorted(new_exempt.items()) if old_exempt.get(k, {}).get("exempt") != s["exempt"]],
        "removed": [{"path": k[0], "title": k[1], "line": s["line"], "reason": s["exempt"]}
                    for k, s in sorted(old_exempt.items()) if new_exempt.get(k, {}).get("exempt") != s["exempt"]],
    }

    def problems(report: dict[str, Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
        return {**{_rule_key(d): {**d, "severity": "warning"} for d in report["warnings"]},
                **{_rule_key(d): {**d, "severity": "error"} for d in report["violations"]}}

    old_rules, new_rules = problems(base), problems(head)
    order = lambda d: (d["path"], d["line"], d["code"], d["message"])  # noqa: E731
    rules = {"broken": sorted((d for k, d in new_rules.items() if k not in old_rules), key=order),
             "fixed": sorted((d for k, d in old_rules.items() if k not in new_rules), key=order)}

    return {
        "summary": {
            "sections_changed": len(sections), "modules_changed": len(modules),
            "reach_fell": [r["id"] for r in reach if r["fell"]],
            "exemptions_added": len(exemptions["added"]), "exemptions_removed": len(exemptions["removed"]),
            "rules_broken": len(rules["broken"]), "rules_fixed": len(rules["fixed"]),
            "violations": head["summary"]["violations"],
        },
        "sections": sections,
        "modules": modules,
        "reach": reach,
        "exemptions": exemptions,
        "rules": rules,
    }


def reach_fell(comparison: dict[str, Any]) -> bool:
    """True when any principle's, the theme's or a local value's reach fell (for ``--fail-on-reach-drop``)."""
    return bool(comparison["summary"]["reach_fell"])


# --- formats ------------------------------------------------------------------------------------------


def _ids(ids: list[str]) -> str:
    return ", ".join(ids)


def _focus(ids: list[str]) -> str:
    return "[" + ", ".join(ids) + "]"


def _name(r: dict[str, Any]) -> str:
    return r["id"] + (" (the theme)" if r["kind"] == "theme" else " (a local value)" if r["kind"] == "local" else "")


def _measure_changes(r: dict[str, Any], measures: list[str]) -> str:
    return "; ".join(f"{_MEASURE_WORDS[m]} {r['before'][m]} -> {r['after'][m]}" for m in measures)


def _section_line(s: dict[str, Any]) -> str:
    parts = []
    if s["lost"]:
        parts.append("lost " + _ids(s["lost"]))
    if s["gained"]:
        parts.append("gained " + _ids(s["gained"]))
    what = {"added": "new section", "removed": "section removed", "changed": "section"}[s["status"]]
    return f'{s["path"]}:{s["line"]}: {what} "{s["title"]}": ' + ("; ".join(parts) or "no principle links")


def _module_line(m: dict[str, Any]) -> str:
    if m["status"] == "added":
        return f'{m["path"]}: new module {m["number"]} "{m["title"]}", focus {_focus(m["after"])}'
    if m["status"] == "removed":
        return f'{m["path"]}: module {m["number"]} "{m["title"]}" removed (its focus was {_focus(m["before"])})'
    return f'{m["path"]}: module {m["number"]} "{m["title"]}" focus {_focus(m["before"])} -> {_focus(m["after"])}'


def _headline(comparison: dict[str, Any], base: str) -> str:
    s = comparison["summary"]
    fell = f"reach fell for {_ids(s['reach_fell'])}" if s["reach_fell"] else "no reach fell"
    return (f"Compared with {base}: {s['sections_changed']} section{'s' if s['sections_changed'] != 1 else ''} "
            f"changed links, {s['modules_changed']} module focus change{'s' if s['modules_changed'] != 1 else ''}, "
            f"{fell}; exemptions +{s['exemptions_added']} -{s['exemptions_removed']}; "
            f"rules newly broken {s['rules_broken']}, fixed {s['rules_fixed']}.")


def format_compare_text(comparison: dict[str, Any], base: str) -> str:
    """The comparison as plain text, one change per line, the headline last (like the gate's summary)."""
    lines: list[str] = []

    def block(title: str, items: list[str]) -> None:
        if items:
            lines.append(f"{title} ({len(items)}):")
            lines.extend("  " + item for item in items)

    block("Sections whose principle links changed", [_section_line(s) for s in comparison["sections"]])
    block("Modules whose focus changed", [_module_line(m) for m in comparison["modules"]])
    block("Reach fell", [f"{_name(r)}: {_measure_changes(r, r['fell'])}" for r in comparison["reach"] if r["fell"]])
    block("Reach rose", [f"{_name(r)}: {_measure_changes(r, r['rose'])}" for r in comparison["reach"] if r["rose"]])
    ex = comparison["exemptions"]
    block("New exemptions", [f'{e["path"]}:{e["line"]}: "{e["title"]}": {e["reason"]}' for e in ex["added"]])
    block("Exemptions removed", [f'{e["path"]}:{e["line"]}: "{e["title"]}" (was: {e["reason"]})' for e in ex["removed"]])
    rules = comparison["rules"]
    block("Rules newly broken", [f'{d["path"]}:{d["line"]}: {d["message"]} [{d["code"]}] ({d["severity"]})'
                                 for d in rules["broken"]])
    block("Rules fixed", [f'{d["path"]}: {d["message"]} [{d["code"]}] ({d["severity"]})' for d in rules["fixed"]])
    lines.append(_headline(comparison, base))
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell or list item on GitHub (no HTML, no table breaks)."""
    return (str(text).replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
            .replace("*", "\\*").replace("_", "\\_").replace("`", "\\`").replace("\n", " "))


def format_compare_markdown(comparison: dict[str, Any], base: str) -> str:
    """The comparison as GitHub-flavoured Markdown, for ``$GITHUB_STEP_SUMMARY``."""
    s = comparison["summary"]
    gate = "passes" if s["violations"] == 0 else f"fails ({s['violations']} violation{'s' if s['violations'] != 1 else ''})"
    lines = [f"## Principle coverage compared with {_md(base)}", "",
             f"The coverage gate {gate}. {_md(_headline(comparison, base))}", ""]
    if comparison["reach"]:
        lines += ["### Reach", "", "| Principle | " + " | ".join(_MEASURE_WORDS[m].capitalize() for m in REACH_MEASURES) + " |",
                  "| --- |" + " ---: |" * len(REACH_MEASURES)]
        for r in comparison["reach"]:
            cells = []
            for m in REACH_MEASURES:
                was, now = r["before"][m], r["after"][m]
                cells.append(str(now) if was == now else f"{was} → {now} ({'fell' if now < was else 'rose'})")
            lines.append(f"| {_md(_name(r))} | " + " | ".join(cells) + " |")
        lines.append("")
    if comparison["sections"]:
        lines += ["### Sections whose principle links changed", "", "| Section | Page | Lost | Gained |",
                  "| --- | --- | --- | --- |"]
        for sec in comparison["sections"]:
            note = {"added": " (new)", "removed": " (removed)", "changed": ""}[sec["status"]]
            lines.append(f"| {_md(sec['title'])}{note} | {_md(sec['path'])}:{sec['line']} | {_md(_ids(sec['lost'])) or '–'} | "
                         f"{_md(_ids(sec['gained'])) or '–'} |")
        lines.append("")
    if comparison["modules"]:
        lines += ["### Modules whose focus changed", "", "| Module | Before | After |", "| --- | --- | --- |"]
        for m in comparison["modules"]:
            lines.append(f"| {m['number']}. {_md(m['title'])} | {_md(_ids(m['before'])) or '–'} | {_md(_ids(m['after'])) or '–'} |")
        lines.append("")
    ex = comparison["exemptions"]
    if ex["added"] or ex["removed"]:
        lines += ["### Exemptions", ""]
        lines += [f"- New: {_md(e['path'])}:{e['line']} “{_md(e['title'])}”: {_md(e['reason'])}" for e in ex["added"]]
        lines += [f"- Removed: {_md(e['path'])}:{e['line']} “{_md(e['title'])}” (was: {_md(e['reason'])})" for e in ex["removed"]]
        lines.append("")
    rules = comparison["rules"]
    if rules["broken"] or rules["fixed"]:
        lines += ["### Rules", ""]
        lines += [f"- Newly broken ({d['severity']}): {_md(d['path'])}:{d['line']}: {_md(d['message'])} `{d['code']}`"
                  for d in rules["broken"]]
        lines += [f"- Fixed ({d['severity']}): {_md(d['path'])}: {_md(d['message'])} `{d['code']}`" for d in rules["fixed"]]
        lines.append("")
    if not any((comparison["reach"], comparison["sections"], comparison["modules"], ex["added"], ex["removed"],
                rules["broken"], rules["fixed"])):
        lines += ["No change to principle coverage.", ""]
    return "\n".join(lines)


def format_compare_json(comparison: dict[str, Any], base: str) -> str:
    """The comparison as JSON: deterministic, sorted keys, with the base named."""
    return json.dumps({"base": base, **comparison}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


COMPARE_FORMATS: dict[str, Callable[[dict[str, Any], str], str]] = {
    "text": format_compare_text, "json": format_compare_json, "markdown": format_compare_markdown}

