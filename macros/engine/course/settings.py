"""Course-pack settings, the names of what can be made, and the errors every course-pack step reports.

Kept light (no Markdown, no PDF or Word code) so that a site build with publishing off (the
default) reads its settings without loading the code that makes PDFs and Word files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: Who a module pack is for.
AUDIENCES: tuple[str, ...] = ("facilitator", "participant")
#: The file formats a pack is made in (not the coverage report formats).
PACK_FORMATS: tuple[str, ...] = ("pdf", "docx")
#: How each pack format is named for people.
PACK_FORMAT_LABELS: dict[str, str] = {"pdf": "PDF", "docx": "Word"}


class CourseError(Exception):
    """A mistake in how the packs were asked for (an unknown module, an unusable folder): one line."""


class PackError(Exception):
    """A pack file could not be made (PDF or DOCX); the message says why in one line."""


@dataclass(frozen=True)
class PublishSettings:
    """``extra.course_packs`` in mkdocs.yml."""

    publish: bool = False
    """Build the packs with the site, under downloads/, and link them from each module page."""
    folder: str = "downloads"
    """Where the packs go in the built site."""

    @classmethod
    def from_extra(cls, extra: Mapping[str, Any]) -> PublishSettings:
        """Validate the settings; raise CourseError naming the wrong field."""
        raw = extra.get("course_packs")
        if raw is None:
            return cls()
        if not isinstance(raw, dict):
            raise CourseError("mkdocs.yml: extra.course_packs must be a mapping, for example `publish: true`")
        unknown = sorted(set(raw) - {"publish", "folder"})
        if unknown:
            raise CourseError(f"mkdocs.yml: unknown field extra.course_packs.{unknown[0]}; use publish or folder")
        publish = raw.get("publish", False)
        if not isinstance(publish, bool):
            raise CourseError(f"mkdocs.yml: extra.course_packs.publish must be true or false, not {publish!r}")
        folder = raw.get("folder", "downloads")
        if not isinstance(folder, str) or not folder.strip("/") or ".." in folder.split("/"):
            raise CourseError("mkdocs.yml: extra.course_packs.folder must be a folder name inside the site")
        return cls(publish, folder.strip("/"))


__all__ = ["AUDIENCES", "PACK_FORMATS", "PACK_FORMAT_LABELS", "CourseError", "PackError", "PublishSettings"]
