"""Shared fixtures: tiny sites built in temporary folders, and the real site built once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

MINIMAL_MKDOCS = """\
site_name: Test site
strict: true
theme:
  name: material
  custom_dir: overrides
  font: false
  language: en
hooks:
  - overrides/.hooks/principles.py
plugins:
  - search
  - macros:
      module_name: macros
      on_error_fail: true
      on_undefined: strict
validation:
  omitted_files: warn
  absolute_links: warn
  unrecognized_links: warn
  anchors: warn
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
"""


class TinySite:
    """A throwaway project: the real engine, framework and theme, with your own docs."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, relative: str, content: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content), encoding="utf-8")
        return path

    def build(self, *extra: str) -> subprocess.CompletedProcess:
        """Run `mkdocs build --strict` in a fresh process (mkdocs-macros caches its module per process)."""
        return subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(self.root / "site"), *extra],
            cwd=self.root, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )

    def check(self, *args: str) -> subprocess.CompletedProcess:
        """Run the coverage CLI against this site."""
        # the project's own copy of the engine first: an editable install elsewhere must not answer for it
        return subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "check_coverage.py"), "--root", str(self.root), *args],
            cwd=self.root, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(self.root)},
        )

    def html(self, relative: str) -> str:
        return (self.root / "site" / relative).read_text(encoding="utf-8")


SUPERVISION_ALL = """\
# {title}

## Reflection

{{{{ prompts("{level}") }}}}
"""


TAUGHT_ALL = """\
# All principles

## Everything at once

{{ principles("relationships", "mutuality", "experiential-knowledge", "leadership-choice-control", "strengths-connections") }}
"""


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The real handbook, built once per test session with `mkdocs build --strict`."""
    out = tmp_path_factory.mktemp("real-site")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
                            cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture
def make_site(tmp_path: Path):
    """make_site(files={...}, mkdocs=None, supervision=True) -> TinySite using the real engine and theme."""

    def factory(files: dict[str, str], mkdocs: str | None = None, supervision: bool = True,
                framework: str | None = None, settings: str | None = None, taught: bool = True,
                root: Path | None = None, safety_pages: tuple[str, ...] = ()) -> TinySite:
        root = (root or tmp_path) / "project"
        root.mkdir()
        shutil.copytree(ROOT / "macros", root / "macros", ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(ROOT / "overrides", root / "overrides", ignore=shutil.ignore_patterns("__pycache__"))
        # the real training materials stay out: a tiny site's pages use none of them (each would be "unused")
        shutil.copytree(ROOT / "principles", root / "principles", ignore=shutil.ignore_patterns("materials"))
        # the real safety pages are the real handbook's: a tiny site lists only the ones a test names
        safety = root / "principles" / "safety.yml"
        text = safety.read_text(encoding="utf-8")
        listed = "".join(f"  - {page}\n" for page in safety_pages)
        safety.write_text(text[: text.index("\npages:\n")] + ("\npages:\n" + listed if listed else "\npages: []\n"),
                          encoding="utf-8")
        site = TinySite(root)
        site.write("mkdocs.yml", mkdocs or MINIMAL_MKDOCS)
        if framework is not None:
            site.write("principles/principles.yaml", framework)
        if settings is not None:
            site.write("principles/coverage.yaml", settings)
        site.write("docs/index.md", "# Home\n\nWelcome.\n")
        if supervision:
            for level in ("individual", "team", "organisational"):
                site.write(f"docs/supervision/{level}.md", SUPERVISION_ALL.format(title=level.title(), level=level))
        if taught:  # one training page teaching every principle, so the site-wide rules pass
            site.write("docs/training/all.md", TAUGHT_ALL)
        for relative, content in files.items():
            site.write(relative, content)
        write_principle_stubs(root, keep=files)
        return site

    return factory


def write_principle_stubs(root: Path, keep=()) -> None:
    """Write the principle pages' stubs a project commits (scripts/write_principle_pages.py), except those in ``keep``.

    Skipped when the framework does not load: those tests are about the load errors.
    """
    from macros.engine.diagnostics import ProblemsFound
    from macros.engine.site import Site

    try:
        stubs = Site.load(root).principle_stubs()
    except ProblemsFound:
        return
    for src_uri, text in stubs.items():
        if f"docs/{src_uri}" not in keep:
            path = root / "docs" / src_uri
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
