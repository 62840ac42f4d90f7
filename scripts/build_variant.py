#!/usr/bin/env python3
"""Build a local variant's site: the handbook with one organisation's values, help lines, slot texts and pages.

Usage: python3 scripts/build_variant.py NAME [--publish] [--engine mkdocs|zensical]
       python3 scripts/build_variant.py --all [--publish] [--engine ...]   (every variant in local/)
       python3 scripts/build_variant.py --list                              (their names, as JSON)

Checks local/NAME/local.yml and every page (the coverage rule included), then makes
build/variants/NAME/ (docs/ with the variant's pages added, and a mkdocs.yml naming the variant) and
builds it there; the site is in build/variants/NAME/site/. With --publish, an empty required slot is an
error, listed at every page that uses it; without it (a draft) it is a warning. The logic is in
macros/cli/variant_build.py.

Exit codes: 0 built; 1 problems in the sources, or the engine failed (nothing changed, the last good
build kept); 2 a mistake in the command (an unknown variant name lists the known ones).
"""

from _entry import run

if __name__ == "__main__":
    run("macros.cli.variant_build")
