#!/usr/bin/env python3
"""Check that every training section links to a principle (the same rule the site build runs).

Usage: python scripts/check_coverage.py [--format text|json|junit|github] [--output PATH]

Exit codes: 0 all rules pass, 1 violations, 2 input errors (bad YAML, bad settings, unreadable file).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from macros.coverage import REPORT_FORMATS as FORMATS  # noqa: E402
from macros.diagnostics import ProblemsFound  # noqa: E402
from macros.site import Site  # noqa: E402


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="check_coverage.py",
        description="Check that every training section links to at least one principle.")
    parser.add_argument("--format", choices=sorted(FORMATS), default="text", help="report format (default: text)")
    parser.add_argument("--output", metavar="PATH", help="write the report to this file instead of standard output")
    parser.add_argument("--root", metavar="DIR", default=str(ROOT),
                        help="the project folder holding principles/ and docs/ (default: this repository)")
    parser.add_argument("--docs", metavar="DIR", help="the docs folder (default: ROOT/docs)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the check; return the exit code."""
    args = parse_args(argv)
    root = Path(args.root)
    try:
        site = Site.load(root, Path(args.docs) if args.docs else None)
        coverage = site.scan(site.read_sources())
    except ProblemsFound as error:
        print(error.report(), file=sys.stderr)
        return 2
    output = FORMATS[args.format](coverage)
    if args.output:
        target = Path(args.output)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.tmp")
            temporary.write_text(output, encoding="utf-8")
            os.replace(temporary, target)
        except OSError as error:
            print(f"{args.output}: cannot write the report ({error.strerror}); choose another --output", file=sys.stderr)
            return 2
        if coverage.errors:
            print("\n".join(d.format() for d in coverage.errors), file=sys.stderr)
    else:
        sys.stdout.write(output)
    return 1 if coverage.errors else 0


if __name__ == "__main__":
    sys.exit(main())
