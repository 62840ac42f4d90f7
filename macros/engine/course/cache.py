"""The course-pack cache: a pack is remade only when something it is made from has changed.

A pack's key is a SHA-256 over everything it depends on: the code (every engine module and the
versions of the libraries that write the files), the stylesheet and fonts in ``assets/``, the
principles folder, the settings in mkdocs.yml (programme name, ``extra`` with the help lines
and the values pages may use), the version printed on the packs, the title of every page (links
to pages outside a pack name them), the files in the docs folder that are not pages (pictures),
and the Markdown of the module pages in the pack. The key is worked out from the sources alone,
without laying anything out, so a run where nothing changed costs little more than reading them.

Each entry is one file, ``<pack name>.<key>.pack``: a JSON header line (key, size, SHA-256 of the
content, page count, warnings) and then the file's bytes. An entry is checked before it is
served: a wrong key, size or checksum (a corrupt or stale entry) is removed and the pack is
remade. Entries are written atomically; the temporary file of an interrupted write is removed
when the cache is next opened. The few newest entries of each pack are kept.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..files import write_bytes_atomic
from ..libraries import library_versions
from .pdf_writer import ASSETS
from .rendering import PROGRAMME_FRONT, FrontPages, Made, PackSpec

#: Where the cache lives in the project (git ignores it).
CACHE_FOLDER = ".cache/course-packs"
#: The libraries whose version changes the files.
LIBRARIES = ("weasyprint", "pydyf", "pikepdf", "python-docx", "markdown", "pymdown-extensions", "fonttools")
#: Entries kept per pack (older ones go when a new one is written).
KEEP_PER_PACK = 2
ENGINE = Path(__file__).resolve().parents[2]


def _digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def folder_digest(folder: Path, keep=lambda path: True) -> str:
    """A digest of every file's path and content under ``folder`` (none: the empty digest)."""
    parts: list[bytes | str] = []
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            if keep(path):
                parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return _digest(*parts)


def code_version() -> str:
    """The engine's code (every module under macros/) and the versions of the libraries that write packs."""
    return _digest(folder_digest(ENGINE, lambda p: p.suffix == ".py"), *library_versions(LIBRARIES))


@dataclass(frozen=True)
class KeyInputs:
    """What every pack of a run shares, besides its own module pages."""

    programme: str
    settings: Mapping[str, Any]
    """``extra`` from mkdocs.yml: the help lines, course-pack settings and the values pages may use."""
    version_label: str
    version_date: datetime | None
    titles: Mapping[str, str]
    """Every page's title by source path."""
    docs_dir: Path
    principles_dir: Path
    assets_dir: Path | None = None
    """The stylesheet and fonts (default: the shipped ``assets/``)."""


class PackKeys:
    """The cache key of each pack of one run."""

    def __init__(self, inputs: KeyInputs, source: callable, code: str | None = None):
        self.source = source
        settings = json.dumps({"programme": inputs.programme, "extra": inputs.settings, "titles": inputs.titles,
                               "version": [inputs.version_label, str(inputs.version_date)]},
                              sort_keys=True, default=str)
        self.common = _digest(code if code is not None else code_version(),
                              folder_digest(inputs.assets_dir or ASSETS),
                              folder_digest(inputs.principles_dir),
                              folder_digest(inputs.docs_dir, lambda p: p.suffix != ".md"),
                              settings)

    def key(self, spec: PackSpec, pages: Sequence) -> str:
        """The key of one pack made from these module pages (none for the checklist)."""
        parts = [self.common, spec.name, spec.kind, spec.format, spec.audience or ""]
        for page in pages:
            parts += [page.src_uri, self.source(page.src_uri)]
        return _digest(*parts)


class CorruptEntry(Exception):
    """A cache entry that does not hold what its header says."""


class PackCache:
    """The cache folder: entries read back only after they are checked."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        for leftover in self.folder.glob(".*.part"):  # an interrupted write
            with suppress(OSError):
                leftover.unlink()
        self.discarded: list[str] = []
        """Entries found corrupt or stale in this run, and removed."""

    def _path(self, name: str, key: str) -> Path:
        return self.folder / f"{name}.{key}.pack"

    def get(self, spec: PackSpec, key: str) -> Made | None:
        """The cached file for this key, checked; None when there is none (a bad entry is removed)."""
        path = self._path(spec.name, key)
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        try:
            return self._check(spec, key, raw)
        except CorruptEntry as error:
            self.discarded.append(f"{path.name}: {error}")
            with suppress(OSError):
                path.unlink()
            return None

    @staticmethod
    def _check(spec: PackSpec, key: str, raw: bytes) -> Made:
        head, newline, data = raw.partition(b"\n")
        if not newline:
            raise CorruptEntry("no header")
        try:
            header = json.loads(head)
            ok = (header["key"] == key and header["name"] == spec.name and header["size"] == len(data)
                  and header["sha256"] == hashlib.sha256(data).hexdigest())
            pages, warnings = header["pages"], tuple(header["warnings"])
        except (ValueError, KeyError, TypeError):
            raise CorruptEntry("unreadable header") from None
        if not ok:
            raise CorruptEntry("its content does not match its header (stale or damaged)")
        return Made(spec, data, pages, warnings)

    def put(self, key: str, made: Made) -> None:
        """Store a file just made; a cache that cannot be written only costs time (OSError is ignored)."""
        header = {"key": key, "name": made.spec.name, "size": len(made.data),
                  "sha256": hashlib.sha256(made.data).hexdigest(), "pages": made.pages,
                  "warnings": list(made.warnings)}
        path = self._path(made.spec.name, key)
        try:
            write_bytes_atomic(path, json.dumps(header, sort_keys=True).encode("utf-8") + b"\n" + made.data)
            self._prune(made.spec.name, keep=path)
        except OSError:
            pass

    def _prune(self, name: str, keep: Path) -> None:
        entries = [p for p in self.folder.glob(f"{name}.*.pack") if len(p.name) == len(keep.name)]
        entries.sort(key=lambda p: (p != keep, -p.stat().st_mtime_ns))
        for old in entries[KEEP_PER_PACK:]:
            with suppress(OSError):
                old.unlink()


class CachedFrontPages(FrontPages):
    """The programme guide's front pages in the pack cache, keyed by the run's common key and their HTML."""

    def __init__(self, cache: PackCache, keys: PackKeys, *, read: bool = True):
        self.cache, self.keys, self.read = cache, keys, read

    def _key(self, html: str) -> str:
        return _digest(self.keys.common, PROGRAMME_FRONT.name, html)

    def get(self, html: str) -> Made | None:
        return self.cache.get(PROGRAMME_FRONT, self._key(html)) if self.read else None

    def put(self, html: str, made: Made) -> None:
        self.cache.put(self._key(html), made)


def pages_of(spec: PackSpec, module_pages: Iterable) -> list:
    """The module pages a pack is made from: its own, every one (the programme guide), or none."""
    if spec.kind in ("module", "materials"):  # a materials pack: the materials its page shows
        return [spec.page]
    if spec.kind == "programme":
        return [p for p in module_pages if p.module is not None]
    return []


__all__ = ["CACHE_FOLDER", "CachedFrontPages", "CorruptEntry", "KeyInputs", "PackCache", "PackKeys", "code_version",
           "folder_digest", "pages_of"]
