"""The coverage command line: ``python3 scripts/check_coverage.py`` (the script only calls ``main``).

Exit codes: 0 all rules pass, 1 violations, 2 input errors (bad YAML, bad settings, an
unreadable file, a report that cannot be written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..engine.diagnostics import ProblemsFound
from ..engine.files import write_text_atomic
from ..engine.markdown_html import MARKDOWN_MEMO
from ..engine.site import Site
from ..engine.variant import UnknownVariant
from ..engine.coverage.reports import REPORT_FORMATS

__all__ = ["main", "parse_args"]


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
                        help="with --variant: an empty required slot is an error, not a warning")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the check; return the exit code."""
    args = parse_args(argv)
    root = Path(args.root)
    try:
        site = Site.load(root, Path(args.docs) if args.docs else None, variant=args.variant,
                         publish=True if args.publish else None)
        site.markdown_memo = site.root / MARKDOWN_MEMO  # a second run on unchanged pages converts nothing
        coverage = site.scan(site.read_sources())
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
