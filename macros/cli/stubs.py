"""Write the principle pages' stubs, docs/principles/<id>.md, from principles/principles.yaml.

Usage: python scripts/write_principle_pages.py [--root DIR] [--check]

Each stub holds a principle's title and the macro calls that make its page, so that every site
generator that runs the macros builds it (Zensical runs no MkDocs hooks). The coverage check and
the build fail when a stub is missing, extra or edited; this script puts them back in step: it
writes every stub that differs and deletes stubs of principles that are gone.

A language with its own principles file (``principles/principles.cy.yaml``) gets the same stubs beside the
English ones (``docs/principles/relationships.cy.md``): the words come from that file, so the stub is the same
two macro calls. Translated stubs are never taken for extra pages.

Exit codes: 0 done (or, with --check, nothing to change), 1 with --check: stubs to change,
2 input errors (bad YAML, an unwritable file).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..engine.diagnostics import ProblemsFound
from ..engine.files import write_text_atomic
from ..engine.framework import principle_of_page
from ..engine.site import Site
from ..engine.translations import split_language, translation_path

__all__ = ["main", "parse_args"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="write_principle_pages.py",
                                     description="Write docs/principles/<id>.md for every principle in principles.yaml.")
    parser.add_argument("--root", metavar="DIR", default=".",
                        help="the project folder holding principles/ and docs/ (default: the current folder)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 when a stub would change")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Write or delete stubs; return the exit code."""
    args = parse_args(argv)
    try:
        site = Site.load(Path(args.root))
        sources = site.read_sources()
    except ProblemsFound as error:
        print(error.report(), file=sys.stderr)
        return 2
    expected = site.principle_stubs()
    for locale in site.principle_translations:
        expected.update({translation_path(src, locale): text for src, text in site.principle_stubs().items()})
    english, _translated = site.split_sources(sources)
    changes = [(src, text) for src, text in expected.items() if sources.get(src) != text]
    # only the default language's files are extra when their principle is gone; a translation of a page that
    # is gone is reported by the translation check (translations.no-source), never deleted here
    changes += [(src, None) for src in sorted(english) if principle_of_page(src) and src not in expected]
    for src in sorted(set(sources) - set(english)):
        base = split_language(src, site.locales)[0]
        if principle_of_page(base) and base not in site.principle_stubs():
            changes.append((src, None))
    for src, text in changes:
        path = site.docs_dir / src
        action = "delete" if text is None else "write" if src in sources else "create"
        print(f"{site.docs_prefix}{src}: {action}{' (--check: not done)' if args.check else ''}")
        if args.check:
            continue
        try:
            if text is None:
                path.unlink()
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                write_text_atomic(path, text)
        except OSError as error:
            print(f"{site.docs_prefix}{src}: cannot {action} it ({error.strerror})", file=sys.stderr)
            return 2
    if not changes:
        print("The principle pages are in step with principles/principles.yaml.")
    return 1 if args.check and changes else 0

