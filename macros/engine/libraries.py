"""The installed versions of the libraries whose output ends up in what the project makes.

Caches key their entries by these (the course-pack cache, the Markdown memo), so that upgrading
a library never serves a file it would now make differently.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import metadata


def library_versions(names: Iterable[str]) -> list[str]:
    """``name==version`` for each library, or ``name missing`` when it is not installed."""
    out = []
    for name in names:
        try:
            out.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name} missing")
    return out


__all__ = ["library_versions"]
