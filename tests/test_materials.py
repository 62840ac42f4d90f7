"""Training materials (issue 23): cards, scripts, forms and decks with ids the build checks.

The materials live in ``principles/materials/*.yml`` and a page shows one with ``{{ material("id") }}``.
An unknown id, a duplicate id and a bad file fail the check, the MkDocs build and the Zensical build alike,
at ``path:line``; a material no page shows is a warning. Tiny projects are made with ``make_site`` from the
short materials file in ``tests/data/materials/``.
"""

from __future__ import annotations

import importlib.util
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from macros.diagnostics import ProblemsFound
from macros.materials import load_materials, parse_materials

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = (ROOT / "tests" / "data" / "materials" / "first-meeting.yml").read_text(encoding="utf-8")
SCHEMA = ROOT / "principles" / "materials.schema.json"
MATERIALS = "principles/materials/first-meeting.yml"
#: A one-module site cannot make every principle the focus of a module; that site-wide rule is not what these are about.
ONE_MODULE_SETTINGS = (ROOT / "principles" / "coverage.yaml").read_text(encoding="utf-8").replace(
    "rules:\n", "rules:\n  coverage.principle-not-focus: off\n", 1)

MODULE = """\
---
title: First meeting
module: 1
duration: 45
objectives: [Practise a first meeting]
focus: [mutuality]
materials: [A quiet room for each trio]
---

# Module 1: First meeting

{{ module_overview() }}

## The first meeting

{{ principles("mutuality", "diversity") }}

{{ duration(20) }}

### Activity: Role-play in threes

{{ material("first-meeting-peer") }}

## Sorting feelings

{{ principles("mutuality") }}

{{ duration(25) }}

### Activity: Sort the feelings

{{ material("feelings-deck") }}
"""


def site_with(make_site, files: dict[str, str] | None = None, materials: str = FIXTURE, **kwargs):
    """A tiny project with the test materials and module 1 showing both of them (unless ``files`` say otherwise)."""
    pages = {"docs/training/01-first-meeting.md": MODULE, MATERIALS: materials}
    pages.update(files or {})
    kwargs.setdefault("settings", ONE_MODULE_SETTINGS)
    return make_site(pages, **kwargs)


def diagnostics(result: subprocess.CompletedProcess) -> list[str]:
    """The diagnostic lines of a command's output, without MkDocs' log prefix."""
    import re

    found = []
    for line in (result.stdout + result.stderr).splitlines():
        line = line.split("-  ", 1)[-1].removeprefix("warning: ").removesuffix(" (warning)")
        if re.search(r"\[[a-z]+\.[a-z-]+\]$", line):
            found.append(line)
    return found


# -- the loader ------------------------------------------------------------------------------------------------
def test_the_fixture_loads_with_every_record_knowing_its_file_and_line():
    found, problems = parse_materials(FIXTURE, MATERIALS, SCHEMA)
    assert problems == []
    assert [(m.id, m.kind, m.line, len(m.cards)) for m in found] == [
        ("first-meeting-peer", "card", 3, 0), ("feelings-deck", "deck", 13, 3)]
    assert found[0].where == f"{MATERIALS}:3"
    assert found[1].facilitator.startswith("FACILITATOR-SIDE-TWO")


BAD_FILES = [
    ("duplicate key", "materials:\n  - id: a\n    id: b\n    title: T\n    kind: card\n    participant: x\n",
     [f'{MATERIALS}:3:5: duplicate key "id" (first set on line 2); remove one of them [yaml.duplicate-key]']),
    ("anchor", "materials:\n  - &one\n    id: a\n    title: T\n    kind: card\n    participant: x\n",
     [f'{MATERIALS}:2:5: anchor "&one" is not allowed; write each value out in full [yaml.anchor]']),
    ("NO read as false", "materials:\n  - id: a\n    title: NO\n    kind: card\n    participant: x\n",
     [f'{MATERIALS}:3:12: materials[0].title must be text, but NO was read as a yes/no value (false); put it in '
      f'quotes: "NO" [principles.wrong-type]']),
    ("unknown field", "materials:\n  - id: a\n    title: T\n    kind: card\n    participant: x\n    facilitater: y\n",
     [f'{MATERIALS}:6:5: unknown field "facilitater" in materials[0]; did you mean "facilitator"? '
      f"[principles.unknown-field]"]),
    ("missing side", "materials:\n  - id: a\n    title: T\n    kind: card\n",
     [f'{MATERIALS}:2:5: materials[0] is missing "participant"; add it [principles.missing-field]']),
    ("deck without cards", "materials:\n  - id: a\n    title: T\n    kind: deck\n    participant: x\n",
     [f'{MATERIALS}:2:5: materials[0] is missing "cards"; add it [principles.missing-field]']),
    ("cards on a card", "materials:\n  - id: a\n    title: T\n    kind: card\n    participant: x\n    cards: [y]\n",
     [f'{MATERIALS}:6:5: material "a" is a card, and only a deck has cards; write kind: deck, or put the text in '
      f"participant [materials.bad-value]"]),
    ("macro in a side", "materials:\n  - id: a\n    title: T\n    kind: card\n    participant: 'see {{ x }}'\n",
     [f'{MATERIALS}:5:18: the participant text of material "a" holds "{{{{": material texts are plain Markdown, so '
      f"macros do not run in them; write it out, or put it in backticks [materials.bad-value]"]),
    ("duplicate id in one file", "materials:\n  - id: a\n    title: T\n    kind: card\n    participant: x\n"
                                 "  - id: a\n    title: U\n    kind: form\n    participant: y\n",
     [f'{MATERIALS}:6: material id "a" is already used at {MATERIALS}:2; ids are unique across every file in '
      f"principles/materials/: rename one of them [materials.duplicate-id]"]),
    ("bad id", "materials:\n  - id: Crisis_Jo\n    title: T\n    kind: card\n    participant: x\n",
     [f'{MATERIALS}:2:9: id "Crisis_Jo" is not a valid id; use lower-case letters, digits and single hyphens, '
      f'starting with a letter (for example "mutuality") [principles.bad-id]']),
]


@pytest.mark.parametrize("text, expected", [(t, e) for _, t, e in BAD_FILES], ids=[n for n, _, _ in BAD_FILES])
def test_a_bad_materials_file_is_reported_at_path_and_line(tmp_path, text, expected):
    folder = tmp_path / "principles" / "materials"
    folder.mkdir(parents=True)
    (tmp_path / "principles" / "materials.schema.json").write_bytes(SCHEMA.read_bytes())
    (folder / "first-meeting.yml").write_text(text, encoding="utf-8")
    with pytest.raises(ProblemsFound) as caught:
        load_materials(tmp_path)
    assert [d.format() for d in caught.value.diagnostics] == expected


def test_an_id_used_in_two_files_is_reported_at_the_second_with_the_first(tmp_path):
    folder = tmp_path / "principles" / "materials"
    folder.mkdir(parents=True)
    (tmp_path / "principles" / "materials.schema.json").write_bytes(SCHEMA.read_bytes())
    (folder / "a.yml").write_text(FIXTURE, encoding="utf-8")
    (folder / "b.yml").write_text("materials:\n  - id: feelings-deck\n    title: T\n    kind: card\n"
                                  "    participant: x\n", encoding="utf-8")
    with pytest.raises(ProblemsFound) as caught:
        load_materials(tmp_path)
    assert [d.format() for d in caught.value.diagnostics] == [
        'principles/materials/b.yml:2: material id "feelings-deck" is already used at principles/materials/a.yml:13; '
        "ids are unique across every file in principles/materials/: rename one of them [materials.duplicate-id]"]


def test_no_materials_folder_means_no_materials(tmp_path):
    assert load_materials(tmp_path).items == ()


# -- the check, the MkDocs build and the Zensical build -----------------------------------------------------------
UNKNOWN = ('docs/training/01-first-meeting.md:22: unknown material "first-meeting-per" in material(); did you mean '
           '"first-meeting-peer"? (the materials are in principles/materials/) [materials.unknown-id]')


def test_an_unknown_id_fails_the_check_and_the_build_at_the_pages_line(make_site):
    site = site_with(make_site, {"docs/training/01-first-meeting.md":
                                 MODULE.replace('material("first-meeting-peer")', 'material("first-meeting-per")')})
    for result in (site.check(), site.build("-q")):
        assert result.returncode == 1, result.stdout + result.stderr
        assert UNKNOWN in diagnostics(result)
        assert "Traceback" not in result.stdout + result.stderr
    assert not (site.root / "site" / "index.html").exists()


def test_a_material_no_page_shows_is_a_warning_at_its_entry(make_site):
    site = site_with(make_site, {"docs/training/01-first-meeting.md": MODULE.replace(
        '{{ material("feelings-deck") }}', "")})
    check = site.check()
    expected = (f'{MATERIALS}:13: material "feelings-deck" is not used on any page; show it with '
                '{{ material("feelings-deck") }} where it is taught, or remove it [materials.unused]')
    assert check.returncode == 0, check.stdout + check.stderr
    assert expected in diagnostics(check)
    built = site.build()
    assert built.returncode == 0, built.stderr
    assert expected in diagnostics(built)


def test_a_bad_materials_file_stops_the_check_and_the_build_with_every_problem(make_site):
    bad = FIXTURE.replace("kind: card", "kind: cards").replace("  - id: feelings-deck", "  - id: first-meeting-peer")
    site = site_with(make_site, materials=bad)
    for result in (site.check(), site.build()):
        assert result.returncode != 0
        found = diagnostics(result)
        assert any(line.startswith(f"{MATERIALS}:5:11: materials[0].kind: ") and "[principles.bad-value]" in line
                   for line in found), found
        assert "Traceback" not in result.stdout + result.stderr


def test_the_page_shows_the_participant_side_in_a_box_and_the_facilitator_side_in_a_note(make_site):
    site = site_with(make_site)
    built = site.build()
    assert built.returncode == 0, built.stderr
    page = site.html("training/01-first-meeting/index.html")
    assert page.count('class="material material--card"') == 1 and page.count('class="material material--deck"') == 1
    assert "You are meeting Sam for the first time" in page
    assert page.count('class="material__card"') == 3 and "<em>listened to</em>" in page
    assert '<details class="facilitator">' in page and "FACILITATOR-SIDE-ONE" in page
    note = page[page.index("FACILITATOR-SIDE-ONE") - 400:page.index("FACILITATOR-SIDE-ONE")]
    assert "<summary>For facilitators: First meeting: the peer worker</summary>" in note
    # the facilitator's "what you need in the room" lists the front matter's items and the materials shown
    assert "A quiet room for each trio" in page
    assert "Card: First meeting: the peer worker" in page and "Card deck: Feelings deck, 3 cards" in page


@pytest.mark.skipif(importlib.util.find_spec("zensical") is None, reason="Zensical is not installed")
def test_an_unknown_id_fails_the_zensical_build_at_the_pages_line(make_site):
    site = site_with(make_site, {"docs/training/01-first-meeting.md":
                                 MODULE.replace('material("first-meeting-peer")', 'material("first-meeting-per")')})
    built = subprocess.run([sys.executable, "-m", "zensical", "build", "--clean"], cwd=site.root, capture_output=True,
                           text=True, env={**os.environ, "PYTHONPATH": str(site.root)})
    assert built.returncode != 0
    assert UNKNOWN in built.stdout + built.stderr
