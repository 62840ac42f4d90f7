"""The version printed on every pack: the git commit of the sources, or the day of the newest one.

In a git checkout, the first local edit after a commit (``abc1234 with local edits``) and each new
commit change the version on every pack, so every pack is made once more; further edits remake
only the packs whose sources changed.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path


@dataclass(frozen=True)
class Version:
    """The version printed on every pack: the same text for the same sources."""

    label: str
    date: datetime | None = None


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def source_version(root: Path, source_dirs: Sequence[Path]) -> Version:
    """The git commit (marked when the sources have local edits), or else the date of the newest source."""
    root = root.resolve()
    top = _git(root, "rev-parse", "--show-toplevel")
    if top and Path(top).resolve() == root:
        commit = _git(root, "rev-parse", "--short", "HEAD")
        if commit:
            rel = [str(d.resolve().relative_to(root)) for d in source_dirs if d.resolve().is_relative_to(root)]
            dirty = _git(root, "status", "--porcelain", "--", *rel)
            stamp = _git(root, "log", "-1", "--format=%cI")
            date = datetime.fromisoformat(stamp) if stamp else None
            if dirty:
                return Version(f"{commit} with local edits", date)
            return Version(commit, date)
    newest = 0.0
    for folder in source_dirs:
        for path in folder.rglob("*"):
            if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts):
                newest = max(newest, path.stat().st_mtime)
    if not newest:
        return Version("unversioned")
    # the day, like the label: an edit later the same day leaves every other pack as it was (and cached)
    date = datetime.fromtimestamp(newest, tz=timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    return Version(f"sources of {date:%d %B %Y}".replace(" 0", " "), date)


__all__ = ["Version", "source_version"]
