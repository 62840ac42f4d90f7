"""The translations command line: ``python3 scripts/translations.py`` (the script only calls ``main``).

* ``stamp PAGE...``: record in each translation (``docs/help.cy.md``) the digest of its English page and of
  each of its sections, as it is now. Run it after translating or updating a translation, never by hand.
* ``report [--language cy] [--publish]``: per language, the translated, stale and missing pages, the
  English sections that changed under each stale one, the drafts a publish build leaves out, and every problem.

Exit codes: 0 done (report: no errors), 1 report: errors found, 2 a mistake in the command or its input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..engine.diagnostics import ProblemsFound
from ..engine.files import write_text_atomic
from ..engine.site import Site
from ..engine.translations import language_lines, split_language, stamp


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="translations.py", description="Keep translations in step with English.")
    parser.add_argument("--root", metavar="DIR", default=".", help="the project folder (default: the current folder)")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("stamp", help="record the English source's digest in each translation given")
    s.add_argument("pages", nargs="+", metavar="PAGE", help="a translated page, such as docs/help.cy.md")
    r = sub.add_parser("report", help="translated, stale and missing pages per language")
    r.add_argument("--language", metavar="LOCALE", help="only this language (default: every translated language)")
    r.add_argument("--publish", action="store_true", help="as a publish build sees it: stale is an error, drafts left out")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run one sub-command; return its exit code."""
    args = parse_args(argv)
    try:
        site = Site.load(Path(args.root), publish=True if getattr(args, "publish", False) else None)
    except ProblemsFound as error:
        print(error.report(), file=sys.stderr)
        return 2
    if args.command == "stamp":
        return stamp_pages(site, args.pages)
    return report(site, args.language)


def stamp_pages(site: Site, pages: list[str]) -> int:
    """Stamp each translation with its English page's digests; 2 when a page is not a translation."""
    code = 0
    for given in pages:
        path = Path(given).resolve()
        try:
            rel = path.relative_to(site.root / "principles").as_posix() if path.suffix in (".yaml", ".yml") \
                else path.relative_to(site.docs_dir).as_posix()
        except ValueError:
            print(f"{given}: not a page under {site.docs_prefix}", file=sys.stderr)
            code = 2
            continue
        if rel.endswith(".yaml") or rel.endswith(".yml"):
            code = max(code, stamp_principles(site, path, given))
            continue
        base, locale = split_language(rel, site.locales[1:])
        if locale is None:
            print(f"{given}: not a translation (name it like help.{site.locales[-1]}.md beside help.md)",
                  file=sys.stderr)
            code = 2
            continue
        source = site.docs_dir / base
        try:
            text = stamp(path.read_text(encoding="utf-8"), source.read_text(encoding="utf-8"))
            write_text_atomic(path, text)
        except OSError as error:
            print(f"{given}: cannot stamp it ({error.strerror}); is {site.docs_prefix}{base} there?", file=sys.stderr)
            code = 2
            continue
        print(f"{site.docs_prefix}{rel}: stamped from {site.docs_prefix}{base}")
    return code


def stamp_principles(site: Site, path: Path, given: str) -> int:
    """Record principles.yaml's digest in a language's principles file (principles/principles.cy.yaml)."""
    import re

    from ..engine.site import FRAMEWORK_FILE
    from ..engine.translations import digest

    try:
        text = path.read_text(encoding="utf-8")
        value = digest((site.root / FRAMEWORK_FILE).read_text(encoding="utf-8"))
    except OSError as error:
        print(f"{given}: cannot stamp it ({error.strerror})", file=sys.stderr)
        return 2
    if not re.search(r"^translation:\n(?:  .*\n)*?  source: .*$", text, re.M):
        print(f"{given}: has no translation: block with a source: line to stamp", file=sys.stderr)
        return 2
    text = re.sub(r"^(translation:\n(?:  .*\n)*?  source: ).*$", lambda m: m.group(1) + value, text, count=1,
                  flags=re.M)
    write_text_atomic(path, text)
    print(f"{given}: stamped from {FRAMEWORK_FILE}")
    return 0


def report(site: Site, language: str | None) -> int:
    """Print the per-language report and every translation problem; 1 when any is an error."""
    if language is not None and language not in site.locales[1:]:
        print(f"--language {language}: not a translated language of this site ({', '.join(site.locales[1:])})",
              file=sys.stderr)
        return 2
    try:
        site.scan(site.read_sources())
    except ProblemsFound as error:
        print(error.report(), file=sys.stderr)
        return 2
    errors = 0
    for locale, rep in site.translations.items():
        if language and locale != language:
            continue
        print("\n".join(language_lines(rep)))
        for d in sorted(rep.diagnostics):
            severity = site.settings.severity(d.code)
            if severity == "off":
                continue
            errors += severity == "error"
            print(("  " if severity == "error" else "  warning: ") + d.format())
    return 1 if errors else 0
