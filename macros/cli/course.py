"""The course-pack command (``scripts/build_course.py``): make the packs and write them to a folder.

Usage: build_course.py [--module ID ...] [--audience facilitator|participant] [--format pdf,docx]
                       [--out DIR] [--root DIR] [--jobs N] [--force]
       build_course.py --review-kit [--variant NAME] [--format pdf,docx,csv] [--out DIR] [--force]

With no options it makes every module for both audiences in both formats, plus the facilitator
guide for the whole programme and the reflective checklist, in course/. Only the files whose
sources changed since they were last made are made again; the others come from the cache in
.cache/course-packs/ (``--force`` makes them all).

Exit codes: 0 every file written; 1 the sources have problems (nothing written) or a file could
not be made (its last good version is kept); 2 a mistake in the command (unknown module, option
or unusable output folder).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..engine.diagnostics import ProblemsFound
from ..engine.course.cache import CACHE_FOLDER, PackCache
from ..engine.course.course import Course
from ..engine.course.jobs import Failed, Written, prepare_output, write_files
from ..engine.variant import UnknownVariant
from ..engine.course.review_kit import KIT_FORMATS, kit_key, kit_specs, review_kit
from ..engine.course.settings import AUDIENCES, PACK_FORMATS, CourseError


def _formats(value: str) -> list[str]:
    chosen = [v.strip().lower() for v in value.split(",") if v.strip()]
    wrong = [v for v in chosen if v not in KIT_FORMATS]
    if wrong or not chosen:
        raise argparse.ArgumentTypeError(f"unknown format {wrong[0] if wrong else value!r}; use pdf, docx or pdf,docx "
                                         "(and csv with --review-kit)")
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
    """The command line, checked (argparse exits with code 2 on a mistake)."""
    parser = argparse.ArgumentParser(
        prog="build_course.py",
        description="Make the course packs (facilitator guides and participant handouts, PDF and Word) "
                    "from the same Markdown and principles as the site.")
    parser.add_argument("--module", metavar="ID", action="append", default=[],
                        help="a module number (3) or page name (03-mutuality-and-reciprocity); repeat for more "
                             "(default: every module, plus the whole-programme guide and the reflective checklist)")
    parser.add_argument("--audience", choices=AUDIENCES, action="append",
                        help="only the facilitator guides or only the participant handouts (default: both)")
    parser.add_argument("--format", type=_formats, default=None, metavar="pdf,docx",
                        help="file formats, comma-separated (default: pdf,docx; with --review-kit: pdf,docx,csv)")
    parser.add_argument("--review-kit", action="store_true",
                        help="make the service review kit instead of the packs (tagged PDF, Word, and a CSV record "
                             "to fill in), from principles/principles.yaml and a variant's own values")
    parser.add_argument("--out", metavar="DIR", default=None, help="output folder (default: course/ in the project)")
    parser.add_argument("--root", metavar="DIR", default=".",
                        help="the project folder holding mkdocs.yml, principles/ and docs/ (default: the current folder)")
    parser.add_argument("--variant", metavar="NAME",
                        help="the packs of a local variant: its values, slot texts and local modules (local/NAME/)")
    parser.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                        help="PDFs laid out at once (default: one per CPU)")
    parser.add_argument("--force", action="store_true",
                        help=f"make every file again, even those the cache ({CACHE_FOLDER}/ in the project) "
                             f"holds for the same sources")
    args = parser.parse_args(argv)
    if args.review_kit and (args.module or args.audience):
        parser.error("--review-kit makes the service review kit only: leave out --module and --audience")
    if args.format is None:
        args.format = list(KIT_FORMATS if args.review_kit else PACK_FORMATS)
    elif "csv" in args.format and not args.review_kit:
        parser.error("--format csv is only for --review-kit (the packs are pdf and docx)")
    return args


def _open_cache(root: Path) -> PackCache | None:
    """The project's pack cache; without it (a read-only project) every file is made."""
    try:
        return PackCache(root / CACHE_FOLDER)
    except OSError:
        return None


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _refused(error: Exception, nothing_written: str) -> int:
    """Report why nothing was made: problems in the sources (exit 1, every one listed) or a mistake in the
    command or its surroundings (exit 2)."""
    if isinstance(error, ProblemsFound):
        print(error.report(), file=sys.stderr)
        print(f"{nothing_written}: fix the problems above and run again.", file=sys.stderr)
        return 1
    print(f"error: {error}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    """Build the packs; return the exit code."""
    args = parse_args(argv)
    root = Path(args.root)
    out = Path(args.out) if args.out else root / "course" / args.variant if args.variant else root / "course"
    started = time.perf_counter()
    if args.review_kit:
        return _review_kit(args, root, out, started)
    try:
        course = Course.load(root, variant=args.variant)
        pages = course.modules.select(args.module)
        specs = course.pack_specs(pages, args.audience or AUDIENCES, args.format, whole_course=not args.module)
        plan = course.plan(specs, _open_cache(root), force=args.force)
        problems = course.problems(pages if args.module else course.modules.pages, plan.to_render)
        if problems:
            raise ProblemsFound(problems)
        prepare_output(out)
    except (CourseError, UnknownVariant, ProblemsFound) as error:
        return _refused(error, "No course packs were written")
    if not specs:
        print("Nothing to make: no training page declares a module number.", file=sys.stderr)
        return 1

    return _make(specs, course, out, args, started, plan.reused, plan.store, plan.cache)


def _review_kit(args: argparse.Namespace, root: Path, out: Path, started: float) -> int:
    """``--review-kit``: the kit's files, each from the cache when its key (the kit as laid out) is there."""
    try:
        course = Course.load(root, variant=args.variant)
        prepare_output(out)
    except (CourseError, UnknownVariant, ProblemsFound) as error:
        return _refused(error, "The service review kit was not written")
    specs = kit_specs(args.format)
    kit = review_kit(course.packs.context)
    keys = course.pack_keys()
    key_of = {spec.name: kit_key(keys.key(spec, []), kit) for spec in specs}
    cache = _open_cache(root)
    reused = {}
    if cache is not None and not args.force:
        reused = {s.name: hit for s in specs if (hit := cache.get(s, key_of[s.name])) is not None}

    def store(made) -> None:
        if cache is not None:
            cache.put(key_of[made.spec.name], made)

    return _make(specs, course, out, args, started, reused, store, cache)


def _make(specs, course: Course, out: Path, args: argparse.Namespace, started: float, reused, store, cache) -> int:
    """Make and write the files, one line each and a summary; the exit code."""
    print(f"Making {len(specs)} files in {_shown(out)}/ (version {course.version.label})")
    total = len(specs)
    done = 0

    def progress(result: Written | Failed) -> None:
        nonlocal done
        done += 1
        where = _shown(result.path)
        if isinstance(result, Written):
            pages = f"{result.pages} pages, " if result.pages else ""
            verb = "reused" if result.reused else "wrote"
            print(f"[{done}/{total}] {verb} {where} ({pages}{_size(result.size)})", flush=True)
            for warning in result.warnings:
                print(f"    warning: {warning}", flush=True)
        else:
            print(f"[{done}/{total}] FAILED {where}: {result.message}", flush=True)

    report = write_files(specs, course.packs.task, out, jobs=args.jobs, progress=progress, reused=reused, store=store)
    seconds = time.perf_counter() - started
    kinds: dict[str, int] = {}
    fresh = [w for w in report.written if not w.reused]
    for w in fresh:
        kinds[w.spec.format] = kinds.get(w.spec.format, 0) + 1
    made = ", ".join(f"{n} {fmt.upper()}" for fmt, n in sorted(kinds.items(), key=lambda kv: KIT_FORMATS.index(kv[0])))
    from_cache = f"; reused {len(report.reused)} unchanged from the cache" if report.reused else ""
    print(f"Made {len(fresh)} of {total} files ({made or 'none'}){from_cache}, in {_shown(out)}/ in {seconds:.1f} s."
          if report.reused else
          f"Wrote {len(fresh)} of {total} files ({made or 'none'}) to {_shown(out)}/ in {seconds:.1f} s.")
    if cache is not None:
        for discarded in cache.discarded:
            print(f"warning: removed a damaged cache entry ({discarded}); its pack was made again", file=sys.stderr)
    if report.failed:
        for failure in report.failed:
            print(f"error: {_shown(failure.path)}: {failure.message}; the last good copy, if any, is unchanged",
                  file=sys.stderr)
        return 1
    return 0


__all__ = ["main", "parse_args"]
