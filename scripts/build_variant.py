#!/usr/bin/env python3
"""Build a local variant's site: the handbook with one organisation's values, help lines, slot texts and pages.

Usage: python3 scripts/build_variant.py NAME [--publish] [--engine mkdocs|zensical]

Checks local/NAME/local.yml and every page (the coverage rule included), then makes
build/variants/NAME/ (docs/ with the variant's pages added, and a mkdocs.yml naming the variant) and
builds it there; the site is in build/variants/NAME/site/. With --publish, an empty required slot is an
error, listed at every page that uses it; without it (a draft) it is a warning. The logic is in
macros/variant_build.py.

Exit codes: 0 built; 1 problems in the sources, or the engine failed (nothing changed, the last good
build kept); 2 a mistake in the command (an unknown variant name lists the known ones).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from macros.diagnostics import ProblemsFound  # noqa: E402
from macros.variant import UnknownVariant  # noqa: E402
from macros.variant_build import ENGINES, build_variant  # noqa: E402


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="build_variant.py", description="Build a local variant's site.")
    parser.add_argument("name", metavar="NAME", help="the variant: a folder local/NAME/ with a local.yml")
    parser.add_argument("--publish", action="store_true",
                        help="a publish build: every required slot must be filled (default: a draft, which warns)")
    parser.add_argument("--engine", choices=sorted(ENGINES), default="mkdocs", help="the site generator (default: mkdocs)")
    parser.add_argument("--root", metavar="DIR", default=str(ROOT), help="the project folder (default: this repository)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Build the variant; return the exit code."""
    args = parse_args(argv)
    try:
        built = build_variant(Path(args.root), args.name, engine=args.engine, publish=args.publish)
    except UnknownVariant as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except ProblemsFound as error:
        print(error.report(), file=sys.stderr)
        print("Nothing was built: fix the problems above and run again.", file=sys.stderr)
        return 1
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for line in built.output.splitlines():
        if "warning" in line.lower():
            print(line, file=sys.stderr)
    print(f"Built {args.name} ({'publish' if args.publish else 'draft'}) with {args.engine}: {built.site}/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
