"""The coverage command line: ``python3 scripts/check_coverage.py`` (the script only calls ``main``).

Exit codes: 0 all rules pass, 1 violations, 2 input errors (bad YAML, bad settings, an
unreadable file, a report that cannot be written, a base to compare with that cannot be read).
With ``--compare BASE`` the exit code is still the gate's (a fall in reach passes), unless
``--fail-on-reach-drop`` makes a fall in reach exit 1 too.
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
from ..engine.coverage.compare import COMPARE_FORMATS, BaseUnavailable, compare_reports, load_base, reach_fell
from ..engine.coverage.reports import REPORT_FORMATS, REPORT_SCHEMA, report_data

__all__ = ["main", "parse_args"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="check_coverage.py",
        description="Check that every training section links to at least one principle.")
    parser.add_argument("--format", choices=sorted(REPORT_FORMATS.keys() | COMPARE_FORMATS.keys()), default="text",
                        help="report format (default: text); with --compare: text, json or markdown")
    parser.add_argument("--output", metavar="PATH", help="write the report to this file instead of standard output")
    parser.add_argument("--root", metavar="DIR", default=".",
                        help="the project folder holding mkdocs.yml, principles/ and docs/ (default: the current folder)")
    parser.add_argument("--docs", metavar="DIR", help="the docs folder (default: ROOT/docs)")
    parser.add_argument("--variant", metavar="NAME",
                        help="check a local variant: docs/ with the pages and values of local/NAME/ (default: the "
                             "generic handbook)")
    parser.add_argument("--publish", action="store_true",
                        help="as a publish build: an empty required slot (--variant), a page past its review date and "
                             "a stale translation are errors, draft translations are left out")
    parser.add_argument("--language", metavar="LOCALE",
                        help="check one translated language (such as cy): its pages against their English sources; "
                             "the report's problems and its language section are that language's only")
    parser.add_argument("--compare", metavar="BASE",
                        help="report what changed since BASE: a saved JSON report (--format json) or a git revision "
                             "(branch, tag or commit), checked with this engine")
    parser.add_argument("--fail-on-reach-drop", action="store_true",
                        help="with --compare: exit 1 when any principle's or the theme's reach fell")
    args = parser.parse_args(argv)
    allowed = COMPARE_FORMATS if args.compare else REPORT_FORMATS
    if args.format not in allowed:
        parser.error(f"--format {args.format} " + ("cannot be used with --compare; choose text, json or markdown"
                                                   if args.compare else "needs --compare BASE"))
    if args.fail_on_reach_drop and not args.compare:
        parser.error("--fail-on-reach-drop needs --compare BASE")
    return args


def _write(output: str, path: str | None) -> bool:
    """Write the report to ``path`` atomically, or to standard output; False when it cannot be written."""
    if not path:
        sys.stdout.write(output)
        return True
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(target, output)
    except OSError as error:
        print(f"{path}: cannot write the report ({error.strerror}); choose another --output", file=sys.stderr)
        return False
    return True


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
        site.markdown_memo = site.root / MARKDOWN_MEMO  # a second run on unchanged pages converts nothing
        coverage = site.scan(site.read_sources())
        if args.language is not None:
            only_language(site, coverage, args.language)
    except UnknownVariant as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except ProblemsFound as error:
        print(error.report(), file=sys.stderr)
        return 2
    if args.compare:
        return _compare(args, root, site, coverage)
    if not _write(REPORT_FORMATS[args.format](coverage), args.output):
        return 2
    if args.output and coverage.errors:
        print("\n".join(d.format() for d in coverage.errors), file=sys.stderr)
    return 1 if coverage.errors else 0


def _compare(args: argparse.Namespace, root: Path, site: Site, coverage) -> int:
    """``--compare``: check the base the same way, write the comparison; the exit code stays the gate's."""
    import json

    def check(folder: Path) -> dict:
        base_site = Site.load(folder, variant=args.variant, publish=site.publish)
        return report_data(base_site.scan(base_site.read_sources()))

    schema = json.loads((site.root / REPORT_SCHEMA).read_text(encoding="utf-8"))
    try:
        base = load_base(args.compare, root, check, schema)
    except (BaseUnavailable, UnknownVariant) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    comparison = compare_reports(base.report, report_data(coverage))
    if not _write(COMPARE_FORMATS[args.format](comparison, base.label), args.output):
        return 2
    if coverage.errors:
        print("\n".join(d.format() for d in coverage.errors), file=sys.stderr)
    if coverage.errors:
        return 1
    if args.fail_on_reach_drop and reach_fell(comparison):
        print(f"error: reach fell since {base.label} for {', '.join(comparison['summary']['reach_fell'])} "
              "(--fail-on-reach-drop)", file=sys.stderr)
        return 1
    return 0
