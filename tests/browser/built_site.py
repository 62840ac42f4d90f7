"""Build the handbook (or a variant of it) into a folder, list its pages, and serve it on 127.0.0.1.

Every build runs `mkdocs build --strict` in a fresh process: mkdocs-macros imports the `macros`
package once per process, so two builds in one process would share the first build's module.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Where the suite saves screenshots for people to look at (git-ignored: test-artifacts/).
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

#: What a copy of the project needs in order to build (see `copy_project`).
PROJECT_PARTS = ("mkdocs.yml", "docs", "macros", "overrides", "principles")


class BuildError(AssertionError):
    """`mkdocs build --strict` failed; the message holds its output."""


def build_site(project: Path, site_dir: Path, **env: str) -> Path:
    """Build `project` into `site_dir` with `mkdocs build --strict`, in a fresh process."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site_dir)],
        cwd=project, capture_output=True, text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
    )
    if result.returncode != 0:
        raise BuildError(f"{project / 'mkdocs.yml'}: mkdocs build --strict failed "
                         f"(exit {result.returncode}):\n{result.stdout}{result.stderr}")
    return site_dir


def copy_project(destination: Path) -> Path:
    """Copy what the site is built from into `destination`, to inject a regression into the copy."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, destination / part, ignore=ignore)
        else:
            destination.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / part)
    return destination


def page_paths(site_dir: Path) -> list[str]:
    """Every HTML page of a built site, as URL paths relative to its root ("" is the home page).

    Read from the built files, not from the nav or the sitemap (which is empty without a
    site_url), so a page nobody listed is still visited.
    """
    paths = []
    for html in sorted(site_dir.rglob("*.html")):
        relative = html.relative_to(site_dir).as_posix()
        if relative == "index.html":
            relative = ""
        elif relative.endswith("/index.html"):
            relative = relative.removesuffix("index.html")
        paths.append(relative)
    return paths


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files without logging every request to stderr."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


@contextlib.contextmanager
def serve(site_dir: Path) -> Iterator[str]:
    """Serve `site_dir` on 127.0.0.1 (a free port) in a thread; yield its base URL, ending in "/"."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=f"serve {site_dir}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
