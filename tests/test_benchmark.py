"""The benchmark still runs: a tiny smoke run, and a check that its baseline is a fair twin.

No timing assertions: timings belong in the benchmark's own report, not in tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "benchmark.py"


def load_benchmark():
    """The benchmark's module (scripts/benchmark.py runs its main)."""
    import macros.cli.benchmark

    return macros.cli.benchmark


def test_a_tiny_run_writes_the_json_and_the_table(tmp_path: Path):
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--pages", "3", "--rounds", "1", "--warmup", "0", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr
    report = json.loads((out / "benchmark.json").read_text(encoding="utf-8"))
    assert {"command", "machine", "rounds", "results", "targets", "words_per_page"} <= set(report)
    assert {"nproc", "cpu", "python"} <= set(report["machine"])
    [row] = report["results"]
    assert row["pages"] == 3
    for key in ("median_seconds", "median_cpu_seconds", "peak_memory_mb"):
        assert set(row[key]) == {"baseline", "build", "coverage", "coverage_warm"}
    assert set(row["ratios"]) == {"build_over_baseline", "coverage_over_baseline", "build_over_baseline_cpu",
                                  "cold_check_over_build_cpu", "warm_check_over_build_cpu"}
    assert all(len(runs) == 1 for runs in row["runs"].values())
    table = (out / "benchmark.md").read_text(encoding="utf-8")
    assert table.startswith("| pages | (a) plain Material | (b) full build | (c) coverage CLI | b/a | c/a |")
    assert "\n| 3 | " in table
    assert table in result.stdout


def test_the_baseline_builds_the_same_pages_without_the_macros(tmp_path: Path):
    """The baseline twin must differ only in how the pages are made, or the ratio measures nothing."""
    benchmark = load_benchmark()
    project, baseline = benchmark.make_trees(2, tmp_path)
    page = benchmark.training_path(1)
    assert "{{ principles(" in (project / "docs" / page).read_text(encoding="utf-8")
    assert "{{" not in (baseline / "docs" / page).read_text(encoding="utf-8")
    assert "macros" not in (baseline / "mkdocs.yml").read_text(encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    for tree in (project, baseline):
        built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", "site"],
                               cwd=tree, capture_output=True, text=True, env=env)
        assert built.returncode == 0, built.stderr
    from macros.engine.squeeze import tidy_built_page

    html = page.removesuffix(".md") + "/index.html"
    for output in (html, "principles/mutuality/index.html", "supervision/team/index.html"):
        # the hook tidies every built page (head alternate links, the templates' whitespace; a few
        # milliseconds); plain Material does not, and that is the only difference
        assert (project / "site" / output).read_text(encoding="utf-8") == \
            tidy_built_page((baseline / "site" / output).read_text(encoding="utf-8")), output


def test_course_figures_and_their_targets_from_runs():
    """The course-pack section (--course) turns its runs into medians, the publishing ratio and the targets."""
    benchmark = load_benchmark()
    seconds = {"module_cold": 2.0, "course_cold": 16.0, "course_unchanged": 0.5, "course_after_edit": 14.0,
               "site_publish_off": 2.0, "site_publish_on": 2.2}
    runs = {kind: [benchmark.Run(value, value, 100.0, 0)] for kind, value in seconds.items()}
    results = benchmark.course_results(runs)
    assert results["median_seconds"] == seconds
    assert results["publish_ratio"] == 1.1
    met = {t["target"]: t["met"] for t in results["targets"]}
    assert met == {"whole course, nothing changed": True,
                   "whole course after editing one module, over one module cold": False,
                   "publishing build over plain build, nothing changed": True,
                   "one module, cold": True, "whole course, cold": True}
    table = benchmark.course_table(results, 1)
    assert "| whole course, nothing changed | 0.50 s | 0.50 s |" in table
    assert "| publishing build over plain build, nothing changed | 1.1 | <= 1.2 | yes |" in table
