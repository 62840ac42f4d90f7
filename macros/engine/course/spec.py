"""What one course-pack file is: its name, label, kind, format and audience (shared by every part of the course)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .modules import ModulePage

__all__ = ["PackSpec"]


@dataclass(frozen=True)
class PackSpec:
    """One file to make."""

    name: str
    """File name in the output folder."""
    label: str
    """What it is, for people: 'Facilitator guide (PDF)'."""
    kind: str
    """module, materials (a module's cards and forms to print), programme, checklist or review (the service
    review kit)."""
    format: str
    audience: str | None = None
    page: ModulePage | None = None
    large_print: bool = False
    """A materials pack in large print."""

    @property
    def joined(self) -> bool:
        """Is it joined from packs made before it (the programme guide), rather than laid out alone?"""
        return self.kind == "programme"
