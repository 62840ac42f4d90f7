"""build_variant.py --all and --list, and the workflow's matrix that builds one variant per job."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from macros.cli import variant_build

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the real project with the example variant and a second variant whose local.yml is broken."""
    root = tmp_path / "project"
    for part in ("docs", "principles", "overrides", "local", "macros"):
        shutil.copytree(ROOT / part, root / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    broken = root / "local" / "a-broken-one"
    broken.mkdir()
    (broken / "local.yml").write_text("organisation:\n  name: Broken\nvalues:\n  - id: mutuality\n"
                                      "    title: Ours\n    statement: Ours.\n", encoding="utf-8")
    return root


def test_list_prints_every_variant_as_json(project, capsys):
    assert variant_build.main(["--root", str(project), "--list"]) == 0
    assert json.loads(capsys.readouterr().out) == ["a-broken-one", "example-trust"]


def test_all_builds_every_variant_and_fails_when_one_fails(project, capsys):
    code = variant_build.main(["--root", str(project), "--all"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "local/a-broken-one/local.yml:" in err and "[local.duplicate-id]" in err
    assert "Nothing was built for a-broken-one: fix the problems above and run again." in err
    built = [line for line in out.splitlines() if line.startswith("Built example-trust (draft) with mkdocs in ")]
    assert len(built) == 1 and built[0].endswith("/build/variants/example-trust/site/index.html")
    assert out.splitlines()[-1] == "Built 1 of 2 variants; failed: a-broken-one."
    assert (project / "build" / "variants" / "example-trust" / "site" / "index.html").is_file()
    assert not (project / "build" / "variants" / "a-broken-one").exists()


@pytest.mark.parametrize("args", [[], ["example-trust", "--all"], ["--all", "--list"]])
def test_one_name_or_all_or_list(args, capsys):
    with pytest.raises(SystemExit) as stop:
        variant_build.main(["--root", str(ROOT), *args])
    assert stop.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == "build_variant.py: error: name one variant, or use --all or --list"


def test_the_workflow_builds_one_variant_per_job_from_the_list():
    jobs = yaml.safe_load((ROOT / ".github" / "workflows" / "handbook.yml").read_text(encoding="utf-8"))["jobs"]
    listing = jobs["variant-list"]
    [step] = [s for s in listing["steps"] if s.get("id") == "list"]
    assert step["run"] == 'echo "variants=$(python3 scripts/build_variant.py --list)" >> "$GITHUB_OUTPUT"'
    assert listing["outputs"]["variants"] == "${{ steps.list.outputs.variants }}"
    matrix = jobs["variants"]
    assert matrix["needs"] == "variant-list"
    assert matrix["strategy"]["matrix"]["variant"] == "${{ fromJSON(needs.variant-list.outputs.variants) }}"
    assert matrix["strategy"]["fail-fast"] is False
    build = matrix["steps"][-1]
    assert build["env"]["VARIANT"] == "${{ matrix.variant }}" and build["run"] == 'python3 scripts/build_variant.py "$VARIANT"'
