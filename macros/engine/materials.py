"""Training materials: the cards, scripts, forms and card-sort decks that a module prints, with ids the build checks.

Each file ``principles/materials/*.yml`` (one per module or topic) lists materials under ``materials:``;
a page shows one with ``{{ material("crisis-scene-jo") }}``. Every material has a participant side (what
a trainee sees and takes away) and may have a facilitator side (guides and the materials pack only) and,
for a deck, one short text per card. A role-play card may also have the lines that only the person playing
a role sees (``player``: the materials pack and facilitator sides only, never a handout), and a card may have
the escalation rule printed on its back (``back: escalation``). Ids are unique across all files; every record remembers the file and
line it came from, so an unknown id, a duplicate or a material no page uses is reported at ``path:line``.
Pure Python: no MkDocs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic, ProblemsFound, did_you_mean
from .framework import read_source_file, schema_problems
from .strict_yaml import load_yaml

#: Where the materials live in the project: one YAML file per module or topic.
MATERIALS_FOLDER = "principles/materials"
#: Their schema, in the project's principles/ (the engine may be installed elsewhere).
SCHEMA_NAME = "materials.schema.json"
#: What a material can be, and what each is called in print.
KINDS: dict[str, str] = {"card": "Card", "script": "Script", "form": "Form", "deck": "Card deck"}
#: What a card can carry on its back, printed from the engine's own data (``back:``).
BACKS: dict[str, str] = {"escalation": "the three speeds"}
#: Words before the first colon of a title that name a kind: the kind is printed before the title already.
_KIND_WORDS = ("card", "cards", "deck", "sort", "form", "forms", "script", "scripts")
#: Text that would be read as a macro or Jinja if it reached a page: material texts are plain Markdown.
_MACRO_MARKERS = ("{{", "{%", "{#")


@dataclass(frozen=True)
class Player:
    """The lines of one role in a role play, which only the person playing it sees."""

    role: str
    """Who they play, as in "For the person playing Jo only"."""
    lines: str
    """Markdown: what they say, and when."""

    @property
    def label(self) -> str:
        """'For the person playing Jo only'."""
        return f"For the person playing {self.role} only"


@dataclass(frozen=True)
class Material:
    """One card, script, form or deck."""

    id: str
    title: str
    kind: str
    """card, script, form or deck (``KINDS``)."""
    participant: str
    """Markdown: the side a trainee sees and takes away."""
    facilitator: str = ""
    """Markdown: the facilitator-only side (empty when there is none). Never in a participant handout."""
    cards: tuple[str, ...] = ()
    """For a deck: one short Markdown text per card."""
    players: tuple[Player, ...] = ()
    """The lines only the person playing each role sees: the materials pack and facilitator sides, never handouts."""
    back: str = ""
    """What a card carries on its back (a key of ``BACKS``), or empty."""
    path: str = ""
    """The YAML file it comes from, from the repository root."""
    line: int = 0
    """The line in that file where its entry starts."""

    @property
    def kind_label(self) -> str:
        """'Card', 'Script', 'Form' or 'Card deck'."""
        return KINDS[self.kind]

    @property
    def where(self) -> str:
        """``path:line`` of its entry, for messages."""
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Materials:
    """Every material of the project, in file order then entry order."""

    items: tuple[Material, ...] = ()
    folder: str = MATERIALS_FOLDER

    @property
    def ids(self) -> tuple[str, ...]:
        """Material ids in order."""
        return tuple(m.id for m in self.items)

    def get(self, material_id: str) -> Material | None:
        """The material with this id, or None."""
        return next((m for m in self.items if m.id == material_id), None)

    def suggest(self, bad_id: str) -> str:
        """A 'did you mean' hint for an unknown id (or where materials are kept, when there are none)."""
        if not self.items:
            return f"there are no materials yet: add them to a YAML file in {self.folder}/"
        return did_you_mean(bad_id, self.ids)

    def unused(self, used: Iterable[str]) -> list[Diagnostic]:
        """A warning for each material that no page shows, at its entry in the YAML."""
        seen = set(used)
        return [Diagnostic(m.path, m.line, None, "materials.unused",
                           f'material "{m.id}" is not used on any page; show it with {{{{ material("{m.id}") }}}} '
                           f"where it is taught, or remove it")
                for m in self.items if m.id not in seen]


def parse_materials(text: str, display_path: str, schema_path: Path) -> tuple[list[Material], list[Diagnostic]]:
    """Read one materials file's YAML text: its materials and every problem (schema, text, ids within the file)."""
    doc, problems = load_yaml(text, display_path)
    if doc is None:
        return [], problems
    if not isinstance(doc.data, dict):
        problems.append(Diagnostic(display_path, 1, 1, "principles.not-a-mapping",
                                   "the file must be a mapping with materials: at the top level"))
        return [], problems
    problems += schema_problems(doc, display_path, schema_path)
    if problems:
        return [], problems
    found = []
    for index, item in enumerate(doc.data["materials"]):
        kind = item["kind"]
        cards = tuple(item.get("cards") or ())
        if cards and kind != "deck":
            pos = doc.where(("materials", index, "cards"), key=True)
            problems.append(Diagnostic(display_path, pos.line, pos.column, "materials.bad-value",
                                       f'material "{item["id"]}" is a {kind}, and only a deck has cards; write '
                                       f"kind: deck, or put the text in participant"))
        if item.get("back") and kind != "card":
            pos = doc.where(("materials", index, "back"), key=True)
            problems.append(Diagnostic(display_path, pos.line, pos.column, "materials.bad-value",
                                       f'material "{item["id"]}" is a {kind}, and only a card has a back; write '
                                       f"kind: card, or leave out back"))
        title = " ".join(item["title"].split())
        before, colon, _ = title.partition(":")
        if colon and before.split()[-1].lower() in _KIND_WORDS:
            pos = doc.where(("materials", index, "title"))
            problems.append(Diagnostic(display_path, pos.line, pos.column, "materials.bad-value",
                                       f'the title of material "{item["id"]}" starts with "{before}:", but its kind '
                                       f'({KINDS[kind]}) is printed before the title already; leave "{before}:" out'))
        texts = [(("participant",), item.get("participant")), (("facilitator",), item.get("facilitator"))]
        texts += [(("cards", n), card) for n, card in enumerate(item.get("cards") or [])]
        texts += [(("player", n, "lines"), p["lines"]) for n, p in enumerate(item.get("player") or [])]
        for where, value in texts:
            marker = next((m for m in _MACRO_MARKERS if value and m in value), None)
            if marker is None:
                continue
            pos = doc.where(("materials", index, *where))
            problems.append(Diagnostic(display_path, pos.line, pos.column, "materials.bad-value",
                                       f'the {where[0]} text of material "{item["id"]}" holds "{marker}": '
                                       f"material texts are plain Markdown, so macros do not run in them; "
                                       f"write it out, or put it in backticks"))
        players = tuple(Player(" ".join(p["role"].split()), p["lines"].strip()) for p in item.get("player") or ())
        found.append(Material(item["id"], title, kind, item["participant"].strip(),
                              (item.get("facilitator") or "").strip(), tuple(c.strip() for c in cards),
                              players, item.get("back") or "", display_path, doc.where(("materials", index)).line))
    return found, problems


def load_materials(root: Path, folder: str = MATERIALS_FOLDER) -> Materials:
    """Read and validate every ``*.yml`` in the materials folder (none, or no folder: no materials).

    Raises ProblemsFound with every problem of every file, including an id used twice across files.
    """
    directory = root / folder
    schema_path = root / Path(folder).parent / SCHEMA_NAME
    files = sorted(directory.glob("*.yml")) + sorted(directory.glob("*.yaml")) if directory.is_dir() else []
    problems: list[Diagnostic] = []
    items: list[Material] = []
    for path in sorted(files):
        display = f"{folder}/{path.name}"
        try:
            found, wrong = parse_materials(read_source_file(path, display), display, schema_path)
        except ProblemsFound as error:
            problems += error.diagnostics
            continue
        items += found
        problems += wrong
    problems += duplicate_problems(items)
    if problems:
        raise ProblemsFound(problems)
    return Materials(tuple(items), folder)


def duplicate_problems(items: Sequence[Material]) -> list[Diagnostic]:
    """An error at every entry whose id an earlier entry (in any file) already has."""
    first: dict[str, Material] = {}
    problems = []
    for m in items:
        if m.id in first:
            earlier = first[m.id]
            problems.append(Diagnostic(m.path, m.line, None, "materials.duplicate-id",
                                       f'material id "{m.id}" is already used at {earlier.where}; ids are unique '
                                       f"across every file in {MATERIALS_FOLDER}/: rename one of them"))
        first.setdefault(m.id, m)
    return problems


__all__ = ["BACKS", "KINDS", "MATERIALS_FOLDER", "SCHEMA_NAME", "Material", "Materials", "Player", "duplicate_problems",
           "load_materials", "parse_materials"]
