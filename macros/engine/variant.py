"""Local variants: one folder per organisation, ``local/<name>/``, adapting the handbook without forking it.

A variant holds ``local.yml`` (validated by ``principles/local.schema.json``: the organisation's name, its
own values, its urgent help lines, its slot texts, rewordings of short titles, prompts and indicators, and
its local pages with their place in the navigation) and, optionally, ``docs/`` with those local pages.
Nothing else in the repository is edited, so upstream improvements keep flowing in.

``load_variant`` either returns a complete, valid ``Variant`` or raises ``ProblemsFound`` with every problem
as ``local/<name>/local.yml:LINE:COL: message [code]``. Pure Python (no MkDocs).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic, ProblemsFound, closest, did_you_mean
from .framework import LEVELS, Framework, Principle, read_source_file, schema_problems
from .help import HelpSettings, parse_help
from .public_text import ADVICE, secrets_in
from .safety import own_timings
from .slots import SlotCatalogue
from .strict_yaml import load_yaml

__all__ = [
    "check_variant_name", "known_variants", "load_variant", "LOCAL_FOLDER", "LocalPage", "QUOTED_FIELDS",
    "SCHEMA_FILE", "UnknownVariant", "Variant", "VARIANT_FILE"
]

#: The folder holding one sub-folder per variant.
LOCAL_FOLDER = "local"
#: The one file a service edits in its variant folder.
VARIANT_FILE = "local.yml"
#: The schema of local.yml, in the project's principles/ (the engine may be installed elsewhere).
SCHEMA_FILE = "principles/local.schema.json"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_JINJA = ("{{", "{%", "{#")
#: What a variant may reword in a principle; the rest is quoted from the paper.
QUOTED_FIELDS = ("statement", "facets")


class UnknownVariant(Exception):
    """A variant name that has no ``local/<name>/local.yml``: a mistake in the command, not in the sources."""


@dataclass(frozen=True)
class LocalPage:
    """One local page: its file under ``local/<name>/docs/``, its title and navigation section."""

    file: str
    title: str
    section: str
    line: int = 0


@dataclass(frozen=True)
class Variant:
    """One organisation's adaptation, as validated data."""

    name: str
    organisation: str
    short_name: str
    values: tuple[Principle, ...] = ()
    help: HelpSettings = field(default_factory=HelpSettings)
    slots: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    """Slot id -> this service's Markdown text (only the filled slots)."""
    rewordings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict, hash=False, compare=False)
    pages: tuple[LocalPage, ...] = ()
    source: str = ""
    """``local/<name>/local.yml``, for messages."""

    @property
    def folder(self) -> str:
        """``local/<name>``, relative to the repository root."""
        return f"{LOCAL_FOLDER}/{self.name}"

    @property
    def docs_folder(self) -> str:
        """Where the variant's local pages live: ``local/<name>/docs``."""
        return f"{self.folder}/docs"

    @property
    def page_files(self) -> frozenset[str]:
        """The docs-relative paths of the local pages."""
        return frozenset(p.file for p in self.pages)

    def apply(self, framework: Framework) -> Framework:
        """The framework as this organisation reads it: reworded titles, prompts and indicators, plus its values."""
        def reword(p: Principle) -> Principle:
            change = self.rewordings.get(p.id)
            if not change:
                return p
            prompts = {**p.prompts, **{level: tuple(q) for level, q in (change.get("prompts") or {}).items()}}
            return replace(p, title=change.get("title", p.title).strip(), prompts=prompts,
                           indicators=tuple(change.get("indicators", p.indicators)))

        return replace(framework, principles=tuple(reword(p) for p in framework.principles),
                       theme=reword(framework.theme), local_values=self.values, organisation=self.organisation)

    def help_for(self, core: HelpSettings) -> HelpSettings:
        """The national help lines from mkdocs.yml, then this service's own (its intro, if it has one)."""
        intro_labels = self.help.intro_labels if self.help.intro else core.intro_labels
        return HelpSettings(self.help.intro or core.intro, core.lines + self.help.lines, self.help.lines, intro_labels)


def known_variants(root: Path) -> list[str]:
    """The names of the variants in ``root/local/`` (folders holding a local.yml), sorted."""
    folder = Path(root) / LOCAL_FOLDER
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if (p / VARIANT_FILE).is_file())


def check_variant_name(root: Path, name: str) -> None:
    """Raise UnknownVariant, listing the known ones, unless ``local/<name>/local.yml`` exists."""
    if _NAME.match(name or "") and (Path(root) / LOCAL_FOLDER / name / VARIANT_FILE).is_file():
        return
    known = known_variants(root)
    listed = ", ".join(known) if known else f"none yet (make one with a {LOCAL_FOLDER}/<name>/{VARIANT_FILE})"
    best = closest(name or "", known)
    hint = f'did you mean "{best}"? ' if best else ""
    raise UnknownVariant(f'unknown variant "{name}": there is no {LOCAL_FOLDER}/{name}/{VARIANT_FILE}; {hint}'
                         f"known variants: {listed}")



def _line_in_file(text: str, start: int, words: str) -> int:
    """The file line of words found in a YAML string value whose node starts on line ``start``: the first file
    line at or after ``start`` that holds their first word (a folded value's lines differ from the file's)."""
    wanted = words.split()[0] if words.split() else ""
    lines = text.splitlines()
    for number in range(start, len(lines) + 1):
        if wanted and wanted in lines[number - 1]:
            return number
    return start


def load_variant(root: Path, name: str, framework: Framework, slots: SlotCatalogue, *,
                 nav_sections: Sequence[str] = (), core_docs: Path | None = None) -> Variant:
    """Read and validate ``local/<name>/local.yml`` against the framework and the slot catalogue.

    ``nav_sections`` are the top-level navigation sections a local page may join; ``core_docs``, when
    given, is the core docs folder, which a local page may add to but never replace. Raises
    UnknownVariant for a name with no variant, ProblemsFound with every problem in the variant.
    """
    root = Path(root)
    check_variant_name(root, name)
    source = f"{LOCAL_FOLDER}/{name}/{VARIANT_FILE}"
    path = root / source
    text = read_source_file(path, source)
    doc, problems = load_yaml(text, source)
    if doc is None:
        raise ProblemsFound(problems)
    data = doc.data
    if not isinstance(data, dict):
        problems.append(Diagnostic(source, 1, 1, "principles.not-a-mapping",
                                   "the file must be a mapping with organisation: (and values:, help:, slots:, "
                                   "principles:, pages:) at the top level"))
        raise ProblemsFound(problems)

    def at(where: tuple, code: str, message: str, *, key: bool = False) -> None:
        pos = doc.where(where, key=key)
        problems.append(Diagnostic(source, pos.line, pos.column, code, message))

    rewordings = data.get("principles") if isinstance(data.get("principles"), dict) else {}
    quoted = tuple(("principles", pid, f) for pid, change in rewordings.items() if isinstance(change, dict)
                   for f in QUOTED_FIELDS if f in change)
    problems += schema_problems(doc, source, root / SCHEMA_FILE, skip=quoted)

    # rewordings: known principles only, and never the quotations
    for pid, change in rewordings.items():
        target = framework.get(pid) if isinstance(pid, str) else None
        if target is None:
            at(("principles", pid), "principles.unknown-id",
               f'unknown principle id "{pid}" under principles:; {framework.suggest(str(pid))}', key=True)
            continue
        for quoted_field in QUOTED_FIELDS:
            if isinstance(change, dict) and quoted_field in change:
                what = "statement" if quoted_field == "statement" else "facets"
                at(("principles", pid, quoted_field), "local.quoted-text",
                   f'the {what} of "{pid}" is quoted exactly from the paper (Gillard et al. 2017) and cannot be '
                   f"changed; remove principles.{pid}.{quoted_field} and reword its title, prompts or indicators, "
                   f"or add your own value under values:", key=True)

    # values: ids of their own
    values: list[Principle] = []
    seen: dict[str, int] = {}
    raw_values = data.get("values") if isinstance(data.get("values"), list) else []
    for index, item in enumerate(raw_values):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        vid = item["id"]
        pos = doc.where(("values", index, "id"))
        taken = framework.get(vid)
        if taken is not None:
            kind = "the theme" if taken.is_theme else f"principle {taken.number}"
            at(("values", index, "id"), "local.duplicate-id",
               f'value id "{vid}" is already the id of {kind} ({taken.title}) in {framework.source}; give your '
               f'value its own id, such as "our-{vid}"')
        elif vid in seen:
            at(("values", index, "id"), "local.duplicate-id",
               f'duplicate value id "{vid}" (first used on line {seen[vid]}); give each value its own id')
        else:
            seen[vid] = pos.line
        if all(isinstance(item.get(k), str) for k in ("title", "statement")):
            prompts = item.get("prompts") if isinstance(item.get("prompts"), dict) else {}
            values.append(Principle(
                id=vid, number=0, title=item["title"].strip(), statement=" ".join(item["statement"].split()),
                facets=(), keywords=(), prompts={level: tuple(prompts.get(level) or ()) for level in LEVELS},
                indicators=tuple(item.get("indicators") or ()), line=doc.where(("values", index)).line,
                kind="local"))

    # help lines: the same rules as extra.help in mkdocs.yml
    help = HelpSettings()
    try:
        help = parse_help(data.get("help"), source, lambda *keys: doc.where(keys).line, where=("help",))
    except ProblemsFound as error:
        problems += error.diagnostics

    # slots: known ids, plain Markdown text
    filled: dict[str, str] = {}
    raw_slots = data.get("slots") if isinstance(data.get("slots"), dict) else {}
    for sid, value in raw_slots.items():
        if slots.get(str(sid)) is None:
            at(("slots", sid), "slots.unknown-id",
               f'unknown slot "{sid}" under slots:; {slots.suggest(str(sid))} (the slots are listed in '
               f"{slots.source})", key=True)
        elif isinstance(value, str):
            marker = next((m for m in _JINJA if m in value), None)
            if marker:
                at(("slots", sid), "local.bad-slot-text",
                   f'slots.{sid} holds "{marker}": slot texts are plain Markdown and macros do not run in them; '
                   f"write the words out, and link principles with a Markdown link such as "
                   f"[Mutuality](../principles/mutuality.md)")
            elif value.strip():
                filled[str(sid)] = value.strip()
            start = doc.where(("slots", sid)).line
            for _, sentence in own_timings(value):
                problems.append(Diagnostic(source, _line_in_file(text, start, sentence), None,
                                           "local.changes-the-speeds",
                                           f'slots.{sid} times a response to risk in its own words ("{sentence}"); '
                                           f"the three speeds are the same for every service: write \"a risk to life "
                                           f"follows the three speeds\" and add only your own contacts"))
            for finding in secrets_in(value):
                problems.append(Diagnostic(source, _line_in_file(text, start, finding.words), None,
                                           "local.secret-in-public-text",
                                           f"slots.{sid} holds {finding.what}; {ADVICE}"))

    # local pages: each file exists, each is listed once, none replaces a core page, each has a section
    pages: list[LocalPage] = []
    docs = root / LOCAL_FOLDER / name / "docs"
    listed: dict[str, int] = {}
    raw_pages = data.get("pages") if isinstance(data.get("pages"), list) else []
    for index, item in enumerate(raw_pages):
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("file", "title", "section")):
            continue
        file = item["file"].strip()
        shown = f"{LOCAL_FOLDER}/{name}/docs/{file}"
        line = doc.where(("pages", index, "file")).line
        if file in listed:
            at(("pages", index, "file"), "local.bad-page",
               f"{shown} is listed twice (first on line {listed[file]}); list each page once")
            continue
        listed[file] = line
        if not (docs / file).is_file():
            at(("pages", index, "file"), "local.bad-page",
               f"{shown} does not exist; create it or fix the file name")
        else:
            try:
                page_text = (docs / file).read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):
                page_text = ""  # reported as unreadable when the pages are read
            for number, sentence in own_timings(page_text):
                problems.append(Diagnostic(shown, number, None, "local.changes-the-speeds",
                                           f'this page times a response to risk in its own words ("{sentence}"); '
                                           f"link the three speeds instead with {{{{ escalation_link() }}}}"))
            for finding in secrets_in(page_text):
                problems.append(Diagnostic(shown, finding.line, None, "local.secret-in-public-text",
                                           f"this page holds {finding.what}; {ADVICE}"))
        if core_docs is not None and (core_docs / file).exists():
            at(("pages", index, "file"), "local.bad-page",
               f"docs/{file} is a core page, and a variant may add pages but never replace one; give "
               f"{shown} another name, and put local facts into the core page's slots instead")
        if nav_sections and item["section"] not in nav_sections:
            at(("pages", index, "section"), "local.bad-page",
               f'unknown navigation section "{item["section"]}"; {did_you_mean(item["section"], list(nav_sections))}')
        pages.append(LocalPage(file, item["title"].strip(), item["section"], line))
    if docs.is_dir():
        for extra in sorted(docs.rglob("*.md")):
            rel = extra.relative_to(docs).as_posix()
            if rel not in listed and not any(part.startswith(".") for part in extra.relative_to(docs).parts):
                problems.append(Diagnostic(f"{LOCAL_FOLDER}/{name}/docs/{rel}", 1, None, "local.bad-page",
                                           f"this local page is not listed under pages: in {source}; add it "
                                           f"there with its title and navigation section"))

    if problems:
        raise ProblemsFound(problems)
    organisation = data["organisation"]
    return Variant(name, organisation["name"].strip(), (organisation.get("short_name") or organisation["name"]).strip(),
                   tuple(values), help, filled, dict(rewordings), tuple(pages), source)
