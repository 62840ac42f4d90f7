"""The README's two commands, CI, the GitHub workflow and the pre-commit hook agree."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_quick_start_has_exactly_two_commands():
    site, tests = quick_start_commands()
    assert "pip install" in site and ("mkdocs serve" in site or "mkdocs build" in site)
    assert "pip install" in tests and tests.endswith("pytest")


def test_ci_runs_the_readme_test_command_after_installing_system_packages():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    _, tests = quick_start_commands()
    assert tests in ci
    assert ci.index("apt-get update") < ci.index("apt-get install") < ci.index(tests)
    assert "chromium" in ci and "playwright install" not in ci


def test_github_workflow_runs_the_readme_commands_and_the_check():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "handbook.yml").read_text(encoding="utf-8"))
    site, tests = quick_start_commands()
    assert set(workflow[True]) == {"pull_request", "push"}  # YAML 1.1 reads the key `on` as True
    steps = [s.get("run", "") for s in workflow["jobs"]["test"]["steps"]]
    assert tests in steps
    assert "python3 scripts/check_coverage.py --format github" in steps
    deploy = workflow["jobs"]["deploy"]
    assert deploy["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    install = site.split(" && ")[0]
    assert any(s.get("run", "").startswith(install + " && mkdocs build") for s in deploy["steps"])
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["steps"])


def test_pre_commit_hook_runs_the_readme_coverage_command():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [hook] = config["repos"][0]["hooks"]
    assert hook["entry"] == "python3 scripts/check_coverage.py"
    assert f"`{hook['entry']}`" in README
    assert hook["pass_filenames"] is False
