"""Writing files safely: one atomic writer for every output the project makes.

Course packs, coverage reports and the course-pack cache are all written through ``write_atomic``:
a temporary file in the same folder, flushed and synced, then renamed into place. A failed or
interrupted write never leaves a half-written file and never loses the last good one.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any, BinaryIO

__all__ = ["write_atomic", "write_bytes_atomic", "write_text_atomic"]


def _temporary_beside(path: Path) -> tuple[int, str]:
    """A new, empty temporary file beside ``path``, with the mode a plain ``open()`` would give it.

    The kernel applies the process's umask to the 0o666 asked for here, so the umask is never read or
    changed (``os.umask`` sets it for the whole process: not safe under ``mkdocs serve`` or threads).
    """
    for _ in range(100):
        name = str(path.parent / f".{path.name}.{secrets.token_hex(6)}.part")
        try:
            return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666), name
        except FileExistsError:
            continue
    raise FileExistsError(f"{path.parent}: no free temporary file name")


def write_atomic(path: Path, write: Callable[[BinaryIO], Any]) -> None:
    """Write a file through ``write(handle)`` into a temporary file beside it, then rename it into place.

    If anything fails, the temporary file is removed and the previous file at ``path`` (the last
    good one) is left exactly as it was.
    """
    path = Path(path)
    fd, temporary = _temporary_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write bytes atomically (see ``write_atomic``)."""
    write_atomic(path, lambda handle: handle.write(data))


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text atomically (see ``write_atomic``)."""
    write_bytes_atomic(path, text.encode("utf-8"))
