"""A local variant's site: the project as the variant sees it, made in one folder and built by either engine.

Why a made folder and not an ``INHERIT:`` file in ``local/<name>/``: Zensical requires ``docs_dir`` and
``site_dir`` inside the folder of the config file, appends lists (``nav``, ``plugins``) when it inherits
where MkDocs replaces them, and both engines load the ``macros`` module from beside the config file. A
folder with the project's own layout is what both engines already build, with no hooks and no tricks:

    build/variants/<name>/
        mkdocs.yml      the project's mkdocs.yml, with the variant's name, its pages in the nav, extra.variant
        docs/           docs/, plus local/<name>/docs/ (pages are only added, never replaced), plus a page
                        stub for each local value (as docs/principles/<id>.md, like the principles' stubs)
        local/<name>/   the variant's folder (local.yml is read from here during the build)
        macros/ overrides/ principles/   copies of the project's
        site/           the built site

Everything is checked first (the variant, every page, the coverage rule, the slots when publishing), the
folder is made beside the last good one and swapped in only after the engine built it, so a failed run
writes nothing and keeps the last good site. Pure Python: the engines run in a child process.
"""

from __future__ import annotations

import argparse
import json

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..engine.diagnostics import ProblemsFound
from ..engine.files import write_text_atomic
from ..engine.project import CONFIG_FILE
from ..engine.framework import PRINCIPLES_FOLDER
from ..engine.site import Site, principle_stub
from ..engine.variant import LOCAL_FOLDER, VARIANT_FILE, UnknownVariant, Variant, known_variants

__all__ = [
    "BUILD_FOLDER", "build_variant", "check", "ENGINES", "main", "make_folder", "parse_args", "PROJECT_PARTS",
    "variant_config", "VariantBuild"
]

#: Where variant builds are made, under the project root.
BUILD_FOLDER = "build/variants"
#: The engines a variant can be built with, and how each is run in the made folder.
ENGINES = {
    "mkdocs": ["-m", "mkdocs", "build", "--strict", "--clean"],
    "zensical": ["-m", "zensical", "build", "--clean"],
}
#: What is copied from the project into the made folder, besides docs/ and the variant.
PROJECT_PARTS = ("macros", "overrides", "principles")


@dataclass(frozen=True)
class VariantBuild:
    """The outcome of one build: where the site is, and what the engine said."""

    folder: Path
    site: Path
    output: str


def _str(value: str) -> yaml.ScalarNode:
    return yaml.ScalarNode("tag:yaml.org,2002:str", value)


def _set(mapping: yaml.MappingNode, key: str, value: yaml.Node) -> None:
    """Set a key of a composed mapping, keeping its place when it exists."""
    for index, (k, _) in enumerate(mapping.value):
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            mapping.value[index] = (k, value)
            return
    mapping.value.append((_str(key), value))


def _get(mapping: yaml.MappingNode, key: str) -> yaml.Node | None:
    return next((v for k, v in mapping.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


def variant_config(core_text: str, variant: Variant, site_name: str, publish: bool) -> str:
    """The made folder's mkdocs.yml: the project's, node for node (tags such as ``!ENV`` kept), with the variant's
    name in the site name, ``extra.variant``/``extra.publish`` set, each local value's page after the principles'
    and each local page at the end of its nav section."""
    root = yaml.compose(core_text, Loader=yaml.SafeLoader)
    _set(root, "site_name", _str(f"{site_name}: {variant.organisation}"))
    extra = _get(root, "extra")
    if not isinstance(extra, yaml.MappingNode):
        extra = yaml.MappingNode("tag:yaml.org,2002:map", [])
        _set(root, "extra", extra)
    _set(extra, "variant", _str(variant.name))
    _set(extra, "publish", yaml.ScalarNode("tag:yaml.org,2002:bool", "true" if publish else "false"))
    nav = _get(root, "nav")
    if isinstance(nav, yaml.SequenceNode):
        overview = f"{PRINCIPLES_FOLDER}/index.md"
        for item in nav.value:
            section = item.value[0][1] if isinstance(item, yaml.MappingNode) and item.value else None
            if isinstance(section, yaml.SequenceNode) and any(
                    isinstance(e, yaml.ScalarNode) and e.value == overview for e in section.value):
                section.value += [_str(value.src_uri) for value in variant.values]
        for page in variant.pages:
            for item in nav.value:
                if isinstance(item, yaml.MappingNode) and item.value and item.value[0][0].value == page.section:
                    section = item.value[0][1]
                    if isinstance(section, yaml.SequenceNode):
                        section.value.append(yaml.MappingNode("tag:yaml.org,2002:map",
                                                              [(_str(page.title), _str(page.file))]))
    header = (f"# Made by scripts/build_variant.py {variant.name} from mkdocs.yml and {variant.source}: do not edit.\n")
    return header + yaml.serialize(root, Dumper=yaml.SafeDumper, allow_unicode=True, width=120)


def check(root: Path, name: str, publish: bool) -> tuple[Site, dict[str, str]]:
    """Load and check the variant and every page, as the coverage check does; raise ProblemsFound with every
    error (warnings are returned on the Site's coverage)."""
    site = Site.load(root, variant=name, publish=publish)
    sources = site.read_sources()
    coverage = site.scan(sources)
    if coverage.errors:
        raise ProblemsFound(coverage.errors)
    return site, sources


def make_folder(root: Path, site: Site, target: Path, publish: bool) -> None:
    """Write the made folder at ``target`` (which must not exist)."""
    variant = site.variant
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    target.mkdir(parents=True)
    for part in PROJECT_PARTS:
        shutil.copytree(root / part, target / part, ignore=ignore)
    shutil.copytree(site.docs_dir, target / "docs", ignore=ignore)
    local = target / LOCAL_FOLDER / variant.name
    local.mkdir(parents=True)
    shutil.copy2(root / variant.folder / VARIANT_FILE, local / VARIANT_FILE)
    for page in variant.pages:
        for where in (target / "docs" / page.file, local / "docs" / page.file):
            where.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / variant.docs_folder / page.file, where)
    for value in site.framework.local_values:
        write_text_atomic(target / "docs" / value.src_uri, principle_stub(value))
    core_text = (root / CONFIG_FILE).read_text(encoding="utf-8")
    write_text_atomic(target / CONFIG_FILE, variant_config(core_text, variant, site.config.site_name, publish))


def build_variant(root: Path, name: str, *, engine: str = "mkdocs", publish: bool = False,
                  python: str = sys.executable) -> VariantBuild:
    """Check, make and build one variant's site; raise ProblemsFound (nothing written) or RuntimeError (the
    engine failed: its output, the last good build kept)."""
    root = Path(root).resolve()
    site, _ = check(root, name, publish)
    builds = root / BUILD_FOLDER
    final = builds / name
    staging = builds / f".{name}.new"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        make_folder(root, site, staging, publish)
        env = {**os.environ, "PYTHONPATH": str(staging), "NO_MKDOCS_2_WARNING": "1"}
        result = subprocess.run([python, *ENGINES[engine]], cwd=staging, capture_output=True, text=True, env=env)
        if result.returncode != 0:
            raise RuntimeError(f"{engine} could not build the variant (the last good build is kept):\n"
                               f"{result.stdout}{result.stderr}".rstrip())
        old = builds / f".{name}.old"
        shutil.rmtree(old, ignore_errors=True)
        if final.exists():
            final.rename(old)
        staging.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return VariantBuild(final, final / "site", result.stdout + result.stderr)


# -- the command line (scripts/build_variant.py) ------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="build_variant.py", description="Build a local variant's site.")
    parser.add_argument("name", metavar="NAME", nargs="?", help="the variant: a folder local/NAME/ with a local.yml")
    parser.add_argument("--all", action="store_true", help="build every variant in local/, one after another")
    parser.add_argument("--list", action="store_true",
                        help="print the variants' names as a JSON list (for a CI matrix) and build nothing")
    parser.add_argument("--publish", action="store_true",
                        help="a publish build: every required slot must be filled (default: a draft, which warns)")
    parser.add_argument("--engine", choices=sorted(ENGINES), default="mkdocs", help="the site generator (default: mkdocs)")
    parser.add_argument("--root", metavar="DIR", default=".", help="the project folder (default: the current folder)")
    args = parser.parse_args(argv)
    if sum((args.name is not None, args.all, args.list)) != 1:
        parser.error("name one variant, or use --all or --list")
    return args


def _build_one(args: argparse.Namespace, name: str) -> int:
    """Build one variant, say how it went and how long it took; the exit code."""
    started = time.perf_counter()
    try:
        built = build_variant(Path(args.root), name, engine=args.engine, publish=args.publish)
    except UnknownVariant as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except ProblemsFound as error:
        print(error.report(), file=sys.stderr)
        print(f"Nothing was built for {name}: fix the problems above and run again.", file=sys.stderr)
        return 1
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for line in built.output.splitlines():
        if "warning" in line.lower():
            print(line, file=sys.stderr)
    print(f"Built {name} ({'publish' if args.publish else 'draft'}) with {args.engine} in "
          f"{time.perf_counter() - started:.1f} s: {built.site}/index.html", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Build the variant (or every variant, or list them); return the exit code."""
    args = parse_args(argv)
    if args.list:
        print(json.dumps(known_variants(Path(args.root))))
        return 0
    if not args.all:
        return _build_one(args, args.name)
    names = known_variants(Path(args.root))
    if not names:
        print(f"Nothing to build: no folder in {LOCAL_FOLDER}/ holds a {VARIANT_FILE}.", file=sys.stderr)
        return 0
    codes = {name: _build_one(args, name) for name in names}
    failed = [name for name, code in codes.items() if code]
    print(f"Built {len(names) - len(failed)} of {len(names)} variants" +
          (f"; failed: {', '.join(failed)}." if failed else "."))
    return max(codes.values())
