"""Writing files safely: one atomic writer for every output the project makes.

Course packs, coverage reports and the course-pack cache are all written through ``write_atomic``:
a temporary file in the same folder, flushed and synced, then renamed into place. A failed or
interrupted write never leaves a half-written file and never loses the last good one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any, BinaryIO

__all__ = ["write_atomic", "write_bytes_atomic", "write_text_atomic"]


def _file_mode() -> int:
    """The mode a plain ``open()`` would give a new file (mkstemp makes them 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path: Path, write: Callable[[BinaryIO], Any]) -> None:
    """Write a file through ``write(handle)`` into a temporary file beside it, then rename it into place.

    If anything fails, the temporary file is removed and the previous file at ``path`` (the last
    good one) is left exactly as it was.
    """
    path = Path(path)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, _file_mode())
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
