"""Translations kept honest: which pages are translated, from which English text, checked by whom.

A translation sits beside its page with the language as a suffix (``help.cy.md`` beside ``help.md``),
the layout both mkdocs-static-i18n and zensical-i18n read. Its front matter says where it stands::

    translation:
      status: draft                 # draft | reviewed
      reviewed_by: null             # a role from principles/translations.yml, never a person's name
      machine_assisted: true
      source: 3f1c...               # digest of the English page it was translated from (written by `stamp`)
      sections: {intro: 9a0b, ...}  # digest of each English section, to say which ones changed

The digests are written by ``python3 scripts/translations.py stamp PAGE`` (never by hand). When the
English page changes, its digest no longer matches and the translation is **stale**: a warning while
drafting, an error in a publish build, where the old advice must not go out. A draft is never published:
a publish build leaves it out and readers get the English page with the fallback notice.

The structure of a translation must match its source: the same sections (matched by their anchors,
so translated headings keep the English id, ``## Teitl {#title}``), the same principle links in each
section and the same durations. Pure Python: no site generator is imported here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown.extensions.toc import slugify

from .diagnostics import Diagnostic, ProblemsFound
from .strict_yaml import load_yaml
from .weave import protect

STATUSES = ("draft", "reviewed")
#: Where the reviewer roles and each language's settings for the checks live.
TRANSLATIONS_FILE = "principles/translations.yml"
_SUFFIX = re.compile(r"^(?P<stem>.+)\.(?P<locale>[a-z]{2}(?:[-_][A-Za-z]{2,4})?)\.md$")
_FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.S)
_H2 = re.compile(r"^##(?!#)[ \t]*(?P<title>.*?)[ \t]*#*[ \t]*$")
_ID = re.compile(r"\{[^}]*#(?P<id>[\w-]+)[^}]*\}\s*$")


@dataclass(frozen=True)
class Language:
    """One language of the site, from the i18n plugin's ``languages`` in mkdocs.yml."""

    locale: str
    name: str
    default: bool = False
    notice: str = ""
    """The sentence above a page shown in the default language (per-language ``extra.untranslated_notice``)."""
    draft_notice: str = ""
    """The sentences above a draft translation (per-language ``extra.draft_notice``)."""


def languages_of(config: Mapping[str, Any]) -> list[Language]:
    """The languages configured for the i18n plugin in mkdocs.yml (just English when there is none)."""
    plugins = config.get("plugins") or []
    options: Mapping[str, Any] = {}
    for entry in plugins if isinstance(plugins, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("i18n"), dict):
            options = entry["i18n"]
    found = []
    for item in options.get("languages") or []:
        if not isinstance(item, dict) or not isinstance(item.get("locale"), str) or item.get("build") is False:
            continue
        extra = item.get("extra") if isinstance(item.get("extra"), dict) else {}
        found.append(Language(item["locale"], str(item.get("name") or item["locale"]), bool(item.get("default")),
                              str(extra.get("untranslated_notice") or ""), str(extra.get("draft_notice") or "")))
    if not found:
        return [Language("en", "English", True)]
    if not any(lang.default for lang in found):
        found[0] = Language(found[0].locale, found[0].name, True, found[0].notice, found[0].draft_notice)
    return found


def split_language(src_uri: str, locales: Iterable[str]) -> tuple[str, str | None]:
    """(the page's path without a language suffix, the suffix's locale or None): ``help.cy.md`` -> ``help.md``."""
    folder, _, name = src_uri.rpartition("/")
    match = _SUFFIX.match(name)
    if match and match.group("locale") in set(locales):
        base = f"{match.group('stem')}.md"
        return (f"{folder}/{base}" if folder else base), match.group("locale")
    return src_uri, None


def translation_path(src_uri: str, locale: str) -> str:
    """``help.md`` -> ``help.cy.md``."""
    return f"{src_uri[:-3]}.{locale}.md"


# -- digests ---------------------------------------------------------------------------------------------
def _normal(text: str) -> str:
    """The text as compared: line endings, trailing spaces and blank lines at the ends do not count."""
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip("\n").split("\n"))


def digest(text: str, length: int = 16) -> str:
    """A short digest of a text, as recorded in a translation's front matter."""
    return hashlib.sha256(_normal(text).encode("utf-8")).hexdigest()[:length]


def sections_of(text: str) -> list[tuple[str, str, int, str]]:
    """The level-2 sections of a Markdown page: (anchor, title, line, text), the part before the first
    heading as ``(top)``. Headings in code are not headings. The anchor is the heading's ``{#id}`` or its slug."""
    body_start = 0
    match = _FRONT_MATTER.match(text)
    if match:
        body_start = match.group(0).count("\n")
        text = text[match.end():]
    protected = protect(text)[0]
    lines, masked = text.split("\n"), protected.split("\n")
    found: list[tuple[str, str, int, list[str]]] = [("(top)", "", body_start + 1, [])]
    for index, (line, mask) in enumerate(zip(lines, masked)):
        heading = _H2.match(mask) and _H2.match(line)  # the mask says it is not code; the line gives its words
        if heading:
            title = heading.group("title")
            explicit = _ID.search(title)
            plain = re.sub(r"\s*\{[^}]*\}\s*$", "", title)
            anchor = explicit.group("id") if explicit else slugify(re.sub(r"[*_`]", "", plain), "-")
            found.append((anchor, plain, body_start + index + 1, [line]))
        else:
            found[-1][3].append(line)
    return [(a, t, n, "\n".join(body)) for a, t, n, body in found]


def section_digests(text: str) -> dict[str, str]:
    """Each section's anchor -> a short digest of its text (front matter counted in ``(top)``)."""
    match = _FRONT_MATTER.match(text)
    front = match.group(1) if match else ""
    out = {}
    for anchor, _title, _line, body in sections_of(text):
        out[anchor] = digest((front + body) if anchor == "(top)" else body, 8)
    return out


# -- a translation's front matter ----------------------------------------------------------------------
@dataclass(frozen=True)
class TranslationMeta:
    """What a translated page says about itself, with the line of each field."""

    status: str | None = None
    reviewed_by: str | None = None
    machine_assisted: bool = False
    source: str | None = None
    sections: Mapping[str, str] = field(default_factory=dict)
    lines: Mapping[str, int] = field(default_factory=dict)
    """Line of each field in the file (``translation`` for the block itself)."""

    def line(self, key: str) -> int:
        """The line of a field, else of the block, else 1."""
        return self.lines.get(key) or self.lines.get("translation") or 1


def read_translation_meta(text: str, path: str) -> tuple[TranslationMeta, list[Diagnostic]]:
    """The ``translation:`` block of a page's front matter, and its problems."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return TranslationMeta(), []
    doc, problems = load_yaml(match.group(1), path)
    found = [Diagnostic(path, p.line + 1, p.column, "translations.bad-status", f"front matter: {p.message}")
             for p in problems]
    if doc is None or not isinstance(doc.data, dict) or not isinstance(doc.data.get("translation"), dict):
        return TranslationMeta(), found
    block = doc.data["translation"]
    lines = {"translation": doc.values[("translation",)].line + 1}
    for key in block:
        pos = doc.values.get(("translation", key))
        if pos is not None:
            lines[key] = pos.line + 1
    sections = block.get("sections") if isinstance(block.get("sections"), dict) else {}
    return TranslationMeta(block.get("status"), block.get("reviewed_by"), bool(block.get("machine_assisted")),
                           block.get("source"), {str(k): str(v) for k, v in sections.items()}, lines), found


def stamp(translation_text: str, source_text: str) -> str:
    """The translation with its ``translation:`` block recording the English source's digests now.

    Only the ``source:`` and ``sections:`` lines are written; status and reviewer stay as they are (a new
    block starts as a machine-assisted draft)."""
    record = [f"  source: {digest(source_text)}", "  sections:"]
    record += [f"    {anchor!r}: {value}" if not re.fullmatch(r"[\w-]+", anchor) else f"    {anchor}: {value}"
               for anchor, value in section_digests(source_text).items()]
    match = _FRONT_MATTER.match(translation_text)
    if not match:
        head = ["translation:", "  status: draft", "  reviewed_by: null", "  machine_assisted: true", *record]
        return "---\n" + "\n".join(head) + "\n---\n\n" + translation_text
    lines = match.group(1).rstrip("\n").split("\n")
    out: list[str] = []
    index = 0
    seen = False
    while index < len(lines):
        line = lines[index]
        if line.startswith("translation:"):
            seen = True
            out.append("translation:")
            index += 1
            block = []
            while index < len(lines) and (lines[index].startswith(" ") or not lines[index].strip()):
                block.append(lines[index])
                index += 1
            kept = []
            skipping = False
            for item in block:
                if re.match(r"^  (source|sections):", item):
                    skipping = True
                    continue
                if skipping and item.startswith("    "):
                    continue
                skipping = False
                kept.append(item)
            out += kept + record
            continue
        out.append(line)
        index += 1
    if not seen:
        out += ["translation:", "  status: draft", "  reviewed_by: null", "  machine_assisted: true", *record]
    return "---\n" + "\n".join(out) + "\n---\n" + translation_text[match.end():]


# -- settings: reviewer roles ----------------------------------------------------------------------------
@dataclass(frozen=True)
class TranslationSettings:
    """principles/translations.yml: the roles that may review a translation (never people's names)."""

    reviewer_roles: tuple[str, ...] = ()


def load_translation_settings(path: Path, display: str = TRANSLATIONS_FILE) -> TranslationSettings:
    """Read the reviewer roles; a missing file means no translation can be marked reviewed."""
    if not path.exists():
        return TranslationSettings()
    doc, problems = load_yaml(path.read_text(encoding="utf-8"), display)
    found = [Diagnostic(display, p.line, p.column, "translations.bad-status", p.message) for p in problems]
    roles: tuple[str, ...] = ()
    if doc is not None and isinstance(doc.data, dict):
        value = doc.data.get("reviewer_roles")
        if isinstance(value, list) and all(isinstance(r, str) and r.strip() for r in value):
            roles = tuple(value)
        else:
            found.append(Diagnostic(display, 1, None, "translations.bad-status",
                                    "reviewer_roles must be a list of role names such as 'fluent Welsh reviewer'"))
    if found:
        raise ProblemsFound(found)
    return TranslationSettings(roles)


# -- the checks ------------------------------------------------------------------------------------------
@dataclass
class PageStatus:
    """One page in one language, for the freshness report."""

    src_uri: str
    """The English page, relative to docs/."""
    state: str
    """translated, stale, draft-left-out or missing."""
    status: str | None = None
    changed: tuple[str, ...] = ()
    """The English sections changed since the translation was stamped."""


@dataclass
class LanguageReport:
    """Per language: every English page's translation state, and the problems found."""

    language: Language
    pages: list[PageStatus] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    """Translated pages (docs-relative) a publish build leaves out: drafts."""

    def count(self, state: str) -> int:
        """How many pages are in this state."""
        return sum(1 for p in self.pages if p.state == state)


def language_lines(report: LanguageReport) -> list[str]:
    """One language's section of a report, as text lines."""
    lang = report.language
    lines = [f"{lang.name} ({lang.locale}): {report.count('translated')} translated, {report.count('stale')} stale, "
             f"{report.count('draft-left-out')} drafts left out of a publish build, {report.count('missing')} not "
             f"translated (shown in English with the notice)"]
    for page in report.pages:
        if page.state == "stale":
            changed = ", ".join(page.changed) or "not stamped"
            lines.append(f"  stale: {page.src_uri} ({page.status}); English sections changed: {changed}")
        elif page.state in ("translated", "draft-left-out"):
            lines.append(f"  {page.state}: {page.src_uri} ({page.status})")
    for src in report.left_out:
        lines.append(f"  left out when publishing: {src}")
    return lines


def changed_sections(meta: TranslationMeta, source_text: str) -> tuple[str, ...]:
    """The anchors of the English sections whose text differs from when the translation was stamped."""
    now = section_digests(source_text)
    was = dict(meta.sections)
    names = list(now) + [a for a in was if a not in now]
    return tuple(a for a in names if now.get(a) != was.get(a))


def status_problems(meta: TranslationMeta, path: str, settings: TranslationSettings) -> list[Diagnostic]:
    """A translation's status and reviewer: draft or reviewed, and reviewed only by a role from the settings."""
    if meta.status not in STATUSES:
        return [Diagnostic(path, meta.line("status"), None, "translations.bad-status",
                           f"translation.status must be draft or reviewed, not {meta.status!r}; a new translation is "
                           f"a draft until a fluent reviewer checks it")]
    if meta.status == "reviewed" and not meta.reviewed_by:
        return [Diagnostic(path, meta.line("status"), None, "translations.bad-status",
                           "a reviewed translation names the role that reviewed it in translation.reviewed_by")]
    if meta.status == "reviewed" and meta.reviewed_by not in settings.reviewer_roles:
        roles = ", ".join(settings.reviewer_roles) or "(none yet)"
        return [Diagnostic(path, meta.line("reviewed_by"), None, "translations.reviewer-not-role",
                           f"translation.reviewed_by is {meta.reviewed_by!r}: name a role from {TRANSLATIONS_FILE} "
                           f"({roles}), never a person")]
    return []


def check_language(language: Language, sources: Mapping[str, str], translated: Mapping[str, str], *,
                   docs_prefix: str, settings: TranslationSettings, publish: bool) -> LanguageReport:
    """Freshness and status of every translation into ``language``.

    ``sources``: English pages (src_uri -> text); ``translated``: this language's pages keyed by the
    English page's src_uri. Structure (sections, links, durations) is compared by ``compare_structure``."""
    report = LanguageReport(language)
    for src_uri in sorted(set(translated) - set(sources)):
        path = docs_prefix + translation_path(src_uri, language.locale)
        report.diagnostics.append(Diagnostic(path, 1, None, "translations.no-source",
                                             f"there is no English page {docs_prefix}{src_uri} for this translation; "
                                             f"rename it after its English page or delete it"))
    for src_uri in sorted(sources):
        if src_uri not in translated:
            report.pages.append(PageStatus(src_uri, "missing"))
            continue
        path = docs_prefix + translation_path(src_uri, language.locale)
        meta, found = read_translation_meta(translated[src_uri], path)
        report.diagnostics += found
        fix = f"run `python3 scripts/translations.py stamp {path}`"
        report.diagnostics += status_problems(meta, path, settings)
        # a draft is left out of a publish build, so its staleness cannot reach readers: listed, never an error
        left_out = publish and meta.status != "reviewed"
        stale_problems = [] if left_out else report.diagnostics
        if meta.source is None:
            stale_problems.append(Diagnostic(path, meta.line("source"), None, "translations.not-stamped",
                                                 f"this translation does not record which English text it was made "
                                                 f"from; {fix}"))
            report.pages.append(PageStatus(src_uri, "stale", meta.status, ()))
        elif meta.source != digest(sources[src_uri]):
            changed = changed_sections(meta, sources[src_uri])
            which = ", ".join(changed) if changed else "the page"
            stale_problems.append(Diagnostic(
                path, meta.line("source"), None, "translations.stale",
                f"the English page {docs_prefix}{src_uri} changed since this translation was made (changed: {which}); "
                f"update the translation, then {fix}"))
            report.pages.append(PageStatus(src_uri, "stale", meta.status, changed))
        else:
            report.pages.append(PageStatus(src_uri, "translated", meta.status))
        if left_out:
            report.left_out.append(translation_path(src_uri, language.locale))
            report.pages[-1].state = "draft-left-out" if report.pages[-1].state == "translated" else report.pages[-1].state
    return report


def compare_structure(source, translation, *, training: bool) -> list[Diagnostic]:
    """A translation's sections, their principle links and durations against its English page.

    ``source`` and ``translation`` are the coverage scan's ``PageScan`` of each; sections are matched by
    anchor. Every problem is at the translation's path and line."""
    found: list[Diagnostic] = []
    path = translation.path
    theirs = {s.anchor: s for s in translation.sections}
    ours = {s.anchor: s for s in source.sections}
    for index, s in enumerate(source.sections):
        t = theirs.get(s.anchor)
        if t is None:
            later = [theirs[x.anchor].line for x in source.sections[index + 1:] if x.anchor in theirs]
            line = later[0] if later else (translation.sections[-1].line if translation.sections else 1)
            found.append(Diagnostic(path, line, None, "translations.missing-section",
                                    f'the English section "{s.title}" ({source.path}:{s.line}) has no translation '
                                    f'here; translate it under a heading with its id, ## ... {{#{s.anchor}}}'))
            continue
        for pid in s.principles:
            if pid not in t.principles:
                found.append(Diagnostic(path, t.line, None, "translations.missing-link",
                                        f'section "{t.title}" does not link "{pid}", as its English section does '
                                        f"({source.path}:{s.line}); keep the same principle links in each section"))
        for pid in t.principles:
            if pid not in s.principles:
                found.append(Diagnostic(path, t.line, None, "translations.extra-link",
                                        f'section "{t.title}" links "{pid}", which its English section '
                                        f"({source.path}:{s.line}) does not; keep the same principle links"))
        if (s.exempt is None) != (t.exempt is None):
            found.append(Diagnostic(path, t.line, None, "translations.missing-link",
                                    f'section "{t.title}" is {"exempt" if t.exempt else "not exempt"} from the '
                                    f"principle rule but its English section is {'exempt' if s.exempt else 'not'}"))
        if training and (s.minutes, s.kind) != (t.minutes, t.kind):
            found.append(Diagnostic(path, t.line, None, "translations.duration-mismatch",
                                    f'section "{t.title}" lasts {t.minutes} minutes ({t.kind}) but its English '
                                    f"section lasts {s.minutes} ({s.kind}) ({source.path}:{s.line}); use the same "
                                    f"duration()"))
    for t in translation.sections:
        if t.anchor not in ours:
            found.append(Diagnostic(path, t.line, None, "translations.extra-section",
                                    f'section "{t.title}" (#{t.anchor}) matches no section of {source.path}; give '
                                    f"it the id of the English section it translates, ## ... {{#id}}"))
    if training and source.module and translation.module and source.module.duration != translation.module.duration:
        found.append(Diagnostic(path, translation.module.line, None, "translations.duration-mismatch",
                                f"the module lasts {translation.module.duration} minutes here but "
                                f"{source.module.duration} in English ({source.path})"))
    return found


# -- the principles in another language ----------------------------------------------------------------------
#: Keys of a principle (or the theme) in principles.<locale>.yaml. ``statement`` and ``facets`` are refused: they
#: are the paper's English words; a translation goes under the ``*_translation`` keys and is shown as ours.
PRINCIPLE_KEYS = ("title", "summary", "statement_translation", "facets_translation", "prompts", "indicators")
QUOTED_KEYS = ("statement", "facets")
#: The words around the principles that the renderers need in each language (English defaults).
WORDS = {
    "grounded_in": "Grounded in:",
    "principle": "Principle",
    "across_all": "Across all five:",
    "in_our_words": "In this handbook's words:",
    "our_translation": "This handbook's own translation, not the paper's words.",
    "english_original": "The English original (quoted from the paper)",
    # a principle's own page in another language (docs/principles/<id>.<locale>.md); {number} and {count} are filled
    "page_intro": "Principle {number} of {count}. Below is this handbook's own translation; the principle as the "
                  "paper words it, in English, is one click away.",
    "theme_intro": "The theme that runs through all {count} principles. Its name is the paper's; below is this "
                   "handbook's own translation, with the English one click away.",
    "the_principle": "The principle",
    "the_theme": "The theme",
    "not_a_sixth": "It is not a sixth principle. It is a way of reading each of the five:",
    "where_from": "Where it comes from",
    "codes": "The paper built the framework from codes found in a review of the literature and from an expert "
             "panel of people with lived experience. These are the codes this handbook reads alongside this "
             "principle (in English, as the paper names them):",
    "notice": "What you might notice",
    "notice_intro": "Written for this handbook: signs that this principle is alive in practice. They are prompts "
                    "for conversation, never scores.",
    "questions": "Questions for reflection",
    "questions_intro": "Written for this handbook, for each level of supervision.",
    "individual": "Individual supervision",
    "team": "Team supervision",
    "organisational": "Organisational supervision",
    "not_translated_yet": "Not translated yet: shown in English.",
    "links_in_english": "Where this is taught and supervised: the pages below are in English.",
    "source": "Source",
}


def principles_translation_path(locale: str) -> str:
    """``principles/principles.cy.yaml``: the principles' translation into one language, beside the English."""
    return f"principles/principles.{locale}.yaml"


@dataclass(frozen=True)
class FrameworkTranslation:
    """A language's principles file: the framework with translated titles and words, and its own status."""

    framework: Any
    words: Mapping[str, str]
    meta: TranslationMeta
    source: str


def load_principles_translation(root: Path, locale: str, framework) -> tuple[FrameworkTranslation | None,
                                                                                   list[Diagnostic]]:
    """Read principles/principles.<locale>.yaml over ``framework`` (None when there is none); a ``statement`` or
    ``facets`` key is refused (``translations.quoted-text``): the paper's words are never replaced by ours."""
    from dataclasses import replace

    display = principles_translation_path(locale)
    path = root / display
    if not path.exists():
        return None, []
    text = path.read_text(encoding="utf-8")
    doc, problems = load_yaml(text, display)
    found = [Diagnostic(display, p.line, p.column, "yaml.syntax" if p.code == "yaml.syntax" else p.code, p.message)
             for p in problems]
    if doc is None or not isinstance(doc.data, dict):
        return None, found + [Diagnostic(display, 1, None, "translations.bad-status",
                                         "the file must be a mapping with translation:, words: and principles:")]
    data = doc.data
    block = data.get("translation") if isinstance(data.get("translation"), dict) else {}
    lines = {"translation": doc.where(("translation",)).line}
    lines.update({k: doc.where(("translation", k)).line for k in block})
    meta = TranslationMeta(block.get("status"), block.get("reviewed_by"), bool(block.get("machine_assisted")),
                           block.get("source"), {}, lines)
    words = {**WORDS, **{k: str(v) for k, v in (data.get("words") or {}).items() if k in WORDS}}
    entries = data.get("principles") if isinstance(data.get("principles"), dict) else {}
    by_id = {p.id: p for p in framework.linkable}
    changed = {}
    for pid, entry in entries.items():
        where = doc.where(("principles", pid), key=True).line
        if pid not in by_id:
            found.append(Diagnostic(display, where, None, "principles.unknown-id",
                                    f'unknown principle id "{pid}"; {framework.suggest(str(pid))}'))
            continue
        if not isinstance(entry, dict):
            continue
        for key in entry:
            line = doc.where(("principles", pid, key), key=True).line
            if key in QUOTED_KEYS:
                found.append(Diagnostic(
                    display, line, None, "translations.quoted-text",
                    f'{pid}: "{key}" is the paper\'s English quotation and cannot be replaced by a translation; put '
                    f"this handbook's own translation under {key}_translation:, which pages show as ours, with the "
                    f"English original one click away"))
            elif key not in PRINCIPLE_KEYS:
                found.append(Diagnostic(display, line, None, "principles.unknown-field",
                                        f'{pid}: unknown field "{key}"; expected one of {", ".join(PRINCIPLE_KEYS)}'))
        p = by_id[pid]
        prompts = entry.get("prompts") if isinstance(entry.get("prompts"), dict) else {}
        changed[pid] = replace(
            p, title=str(entry.get("title") or p.title), summary=str(entry.get("summary") or p.summary),
            statement_translation=str(entry.get("statement_translation") or ""),
            facets_translation=tuple(str(f) for f in entry.get("facets_translation") or ()),
            prompts={level: tuple(prompts.get(level) or p.prompts[level]) for level in p.prompts},
            indicators=tuple(entry.get("indicators") or p.indicators))
    translated = replace(framework, principles=tuple(changed.get(p.id, p) for p in framework.principles),
                         theme=changed.get(framework.theme.id, framework.theme),
                         local_values=tuple(changed.get(p.id, p) for p in framework.local_values))
    return FrameworkTranslation(translated, words, meta, text), found
