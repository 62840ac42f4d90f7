"""The principles framework: its model, and the loader that validates principles.yaml.

Pure Python (no MkDocs). ``load_framework`` either returns a complete, valid ``Framework`` or
raises ``ProblemsFound`` listing every problem in the file, each as
``principles/principles.yaml:LINE:COL: message [code]``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from .diagnostics import Diagnostic, ProblemsFound, did_you_mean
from .strict_yaml import YamlDocument, load_yaml

#: The three supervision levels, in the order they are shown.
LEVELS: tuple[str, ...] = ("individual", "team", "organisational")

#: The schema sits beside principles.yaml in the project (not in the installed package): ``load_framework``
#: reads the one next to the file it loads; text parsed on its own uses this checkout's.
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "principles" / "schema.json"


#: The folder (under docs/) of the principle pages. ``principle_page`` and ``principle_of_page`` are the one
#: place that knows the URL scheme: every link, backlink, coverage count and course-pack anchor goes through them.
PRINCIPLES_FOLDER = "principles"


def principle_page(principle_id: str) -> str:
    """The docs-relative path of a principle's page: ``mutuality`` -> ``principles/mutuality.md``."""
    return f"{PRINCIPLES_FOLDER}/{principle_id}.md"


def principle_of_page(path: str) -> str | None:
    """The principle id a docs-relative page path names, known or not; None for any other page.

    Accepts the forms a link can take once resolved against its page: ``principles/mutuality.md``,
    ``principles/mutuality/``, ``principles/mutuality/index.md`` and ``principles/mutuality.html``.
    The overview (``principles/index.md``) is not a principle page.
    """
    folder, _, rest = path.partition("/")
    if folder != PRINCIPLES_FOLDER or not rest:
        return None
    for suffix in ("/index.md", ".md", ".html", "/"):
        if rest.endswith(suffix):
            rest = rest[: -len(suffix)]
            break
    if not rest or "/" in rest or rest == "index":
        return None
    return rest


@dataclass(frozen=True)
class Principle:
    """One principle of the framework, with this handbook's prompts and indicators."""

    id: str
    number: int
    title: str
    """Short title (this handbook's label)."""
    statement: str
    """The principle, quoted exactly."""
    facets: tuple[str, ...]
    keywords: tuple[str, ...]
    prompts: dict[str, tuple[str, ...]] = field(hash=False, compare=False)
    """Reflective prompts per supervision level (ours)."""
    indicators: tuple[str, ...] = ()
    """Practice indicators (ours)."""
    line: int = 0
    """Line in principles.yaml where the principle starts."""
    kind: str = "principle"
    """``principle``; ``theme`` for the theme that runs through every principle; ``local`` for a value a
    local variant adds (local/<name>/local.yml): the organisation's own, in its own words."""
    summary: str = ""
    """The theme's meaning in this handbook's words (empty for principles)."""
    statement_translation: str = field(default="", compare=False)
    """In another language's framework (``principles/principles.<locale>.yaml``): this handbook's own translation
    of the statement, always shown as such, with the English quotation (``statement``) one click away."""
    facets_translation: tuple[str, ...] = field(default=(), compare=False)
    """The same for the facets."""

    @property
    def is_theme(self) -> bool:
        """True for the cross-cutting theme."""
        return self.kind == "theme"

    @property
    def is_local(self) -> bool:
        """True for a local variant's own value."""
        return self.kind == "local"

    @property
    def label(self) -> str:
        """The label on chips and links to the page: "3. Mutuality and reciprocity", or the theme's or a local
        value's title."""
        return self.title if self.kind != "principle" else f"{self.number}. {self.title}"

    @property
    def src_uri(self) -> str:
        """The docs-relative path of the principle's page (see ``principle_page``)."""
        return principle_page(self.id)


@dataclass(frozen=True)
class Framework:
    """The whole framework: metadata, preamble, principles and the cross-cutting theme."""

    title: str
    version: str
    citation: str
    doi: str
    licence: str
    licence_url: str
    attribution: str
    preamble: str
    theme: Principle
    """The theme that runs through every principle (``kind == "theme"``); linked like a principle."""
    principles: tuple[Principle, ...]
    source: str = "principles/principles.yaml"
    local_values: tuple[Principle, ...] = ()
    """A local variant's own values (``kind == "local"``), linked like principles; none in the generic build."""
    organisation: str = ""
    """The name of the organisation whose variant this is ("" in the generic build)."""

    @property
    def ids(self) -> tuple[str, ...]:
        """Principle ids in framework order (the theme is not one of them)."""
        return tuple(p.id for p in self.principles)

    @property
    def linkable(self) -> tuple[Principle, ...]:
        """Everything a page can link with the principle macros: the principles, the theme, then any local values."""
        return self.principles + (self.theme,) + self.local_values

    @property
    def linkable_ids(self) -> tuple[str, ...]:
        """Ids of ``linkable``, in that order."""
        return tuple(p.id for p in self.linkable)

    @property
    def cross_cutting_title(self) -> str:
        """The theme as the paper words it (quoted)."""
        return self.theme.statement

    @property
    def cross_cutting_summary(self) -> str:
        """The theme in this handbook's words."""
        return self.theme.summary

    def get(self, principle_id: str) -> Principle | None:
        """The principle (or the theme) with this id, or None."""
        for principle in self.linkable:
            if principle.id == principle_id:
                return principle
        return None

    def suggest(self, bad_id: str) -> str:
        """A 'did you mean' hint for an unknown principle id."""
        return did_you_mean(bad_id, self.linkable_ids)

    @property
    def doi_url(self) -> str:
        """The DOI as a link."""
        return f"https://doi.org/{self.doi}"


@lru_cache(maxsize=4)
def _schema(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _describe(path: tuple) -> str:
    """A readable name for a place in the data: principles[2].title."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the file"


def _type_name(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "a yes/no value"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


_WANTED = {"string": "text", "integer": "a whole number", "array": "a list", "object": "a mapping of fields",
           "boolean": "true or false"}


def schema_problems(doc: YamlDocument, display_path: str, schema_path: Path = SCHEMA_PATH,
                    skip: tuple[tuple, ...] = ()) -> list[Diagnostic]:
    """Every schema violation (principles.yaml's schema by default), translated into a message a trainer
    can act on. Places under a path in ``skip`` are left out: the caller reports them better."""
    problems: list[Diagnostic] = []
    try:
        schema = _schema(schema_path)
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        return [Diagnostic(display_path, 1, 1, "principles.missing-file",
                           f"its schema {schema_path} cannot be read ({reason}); keep it in principles/, as in "
                           f"the repository")]
    validator = jsonschema.Draft202012Validator(schema)

    def at(path: tuple, code: str, message: str, *, key: bool = False) -> None:
        pos = doc.where(path, key=key)
        problems.append(Diagnostic(display_path, pos.line, pos.column, code, message))

    for error in validator.iter_errors(doc.data):
        path = tuple(error.absolute_path)
        if any(path[: len(a)] == a for a in doc.aliased):
            continue  # an alias, already reported as not allowed
        if any(path[: len(a)] == a for a in skip):
            continue
        name = _describe(path)
        kind = error.validator
        if kind == "required":
            missing = [k for k in error.validator_value if k not in error.instance]
            for key in missing:
                at(path, "principles.missing-field", f'{name} is missing "{key}"; add it')
        elif kind == "additionalProperties":
            allowed = list(error.schema.get("properties", {}))
            for key in sorted(k for k in error.instance if k not in allowed):
                at(path + (key,), "principles.unknown-field",
                   f'unknown field "{key}" in {name}; {did_you_mean(key, allowed)}', key=True)
        elif kind == "type":
            value = error.instance
            wanted = _WANTED.get(error.validator_value, error.validator_value)
            pos = doc.where(path)
            if value is None or value == [] or value == {}:
                at(path, "principles.empty-field", f"{name} is empty; write {wanted} here")
            elif pos.raw is not None and not pos.quoted and error.validator_value == "string":
                at(path, "principles.wrong-type",
                   f'{name} must be text, but {pos.raw} was read as {_type_name(value)} '
                   f'({json.dumps(value, default=str)}); put it in quotes: "{pos.raw}"')
            else:
                raw = pos.raw if pos.raw is not None else _type_name(value)
                at(path, "principles.wrong-type", f"{name} must be {wanted}, not {raw}")
        elif kind in ("minLength", "minItems") or (kind == "pattern" and error.validator_value == "\\S"):
            at(path, "principles.empty-field", f"{name} is empty; fill it in or remove it")
        elif kind == "pattern" and path and path[-1] == "id":
            at(path, "principles.bad-id",
               f'id "{error.instance}" is not a valid id; use lower-case letters, digits and single '
               f'hyphens, starting with a letter (for example "mutuality")')
        else:
            at(path, "principles.bad-value", f"{name}: {error.message}")
    return problems


def _identity_problems(data: dict, doc: YamlDocument, display_path: str) -> list[Diagnostic]:
    """Checks a schema cannot express: ids unique, numbers 1..N in order."""
    problems: list[Diagnostic] = []
    seen: dict[str, int] = {}
    items = data.get("principles") if isinstance(data.get("principles"), list) else []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        pid = item.get("id")
        if isinstance(pid, str):
            pos = doc.where(("principles", index, "id"))
            if pid in seen:
                problems.append(Diagnostic(display_path, pos.line, pos.column, "principles.duplicate-id",
                                           f'duplicate id "{pid}" (first used on line {seen[pid]}); '
                                           f'give each principle its own id'))
            else:
                seen[pid] = pos.line
        number = item.get("number")
        if isinstance(number, int) and not isinstance(number, bool) and number != index + 1:
            pos = doc.where(("principles", index, "number"))
            problems.append(Diagnostic(display_path, pos.line, pos.column, "principles.bad-number",
                                       f"principles[{index}] has number {number}, but it is principle "
                                       f"{index + 1} in the list; number them 1, 2, 3 ... in order"))
    theme = data.get("theme") if isinstance(data.get("theme"), dict) else {}
    theme_id = theme.get("id")
    if isinstance(theme_id, str) and theme_id in seen:
        pos = doc.where(("theme", "id"))
        problems.append(Diagnostic(display_path, pos.line, pos.column, "principles.duplicate-id",
                                   f'the theme\'s id "{theme_id}" is also a principle\'s id (line {seen[theme_id]}); '
                                   f'give the theme its own id, such as "diversity"'))
    return problems


def _build(data: dict, doc: YamlDocument, display_path: str) -> Framework:
    meta = data["framework"]
    principles = []
    for index, item in enumerate(data["principles"]):
        own = item["handbook_own"]
        principles.append(Principle(
            id=item["id"], number=item["number"], title=item["title"].strip(),
            statement=item["statement"].strip(), facets=tuple(f.strip() for f in item["facets"]),
            keywords=tuple(item["keywords"]),
            prompts={level: tuple(own["prompts"][level]) for level in LEVELS},
            indicators=tuple(own["indicators"]),
            line=doc.where(("principles", index)).line,
        ))
    return Framework(
        title=meta["title"], version=meta["version"], citation=" ".join(meta["citation"].split()),
        doi=meta["doi"], licence=meta["licence"], licence_url=meta["licence_url"],
        attribution=" ".join(meta["attribution"].split()), preamble=" ".join(meta["preamble"].split()),
        theme=_theme(data["theme"], doc), principles=tuple(principles), source=display_path,
    )


def _theme(item: dict, doc: YamlDocument) -> Principle:
    own = item["handbook_own"]
    return Principle(
        id=item["id"], number=0, title=item["title"].strip(), statement=item["statement"].strip(), facets=(),
        keywords=(), prompts={level: tuple(own["prompts"][level]) for level in LEVELS},
        indicators=tuple(own["indicators"]), line=doc.where(("theme",)).line, kind="theme",
        summary=" ".join(own["summary"].split()),
    )


def parse_framework(text: str, display_path: str = "principles/principles.yaml",
                    schema_path: Path = SCHEMA_PATH) -> Framework:
    """Validate YAML text against ``schema_path`` and build the framework, or raise ProblemsFound with every problem."""
    doc, problems = load_yaml(text, display_path)
    if doc is not None:
        if not isinstance(doc.data, dict):
            found = "empty" if doc.data is None else _type_name(doc.data)
            problems.append(Diagnostic(display_path, 1, 1, "principles.not-a-mapping",
                                       f"the file must be a mapping with framework, theme and "
                                       f"principles at the top level, but it is {found}"))
        else:
            problems += schema_problems(doc, display_path, schema_path)
            problems += _identity_problems(doc.data, doc, display_path)
    if problems:
        raise ProblemsFound(problems)
    return _build(doc.data, doc, display_path)


def load_framework(path: Path, display_path: str | None = None) -> Framework:
    """Read and validate principles.yaml, or raise ProblemsFound naming every problem."""
    display = display_path or path.as_posix()
    return parse_framework(read_source_file(path, display), display, path.parent / "schema.json")


def read_source_file(path: Path, display_path: str) -> str:
    """A hand-edited YAML source's text, or ProblemsFound naming the file when it is missing or unreadable."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProblemsFound([Diagnostic(display_path, 1, 1, "principles.missing-file",
                                        "file not found; create it or fix the path to it")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ProblemsFound([Diagnostic(display_path, 1, 1, "principles.missing-file",
                                        f"cannot read the file ({error}); check that it is UTF-8 text")]) from None


__all__ = ["LEVELS", "PRINCIPLES_FOLDER", "Framework", "Principle", "load_framework", "parse_framework",
           "principle_of_page", "principle_page"]
