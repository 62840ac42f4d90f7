#!/usr/bin/env python3
"""Regenerate the course packs: facilitator guides and participant handouts, as PDF and Word.

Usage: python scripts/build_course.py [--module ID ...] [--audience facilitator|participant]
                                      [--format pdf,docx] [--out DIR] [--variant NAME]

With no options it makes every module for both audiences in both formats, plus the facilitator
guide for the whole programme and the reflective checklist, in course/.

Exit codes: 0 every file written; 1 the sources have problems (nothing written) or a file could
not be made (its last good version is kept); 2 a mistake in the command (unknown module, option
or unusable output folder).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from macros.course import AUDIENCES, FORMATS, Course, CourseError, Failed, Written, prepare_output  # noqa: E402
from macros.diagnostics import ProblemsFound  # noqa: E402
from macros.variant import UnknownVariant  # noqa: E402


def _formats(value: str) -> list[str]:
    chosen = [v.strip().lower() for v in value.split(",") if v.strip()]
    wrong = [v for v in chosen if v not in FORMATS]
    if wrong or not chosen:
        raise argparse.ArgumentTypeError(f"unknown format {wrong[0] if wrong else value!r}; use pdf, docx or pdf,docx")
    return chosen


def _jobs(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"--jobs needs a whole number from 1, not {value!r}")
    return number


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="build_course.py",
        description="Make the course packs (facilitator guides and participant handouts, PDF and Word) "
                    "from the same Markdown and principles as the site.")
    parser.add_argument("--module", metavar="ID", action="append", default=[],
                        help="a module number (3) or page name (03-mutuality-and-reciprocity); repeat for more "
                             "(default: every module, plus the whole-programme guide and the reflective checklist)")
    parser.add_argument("--audience", choices=AUDIENCES, action="append",
                        help="only the facilitator guides or only the participant handouts (default: both)")
    parser.add_argument("--format", type=_formats, default=list(FORMATS), metavar="pdf,docx",
                        help="file formats, comma-separated (default: pdf,docx)")
    parser.add_argument("--out", metavar="DIR", default=None, help="output folder (default: course/ in the project)")
    parser.add_argument("--root", metavar="DIR", default=str(ROOT),
                        help="the project folder holding mkdocs.yml, principles/ and docs/ (default: this repository)")
    parser.add_argument("--variant", metavar="NAME",
                        help="the packs of a local variant: its values, slot texts and local modules (local/NAME/)")
    parser.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                        help="PDFs laid out at once (default: one per CPU)")
    return parser.parse_args(argv)


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def main(argv: list[str] | None = None) -> int:
    """Build the packs; return the exit code."""
    args = parse_args(argv)
    root = Path(args.root)
    out = Path(args.out) if args.out else root / "course" / args.variant if args.variant else root / "course"
    started = time.perf_counter()
    try:
        course = Course.load(root, variant=args.variant)
        pages = course.select(args.module)
        problems = course.problems(pages if args.module else course.pages)
        if problems:
            raise ProblemsFound(problems)
        specs = course.specs(pages, args.audience or AUDIENCES, args.format, whole_course=not args.module)
        prepare_output(out)
    except (CourseError, UnknownVariant) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except ProblemsFound as error:
        print(error.report(), file=sys.stderr)
        print("No course packs were written: fix the problems above and run again.", file=sys.stderr)
        return 1
    if not specs:
        print("Nothing to make: no training page declares a module number.", file=sys.stderr)
        return 1

    print(f"Making {len(specs)} files in {_shown(out)}/ (version {course.version.label})")
    total = len(specs)
    done = 0

    def progress(result: Written | Failed) -> None:
        nonlocal done
        done += 1
        where = _shown(result.path)
        if isinstance(result, Written):
            pages = f"{result.pages} pages, " if result.pages else ""
            print(f"[{done}/{total}] wrote {where} ({pages}{_size(result.size)})", flush=True)
            for warning in result.warnings:
                print(f"    warning: {warning}", flush=True)
        else:
            print(f"[{done}/{total}] FAILED {where}: {result.message}", flush=True)

    report = course.build(specs, out, jobs=args.jobs, progress=progress)
    seconds = time.perf_counter() - started
    kinds = {}
    for w in report.written:
        kinds[w.spec.format] = kinds.get(w.spec.format, 0) + 1
    made = ", ".join(f"{n} {fmt.upper()}" for fmt, n in sorted(kinds.items(), key=lambda kv: FORMATS.index(kv[0])))
    print(f"Wrote {len(report.written)} of {total} files ({made or 'none'}) to {_shown(out)}/ in {seconds:.1f} s.")
    if report.failed:
        for failure in report.failed:
            print(f"error: {_shown(failure.path)}: {failure.message}; the last good copy, if any, is unchanged",
                  file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
