"""The coverage command line: ``python3 scripts/check_coverage.py`` (the script only calls ``main``).

Exit codes: 0 all rules pass, 1 violations, 2 input errors (bad YAML, bad settings, an
unreadable file, a report that cannot be written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..diagnostics import ProblemsFound
from ..files import write_text_atomic
from ..site import Site
from ..variant import UnknownVariant
from .reports import REPORT_FORMATS


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="check_coverage.py",
        description="Check that every training section links to at least one principle.")
    parser.add_argument("--format", choices=sorted(REPORT_FORMATS), default="text", help="report format (default: text)")
    parser.add_argument("--output", metavar="PATH", help="write the report to this file instead of standard output")
    parser.add_argument("--root", metavar="DIR", default=".",
                        help="the project folder holding mkdocs.yml, principles/ and docs/ (default: the current folder)")
    parser.add_argument("--docs", metavar="DIR", help="the docs folder (default: ROOT/docs)")
    parser.add_argument("--variant", metavar="NAME",
                        help="check a local variant: docs/ with the pages and values of local/NAME/ (default: the "
                             "generic handbook)")
    parser.add_argument("--publish", action="store_true",
                        help="as a publish build: an empty required slot (--variant) and a stale translation are "
                             "errors, draft translations are left out")
    parser.add_argument("--language", metavar="LOCALE",
                        help="check one translated language (such as cy): its pages against their English sources; "
                             "the report's problems and its language section are that language's only")
    return parser.parse_args(argv)


def only_language(site: Site, coverage, locale: str) -> None:
    """Narrow the coverage's problems and language sections to one translated language; an unknown one is a
    mistake in the command (exit 2, like an unknown variant)."""
    if locale not in site.translations:
        known = ", ".join(site.translations) or "none: mkdocs.yml configures no other language"
        raise UnknownVariant(f"--language {locale}: not a translated language of this site (known: {known})")
    report = site.translations[locale]
    own = set(report.diagnostics)
    coverage.diagnostics = [d for d in coverage.diagnostics if d in own]
    coverage.languages = {locale: report}


def main(argv: list[str] | None = None) -> int:
    """Run the check; return the exit code."""
    args = parse_args(argv)
    root = Path(args.root)
    try:
        site = Site.load(root, Path(args.docs) if args.docs else None, variant=args.variant,
                         publish=True if args.publish else None)
        coverage = site.scan(site.read_sources())
        if args.language is not None:
            only_language(site, coverage, args.language)
    except UnknownVariant as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except ProblemsFound as error:
        print(error.report(), file=sys.stderr)
        return 2
    output = REPORT_FORMATS[args.format](coverage)
    if args.output:
        target = Path(args.output)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomic(target, output)
        except OSError as error:
            print(f"{args.output}: cannot write the report ({error.strerror}); choose another --output", file=sys.stderr)
            return 2
        if coverage.errors:
            print("\n".join(d.format() for d in coverage.errors), file=sys.stderr)
    else:
        sys.stdout.write(output)
    return 1 if coverage.errors else 0
