"""The slot catalogue: the places in the core pages where each service's own facts belong.

A core page marks a slot with ``{{ local("lone-working") }}``. ``principles/slots.yml`` declares every
slot once (id, what the service adds, what for, whether a published variant must fill it). The generic
handbook shows a marked box in each slot; a local variant fills it from its ``local.yml``. Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic, ProblemsFound, did_you_mean
from .framework import read_source_file, schema_problems
from .strict_yaml import load_yaml

__all__ = ["load_slots", "parse_slots", "SCHEMA_NAME", "Slot", "SlotCatalogue", "SLOTS_FILE"]

SLOTS_FILE = "principles/slots.yml"
#: The catalogue's schema, beside it in the project's principles/ (the engine may be installed elsewhere).
SCHEMA_NAME = "slots.schema.json"


@dataclass(frozen=True)
class Slot:
    """One place where a service adds its own text."""

    id: str
    what: str
    """Finishes "Your service adds ... here": "its lone-working procedure"."""
    purpose: str
    """What the local text should cover."""
    required: bool
    line: int = 0
    """Line in slots.yml where the slot starts."""


@dataclass(frozen=True)
class SlotCatalogue:
    """Every slot, in the catalogue's order."""

    slots: tuple[Slot, ...] = ()
    source: str = SLOTS_FILE

    @property
    def ids(self) -> tuple[str, ...]:
        """Slot ids in catalogue order."""
        return tuple(s.id for s in self.slots)

    def get(self, slot_id: str) -> Slot | None:
        """The slot with this id, or None."""
        return next((s for s in self.slots if s.id == slot_id), None)

    def suggest(self, bad_id: str) -> str:
        """A 'did you mean' hint for an unknown slot id."""
        return did_you_mean(bad_id, self.ids)



def parse_slots(text: str, display_path: str = SLOTS_FILE, schema_path: Path | None = None) -> SlotCatalogue:
    """Validate the catalogue's YAML text; raise ProblemsFound with every problem."""
    doc, problems = load_yaml(text, display_path)
    if doc is not None:
        if not isinstance(doc.data, dict):
            problems.append(Diagnostic(display_path, 1, 1, "principles.not-a-mapping",
                                       "the file must be a mapping with slots: at the top level"))
        else:
            problems += schema_problems(doc, display_path, schema_path or Path(display_path).parent / SCHEMA_NAME)
    if problems:
        raise ProblemsFound(problems)
    slots, seen = [], {}
    for index, item in enumerate(doc.data["slots"]):
        pos = doc.where(("slots", index, "id"))
        if item["id"] in seen:
            problems.append(Diagnostic(display_path, pos.line, pos.column, "principles.duplicate-id",
                                       f'duplicate slot id "{item["id"]}" (first on line {seen[item["id"]]}); '
                                       f"give each slot its own id"))
        seen.setdefault(item["id"], pos.line)
        slots.append(Slot(item["id"], " ".join(item["what"].split()), " ".join(item["purpose"].split()),
                          item["required"], doc.where(("slots", index)).line))
    if problems:
        raise ProblemsFound(problems)
    return SlotCatalogue(tuple(slots), display_path)


def load_slots(path: Path, display_path: str = SLOTS_FILE) -> SlotCatalogue:
    """Read and validate the slot catalogue, or raise ProblemsFound naming every problem."""
    return parse_slots(read_source_file(path, display_path), display_path, path.parent / SCHEMA_NAME)
