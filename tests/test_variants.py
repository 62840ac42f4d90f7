"""Local variants (issue 13): local/<name>/local.yml, slots, local values and one-command variant builds."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("mkdocs.yml", "docs", "macros", "overrides", "principles", "scripts", "local")
EXAMPLE = "local/example-trust/local.yml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the real project, example variant included (builds write into the project)."""
    for part in PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__", "build", "site"))
        else:
            shutil.copy2(source, tmp_path / part)
    return tmp_path


def run(project: Path, script: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(project / "scripts" / script), "--root", str(project), *args],
                          capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1",
                                                               "PYTHONPATH": str(project)})


def edit(project: Path, relative: str, old: str, new: str) -> None:
    path = project / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(project: Path, relative: str, needle: str) -> int:
    return next(i for i, t in enumerate((project / relative).read_text(encoding="utf-8").splitlines(), 1) if needle in t)


def test_example_variant_passes_the_check():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_coverage.py"), "--variant", "example-trust",
                             "--publish"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "open-door (a local value)" in result.stdout and "valley-voices (a local value)" in result.stdout


@pytest.mark.parametrize(("change", "message"), [
    (("organisation:\n  name:", "organisation:\n  name: Twice\n  name:"),
     'local/example-trust/local.yml:6:3: duplicate key "name" (first set on line 5); remove one of them '
     "[yaml.duplicate-key]"),
    (("  expenses: |", "  expenses: 42\n  unused: |"), None),
    (("    title: Strengths and connections in the valley",
      "    title: Strengths and connections in the valley\n    statement: Our own words"),
     'local/example-trust/local.yml:{line}:5: the statement of "strengths-connections" is quoted exactly from the '
     "paper (Gillard et al. 2017) and cannot be changed; remove principles.strengths-connections.statement and reword "
     "its title, prompts or indicators, or add your own value under values: [local.quoted-text]"),
    (("  - id: open-door", "  - id: mutuality"),
     'local/example-trust/local.yml:{line}:9: value id "mutuality" is already the id of principle 2 (Mutuality and '
     'reciprocity) in principles/principles.yaml; give your value its own id, such as "our-mutuality" '
     "[local.duplicate-id]"),
])
def test_bad_variant_input_is_reported_with_file_and_line(project, change, message):
    edit(project, EXAMPLE, *change)
    for script, args in (("check_coverage.py", ()), ("build_variant.py", ())):
        result = run(project, script, *(("--variant", "example-trust") if script == "check_coverage.py"
                                         else ("example-trust",)), *args)
        assert result.returncode in (1, 2)
        assert "Traceback" not in result.stderr
        if message is None:  # a slot text that is not text
            line = line_of(project, EXAMPLE, "expenses: 42")
            assert (f"local/example-trust/local.yml:{line}:13: slots.expenses must be text, but 42 was read as a number "
                    f'(42); put it in quotes: "42" [principles.wrong-type]') in result.stderr
            assert 'unknown slot "unused" under slots:; valid values are: "lone-working",' in result.stderr
        else:
            line = line_of(project, EXAMPLE, change[1].splitlines()[-1].strip())
            assert message.format(line=line) in result.stderr, result.stderr
    assert not (project / "build").exists()  # nothing half-written


def test_unknown_variant_lists_the_known_ones(project):
    for script, args in (("check_coverage.py", ("--variant", "exampel-trust")), ("build_variant.py", ("exampel-trust",)),
                         ("build_course.py", ("--variant", "exampel-trust"))):
        result = run(project, script, *args)
        assert result.returncode == 2, script
        assert ('error: unknown variant "exampel-trust": there is no local/exampel-trust/local.yml; did you mean '
                '"example-trust"? known variants: example-trust') in result.stderr
        assert "Traceback" not in result.stderr


def test_a_local_training_page_follows_the_coverage_rule(project):
    page = project / "local/example-trust/docs/training/our-induction.md"
    page.parent.mkdir(parents=True)
    page.write_text("# Our induction\n\n## Meeting the team\n\nWe meet the ward team.\n", encoding="utf-8")
    edit(project, EXAMPLE, "pages:\n", "pages:\n  - file: training/our-induction.md\n    title: Our induction\n"
                                       "    section: Training\n")
    result = run(project, "check_coverage.py", "--variant", "example-trust")
    assert result.returncode == 1
    assert ('local/example-trust/docs/training/our-induction.md:3: section "Meeting the team" is not linked to any '
            "principle [coverage.unlinked-section]") in result.stdout
    build = run(project, "build_variant.py", "example-trust")
    assert build.returncode == 1 and "[coverage.unlinked-section]" in build.stderr and "Traceback" not in build.stderr
    assert not (project / "build").exists()


def test_unknown_slot_in_a_page_says_did_you_mean(project):
    edit(project, "docs/handbook/endings.md", "\n## ", '\n{{ local("lone-workin") }}\n\n## ')
    result = run(project, "check_coverage.py")
    assert result.returncode == 1
    assert 'unknown slot "lone-workin" in local(); did you mean "lone-working"?' in result.stdout


def test_publish_with_a_required_slot_removed_names_the_slot_and_every_page(project):
    text = (project / EXAMPLE).read_text(encoding="utf-8")
    start = text.index("  information-sharing: |")
    end = text.index("  safeguarding: |")
    (project / EXAMPLE).write_text(text[:start] + text[end:], encoding="utf-8")
    draft = run(project, "check_coverage.py", "--variant", "example-trust")
    assert draft.returncode == 0 and "[slots.unfilled-draft]" in draft.stdout
    result = run(project, "build_variant.py", "example-trust", "--publish")
    assert result.returncode == 1
    uses = [(p, line_of(project, p, 'local("information-sharing")')) for p in (
        "docs/handbook/notes-and-records.md", "docs/training/02-safe-and-trusting-relationships.md",
        "docs/training/09-working-in-the-organisation.md")]
    for path, line in uses:
        assert (f'{path}:{line}: required slot "information-sharing" is empty in example-trust; a published variant must '
                f"fill it: add slots: information-sharing: with its policy on notes and sharing information to "
                f"{EXAMPLE} [slots.unfilled]") in result.stderr
    assert not (project / "build").exists()


def test_example_variant_builds_its_site_and_a_core_change_reaches_every_variant(project):
    second = project / "local" / "second-service"
    second.mkdir()
    (second / "local.yml").write_text("organisation:\n  name: Second Service (fictional)\n", encoding="utf-8")
    edit(project, "docs/handbook/endings.md", "\n## ", "\nA sentence added upstream today.\n\n## ")
    for name in ("example-trust", "second-service"):
        result = run(project, "build_variant.py", name)
        assert result.returncode == 0, result.stderr
    one = project / "build/variants/example-trust/site"
    two = project / "build/variants/second-service/site"
    for site in (one, two):
        assert "A sentence added upstream today." in (site / "handbook/endings/index.html").read_text(encoding="utf-8")
    lone = (one / "handbook/lone-working-and-home-visits/index.html").read_text(encoding="utf-8")
    assert "Example Valley NHS Foundation Trust (fictional)" in lone and "visit board" in lone
    assert "01632 960 001" in (one / "help/index.html").read_text(encoding="utf-8")
    overview = (one / "principles/index.html").read_text(encoding="utf-8")
    assert "An open door" in overview and "Valley voices" in overview
    assert "An open door" in (one / "principles/open-door/index.html").read_text(encoding="utf-8")
    assert "Our local resource pack" in (one / "handbook/local-resource-pack/index.html").read_text(encoding="utf-8")
    # no leak between variants built from the same checkout
    for page in two.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "Example Valley" not in text and "visit board" not in text and "01632" not in text, page
    assert "Your service adds its lone-working procedure here." in (
        two / "handbook/lone-working-and-home-visits/index.html").read_text(encoding="utf-8")


def test_generic_build_shows_the_slot_boxes(make_site):
    site = make_site({"docs/guide.md": '# Guide\n\n{{ local("lone-working") }}\n\n{{ local_values() }}\n'})
    result = site.build()
    assert result.returncode == 0, result.stderr
    html = site.html("guide/index.html")
    assert '<div class="local-slot local-slot--empty" role="note">' in html
    assert "<strong>Your service adds its lone-working procedure here.</strong>" in html
    assert "Your service adds its own values here." in html


def test_in_process_variant_builds_do_not_leak(project, monkeypatch):
    """mkdocs-macros imports `macros` once per process: two variants built in one process keep apart."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    second = project / "local" / "second-service"
    second.mkdir()
    (second / "local.yml").write_text("organisation:\n  name: Second Service (fictional)\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(project))
    for name in [m for m in sys.modules if m == "macros" or m.startswith("macros.")]:
        monkeypatch.delitem(sys.modules, name)
    from macros.engine.site import Site
    from macros.cli.variant_build import make_folder

    folders = {}
    for name in ("example-trust", "second-service"):
        site = Site.load(project, variant=name)
        folders[name] = project / "made" / name
        make_folder(project, site, folders[name], publish=False)
    for name in [m for m in sys.modules if m == "macros" or m.startswith("macros.")]:
        del sys.modules[name]
    titles = {}
    for name, folder in folders.items():
        monkeypatch.chdir(folder)
        config = load_config(config_file=str(folder / "mkdocs.yml"), site_dir=str(folder / "site"))
        build(config)
        assert not any(m == "macros" or m.startswith("macros.") for m in sys.modules)
        titles[name] = (folder / "site/handbook/lone-working-and-home-visits/index.html").read_text(encoding="utf-8")
    assert "visit board" in titles["example-trust"] and "Second Service" not in titles["example-trust"]
    assert "visit board" not in titles["second-service"] and "Second Service" in titles["second-service"]
