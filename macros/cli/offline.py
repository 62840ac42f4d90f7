"""Build the offline copy of the handbook: a zip that works from file://, search included.

Usage: python scripts/build_offline.py [--output site-offline.zip] [--folder NAME] [--root DIR]

Site-generator glue, but it imports nothing from MkDocs: it runs `mkdocs build --strict` in a fresh
process with OFFLINE=true (which turns on Material's offline plugin in
mkdocs.yml: plain .html links instead of directory URLs, and a search index that loads without
a server), then zips the result. Readers unzip it and open NAME/index.html in a browser.

Exit codes: 0 written, 1 the build failed, 2 the zip could not be written.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from ..engine.files import write_atomic

__all__ = ["build", "LEFT_OUT_PATHS", "LEFT_OUT_SUFFIXES", "main", "parse_args", "write_zip", "ZIP_TIME"]


#: What the offline copy leaves out: source maps (only developer tools read them; over 1 MB each)
#: and the 404 page (only a web server shows it; its links are absolute, for any address).
LEFT_OUT_SUFFIXES = (".map",)
LEFT_OUT_PATHS = frozenset({"404.html"})

#: A fixed timestamp for every entry, so the same sources always give the same zip.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="build_offline.py", description="Build the offline copy of the handbook as a zip.")
    parser.add_argument("--output", metavar="PATH", default="site-offline.zip",
                        help="where to write the zip (default: site-offline.zip)")
    parser.add_argument("--folder", metavar="NAME", default="handbook",
                        help="the folder the zip unpacks into (default: handbook)")
    parser.add_argument("--root", metavar="DIR", default=".",
                        help="the project folder holding mkdocs.yml (default: the current folder)")
    return parser.parse_args(argv)


def build(root: Path, site_dir: Path) -> int:
    """Build the offline site in a fresh process (mkdocs-macros caches its module per process)."""
    env = {**os.environ, "OFFLINE": "true", "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site_dir)]
    return subprocess.run(command, cwd=root, env=env).returncode


def write_zip(site_dir: Path, output: Path, folder: str) -> int:
    """Zip `site_dir` into `output` under `folder/`, in a stable order; return the number of files."""
    files = sorted(p for p in site_dir.rglob("*") if p.is_file() and not p.name.endswith(LEFT_OUT_SUFFIXES)
                   and p.relative_to(site_dir).as_posix() not in LEFT_OUT_PATHS)
    output.parent.mkdir(parents=True, exist_ok=True)

    def write(handle) -> None:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            for path in files:
                entry = zipfile.ZipInfo(f"{folder}/{path.relative_to(site_dir).as_posix()}", date_time=ZIP_TIME)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o644 << 16
                archive.writestr(entry, path.read_bytes())

    write_atomic(output, write)
    return len(files)


def main(argv: list[str] | None = None) -> int:
    """Build, check the offline search index is there, zip; return the exit code."""
    args = parse_args(argv)
    root, output = Path(args.root), Path(args.output)
    with tempfile.TemporaryDirectory(prefix="handbook-offline-") as temporary:
        site_dir = Path(temporary) / "site"
        code = build(root, site_dir)
        if code != 0:
            print(f"{root / 'mkdocs.yml'}: the offline build failed (mkdocs exited {code}); "
                  f"fix the problems listed above", file=sys.stderr)
            return 1
        if not (site_dir / "search" / "search_index.js").is_file():
            print(f"{root / 'mkdocs.yml'}: the build has no search/search_index.js, so search would not work "
                  f"offline; keep `- offline: enabled: !ENV [OFFLINE, false]` after `- search` in plugins",
                  file=sys.stderr)
            return 1
        try:
            count = write_zip(site_dir, output, args.folder)
        except OSError as error:
            print(f"{output}: cannot write the zip ({error.strerror}); choose another --output", file=sys.stderr)
            return 2
    print(f"{output}: {count} files; unzip it and open {args.folder}/index.html")
    return 0

