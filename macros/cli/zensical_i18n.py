"""Zensical glue for other languages: build every language with zensical-i18n, safely.

Thin, like ``macros/__init__.py`` and ``macros/extension.py``: the rules are the engine's (``translations``,
``site``). Zensical has no plugins yet, so zensical-i18n wraps it: it stages each language's pages
(``help.cy.md`` as ``help.md`` in ``.zensical-i18n/docs/cy/``), runs Zensical once per language in a child
process, and assembles the site (English at the root, Welsh under ``cy/``). This module runs that, with
three additions the plain ``python3 -m zensical_i18n build`` cannot make:

* the check first (coverage and every translation rule, as ``check_coverage.py`` runs it): Zensical runs no
  MkDocs hooks, and a failed check must stop the build before anything is written;
* a publish build (``--publish``) stages no draft translation: the page falls back to English with the
  notice, as under MkDocs (``overrides/.hooks/principles.py`` leaves the same files out);
* the notice above a fallback page is each language's ``extra.untranslated_notice`` from mkdocs.yml
  (zensical-i18n has no Welsh notice, and mkdocs-static-i18n refuses its ``untranslated_notice`` key).

The drafts to leave out and the notices reach the child processes through environment variables.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

_LEFT_OUT = "HANDBOOK_I18N_LEFT_OUT"
_NOTICES = "HANDBOOK_I18N_NOTICES"
_PUBLISH = "HANDBOOK_PUBLISH"


def _install(root: Path) -> None:
    """Patch zensical-i18n in this process: drafts left out of staging, each language's notice."""
    from zensical_i18n import builder, languages, staging

    left_out = set(json.loads(os.environ.get(_LEFT_OUT) or "[]"))
    for locale, notice in json.loads(os.environ.get(_NOTICES) or "{}").items():
        languages.NOTICES[locale] = notice
    collect = staging.collect

    def collect_without_drafts(settings, language):
        files = collect(settings, language)
        if not left_out or language.default:
            return files
        default = settings.default.locale
        for rel, source in list(files.items()):
            if source.path is None or source.fallback is not None:
                continue
            try:
                own = source.path.resolve().relative_to(settings.docs_dir.resolve()).as_posix()
            except ValueError:
                continue
            if own in left_out:
                english = settings.docs_dir / rel
                files[rel] = staging.Source(english, default)
        return files

    staging.collect = collect_without_drafts
    builder.staging = staging

    def command(name, settings, language, options):
        return [sys.executable, "-P", "-m", "macros.cli.zensical_i18n", "run", name, str(settings.config_file),
                language.locale, json.dumps(options)]

    builder._command = command


def build(argv: list[str] | None = None) -> int:
    """Check, then build every language; return the exit code (0 built, 1 problems, 2 input errors)."""
    parser = argparse.ArgumentParser(prog="build_zensical.py",
                                     description="Check, then build the handbook in every language with Zensical.")
    parser.add_argument("--root", metavar="DIR", default=".", help="the project folder (default: the current folder)")
    parser.add_argument("--publish", action="store_true",
                        help="a publish build: stale translations fail it, drafts are left out (served in English)")
    parser.add_argument("--clean", action="store_true", help="clean Zensical's cache first")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()

    from zensical_i18n import builder
    from zensical_i18n.settings import I18nError, load_settings

    from ..engine.diagnostics import ProblemsFound
    from ..engine.site import Site

    try:
        site = Site.load(root, publish=True if args.publish else None)
        coverage = site.scan(site.read_sources())
    except ProblemsFound as error:
        print(error.report(), file=sys.stderr)
        return 2
    for d in coverage.warnings:
        print(f"warning: {d.format()}", file=sys.stderr)
    if coverage.errors:
        print("\n".join(d.format() for d in coverage.errors), file=sys.stderr)
        print(f"{len(coverage.errors)} problems found; nothing is built", file=sys.stderr)
        return 1
    left_out = sorted(src for report in site.translations.values() for src in report.left_out)
    for src in left_out:
        print(f"translation left out of this publish build (a draft): {site.docs_prefix}{src}")
    os.environ[_LEFT_OUT] = json.dumps(left_out)
    os.environ[_NOTICES] = json.dumps({lang.locale: lang.notice for lang in site.languages if lang.notice})
    if args.publish:
        os.environ[_PUBLISH] = "true"
    # the children run with -P (no current folder on sys.path): they must import this project's engine
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))
    _install(root)
    try:
        builder.build(load_settings(root / "mkdocs.yml"), clean=args.clean)
    except I18nError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """``run ...``: a child build of one language (called by zensical-i18n's builder); else ``build``."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["run"]:
        from zensical_i18n import runner

        _install(Path(argv[2]).resolve().parent)
        sys.argv = [sys.argv[0], *argv[1:]]
        runner.main()
        return 0
    return build(argv)


if __name__ == "__main__":
    sys.exit(main())
