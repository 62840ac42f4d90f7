#!/usr/bin/env python3
"""Measure what weaving principles and checking coverage cost, against a plain Material build.

Usage: python scripts/benchmark.py [--pages N [N ...]] [--rounds R] [--warmup W] [--out DIR] [--keep] [--zensical EXE]

The targets of issue 7 need ``--pages 500 2000`` (growth and memory at 2000 pages) besides the
default run (100 and 500 pages). ``--course`` measures the course packs instead (issue 17): see
``course_benchmark``.

For each N it writes two synthetic handbooks of N training pages (about 800 words and six ``##``
sections each; ten pages to a module folder, ten modules to a course folder) into a temporary
folder:

* the project: the real ``principles/``, ``macros/`` and ``overrides/``, a ``mkdocs.yml`` derived
  from this repository's, and pages that use the real macros (``principles(...)`` under every
  section, a ``principle_link(...)`` in the text, now and then a ``principle(...)`` card);
* the baseline: the same pages with every macro call replaced by the Markdown it renders to, and
  the principle pages written out by hand, built by plain Material (no macros plugin, no hooks,
  the same theme, features and Markdown extensions).

It then times, as whole processes and alternating: (a) the baseline build, (b) the project's full
build (``mkdocs build --strict``) and (c) the coverage CLI alone (``scripts/check_coverage.py
--root``). Each child's wall-clock time, CPU time and peak memory are its own: they come from
``os.wait4`` on that child, not from RUSAGE_CHILDREN, which only keeps the largest child so far.
It writes ``benchmark.json`` and ``benchmark.md`` to ``--out`` and prints the table.

Exit codes: 0 every run succeeded, 1 a build or the coverage check failed, 2 bad arguments.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

import yaml

#: The checkout being measured: the folder that holds this package (``--root`` may name another checkout).
ROOT = Path(__file__).resolve().parents[2]

from markupsafe import escape

from ..engine.framework import principle_of_page
from ..engine.markdown_html import MARKDOWN_MEMO
from ..engine.page_macros import PageMacros
from ..engine.site import Site

__all__ = [
    "Call", "commands", "course_benchmark", "COURSE_KINDS", "COURSE_LABELS", "course_results", "course_runs",
    "course_table", "course_tree", "DEFAULT_OUT", "DEFAULT_PAGES", "derived_config", "HOME", "KINDS",
    "ALTERNATED", "LABELS", "machine", "main", "make_trees", "markdown_table", "measure", "parse_args", "prose_words",
    "ROOT", "Run", "run_once", "SECTIONS_PER_PAGE", "summarise", "supervision_page", "Tagged", "targets",
    "timed", "training_page", "training_path", "write_page", "ZENSICAL_KINDS"
]

DEFAULT_PAGES = (100, 500)
DEFAULT_OUT = ROOT / "benchmark-output"
KINDS = ("baseline", "build", "coverage", "coverage_warm")
#: Timed in alternating order; the warm check always follows a cold one (it needs the Markdown memo it leaves).
ALTERNATED = ("baseline", "build", "coverage")
#: With --zensical: the same project built by Zensical, from a clean cache and with the cache of the run before.
ZENSICAL_KINDS = ("zensical_cold", "zensical_warm")
LABELS = {"baseline": "(a) plain Material", "build": "(b) full build", "coverage": "(c) coverage CLI, cold",
          "coverage_warm": "(c') coverage CLI, warm",
          "zensical_cold": "(d) Zensical, cold", "zensical_warm": "(e) Zensical, warm"}
SECTIONS_PER_PAGE = 6
PAGES_PER_MODULE, MODULES_PER_COURSE = 10, 10
#: The targets of issue 7, checked whenever the benchmark measured the pages they name.
TARGET_PAGES, LARGE_PAGES = 500, 2000
MAX_BUILD_RATIO, MAX_COVERAGE_RATIO, MAX_GROWTH, MAX_MEMORY_MB = 1.15, 0.10, 1.3, 1024
#: Issue 22, by CPU time: the build over plain Material; the cold and warm check over the build.
MAX_BUILD_CPU_RATIO, MAX_COLD_CHECK_RATIO, MAX_WARM_CHECK_RATIO = 1.10, 0.30, 0.05

# -- the synthetic handbook ---------------------------------------------------------------------------

_WORDS = (
    "peer worker person ward home team support meeting plan week day visit talk listen share hope "
    "choice trust time group friend family nurse carer service step goal need story life voice "
    "change role room call note walk community space idea question answer feeling strength"
).split()
_VERBS = "helps asks brings finds keeps makes shows tells gives takes sees builds".split()


@dataclass(frozen=True)
class Call:
    """A macro call in a synthetic page: written as ``{{ name(args) }}`` or as its output."""

    name: str
    args: tuple[str, ...]

    def source(self) -> str:
        """The call as an author writes it."""
        return "{{ " + self.name + "(" + ", ".join(json.dumps(a) for a in self.args) + ") }}"


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(3, 6))]
    words.insert(2, rng.choice(_VERBS))
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, words: int, link: Call | None = None) -> list[str | Call]:
    """Short sentences up to about ``words`` words, with the link (if any) in the middle."""
    sentences: list[str] = []
    count = 0
    while count < words:
        sentences.append(_sentence(rng))
        count += len(sentences[-1].split())
    if link is None:
        return [" ".join(sentences)]
    middle = len(sentences) // 2
    return [" ".join(sentences[:middle]) + " Read about ", link, " on its own page. " + " ".join(sentences[middle:])]


def training_path(number: int) -> str:
    """Where page ``number`` lives: ten pages to a module, ten modules to a course.

    A real programme is grouped like this, and it matters: with ``navigation.prune`` Material
    still renders every sibling in the current section, so one flat folder of N pages would put
    N links into every page and make the build grow with N squared.
    """
    module = (number - 1) // PAGES_PER_MODULE
    course = module // MODULES_PER_COURSE
    return f"training/course-{course + 1:02d}/module-{module + 1:03d}/session-{number:04d}.md"


def training_page(number: int, ids: tuple[str, ...]) -> list[str | Call]:
    """One training page: a title, an introduction and six sections of about 125 words."""
    rng = random.Random(number)
    parts: list[str | Call] = [f"---\ntitle: Practice session {number}\n---\n\n# Practice session {number}\n\n"]
    parts += _paragraph(rng, 45) + ["\n\n"]
    for section in range(SECTIONS_PER_PAGE):
        k = number * SECTIONS_PER_PAGE + section
        chips = (ids[k % len(ids)],) if k % 3 else (ids[k % len(ids)], ids[(k + 2) % len(ids)])
        parts += [f"## Part {section + 1}: {rng.choice(_WORDS)} and {rng.choice(_WORDS)}\n\n",
                  Call("principles", chips), "\n\n"]
        parts += _paragraph(rng, 48, Call("principle_link", (ids[(k + 1) % len(ids)],))) + ["\n\n"]
        parts += [f"- {_sentence(rng)}\n" for _ in range(3)] + ["\n"]
        parts += _paragraph(rng, 38) + ["\n\n"]
        if k % 8 == 3:  # now and then, the full card
            parts += [Call("principle", (ids[k % len(ids)],)), "\n\n"]
    return parts


def supervision_page(level: str, ids: tuple[str, ...]) -> list[str | Call]:
    """A supervision guide that links every principle, so the coverage rule passes."""
    rng = random.Random(level)
    parts: list[str | Call] = [f"# {level.capitalize()} supervision\n\n"]
    for index, pid in enumerate(ids):
        parts += [f"## Theme {index + 1}\n\n", Call("principles", (pid,)), "\n\n"] + _paragraph(rng, 60) + ["\n\n"]
    return parts


def prose_words(sample: int = 50) -> int:
    """The mean number of words of text (macro calls and front matter left out) in a training page."""
    ids = ("a", "b", "c", "d", "e")
    counts = [sum(len(p.split()) for p in training_page(n, ids)[1:] if isinstance(p, str)) for n in range(1, sample + 1)]
    return round(statistics.mean(counts))


HOME = "# Benchmark handbook\n\nA synthetic handbook, made by scripts/benchmark.py to time the build.\n"


def write_page(path: Path, parts: list[str | Call], src_uri: str, macros: PageMacros | None) -> None:
    """Write a page with macro calls (``macros`` None) or with their rendered Markdown."""
    text = "".join(p if isinstance(p, str) else
                   (p.source() if macros is None else macros.call(p.name, p.args)) for p in parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@dataclass(frozen=True)
class Tagged:
    """A value with a MkDocs YAML tag (``!ENV``, ``!relative``), kept as written for MkDocs to resolve."""

    node: yaml.Node


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, keeping MkDocs' own tags for MkDocs to resolve."""


class _ConfigDumper(yaml.SafeDumper):
    """Writes mkdocs.yml back, tags included."""


_ConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: Tagged(node))
_ConfigDumper.add_representer(Tagged, lambda dumper, value: value.node)  # the node as it was read


def derived_config(pages: int, *, woven: bool) -> dict:
    """This repository's mkdocs.yml for the synthetic tree: same theme and extensions, nav generated.

    The baseline (``woven`` False) drops the hooks, the macros plugin and its Markdown extension, and nothing else.
    """
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_ConfigLoader)
    for key in ("nav", "watch", "site_url"):  # nav: MkDocs builds it from the files, so it scales
        config.pop(key, None)
    config["site_name"] = f"Benchmark handbook, {pages} pages"  # the same in both: the HTML is identical
    config["docs_dir"] = "docs"
    if not woven:
        config.pop("hooks", None)
        config["plugins"] = [p for p in config.get("plugins", [])
                             if not (p == "macros" or (isinstance(p, dict) and "macros" in p))]
        config["markdown_extensions"] = [e for e in config.get("markdown_extensions", []) if e != "macros.glue.extension"]
    return config


def make_trees(pages: int, work: Path) -> tuple[Path, Path]:
    """Write the project tree and its baseline twin for N pages; return both folders."""
    project, baseline = work / f"project-{pages}", work / f"baseline-{pages}"
    for tree in (project, baseline):
        shutil.copytree(ROOT / "overrides", tree / "overrides", ignore=shutil.ignore_patterns("__pycache__", ".hooks"))
        shutil.copytree(ROOT / "docs" / "stylesheets", tree / "docs" / "stylesheets")
        (tree / "docs" / "index.md").write_text(HOME, encoding="utf-8")
    shutil.copytree(ROOT / "overrides" / ".hooks", project / "overrides" / ".hooks",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "macros", project / "macros", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "principles", project / "principles")
    for tree, woven in ((project, True), (baseline, False)):
        config = yaml.dump(derived_config(pages, woven=woven), Dumper=_ConfigDumper, sort_keys=False)
        (tree / "mkdocs.yml").write_text(config, encoding="utf-8")

    site = Site.load(project)
    ids = site.framework.ids
    settings = site.settings
    pages_parts = {training_path(n): training_page(n, ids) for n in range(1, pages + 1)}
    pages_parts.update({settings.supervision[level]: supervision_page(level, site.framework.linkable_ids) for level in settings.supervision})
    for src_uri, parts in pages_parts.items():
        write_page(project / "docs" / src_uri, parts, src_uri, None)
        write_page(baseline / "docs" / src_uri, parts, src_uri, site.macros(src_uri))
    # the principle pages: the project commits their stubs (macro calls); the baseline has them written out
    for src_uri, content in site.principle_stubs().items():
        (project / "docs" / src_uri).parent.mkdir(parents=True, exist_ok=True)
        (project / "docs" / src_uri).write_text(content, encoding="utf-8")
    site.scan(site.read_sources())
    for src_uri, content in site.principle_pages().items():
        # the glue gives a principle's page its escaped title (see macros/glue/macros_module.py); the baseline writes it
        title = str(escape(site.framework.get(principle_of_page(src_uri)).label))
        front = "---\n" + yaml.safe_dump({"title": title}, allow_unicode=True) + "---\n\n"
        (baseline / "docs" / src_uri).parent.mkdir(parents=True, exist_ok=True)
        (baseline / "docs" / src_uri).write_text(front + content, encoding="utf-8")
    return project, baseline


# -- timing --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One timed child process."""

    seconds: float
    """Wall-clock time."""
    cpu_seconds: float
    """User plus system time of the child."""
    max_rss_mb: float | None
    """The child's own peak resident memory (None where Python has no resource module)."""
    returncode: int


#: Runs one command and writes its wall time, CPU time and peak memory to a JSON file. Each timed
#: command runs under this small process, not straight under the benchmark, because on Linux a
#: child's ru_maxrss starts from the RSS of the process that forked it: measured from here, every
#: child would seem to use at least as much memory as the benchmark itself (the generated pages).
_MEASURE = """\
import json, subprocess, sys, time
start = time.perf_counter()
try:
    code = subprocess.call(sys.argv[2:])
except OSError:
    code = 127
seconds = time.perf_counter() - start
try:
    import resource
except ImportError:
    cpu = rss = None
else:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # this process has exactly one child
    cpu = usage.ru_utime + usage.ru_stime
    rss = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)  # bytes on macOS, KiB on Linux
with open(sys.argv[1], "w", encoding="utf-8") as report:
    json.dump({"seconds": seconds, "cpu_seconds": cpu, "max_rss_bytes": rss, "returncode": code}, report)
"""


def timed(command: list[str], cwd: Path, log: Path) -> Run:
    """Run one command in its own measuring process; return its time, CPU time and peak memory."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1"}
    report = log.with_suffix(".json")
    report.unlink(missing_ok=True)
    with log.open("wb") as out:
        # -S: no site-packages for the measuring process, so it stays small and starts fast
        subprocess.run([sys.executable, "-S", "-c", _MEASURE, str(report), *command],
                       cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Run(0.0, 0.0, None, 1)
    rss = data["max_rss_bytes"]
    return Run(data["seconds"], data["cpu_seconds"] or 0.0, rss / 2**20 if rss else None, data["returncode"])


def commands(project: Path, baseline: Path, zensical: str | None = None) -> dict[str, tuple[list[str], Path]]:
    """The timed commands and their working folders (with ``zensical``, the executable, two more)."""
    build = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", "site"]
    todo = {
        "baseline": (build, baseline),
        "build": (build, project),
        "coverage": ([sys.executable, str(ROOT / "scripts" / "check_coverage.py"), "--root", str(project)], ROOT),
        "coverage_warm": ([sys.executable, str(ROOT / "scripts" / "check_coverage.py"), "--root", str(project)], ROOT),
    }
    if zensical:  # the project's own macros first on the path, as the README's Zensical commands have it
        run = ["env", f"PYTHONPATH={project}", zensical, "build"]
        todo["zensical_cold"] = (run + ["--clean"], project)
        todo["zensical_warm"] = (run, project)  # the cache of the run before (always the cold one, or a warm one)
    return todo


def run_once(kind: str, command: list[str], cwd: Path, log: Path) -> Run:
    """Time one command from a clean output folder; raise RuntimeError when it fails. The cold check starts
    without the Markdown memo; the warm one keeps the memo the cold one left."""
    shutil.rmtree(cwd / "site", ignore_errors=True)
    if kind == "coverage":
        shutil.rmtree(Path(command[-1]) / MARKDOWN_MEMO, ignore_errors=True)
    run = timed(command, cwd, log)
    if run.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise RuntimeError(f"{LABELS[kind]} failed with exit code {run.returncode} in {cwd}:\n{tail}")
    return run


def measure(trees: dict[int, tuple[Path, Path]], rounds: int, warmups: int, logs: Path,
            zensical: str | None = None) -> dict[int, dict[str, list[Run]]]:
    """Untimed warm-ups (caches, bytecode), then ``rounds`` rounds, alternating sizes and commands."""
    kinds = KINDS + (ZENSICAL_KINDS if zensical else ())
    runs: dict[int, dict[str, list[Run]]] = {n: {k: [] for k in kinds} for n in trees}
    for round_ in range(1 - warmups, rounds + 1):
        for pages, (project, baseline) in trees.items():
            todo = commands(project, baseline, zensical)
            order = ALTERNATED if round_ % 2 == 0 else tuple(reversed(ALTERNATED))  # no command always goes first
            order += ("coverage_warm",)
            order += ZENSICAL_KINDS if zensical else ()  # warm needs the cold run's cache: always in this order
            for kind in order:
                command, cwd = todo[kind]
                run = run_once(kind, command, cwd, logs / f"{kind}-{pages}.log")
                label = f"round {round_}" if round_ > 0 else "warm-up"
                print(f"{label:<9} N={pages:<5} {LABELS[kind]:<20} {run.seconds:8.2f} s  {run.cpu_seconds:8.2f} s CPU  "
                      f"{run.max_rss_mb or 0:6.0f} MB", file=sys.stderr)
                if round_ > 0:
                    runs[pages][kind].append(run)
    return runs


# -- results -------------------------------------------------------------------------------------------


def summarise(runs: dict[int, dict[str, list[Run]]]) -> list[dict]:
    """Medians, ratios, per-page time and peak memory for each N."""
    results = []
    for pages in sorted(runs):
        by_kind = runs[pages]
        kinds = tuple(by_kind)
        median = {k: statistics.median(r.seconds for r in by_kind[k]) for k in kinds}
        cpu = {k: statistics.median(r.cpu_seconds for r in by_kind[k]) for k in kinds}
        memory = {k: max((r.max_rss_mb or 0) for r in by_kind[k]) for k in kinds}
        results.append({
            "pages": pages,
            "median_seconds": {k: round(v, 3) for k, v in median.items()},
            "median_cpu_seconds": {k: round(v, 3) for k, v in cpu.items()},
            "ratios": {"build_over_baseline": round(median["build"] / median["baseline"], 3),
                       "coverage_over_baseline": round(median["coverage"] / median["baseline"], 3),
                       # CPU time is less disturbed by other processes on a busy machine
                       "build_over_baseline_cpu": round(cpu["build"] / cpu["baseline"], 3) if cpu["baseline"] else None,
                       "cold_check_over_build_cpu": round(cpu["coverage"] / cpu["build"], 3) if cpu["build"] else None,
                       "warm_check_over_build_cpu": round(cpu["coverage_warm"] / cpu["build"], 3) if cpu["build"] else None},
            "build_ms_per_page": round(1000 * median["build"] / pages, 2),
            "peak_memory_mb": {k: round(v, 1) for k, v in memory.items()},
            "runs": {k: [asdict(r) for r in by_kind[k]] for k in kinds},
        })
    return results


def targets(results: list[dict]) -> list[dict]:
    """The issue's targets that these measurements can decide."""
    by_pages = {r["pages"]: r for r in results}
    out = []
    if TARGET_PAGES in by_pages:
        r = by_pages[TARGET_PAGES]
        out.append({"target": f"b/a at N={TARGET_PAGES}", "value": r["ratios"]["build_over_baseline"],
                    "limit": f"<= {MAX_BUILD_RATIO}", "met": r["ratios"]["build_over_baseline"] <= MAX_BUILD_RATIO})
        out.append({"target": f"c/a at N={TARGET_PAGES}", "value": r["ratios"]["coverage_over_baseline"],
                    "limit": f"<= {MAX_COVERAGE_RATIO}",
                    "met": r["ratios"]["coverage_over_baseline"] <= MAX_COVERAGE_RATIO})
    if TARGET_PAGES in by_pages:
        ratios = by_pages[TARGET_PAGES]["ratios"]
        for name, key, limit in (("b/a, CPU", "build_over_baseline_cpu", MAX_BUILD_CPU_RATIO),
                                 ("c/b (cold check), CPU", "cold_check_over_build_cpu", MAX_COLD_CHECK_RATIO),
                                 ("c'/b (warm check), CPU", "warm_check_over_build_cpu", MAX_WARM_CHECK_RATIO)):
            value = ratios[key]
            out.append({"target": f"{name} at N={TARGET_PAGES}", "value": value, "limit": f"<= {limit}",
                        "met": value is not None and value <= limit})
    if TARGET_PAGES in by_pages and LARGE_PAGES in by_pages:
        growth = by_pages[LARGE_PAGES]["build_ms_per_page"] / by_pages[TARGET_PAGES]["build_ms_per_page"]
        out.append({"target": f"(b) per page, N={LARGE_PAGES} over N={TARGET_PAGES}", "value": round(growth, 3),
                    "limit": f"<= {MAX_GROWTH}", "met": growth <= MAX_GROWTH})
    if LARGE_PAGES in by_pages:
        memory = by_pages[LARGE_PAGES]["peak_memory_mb"]["build"]
        out.append({"target": f"(b) peak memory at N={LARGE_PAGES}", "value": memory,
                    "limit": f"< {MAX_MEMORY_MB} MB", "met": memory < MAX_MEMORY_MB})
    return out


def machine() -> dict:
    """Where the numbers were measured."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for package in ("mkdocs", "mkdocs-material", "mkdocs-macros-plugin", "zensical"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {"nproc": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "platform": platform.platform(), "packages": versions}


def _load_average() -> list[float] | None:
    """The 1, 5 and 15 minute load averages: a busy machine makes every time longer."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def markdown_table(results: list[dict], rounds: int) -> str:
    """The results as a Markdown table, then the targets it decides."""
    zensical = any("zensical_cold" in r["median_seconds"] for r in results)
    extra_head = " (d) Zensical, cold | (e) Zensical, warm | peak memory (d) |" if zensical else ""
    lines = [
        "| pages | (a) plain Material | (b) full build | (c) coverage CLI | b/a | c/a | b/a, CPU time "
        "| (b) per page | peak memory (a) / (b) / (c) | (c') warm CLI | c/b, CPU | c'/b, CPU |" + extra_head,
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        + (" ---: | ---: | ---: |" if zensical else ""),
    ]
    for r in results:
        m, mem = r["median_seconds"], r["peak_memory_mb"]
        extra = (f" {m['zensical_cold']:.2f} s | {m['zensical_warm']:.2f} s | {mem['zensical_cold']:.0f} MB |"
                 if zensical else "")
        lines.append(
            f"| {r['pages']} | {m['baseline']:.2f} s | {m['build']:.2f} s | {m['coverage']:.2f} s "
            f"| {r['ratios']['build_over_baseline']:.2f} | {r['ratios']['coverage_over_baseline']:.3f} "
            f"| {r['ratios']['build_over_baseline_cpu'] or 0:.2f} | {r['build_ms_per_page']:.1f} ms | {mem['baseline']:.0f} / {mem['build']:.0f} / {mem['coverage']:.0f} MB "
            f"| {m['coverage_warm']:.2f} s | {r['ratios']['cold_check_over_build_cpu'] or 0:.3f} "
            f"| {r['ratios']['warm_check_over_build_cpu'] or 0:.3f} |" + extra)
    lines += ["", f"Times are medians of {rounds} rounds of wall-clock time; the commands were alternated. "
              "Peak memory is each process's own maximum resident set size."]
    decided = targets(results)
    if decided:
        lines += ["", "| target | measured | limit | met |", "| --- | ---: | --- | --- |"]
        lines += [f"| {t['target']} | {t['value']} | {t['limit']} | {'yes' if t['met'] else 'no'} |" for t in decided]
    return "\n".join(lines) + "\n"


# -- the course packs (--course) -------------------------------------------------------------------------
#: The module timed alone, and edited for "the whole course after editing one module".
COURSE_MODULE, COURSE_MODULE_PAGE = "3", "training/03-mutuality-and-reciprocity.md"
COURSE_KINDS = ("module_cold", "course_cold", "course_unchanged", "course_after_edit", "site_publish_off",
                "site_publish_on")
COURSE_LABELS = {
    "module_cold": "one module (4 files), cold",
    "course_cold": "whole course, cold",
    "course_unchanged": "whole course, nothing changed",
    "course_after_edit": "whole course, after editing one module",
    "site_publish_off": "site build, publishing off",
    "site_publish_on": "site build, publishing on, nothing changed",
}
#: The targets of issue 17 (the cold figures are the issue's own, measured before the cache).
MAX_UNCHANGED_SECONDS, MAX_EDIT_OVER_MODULE_SECONDS, MAX_PUBLISH_RATIO = 1.0, 1.0, 1.2
BEFORE_MODULE_COLD, BEFORE_COURSE_COLD = 2.4, 17.5


def course_tree(work: Path) -> Path:
    """A copy of this project (no git, so the version printed on the packs is the day of the newest source)."""
    tree = work / "course-project"
    ignore = shutil.ignore_patterns("__pycache__", ".cache")
    for name in ("macros", "overrides", "principles", "docs", "scripts"):
        shutil.copytree(ROOT / name, tree / name, ignore=ignore)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (tree / "mkdocs.yml").write_text(config, encoding="utf-8")
    publishing = config.replace("course_packs:\n    publish: false", "course_packs:\n    publish: true")
    if publishing == config:
        raise RuntimeError("mkdocs.yml has no `course_packs: publish: false` to switch on for the benchmark")
    (tree / "mkdocs-publish.yml").write_text(publishing, encoding="utf-8")
    return tree


def course_runs(tree: Path, rounds: int, logs: Path) -> dict[str, list[Run]]:
    """Time the course-pack commands, ``rounds`` times each, as whole processes.

    Cold means ``--force`` (nothing reused). "After editing one module" appends a sentence to
    module 3 before each run. The two site builds alternate, after one untimed build that fills
    the cache.
    """
    packs = [sys.executable, str(tree / "scripts" / "build_course.py"), "--root", str(tree), "--out",
             str(tree / "course")]
    build = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d"]
    page = tree / "docs" / COURSE_MODULE_PAGE
    runs: dict[str, list[Run]] = {k: [] for k in COURSE_KINDS}

    def run(kind: str, command: list[str]) -> None:
        result = timed(command, tree, logs / f"{kind}.log")
        if result.returncode != 0:
            tail = (logs / f"{kind}.log").read_text(encoding="utf-8", errors="replace")[-3000:]
            raise RuntimeError(f"{COURSE_LABELS[kind]} failed with exit code {result.returncode}:\n{tail}")
        runs[kind].append(result)
        print(f"{COURSE_LABELS[kind]:<45} {result.seconds:8.2f} s  {result.cpu_seconds:8.2f} s CPU", file=sys.stderr)

    timed(build + ["site-on", "-f", "mkdocs-publish.yml"], tree, logs / "warm-up.log")
    for round_ in range(1, rounds + 1):
        run("module_cold", packs + ["--module", COURSE_MODULE, "--force"])
        run("course_cold", packs + ["--force"])
        run("course_unchanged", packs)
        with page.open("a", encoding="utf-8") as edit:
            edit.write(f"\nA sentence added by the benchmark, round {round_}.\n")
        run("course_after_edit", packs)
        order = ("site_publish_off", "site_publish_on") if round_ % 2 else ("site_publish_on", "site_publish_off")
        timed(build + ["site-on", "-f", "mkdocs-publish.yml"], tree, logs / "warm-up.log")  # the edit, published
        for kind in order:
            config = "mkdocs-publish.yml" if kind == "site_publish_on" else "mkdocs.yml"
            run(kind, build + ["site-on" if kind == "site_publish_on" else "site-off", "-f", config])
    return runs


def course_results(runs: dict[str, list[Run]]) -> dict:
    """Medians and the issue's targets."""
    median = {k: round(statistics.median(r.seconds for r in runs[k]), 2) for k in COURSE_KINDS}
    cpu = {k: round(statistics.median(r.cpu_seconds for r in runs[k]), 2) for k in COURSE_KINDS}
    ratio = round(median["site_publish_on"] / median["site_publish_off"], 3)
    goals = [
        ("whole course, nothing changed", median["course_unchanged"], f"<= {MAX_UNCHANGED_SECONDS} s",
         median["course_unchanged"] <= MAX_UNCHANGED_SECONDS),
        ("whole course after editing one module, over one module cold", round(
            median["course_after_edit"] - median["module_cold"], 2), f"<= {MAX_EDIT_OVER_MODULE_SECONDS} s",
         median["course_after_edit"] - median["module_cold"] <= MAX_EDIT_OVER_MODULE_SECONDS),
        ("publishing build over plain build, nothing changed", ratio, f"<= {MAX_PUBLISH_RATIO}",
         ratio <= MAX_PUBLISH_RATIO),
        ("one module, cold", median["module_cold"], f"<= {BEFORE_MODULE_COLD} s (before)",
         median["module_cold"] <= BEFORE_MODULE_COLD),
        ("whole course, cold", median["course_cold"], f"<= {BEFORE_COURSE_COLD} s (before)",
         median["course_cold"] <= BEFORE_COURSE_COLD),
    ]
    return {"median_seconds": median, "median_cpu_seconds": cpu, "publish_ratio": ratio,
            "targets": [{"target": t, "value": v, "limit": lim, "met": met} for t, v, lim, met in goals],
            "runs": {k: [asdict(r) for r in runs[k]] for k in COURSE_KINDS}}


def course_table(results: dict, rounds: int) -> str:
    """The course-pack figures as Markdown."""
    lines = ["| course packs | time | CPU time |", "| --- | ---: | ---: |"]
    for kind in COURSE_KINDS:
        lines.append(f"| {COURSE_LABELS[kind]} | {results['median_seconds'][kind]:.2f} s "
                     f"| {results['median_cpu_seconds'][kind]:.2f} s |")
    lines += ["", f"Times are medians of {rounds} rounds of wall-clock time; CPU time includes the worker processes.",
              "", "| target | measured | limit | met |", "| --- | ---: | --- | --- |"]
    lines += [f"| {t['target']} | {t['value']} | {t['limit']} | {'yes' if t['met'] else 'no'} |"
              for t in results["targets"]]
    return "\n".join(lines) + "\n"


def course_benchmark(args: argparse.Namespace, work: Path) -> int:
    """The course-pack figures of issue 17 on a copy of this project; writes course.json and course.md."""
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    try:
        tree = course_tree(work)
        load_before = _load_average()
        results = course_results(course_runs(tree, args.rounds, logs))
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    table = course_table(results, args.rounds)
    report = {"command": "python scripts/benchmark.py --course", "machine": machine(),
              "load_average": {"before": load_before, "after": _load_average()}, "rounds": args.rounds, **results}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "course.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (out / "course.md").write_text(table, encoding="utf-8")
    sys.stdout.write(table)
    return 0


# -- the command ---------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="benchmark.py",
        description="Time a plain Material build, the full build and the coverage CLI on synthetic handbooks.")
    parser.add_argument("--pages", metavar="N", type=int, nargs="+", default=list(DEFAULT_PAGES),
                        help="how many training pages to generate; several sizes are alternated (default: 100 500)")
    parser.add_argument("--rounds", metavar="R", type=int, default=3,
                        help="timed runs of each command for each size, after one warm-up (default: 3)")
    parser.add_argument("--out", metavar="DIR", default=str(DEFAULT_OUT),
                        help="where to write benchmark.json and benchmark.md (default: benchmark-output/)")
    parser.add_argument("--warmup", metavar="W", type=int, default=1,
                        help="untimed runs of each command before the timed rounds (default: 1)")
    parser.add_argument("--keep", action="store_true", help="keep the generated trees and print where they are")
    parser.add_argument("--root", metavar="DIR", default=str(ROOT),
                        help="the checkout to measure (default: the one holding this package)")
    parser.add_argument("--course", action="store_true",
                        help="time the course packs instead (cold, nothing changed, after an edit, publishing) on "
                             "a copy of this project; writes course.json and course.md")
    parser.add_argument("--zensical", metavar="EXE",
                        help="also time this Zensical executable on the project, cold (--clean) and warm (cache kept)")
    args = parser.parse_args(argv)
    if any(n < 1 for n in args.pages) or args.rounds < 1 or args.warmup < 0:
        parser.error("--pages and --rounds must be whole numbers from 1, and --warmup from 0")
    args.pages = sorted(set(args.pages))
    return args


def main(argv: list[str] | None = None) -> int:
    """Generate the trees, time the builds, write and print the results; return the exit code."""
    global ROOT
    args = parse_args(argv)
    ROOT = Path(args.root).resolve()
    if not (ROOT / "mkdocs.yml").is_file() or not (ROOT / "macros").is_dir():
        print(f"{ROOT}: the benchmark measures a checkout of this project (mkdocs.yml and macros/); "
              f"run it from one", file=sys.stderr)
        return 2
    out = Path(args.out)
    work = Path(tempfile.mkdtemp(prefix="principles-benchmark-"))
    try:
        if args.course:
            return course_benchmark(args, work)
        logs = work / "logs"
        logs.mkdir()
        trees = {}
        for pages in args.pages:
            print(f"generating {pages} pages in {work}", file=sys.stderr)
            trees[pages] = make_trees(pages, work)
        try:
            load_before = _load_average()
            runs = measure(trees, args.rounds, args.warmup, logs, args.zensical)
        except RuntimeError as error:
            print(error, file=sys.stderr)
            return 1
        results = summarise(runs)
        table = markdown_table(results, args.rounds)
        report = {
            "command": "python scripts/benchmark.py " + " ".join(a for a in (argv if argv is not None else sys.argv[1:])
                                                                 if a != "--root" and a != args.root),
            "machine": machine(),
            "load_average": {"before": load_before, "after": _load_average()},
            "rounds": args.rounds,
            "words_per_page": prose_words(),
            "sections_per_page": SECTIONS_PER_PAGE,
            "results": results,
            "targets": targets(results),
        }
        out.mkdir(parents=True, exist_ok=True)
        (out / "benchmark.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        (out / "benchmark.md").write_text(table, encoding="utf-8")
        sys.stdout.write(table)
        return 0
    finally:
        if args.keep:
            print(f"kept the generated trees in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
