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
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MINIMAL_MKDOCS, TAUGHT_ALL, TinySite, write_principle_stubs

from macros.engine.diagnostics import ProblemsFound
from macros.engine.materials import load_materials, parse_materials

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

{{ duration(25, cut_if_short=True) }}

### Activity: Sort the feelings

{{ material("feelings-deck") }}
"""


#: Where the escalation rule's link points (a card with back: escalation links it on the page).
CRISIS_PAGE = "docs/handbook/crisis-suicide-and-self-harm.md"


def site_with(make_site, files: dict[str, str] | None = None, materials: str = FIXTURE, **kwargs):
    """A tiny project with the test materials and module 1 showing both of them (unless ``files`` say otherwise)."""
    pages = {"docs/training/01-first-meeting.md": MODULE, MATERIALS: materials, CRISIS_PAGE: "# Crisis\n\n## Three speeds\n"}
    pages.update(files or {})
    kwargs.setdefault("settings", ONE_MODULE_SETTINGS)
    return make_site(pages, **kwargs)


def diagnostics(result: subprocess.CompletedProcess) -> list[str]:
    """The diagnostic lines of a command's output, without MkDocs' log prefix."""
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
        ("first-meeting-peer", "card", 3, 0), ("feelings-deck", "deck", 19, 3)]
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
    ("kind in the title", "materials:\n  - id: a\n    title: 'Card sort: Sorting'\n    kind: deck\n    participant: x\n"
                          "    cards: [y]\n",
     [f'{MATERIALS}:3:12: the title of material "a" starts with "Card sort:", but its kind (Card deck) is printed '
      f'before the title already; leave "Card sort:" out [materials.bad-value]']),
    ("back on a form", "materials:\n  - id: a\n    title: T\n    kind: form\n    participant: x\n    back: escalation\n",
     [f'{MATERIALS}:6:5: material "a" is a form, and only a card has a back; write kind: card, or leave out back '
      f"[materials.bad-value]"]),
    ("macro in a player's lines", "materials:\n  - id: a\n    title: T\n    kind: card\n    participant: x\n"
                                  "    player:\n      - role: Jo\n        lines: 'say {{ x }}'\n",
     [f'{MATERIALS}:8:16: the player text of material "a" holds "{{{{": material texts are plain Markdown, so '
      f"macros do not run in them; write it out, or put it in backticks [materials.bad-value]"]),
    ("player without lines", "materials:\n  - id: a\n    title: T\n    kind: card\n    participant: x\n"
                             "    player:\n      - role: Jo\n",
     [f'{MATERIALS}:7:9: materials[0].player[0] is missing "lines"; add it [principles.missing-field]']),
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
        'principles/materials/b.yml:2: material id "feelings-deck" is already used at principles/materials/a.yml:19; '
        "ids are unique across every file in principles/materials/: rename one of them [materials.duplicate-id]"]


def test_a_title_from_yaml_is_escaped_in_the_box_and_in_the_facilitator_note():
    from macros.engine import render
    from macros.engine.materials import Material

    html = render.material(Material("x", 'Jo says "no" <b>{{ now }}</b>', "card", "Side.", "Note."))
    assert "<b>" not in html and "{{" not in html
    assert '??? facilitator "For facilitators: Jo says &quot;no&quot; &lt;b&gt;&#123;&#123; now' in html
    assert "facilitator" not in render.material(Material("y", "T", "form", "Side."))


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
    expected = (f'{MATERIALS}:19: material "feelings-deck" is not used on any page; show it with '
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
    assert "You are meeting Rhys for the first time" in page
    assert page.count('class="material__card"') == 3 and "<em>listened to</em>" in page
    assert '<details class="facilitator">' in page and "FACILITATOR-SIDE-ONE" in page
    note = page[page.index("FACILITATOR-SIDE-ONE") - 400:page.index("FACILITATOR-SIDE-ONE")]
    assert "<summary>For facilitators: First meeting: the peer worker</summary>" in note
    # the facilitator's "what you need in the room" lists the front matter's items and the materials shown
    assert "A quiet room for each trio" in page
    assert "Card: First meeting: the peer worker" in page and "Card deck: Feelings deck, 3 cards" in page


def participant_part(html: str) -> str:
    """A page's HTML without its facilitator notes: what a participant reads."""
    return re.sub(r'(?s)<details class="facilitator">.*?</details>', "", html)


def test_a_role_players_lines_are_only_in_the_facilitator_note_on_the_page(make_site):
    site = site_with(make_site)
    built = site.build()
    assert built.returncode == 0, built.stderr
    page = site.html("training/01-first-meeting/index.html")
    assert "PLAYER-LINE" not in participant_part(page) and "For the person playing" not in participant_part(page)
    note = re.search(r'(?s)<details class="facilitator">.*?</details>', page[page.index("FACILITATOR-SIDE-ONE") - 400:])
    assert note and "For the person playing Rhys only" in note.group(0)
    assert "PLAYER-LINE-ONE" in note.group(0) and "PLAYER-LINE-TWO" in note.group(0)
    # the card's back is printed from the escalation rule; the page says so, and links the rule
    back = participant_part(page)[participant_part(page).index("On the back of the printed card"):][:400]
    assert re.search(r'href="[^"]*handbook/crisis-suicide-and-self-harm/#three-speeds"', back), back


DUPLICATE = (f'{MATERIALS}:19: material id "first-meeting-peer" is already used at {MATERIALS}:3; ids are unique '
             f"across every file in principles/materials/: rename one of them [materials.duplicate-id]")


@pytest.mark.skipif(importlib.util.find_spec("zensical") is None, reason="Zensical is not installed")
@pytest.mark.parametrize("page, materials, expected", [
    (MODULE.replace('material("first-meeting-peer")', 'material("first-meeting-per")'), FIXTURE, UNKNOWN),
    (MODULE, FIXTURE.replace("id: feelings-deck", "id: first-meeting-peer"), DUPLICATE),
], ids=["unknown id", "duplicate id"])
def test_zensical_which_runs_no_hooks_still_fails_at_path_and_line(make_site, page, materials, expected):
    site = site_with(make_site, {"docs/training/01-first-meeting.md": page}, materials=materials)
    built = subprocess.run([sys.executable, "-m", "zensical", "build", "--clean"], cwd=site.root, capture_output=True,
                           text=True, env={**os.environ, "PYTHONPATH": str(site.root)})
    assert built.returncode != 0
    assert expected in built.stdout + built.stderr
    assert not (site.root / "site" / "training" / "01-first-meeting" / "index.html").exists()


def test_a_duplicate_id_stops_the_check_and_the_mkdocs_build(make_site):
    site = site_with(make_site, materials=FIXTURE.replace("id: feelings-deck", "id: first-meeting-peer"))
    for result in (site.check(), site.build()):
        assert result.returncode != 0
        assert DUPLICATE in diagnostics(result), result.stdout + result.stderr


# -- the course packs ----------------------------------------------------------------------------------------------
def words(text: str) -> str:
    return " ".join(text.split())


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return words(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def docx_paragraphs(data: bytes) -> list:
    import docx

    return docx.Document(io.BytesIO(data)).paragraphs


def run_course(site, out: Path, *args: str) -> tuple[int, str, str]:
    """The course CLI on the tiny project, in its own process with its own copy of the engine."""
    result = subprocess.run([sys.executable, "-c", "import sys; from macros.cli.course import main; sys.exit(main(sys.argv[1:]))", "--root", str(site.root), "--out", str(out),
                             "--jobs", "1", *args], cwd=site.root, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(site.root)})
    return result.returncode, result.stdout, result.stderr


PACKS = ["01-first-meeting-facilitator-guide", "01-first-meeting-participant-handout", "01-first-meeting-materials",
         "01-first-meeting-materials-large-print"]


@pytest.fixture(scope="module")
def packs(tmp_path_factory):
    """Module 1's packs, made once by the course CLI: {file name: bytes}, and the project."""
    root = tmp_path_factory.mktemp("materials") / "project"
    for part in ("macros", "overrides"):
        shutil.copytree(ROOT / part, root / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "principles", root / "principles", ignore=shutil.ignore_patterns("materials"))
    site = TinySite(root)
    site.write("mkdocs.yml", MINIMAL_MKDOCS)
    site.write("principles/coverage.yaml", ONE_MODULE_SETTINGS)
    safety = (root / "principles" / "safety.yml").read_text(encoding="utf-8")  # no real safety pages, as make_site
    site.write("principles/safety.yml", safety[: safety.index("\npages:\n")] + "\npages: []\n")
    site.write("docs/index.md", "# Home\n")
    site.write("docs/training/all.md", TAUGHT_ALL)
    site.write("docs/training/01-first-meeting.md", MODULE)
    site.write(MATERIALS, FIXTURE)
    write_principle_stubs(root)
    out = root.parent / "packs"
    code, stdout, stderr = run_course(site, out, "--module", "1")
    assert code == 0, stdout + stderr
    return {p.name: p.read_bytes() for p in out.iterdir()}, site, stdout


def test_a_module_that_shows_materials_gets_a_materials_pack_in_standard_and_large_print(packs):
    files, _, stdout = packs
    assert sorted(files) == sorted(f"{name}.{fmt}" for name in PACKS for fmt in ("pdf", "docx"))
    assert re.search(r"Wrote 8 of 8 files \(4 PDF, 4 DOCX\)", stdout)


def test_the_materials_pdf_is_tagged_pdf_ua_1_and_passes_the_checker(packs):
    import page as pdf_checker
    from pypdf import PdfReader

    files, _, _ = packs
    for name in ("01-first-meeting-materials.pdf", "01-first-meeting-materials-large-print.pdf"):
        report = pdf_checker.validate_pdf_bytes(files[name], profile="ua1")
        assert [(f.rule_id, f.message) for f in report.failures] == [] and report.is_compliant, name
        reader = PdfReader(io.BytesIO(files[name]))
        assert reader.trailer["/Root"]["/Lang"] == "en"
    assert PdfReader(io.BytesIO(files["01-first-meeting-materials.pdf"])).metadata.title == (
        "Module 1: First meeting \u2013 Materials to print")
    standard = len(PdfReader(io.BytesIO(files["01-first-meeting-materials.pdf"])).pages)
    large = len(PdfReader(io.BytesIO(files["01-first-meeting-materials-large-print.pdf"])).pages)
    assert large > standard, "large print takes more pages"


def test_the_materials_pack_has_cut_lines_between_cards_and_the_facilitator_sides_apart(packs):
    files, _, _ = packs
    text = pdf_text(files["01-first-meeting-materials.pdf"])
    # a card's front and back between three lines, the role-player's card between two more, three deck cards
    # between four
    assert text.count("Cut along this line") == 9
    assert "Card 2 of 3 I felt rushed" in text
    cards_end = text.rindex("Cut along this line")
    assert "FACILITATOR-SIDE" not in text[:cards_end], "no facilitator side on a page that is cut and handed out"
    assert "FACILITATOR-SIDE-ONE" in text[cards_end:] and "FACILITATOR-SIDE-TWO" in text[cards_end:]
    for name in ("01-first-meeting-materials.docx", "01-first-meeting-materials-large-print.docx"):
        paragraphs = docx_paragraphs(files[name])
        cuts = [p for p in paragraphs if p.style.name == "Cut Line"]
        assert len(cuts) == 9 and all(p.text == "\u2702 Cut along this line" for p in cuts)
        notes = [p.text for p in paragraphs if p.style.name == "Facilitator Note"]
        assert any("FACILITATOR-SIDE-ONE" in n for n in notes) and any("FACILITATOR-SIDE-TWO" in n for n in notes)
    import docx

    large = docx.Document(io.BytesIO(files["01-first-meeting-materials-large-print.docx"]))
    standard = docx.Document(io.BytesIO(files["01-first-meeting-materials.docx"]))
    assert large.styles["Normal"].font.size.pt == 18 and standard.styles["Normal"].font.size.pt == 10.5


def test_the_materials_pack_prints_the_role_players_lines_on_a_card_and_page_of_their_own(packs):
    from pypdf import PdfReader

    files, _, _ = packs
    pages = [words(p.extract_text()) for p in PdfReader(io.BytesIO(files["01-first-meeting-materials.pdf"])).pages]
    with_lines = [p for p in pages if "PLAYER-LINE-ONE" in p]
    assert len(with_lines) == 1 and "For the person playing Rhys only" in with_lines[0]
    assert "PLAYER-LINE-TWO" in with_lines[0] and "You are meeting Rhys" not in with_lines[0]
    front = next(p for p in pages if "You are meeting Rhys" in p)
    assert "PLAYER-LINE" not in front
    for name in ("01-first-meeting-materials.docx", "01-first-meeting-materials-large-print.docx"):
        text = words(" ".join(p.text for p in docx_paragraphs(files[name])))
        assert "For the person playing Rhys only" in text and "PLAYER-LINE-ONE" in text, name


def test_a_card_with_back_escalation_carries_the_three_speeds_from_the_rule(packs):
    from macros.engine.safety import load_safety

    files, site, _ = packs
    rule = load_safety(site.root / "principles" / "safety.yml", "principles/safety.yml")
    for name in ("01-first-meeting-materials.pdf", "01-first-meeting-materials-large-print.pdf"):
        text = pdf_text(files[name])
        start = text.index("Back of the card: stick it to the back of the front")
        assert "Front of the card You are meeting Rhys" in text
        back = text[start:text.index("Card deck: Feelings deck", start)]
        for speed in rule.speeds:
            assert words(f"Speed {speed.speed}: {speed.name}. {speed.when}") in back, (name, speed.id)
            assert words(speed.act) in back
        assert words(rule.cannot_reach_rule) in back
    word = words(" ".join(p.text for p in docx_paragraphs(files["01-first-meeting-materials.docx"])))
    assert words(f"Speed 2: {rule.speeds[1].name}. {rule.speeds[1].when}") in word


def test_handouts_leave_out_the_role_players_lines_and_what_to_cut_if_short(packs):
    files, _, _ = packs
    handout = pdf_text(files["01-first-meeting-participant-handout.pdf"])
    word = words(" ".join(p.text for p in docx_paragraphs(files["01-first-meeting-participant-handout.docx"])))
    for text in (handout, word):
        assert "PLAYER-LINE" not in text and "For the person playing" not in text
        assert "cut if short" not in text.lower()
        assert "Time: 25 minutes" in text
    guide = pdf_text(files["01-first-meeting-facilitator-guide.pdf"])
    assert "For the person playing Rhys only" in guide and "PLAYER-LINE-ONE" in guide
    assert "Sorting feelings (cut if short)" in guide and "Time: 25 minutes · Cut if short" in guide


def test_a_help_line_without_a_number_prints_its_address_instead(packs):
    from macros.engine.course.layout import PackContext, help_section
    from macros.engine.help import parse_help

    help = parse_help({"lines": [
        {"name": "999 BSL", "url": "https://www.999bsl.co.uk/", "url_text": "Open 999 BSL", "description": "Video."},
        {"name": "Samaritans", "number": "116 123", "description": "Free, any time."}]})
    section = help_section(PackContext(None, "Test", "v1", help))
    items = [" ".join(li.text().split()) for li in section.iter() if li.tag == "li"]
    assert items == ["999 BSL: Open 999 BSL. Video.", "Samaritans: 116 123. Free, any time."]
    link = next(e for e in section.iter() if e.tag == "a")
    assert link.attrs["href"] == "https://www.999bsl.co.uk/"


def test_no_printed_help_list_has_an_empty_number():
    """The real help lines, as every pack prints them: no line reads "999 BSL: ."."""
    from macros.engine.course.layout import PackContext, help_section
    from macros.engine.help import parse_help
    from macros.engine.project import read_project_config

    help = parse_help(read_project_config(ROOT).extra["help"])
    assert any(not line.number for line in help.lines), "the real help lines have one reached by its website"
    section = help_section(PackContext(None, "Test", "v1", help))
    items = [" ".join(li.text().split()) for li in section.iter() if li.tag == "li"]
    assert len(items) == len(help.lines)
    assert not [i for i in items if ": ." in i or i.split(":", 1)[1].strip().startswith(".")], items


def test_handouts_carry_only_the_participant_side(packs):
    files, _, _ = packs
    handout = pdf_text(files["01-first-meeting-participant-handout.pdf"])
    word = " ".join(p.text for p in docx_paragraphs(files["01-first-meeting-participant-handout.docx"]))
    for text in (handout, words(word)):
        assert "You are meeting Rhys for the first time" in text and "I felt rushed" in text
        assert "FACILITATOR-SIDE" not in text and "For facilitators" not in text
    guide = pdf_text(files["01-first-meeting-facilitator-guide.pdf"])
    assert "FACILITATOR-SIDE-ONE" in guide and "FACILITATOR-SIDE-TWO" in guide


def test_the_facilitator_guide_lists_the_materials_the_module_shows(packs):
    files, _, _ = packs
    guide = pdf_text(files["01-first-meeting-facilitator-guide.pdf"])
    needs = guide[guide.index("What you need in the room"):]
    assert needs.index("A quiet room for each trio") < needs.index("Card: First meeting: the peer worker (print it")
    assert "Card deck: Feelings deck, 3 cards (print it from the module's materials pack)" in needs


def test_editing_a_material_remakes_the_packs_that_show_it(packs, tmp_path):
    _, site, _ = packs
    out = tmp_path / "again"
    code, stdout, stderr = run_course(site, out, "--module", "1", "--format", "docx")
    assert code == 0, stderr
    assert len(re.findall(r"^\[\d/4\] reused ", stdout, re.M)) == 4, stdout
    site.write(MATERIALS, FIXTURE.replace("I felt rushed", "I felt hurried"))
    code, stdout, stderr = run_course(site, out, "--module", "1", "--format", "docx")
    assert code == 0, stderr
    assert len(re.findall(r"^\[\d/4\] wrote ", stdout, re.M)) == 4 and "reused" not in stdout, stdout
    paragraphs = docx_paragraphs((out / "01-first-meeting-materials.docx").read_bytes())
    assert any(p.text == "I felt hurried" for p in paragraphs)


def test_a_site_that_publishes_its_packs_links_the_materials_from_the_module_page(make_site):
    mkdocs = MINIMAL_MKDOCS + "extra:\n  course_packs:\n    publish: true\n"
    site = site_with(make_site, mkdocs=mkdocs)
    built = site.build()
    assert built.returncode == 0, built.stderr
    html = site.html("training/01-first-meeting/index.html")
    links = re.findall(r'href="[^"]*downloads/(01-first-meeting-materials[^"]*)"', html)
    assert links == ["01-first-meeting-materials.pdf", "01-first-meeting-materials-large-print.pdf",
                     "01-first-meeting-materials.docx", "01-first-meeting-materials-large-print.docx"]
    assert "Materials to print, large print (PDF)" in html
    assert (site.root / "site" / "downloads" / "01-first-meeting-materials.pdf").read_bytes().startswith(b"%PDF")


# -- the real materials -------------------------------------------------------------------------------------------
REAL = load_materials(ROOT)


def test_the_names_in_the_which_speed_deck_are_used_nowhere_else():
    """Each scene of module 11's "which speed" deck is a person of its own: no name there meets a trainee in another
    material or on any page, so nobody carries a story from one exercise into the next."""
    deck = REAL.get("three-speeds-scenes")
    names = [re.match(r"[A-Z][a-z]+", card).group(0) for card in deck.cards]
    assert len(set(names)) == len(names) == len(deck.cards), names
    others = [p for p in (ROOT / "docs").rglob("*.md")]
    texts = {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in others}
    for m in REAL.items:
        if m.id != deck.id:
            texts[f"{m.where} ({m.id})"] = " ".join([m.participant, m.facilitator, *m.cards,
                                                     *(f"{p.role} {p.lines}" for p in m.players)])
    found = {(n, where) for n in names for where, text in texts.items() if re.search(rf"\b{n}\b", text)}
    assert found == set(), sorted(found)


def test_sam_the_example_coordinator_is_never_a_person_in_a_material():
    for m in REAL.items:
        text = " ".join([m.title, m.participant, m.facilitator, *m.cards, *(f"{p.role} {p.lines}" for p in m.players)])
        assert not re.search(r"\bSam\b", text), m.where


def test_the_role_play_lines_of_the_real_scenes_are_kept_for_the_players():
    """Module 11's scenes, module 12's safeguarding scenes and module 14's practice scenes: each person's lines are
    player lines, and the participant side holds no quoted line of theirs; each answers the direct question."""
    expected = {"crisis-scene-jo": ["Jo"], "refusal-scene-alex": ["Alex"],
                "safeguarding-scenes": ["Dee (scene 1)", "Mr Okafor (scene 2)", "Priya (scene 3)"],
                "observed-practice-scenes": ["Chris", "Bea", "Tomasz", "Sade"]}
    for material_id, roles in expected.items():
        m = REAL.get(material_id)
        assert [p.role for p in m.players] == roles, material_id
        side = " ".join([m.participant, *m.cards])
        for player in m.players:
            for quoted in re.findall(r'"([^"]{12,})"', player.lines):
                assert quoted not in side, (material_id, quoted)
    alex = REAL.get("refusal-scene-alex").players[0].lines
    assert 'If the peer worker asks directly about suicide: "Not today. I just like knowing they\'re there."' in alex
    assert "\"No. Nothing like that. I'm just tired.\"" in REAL.get("safeguarding-scenes").players[1].lines
    for player in REAL.get("observed-practice-scenes").players:
        assert "If asked directly about suicide:" in player.lines and "If asked about a plan" in player.lines
    assert '"Sometimes. No plan, nothing like that."' in REAL.get("observed-practice-scenes").players[1].lines


def test_no_real_title_says_its_kind_again_and_the_who_i_tell_card_carries_the_rule_on_its_back():
    assert [m.id for m in REAL.items if m.title.lower().startswith(m.kind_label.lower())] == []
    card = REAL.get("who-i-tell-card")
    assert card.back == "escalation" and "On the back" not in card.participant
