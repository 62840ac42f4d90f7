"""Packaging tells the truth: a plain (non-editable) install carries everything the engine reads."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_plain_install_runs_the_coverage_check_on_a_project_folder(tmp_path):
    target, source = tmp_path / "installed", tmp_path / "source"
    def ignore(folder: str, names: list[str]) -> set[str]:
        top = Path(folder) == ROOT  # the built site, course packs and caches of this checkout; not macros/engine/course/
        return {n for n in names if n in {"__pycache__", ".git"} or n.endswith(".egg-info")
                or (top and n in {"site", "course", ".cache", "build", "benchmark-output"})}

    shutil.copytree(ROOT, source, ignore=ignore)
    built = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                            "--target", str(target), str(source)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert (target / "macros" / "engine" / "coverage" / "scan.py").is_file()
    assert list((target / "macros").rglob("DejaVuSans.ttf")), "the course packs' fonts are package data"
    project = tmp_path / "project"
    for name in ("docs", "principles"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    check = subprocess.run([sys.executable, "-c", "import sys; from macros.cli.coverage import main; "
                            "sys.exit(main(['--root', '.']))"], cwd=project, capture_output=True, text=True,
                           env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"})
    assert check.returncode == 0, check.stderr
    assert "0 violations" in check.stdout
    (project / "principles" / "schema.json").unlink()
    missing = subprocess.run([sys.executable, "-c", "import sys; from macros.cli.coverage import main; "
                              "sys.exit(main(['--root', '.']))"], cwd=project, capture_output=True, text=True,
                             env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"})
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert "principles/principles.yaml:1:1: its schema" in missing.stderr
