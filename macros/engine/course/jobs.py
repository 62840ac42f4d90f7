"""Scheduling and writing: worker processes lay out the PDFs while this process makes the DOCX files.

``make_files`` is the one routine that runs a set of packs, used by the CLI (which writes each
file as it comes, ``write_files``) and by the site build that publishes the packs (which keeps
them in memory). Workers die with the process that started them (a ``kill -9`` of the CLI
leaves none behind). Files are written atomically (``macros.engine.files``): a failed or interrupted run
never leaves a half-written pack and never loses the last good one.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from ..files import write_bytes_atomic
from .rendering import Made, PackSpec, Task, make_file
from .settings import CourseError, PackError

#: Worker processes pay off from this many PDFs.
POOL_FROM_PDFS = 2
#: How often a worker without PR_SET_PDEATHSIG looks for its parent (seconds).
PARENT_WATCH_INTERVAL = 0.5


@dataclass(frozen=True)
class Written:
    """A file written to the output folder."""

    spec: PackSpec
    path: Path
    size: int
    pages: int | None
    seconds: float
    warnings: tuple[str, ...] = ()
    reused: bool = False
    """Taken from the cache, not made again (and not rewritten when the folder already had it)."""


@dataclass(frozen=True)
class Failed:
    """A file that could not be made; its last good version, if any, is untouched."""

    spec: PackSpec
    path: Path
    message: str


@dataclass
class BuildReport:
    """What a run wrote and what failed."""

    written: list[Written] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def reused(self) -> list[Written]:
        """The files taken from the cache."""
        return [w for w in self.written if w.reused]


def prepare_output(folder: Path) -> Path:
    """Create the output folder and prove it can be written to; raise CourseError in one line if not.

    Temporary files that an interrupted earlier run (a ``kill -9``) could not remove are removed.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".write-test.", suffix=".part")
        os.close(fd)
        os.unlink(probe)
    except OSError as error:
        reason = error.strerror or str(error)
        raise CourseError(f"{folder}: cannot write the course packs here ({reason}); choose another --out") from None
    remove_litter(folder)
    return folder


def remove_litter(folder: Path) -> None:
    """Remove the temporary files of atomic writes (``.name.XXXX.part``) that a killed run left."""
    for leftover in folder.glob(".*.part"):
        with suppress(OSError):
            leftover.unlink()


# -- workers -----------------------------------------------------------------------------------------------
def _die_with_parent(parent: int) -> None:
    """Worker start-up: end this worker when the process that started it ends, however it ends.

    On Linux the kernel does it (PR_SET_PDEATHSIG); elsewhere a daemon thread watches the parent.
    """
    if sys.platform.startswith("linux"):
        with suppress(OSError, AttributeError):
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            PR_SET_PDEATHSIG = 1
            if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before the request was made
                    os._exit(1)
                return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_WATCH_INTERVAL)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def worker_pool(jobs: int) -> ProcessPoolExecutor:
    """Worker processes for laying out PDFs (WeasyPrint is single-threaded and CPU-bound).

    A process with no other thread (the CLI) forks its workers after importing WeasyPrint, which
    is the quickest start. With threads about (``mkdocs serve``), forking is unsafe, so a fork
    server is used, with WeasyPrint imported once in it. Every worker dies with its parent.
    """
    import importlib
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        importlib.import_module("weasyprint")  # imported once here, shared by every forked worker
        context = multiprocessing.get_context("fork")
    else:
        method = "forkserver" if "forkserver" in methods else "spawn"
        context = multiprocessing.get_context(method)
        if method == "forkserver":
            context.set_forkserver_preload(["weasyprint"])  # the slow import; our modules load fresh per pool
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_die_with_parent,
                               initargs=(os.getpid(),))


def make_files(specs: Sequence[PackSpec], task: Callable[..., Task], *, jobs: int | None = None,
               reused: Mapping[str, Made] | None = None,
               store: Callable[[Made], None] | None = None) -> Iterator[tuple[PackSpec, Made | PackError]]:
    """Make every file, yielding (spec, the file or why it could not be made) in the order of ``specs``.

    A file in ``reused`` (found in the cache) is yielded as it is. The others are made: PDFs in
    ``jobs`` worker processes (default: one per CPU) while this process makes the DOCX files;
    ``task(spec)`` lays out one pack (it may raise PackError). The programme guide is joined from
    packs made before it, so it is made here, in order, once they are: ``task(spec, made)`` gets
    every file made or reused so far, by name. Once every file has been yielded, each one made is
    handed to ``store`` (the cache), so that storing never delays a file.
    """
    reused = reused or {}
    started: dict[str, Future | Made | PackError] = dict(reused)
    pdfs = [s for s in specs if s.format == "pdf" and s.name not in started and not s.joined]
    workers = min(jobs or os.cpu_count() or 1, len(pdfs))
    pool = worker_pool(workers) if workers > 1 and len(pdfs) >= POOL_FROM_PDFS else None
    made: list[Made] = []
    done: dict[str, Made] = {}
    try:
        if pool is not None:
            for spec in pdfs:
                try:
                    started[spec.name] = pool.submit(make_file, task(spec))
                except PackError as error:
                    started[spec.name] = error
            for spec in specs:  # the DOCX files, made here while the workers lay out the PDFs
                if spec.name not in started and not spec.joined:
                    try:
                        started[spec.name] = make_file(task(spec))
                    except PackError as error:
                        started[spec.name] = error
        for spec in specs:
            job = started.get(spec.name)
            try:
                if isinstance(job, PackError):
                    raise job
                if isinstance(job, Future):
                    result: Made | PackError = job.result()
                elif isinstance(job, Made):
                    result = job
                else:
                    result = make_file(task(spec, done) if spec.joined else task(spec))
            except PackError as error:
                result = error
            if isinstance(result, Made):
                done[spec.name] = result
                if spec.name not in reused:
                    made.append(result)
            yield spec, result
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    if store is not None:
        for item in made:
            store(item)


def write_files(specs: Sequence[PackSpec], task: Callable[[PackSpec], Task], out_dir: Path, *,
                jobs: int | None = None, progress: Callable[[Written | Failed], None] | None = None,
                reused: Mapping[str, Made] | None = None, store: Callable[[Made], None] | None = None) -> BuildReport:
    """Make and write every file, reporting each as written; a file that fails keeps its last good copy.

    Files are written, and reported, in the order of ``specs``. A file taken from the cache
    (``reused``) is written only when the folder does not already hold exactly it.
    """
    start = time.perf_counter()
    report = BuildReport()
    began = time.perf_counter()
    reused = reused or {}
    for spec, result in make_files(specs, task, jobs=jobs, reused=reused, store=store):
        outcome = _write(spec, result, out_dir, began, spec.name in reused)
        (report.written if isinstance(outcome, Written) else report.failed).append(outcome)
        if progress:
            progress(outcome)
        began = time.perf_counter()
    report.seconds = time.perf_counter() - start
    return report


def _write(spec: PackSpec, result: Made | PackError, out_dir: Path, began: float, reused: bool) -> Written | Failed:
    path = out_dir / spec.name
    if isinstance(result, Exception):
        return Failed(spec, path, " ".join(str(result).split()))
    try:
        if not (reused and _holds(path, result.data)):
            write_bytes_atomic(path, result.data)
    except OSError as error:
        return Failed(spec, path, f"cannot write the file ({error.strerror or error})")
    return Written(spec, path, len(result.data), result.pages, time.perf_counter() - began, result.warnings, reused)


def _holds(path: Path, data: bytes) -> bool:
    """Does the file already hold exactly these bytes?"""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


__all__ = ["BuildReport", "Failed", "POOL_FROM_PDFS", "Written", "make_files", "prepare_output", "remove_litter",
           "worker_pool", "write_files"]
