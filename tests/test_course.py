"""Course packs: facilitator guides and participant handouts as PDF and DOCX, from the site's sources.

The real module 3 is rendered once per session and read back (pypdf, python-docx); tiny projects
made with ``make_site`` check the refusals, the CLI and the site build that publishes the packs.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import docx
import pytest
import yaml
from docx.oxml.ns import qn
from markupsafe import escape
from pypdf import PdfReader

from conftest import MINIMAL_MKDOCS

from macros.engine.course.binder import BinderError, join, target_name
from macros.engine.course.course import Course
from macros.engine.course.jobs import prepare_output
from macros.engine.course.layout import programme_front
from macros.engine.course.pdf_writer import PdfError, render_pdf
from macros.engine.course.rendering import CHECKLIST, PROGRAMME_GUIDE, pack_specs
from macros.engine.course.settings import CourseError, PublishSettings
from macros.engine.course.transforms import LinkTarget, classify_link
from macros.engine.course.tree import SITE_EXTENSION_CONFIGS, SITE_EXTENSIONS
from macros.engine.course.version import Version
from macros.engine.files import write_atomic
from macros.engine.framework import load_framework

ROOT = Path(__file__).resolve().parent.parent
FW = load_framework(ROOT / "principles" / "principles.yaml")
MODULE3 = "training/03-mutuality-and-reciprocity.md"
VERSION = Version("test-version-1")


import macros.cli.course as CLI  # noqa: E402  (scripts/build_course.py runs this main)


def words(text: str) -> str:
    """Text with all whitespace runs as one space (PDF text breaks lines anywhere)."""
    return " ".join(text.split())


def pdf_text(data: bytes) -> str:
    return words(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def facilitator_notes_of(markdown: str) -> list[str]:
    """The body of every `??? facilitator` / `!!! facilitator` block in a page, as plain words."""
    notes, current = [], None
    for line in markdown.splitlines():
        if re.match(r"^(\?\?\?\+?|!!!) facilitator\b", line):
            current = []
            notes.append(current)
        elif current is not None and (line.startswith("    ") or not line.strip()):
            current.append(line.strip())
        else:
            current = None
    out = []
    for note in notes:
        text = words(" ".join(note))
        text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)  # links keep their words
        out.append(text)
    return out


# -- the real module 3, rendered once ------------------------------------------------------------------------
@pytest.fixture(scope="session")
def real_course() -> Course:
    return Course.load(ROOT, version=VERSION)


@pytest.fixture(scope="session")
def module3(real_course):
    """module3[(audience, format)] -> the file's bytes."""
    pages = real_course.modules.select(["3"])
    assert real_course.problems(pages) == []
    return {(spec.audience, spec.format): real_course.packs.make(spec).data
            for spec in pack_specs(pages, whole_course=False)}


@pytest.fixture(scope="session")
def module3_text(module3):
    """module3_text[audience] -> the PDF's text, whitespace collapsed (extracting text is slow: once only)."""
    return {audience: pdf_text(module3[(audience, "pdf")]) for audience in ("facilitator", "participant")}


@pytest.fixture(scope="session")
def module3_notes() -> list[str]:
    notes = facilitator_notes_of((ROOT / "docs" / MODULE3).read_text(encoding="utf-8"))
    assert len(notes) >= 5
    return notes


def test_pack_markdown_extensions_are_the_sites():
    class AnyTag(yaml.SafeLoader):
        pass

    AnyTag.add_multi_constructor("", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=AnyTag)
    names, options = [], {}
    for entry in config["markdown_extensions"]:
        name = entry if isinstance(entry, str) else next(iter(entry))
        names.append(name)
        if isinstance(entry, dict) and entry[name]:
            options[name] = entry[name]
    # the weaving pass for Zensical adds nothing under MkDocs; the packs weave each page themselves (Site.weave)
    assert tuple(n for n in names if n != "macros.glue.extension") == SITE_EXTENSIONS
    assert options == SITE_EXTENSION_CONFIGS


def test_publishing_is_off_in_the_repository():
    class AnyTag(yaml.SafeLoader):
        pass

    AnyTag.add_multi_constructor("", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=AnyTag)
    assert PublishSettings.from_extra(config["extra"]) == PublishSettings(publish=False)


def test_facilitator_notes_only_in_the_facilitator_pdf(module3_text, module3_notes):
    guide, handout = module3_text["facilitator"], module3_text["participant"]
    for note in module3_notes:
        start = " ".join(note.split()[:10])
        assert start in guide, start
        assert start not in handout, start
    # every note in the page, plus the module overview's "For facilitators: before the session" (materials, key points)
    assert guide.count("For facilitators") == len(module3_notes) + 1
    assert "before the session" in guide and "What you need in the room" in guide
    assert "For facilitators" not in handout and "What you need in the room" not in handout


def test_both_pdfs_carry_the_activities_and_the_principles(module3_text, real_course):
    module = real_course.modules.select(["3"])[0].module
    source = (ROOT / "docs" / MODULE3).read_text(encoding="utf-8")
    activities = re.findall(r"^### (Activity: .+)$", source, re.M)
    ids = {i for s in module.sections for i in s.principles}
    for audience in ("facilitator", "participant"):
        text = module3_text[audience]
        for activity in activities:
            assert activity in text
        for principle in FW.principles:
            if principle.id in ids:
                assert f"Principle {principle.number}: {principle.title}" in text
                assert words(principle.statement) in text
                for facet in principle.facets:
                    assert words(facet)[:60] in text


def test_participant_handout_leaves_room_to_write_after_each_activity(module3_text):
    source = (ROOT / "docs" / MODULE3).read_text(encoding="utf-8")
    activities = len(re.findall(r"^### Activity", source, re.M))
    assert module3_text["participant"].count("Your notes") == activities
    assert "Your notes" not in module3_text["facilitator"]


@pytest.mark.parametrize("audience", ["facilitator", "participant"])
def test_pdf_is_tagged_pdf_ua_with_title_and_language(module3, audience):
    reader = PdfReader(io.BytesIO(module3[(audience, "pdf")]))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/MarkInfo"]["/Marked"]) is True
    assert catalog["/Lang"] == "en"
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"]) is True
    label = "Facilitator guide" if audience == "facilitator" else "Participant handout"
    assert reader.metadata.title == f"Module 3: Mutuality and reciprocity \u2013 {label}"
    xmp = catalog["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfuaid:part="1"' in xmp
    assert reader.outline, "headings become PDF bookmarks"


def test_pdf_embeds_only_the_shipped_fonts(module3):
    """Every font is embedded, and is the stylesheet's own "Pack Sans" (the DejaVu files in course/assets)."""
    reader = PdfReader(io.BytesIO(module3[("facilitator", "pdf")]))
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font)["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts
    assert {name.split("+")[-1] for name in fonts} <= {"Pack-Sans", "Pack-Sans-Bold", "Pack-Sans-Italic",
                                                      "Pack-Sans-BoldItalic"}, fonts


def test_cover_contents_running_header_and_page_x_of_y(module3):
    reader = PdfReader(io.BytesIO(module3[("facilitator", "pdf")]))
    pages = [words(p.extract_text()) for p in reader.pages]
    total = len(pages)
    cover = pages[0]
    for expected in ("Facilitator guide", "Module 3: Mutuality and reciprocity", "180 minutes (3 hours)",
                     "2. Mutuality and reciprocity", "Version test-version-1", "Need support right now?"):
        assert expected in cover
    header = "Module 3: Mutuality and reciprocity Facilitator guide"
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text
        assert (header in text) == (number > 1), f"running header on page {number}"
    contents = next(text for text in pages if "Contents" in text)
    for title in ("What mutuality means", "Power and difference", "Getting help now"):
        found = re.search(re.escape(title) + r"[ .]*?(\d+)\b", contents)
        assert found, title
        page = int(found.group(1))
        assert title in pages[page - 1], f"{title} is not on page {page}"


def test_session_plan_in_both_formats(module3, module3_text, real_course):
    module = real_course.modules.select(["3"])[0].module
    text = module3_text["participant"]
    assert "Session plan for module 3, 180 minutes in all" in text
    document = docx.Document(io.BytesIO(module3[("participant", "docx")]))
    table = document.tables[0]
    rows = [[cell.text.strip() for cell in row.cells] for row in table.rows]
    assert rows[0] == ["Section", "Minutes", "Principles"]
    # a handout's plan never says "(cut if short)": that is the facilitator's call
    assert rows[1:-1] == [[s.title, str(s.minutes), rows[i + 1][2]] for i, s in enumerate(module.sections)]
    assert rows[-1][:2] == ["Total", "180"]
    assert "2. Mutuality and reciprocity" in rows[2][2]


def test_docx_uses_real_heading_styles_and_a_named_facilitator_style(module3, module3_notes, real_course):
    module = real_course.modules.select(["3"])[0].module
    guide = docx.Document(io.BytesIO(module3[("facilitator", "docx")]))
    handout = docx.Document(io.BytesIO(module3[("participant", "docx")]))
    by_style: dict[str, list[str]] = {}
    for paragraph in guide.paragraphs:
        by_style.setdefault(paragraph.style.name, []).append(paragraph.text)
    assert by_style["Heading 1"] == ["Module 3: Mutuality and reciprocity"]
    assert [s.title for s in module.sections] == [t for t in by_style["Heading 2"] if t in {s.title for s in module.sections}]
    assert "Activity: Listen, share, notice" in by_style["Heading 3"]
    assert "Principle 2: Mutuality and reciprocity" in by_style["Heading 3"]
    notes = " ".join(by_style["Facilitator Note"])
    for note in module3_notes:
        assert " ".join(note.split()[:10]) in words(notes)
    assert guide.styles["Facilitator Note"].type == docx.enum.style.WD_STYLE_TYPE.PARAGRAPH
    handout_text = words(" ".join(p.text for p in handout.paragraphs))
    assert not [p for p in handout.paragraphs if p.style.name == "Facilitator Note"]
    for note in module3_notes:
        assert " ".join(note.split()[:10]) not in handout_text
    assert sum(1 for p in handout.paragraphs if p.style.name == "Writing Label") == 6


def test_docx_tables_repeat_their_header_row_and_lists_restart(module3):
    document = docx.Document(io.BytesIO(module3[("facilitator", "docx")]))
    for table in document.tables:
        first = table.rows[0]._tr
        header = first.trPr.find(qn("w:tblHeader")) if first.trPr is not None else None
        assert header is not None and header.get(qn("w:val")) == "true"
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    num_ids = [p._p.pPr.numPr.numId.val for p in numbered]
    assert len(set(num_ids)) == 6, "each activity's numbered list starts again at 1"


def test_docx_header_footer_and_properties(module3):
    document = docx.Document(io.BytesIO(module3[("participant", "docx")]))
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert section.header.paragraphs[0].text == "Module 3: Mutuality and reciprocity \u2013 Participant handout"
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "NUMPAGES" in footer
    assert document.core_properties.title == "Module 3: Mutuality and reciprocity \u2013 Participant handout"
    assert document.core_properties.language == "en-GB"
    toc = [p for p in document.paragraphs if p.style.name == "toc 1"]
    assert "What mutuality means" in [p.text.split("\t")[0] for p in toc]
    # issue 17: each entry ends with a PAGEREF field to its heading's bookmark, which Word and LibreOffice
    # work out on opening (a TOC field's saved text is shown by LibreOffice without page numbers)
    headings = {}
    for paragraph in document.paragraphs:
        for mark in paragraph._p.iter(qn("w:bookmarkStart")):
            headings[mark.get(qn("w:name"))] = (paragraph.style.name, paragraph.text)
    for entry in toc:
        (reference,) = re.findall(r"PAGEREF (\S+) \\h", entry._p.xml)
        style, text = headings[reference]
        assert style.startswith("Heading") and text == entry.text.split("\t")[0]
    settings = document.settings.element.find(qn("w:updateFields"))
    assert settings is not None and settings.get(qn("w:val")) == "true", "Word updates the fields on opening"


def test_same_sources_give_the_same_files(module3, monkeypatch):
    """Run again an hour later: the same sources give the same bytes (no clock time in either format)."""
    import time
    import zipfile

    later = time.time() + 3600
    monkeypatch.setattr(zipfile.time, "time", lambda: later)
    again = Course.load(ROOT, version=VERSION)
    for spec in pack_specs(again.modules.select(["3"]), whole_course=False):
        assert again.packs.make(spec).data == module3[(spec.audience, spec.format)], spec.name


def test_print_html_has_no_broken_links(real_course):
    for spec in pack_specs(real_course.modules.select(["3"]), formats=["pdf"], whole_course=False):
        html = real_course.packs.document(spec).html()
        hrefs = re.findall(r'href="([^"]*)"', html)
        ids = set(re.findall(r'id="([^"]*)"', html))
        for href in hrefs:
            assert href.startswith(("#", "https://", "http://", "mailto:")), href
            if href.startswith("#"):
                assert href[1:] in ids, href
        assert 'href="#principle-mutuality"' in html
        assert "(https://doi.org/10.1108/MHSI-03-2017-0016)" in html  # external links show their address
        assert "../handbook" not in html
        if spec.audience == "facilitator":  # the link is in a facilitator note: its words stay, with a note
            assert '<span class="xref">Boundaries and sharing</span><span class="xref-note"> (online handbook' in html


@pytest.mark.parametrize("href, expected", [
    ("#intro", LinkTarget("docs", "training/m.md#intro")),
    ("../principles/mutuality.md", LinkTarget("docs", "principles/mutuality.md")),
    ("../principles/mutuality.md#x", LinkTarget("docs", "principles/mutuality.md#x")),
    ("../handbook/", LinkTarget("docs", "handbook/index.md")),
    ("https://www.nhs.uk/", LinkTarget("external", "https://www.nhs.uk/")),
    ("mailto:a@b.c", LinkTarget("external", "mailto:a@b.c")),
    ("tel:999", LinkTarget("text", "tel:999")),
    ("/absolute.md", LinkTarget("text", "/absolute.md")),
])
def test_links_are_classified_for_print(href, expected):
    assert classify_link(href, "training/m.md") == expected


# -- whole-course outputs ----------------------------------------------------------------------------------
def test_reflective_checklist_has_one_page_per_principle(real_course):
    spec = next(s for s in pack_specs(real_course.modules.pages[:0]) if s.name == CHECKLIST)
    reader = PdfReader(io.BytesIO(real_course.packs.make(spec).data))
    pages = [words(p.extract_text()) for p in reader.pages]
    for principle in FW.principles:
        heading = f"{principle.number}. {principle.title}"
        own = [i for i, text in enumerate(pages) if text.split(" Page ")[0].find(heading + " " + words(principle.statement)[:30]) >= 0]
        assert len(own) == 1, heading
        page = pages[own[0]]
        for level in ("Individual", "Team", "Organisational"):
            assert f"{level} supervision" in page
        for prompt in principle.prompts["individual"] + principle.prompts["team"] + principle.prompts["organisational"]:
            assert words(prompt) in page
        for indicator in principle.indicators:
            assert words(indicator) in page
        assert "Your thoughts" in page
    assert "prompts for conversation, never scores" in pages[0]


def test_programme_front_lists_every_module_and_links_to_its_guide(real_course):
    modules = [(page.module, page.slug) for page in real_course.modules.pages]
    html = programme_front(modules, real_course.packs.context, target_name).html()
    for module, tag in modules:
        row = re.search(rf'<tr><td><span id="{tag}:pack-title" class="binder-target"></span>'
                        rf'<a href="#{tag}:pack-title" class="internal">Module {module.number}: ([^<]*)</a></td>'
                        rf'<td>([^<]*)</td></tr>', html)
        assert row and row.group(1) == str(escape(module.title)), module.title
        assert row.group(2).startswith(f"{module.duration} minutes")
    ids = re.findall(r'id="([^"]*)"', html)
    assert len(ids) == len(set(ids)), "every target is unique"
    assert "print its facilitator guide: the same pages" in html


# -- the whole-programme guide, joined from the module guides -----------------------------------------------
GUIDES = ["test-facilitator-guide.pdf", "second-facilitator-guide.pdf"]


def _joined(out: Path):
    """The programme guide, its guides, and where each guide's pages start in it."""
    import pikepdf

    programme = pikepdf.open(out / PROGRAMME_GUIDE)
    guides = [(out / name).read_bytes() for name in GUIDES]
    front = len(programme.pages) - sum(len(PdfReader(io.BytesIO(g)).pages) for g in guides)
    starts = [front]
    for guide in guides[:-1]:
        starts.append(starts[-1] + len(PdfReader(io.BytesIO(guide)).pages))
    return programme, guides, starts


def _link_targets(programme) -> list[tuple[int, str, int]]:
    """(page index, destination name, target page index) of every link that names its destination."""
    import pikepdf

    index = {page.obj.objgen: i for i, page in enumerate(programme.pages)}
    names = {str(k): v for k, v in pikepdf.NameTree(programme.Root.Names.Dests).items()}
    found = []
    for i, page in enumerate(programme.pages):
        for annot in page.obj.get("/Annots", []):
            if isinstance(annot.get("/Dest"), pikepdf.String):
                name = str(annot.Dest)
                assert name in names, f"page {i + 1}: the link to {name!r} goes nowhere"
                found.append((i, name, index[names[name][0].objgen]))
    return found


def test_programme_guide_is_its_front_pages_then_each_module_guide_page_for_page(two_modules):
    _, out, _ = two_modules
    programme, guides, starts = _joined(out)
    texts = [page.extract_text() for page in PdfReader(out / PROGRAMME_GUIDE).pages]
    assert 2 <= starts[0] <= 6, "a cover, the contents, the principles and help come first"
    assert "The training programme" in texts[0] and "Contents" in texts[1]
    for guide, start in zip(guides, starts):
        own = [page.extract_text() for page in PdfReader(io.BytesIO(guide)).pages]
        assert texts[start:start + len(own)] == own
    assert "SECRET-NOTE-ONE" in " ".join(texts) and "Module 2: Second module" in " ".join(texts)


def test_programme_front_lists_the_modules_and_links_to_each_guide(two_modules):
    _, out, _ = two_modules
    programme, guides, starts = _joined(out)
    front = words(" ".join(page.extract_text() for page in PdfReader(out / PROGRAMME_GUIDE).pages[:starts[0]]))
    links = {name: target for _, name, target in _link_targets(programme)}
    for tag, title, start in zip(("test", "second"), ("Test module", "Second module"), starts):
        assert re.search(rf"Module \d: {title} 45 minutes\b", front), front
        assert links[f"{tag}:pack-title"] == start, "the title links to the guide's cover"
    assert "Contents" in front and "The modules" in front


def test_each_guides_own_links_stay_in_that_guide(two_modules):
    _, out, _ = two_modules
    programme, guides, starts = _joined(out)
    ends = starts[1:] + [len(programme.pages)]
    inside = 0
    for page, name, target in _link_targets(programme):
        for start, end in zip(starts, ends):
            if start <= page < end:
                assert start <= target < end, f"a link on page {page + 1} leaves its guide for page {target + 1}"
                inside += 1
    assert inside >= 10, "each guide's contents links to its sections"


def test_programme_guide_is_one_tagged_pdf_ua_1_document(two_modules):
    import page as pdf_checker
    import pikepdf

    _, out, _ = two_modules
    report = pdf_checker.validate_pdf(out / PROGRAMME_GUIDE, profile="ua1")
    assert [(f.rule_id, f.message) for f in report.failures] == [] and report.is_compliant
    programme, _, starts = _joined(out)
    root = programme.Root.StructTreeRoot
    document = root.K[0] if isinstance(root.K, pikepdf.Array) else root.K
    assert document.S == "/Document"
    parts = [kid for kid in document.K if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == "/Part"]
    assert len(parts) == 2 and all(part.P.objgen == document.objgen for part in parts)
    tree = dict(pikepdf.NumberTree(root.ParentTree).items())
    keys = [int(page.obj.StructParents) for page in programme.pages]
    assert len(set(keys)) == len(keys) and all(key in tree for key in keys)
    for page, key in zip(programme.pages, keys):
        for element in tree[key]:
            if isinstance(element, pikepdf.Dictionary) and "/Pg" in element:
                assert element.Pg.objgen == page.obj.objgen, "marked content belongs to its own page"
    assert int(root.ParentTreeNextKey) > max(tree)
    assert programme.Root.Lang == "en"
    assert str(programme.docinfo.Title).endswith("Facilitator guide: the whole programme")
    with programme.open_outline() as outline:
        assert [item.title for item in outline.root] == [
            "The training programme", "Module 1: Test module", "Module 2: Second module"]


def test_the_same_guides_join_into_the_same_programme_guide(two_modules):
    _, out, run = two_modules
    before = (out / PROGRAMME_GUIDE).read_bytes()
    code, stdout, stderr = run("--force", "--format", "pdf", "--audience", "facilitator")
    assert code == 0, stderr
    assert "wrote" in stdout and (out / PROGRAMME_GUIDE).read_bytes() == before


def test_module_guides_pass_the_pdf_ua_1_checker(module3):
    import page as pdf_checker

    for audience in ("facilitator", "participant"):
        report = pdf_checker.validate_pdf_bytes(module3[(audience, "pdf")], profile="ua1")
        assert [(f.rule_id, f.message) for f in report.failures] == [] and report.is_compliant


def test_a_programme_guide_is_never_joined_from_a_broken_or_untagged_guide(tmp_path):
    import pikepdf

    front = render_pdf('<html lang="en"><head><title>Front</title></head><body><h1>Front</h1></body></html>',
                       base_dir=tmp_path, allowed_roots=[tmp_path]).data
    with pytest.raises(BinderError, match=r"^the facilitator guide three is not a readable PDF"):
        join(front, [("three", b"%PDF-1.7 cut short")])
    untagged = io.BytesIO()
    blank = pikepdf.new()
    blank.add_blank_page()
    blank.save(untagged)
    with pytest.raises(BinderError, match=r"^the facilitator guide four is not a tagged PDF"):
        join(front, [("four", untagged.getvalue())])


def test_a_module_guide_that_fails_fails_the_programme_guide_and_keeps_its_last_copy(two_modules, monkeypatch):
    site, out, run = two_modules
    before = (out / PROGRAMME_GUIDE).read_bytes()
    site.write("docs/training/second.md", (site.root / "docs/training/second.md").read_text()
               .replace("Some words.", "Some EDITED words."))
    real = render_pdf

    def fails_for_the_second_guide(html, **kwargs):
        if "Second module \u2013 Facilitator guide" in html:
            raise PdfError("WeasyPrint reported an error: simulated")
        return real(html, **kwargs)

    monkeypatch.setattr("macros.engine.course.pdf_writer.render_pdf", fails_for_the_second_guide)
    code, _, stderr = run("--format", "pdf")
    assert code == 1
    assert "second-facilitator-guide.pdf: WeasyPrint reported an error: simulated" in stderr
    assert (f"{PROGRAMME_GUIDE}: it is joined from second-facilitator-guide.pdf, which could not be made"
            in stderr)
    assert (out / PROGRAMME_GUIDE).read_bytes() == before


# -- refusals and the CLI on tiny projects -----------------------------------------------------------------
MODULE = """\
---
title: Test module
module: 1
duration: {duration}
objectives: [Demonstrate the packs]
focus: [mutuality]
---

# Module 1: Test module

{{{{ module_overview() }}}}

Read about {{{{ principle_link("mutuality") }}}} and [the NHS](https://www.nhs.uk/) and [a page](../other.md).

## Welcome

{{{{ principles("{principle}") }}}}

{{{{ duration(15) }}}}

### Activity: Say hello

1. Say hello to {short_title_probe}.

??? facilitator "For facilitators"
    SECRET-NOTE-ONE for facilitators only.

## Practice

{{{{ principles("mutuality", "diversity") }}}}

{{{{ duration(30) }}}}

Some words.

!!! facilitator "For facilitators"
    SECRET-NOTE-TWO for facilitators only.
"""


def module_page(duration: int = 45, principle: str = "mutuality") -> str:
    return MODULE.format(duration=duration, principle=principle, short_title_probe="the group")


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = CLI.main(["--jobs", "1", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_builds_one_module_with_one_line_per_file_and_a_summary(make_site, capsys, tmp_path):
    site = make_site({"docs/training/test.md": module_page()})
    out = tmp_path / "packs"
    code, stdout, stderr = run_cli(capsys, "--root", str(site.root), "--module", "1", "--out", str(out))
    assert code == 0, stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == ["test-facilitator-guide.docx", "test-facilitator-guide.pdf",
                     "test-participant-handout.docx", "test-participant-handout.pdf"]
    lines = stdout.splitlines()
    assert len([line for line in lines if " wrote " in line]) == 4
    assert re.match(r"Wrote 4 of 4 files \(2 PDF, 2 DOCX\) to .*packs/ in \d+\.\d s\.$", lines[-1])
    assert stderr == ""
    guide = pdf_text((out / "test-facilitator-guide.pdf").read_bytes())
    handout = pdf_text((out / "test-participant-handout.pdf").read_bytes())
    assert "SECRET-NOTE-ONE" in guide and "SECRET-NOTE-TWO" in guide
    assert "SECRET-NOTE" not in handout
    assert "the NHS (https://www.nhs.uk/)" in guide


def test_cli_default_makes_every_module_and_the_whole_course_outputs(make_site, capsys, tmp_path):
    site = make_site({"docs/training/test.md": module_page()})
    out = tmp_path / "all"
    code, stdout, stderr = run_cli(capsys, "--root", str(site.root), "--out", str(out), "--format", "pdf")
    assert code == 0, stderr
    assert sorted(p.name for p in out.iterdir()) == sorted([
        "test-facilitator-guide.pdf", "test-participant-handout.pdf", PROGRAMME_GUIDE, CHECKLIST])


def test_cli_audience_and_format_options(make_site, capsys, tmp_path):
    site = make_site({"docs/training/01-test.md": module_page()})
    out = tmp_path / "some"
    code, _, stderr = run_cli(capsys, "--root", str(site.root), "--module", "01-test", "--audience", "participant",
                              "--format", "docx", "--out", str(out))
    assert code == 0, stderr
    assert [p.name for p in out.iterdir()] == ["01-test-participant-handout.docx"]


def test_a_principle_short_title_edit_shows_in_every_pack(make_site, capsys, tmp_path):
    framework = (ROOT / "principles" / "principles.yaml").read_text(encoding="utf-8")
    edited = framework.replace("title: Mutuality and reciprocity", "title: Give and take as equals", 1)
    assert edited != framework
    site = make_site({"docs/training/test.md": module_page()}, framework=edited)
    out = tmp_path / "renamed"
    code, _, stderr = run_cli(capsys, "--root", str(site.root), "--out", str(out))
    assert code == 0, stderr
    for path in out.iterdir():
        if path.suffix == ".pdf":
            text = pdf_text(path.read_bytes())
        else:
            text = words(" ".join(p.text for p in docx.Document(str(path)).paragraphs))
            text += " ".join(c.text for t in docx.Document(str(path)).tables for r in t.rows for c in r.cells)
        assert "Give and take as equals" in text, path.name
        assert "Mutuality and reciprocity" not in text, path.name


def test_timing_mismatch_refuses_to_build_and_writes_nothing(make_site, capsys, tmp_path):
    site = make_site({"docs/training/test.md": module_page(duration=60)})
    out = tmp_path / "none"
    code, stdout, stderr = run_cli(capsys, "--root", str(site.root), "--out", str(out))
    assert code == 1
    assert ("docs/training/test.md:4: module 1 lasts 60 minutes in its front matter, but its sections add up to "
            "45 minutes; change the total or the sections' durations [modules.duration-mismatch]") in stderr
    assert "No course packs were written" in stderr
    assert "Traceback" not in stderr and stdout == ""
    assert not out.exists()


def test_timing_mismatch_in_another_module_does_not_block_this_one(make_site, capsys, tmp_path):
    other = module_page(duration=60).replace("module: 1", "module: 2")
    site = make_site({"docs/training/test.md": module_page(), "docs/training/other.md": other})
    code, _, stderr = run_cli(capsys, "--root", str(site.root), "--module", "1", "--out", str(tmp_path / "o"))
    assert code == 0, stderr
    code, _, stderr = run_cli(capsys, "--root", str(site.root), "--module", "2", "--out", str(tmp_path / "o"))
    assert code == 1 and "[modules.duration-mismatch]" in stderr


def test_unknown_principle_refuses_to_build(make_site, capsys, tmp_path):
    site = make_site({"docs/training/test.md": module_page(principle="mutualty")})
    code, _, stderr = run_cli(capsys, "--root", str(site.root), "--out", str(tmp_path / "x"))
    assert code == 1
    assert ('docs/training/test.md:17: unknown principle id "mutualty" in principles(); did you mean "mutuality"? '
            '[principles.unknown-id]') in stderr.splitlines()
    assert 'docs/training/test.md:15: section "Welcome" is not linked to any principle [coverage.unlinked-section]' \
        in stderr.splitlines()
    assert "Traceback" not in stderr


def test_two_pages_with_the_same_module_number_are_refused(make_site, capsys, tmp_path):
    site = make_site({"docs/training/a.md": module_page(), "docs/training/b.md": module_page()})
    code, _, stderr = run_cli(capsys, "--root", str(site.root), "--out", str(tmp_path / "x"))
    assert code == 1
    assert ("docs/training/a.md:1: module 1 is also declared in docs/training/b.md; give each module its own number "
            "[course.duplicate-module]") in stderr.splitlines()


def test_two_module_pages_with_the_same_file_name_are_refused(make_site, capsys, tmp_path):
    second = module_page().replace("module: 1", "module: 2")
    site = make_site({"docs/training/a/intro.md": module_page(), "docs/training/b/intro.md": second})
    code, _, stderr = run_cli(capsys, "--root", str(site.root), "--out", str(tmp_path / "x"))
    assert code == 1
    assert ("docs/training/a/intro.md:1: the module page intro.md is also the name of docs/training/b/intro.md, "
            "and the course packs are named after it; rename one of them [course.duplicate-file-name]"
            ) in stderr.splitlines()
    assert not (tmp_path / "x").exists() or not any((tmp_path / "x").iterdir())


def test_unknown_module_id_is_a_one_line_usage_error(make_site, capsys, tmp_path):
    site = make_site({"docs/training/test.md": module_page()})
    code, stdout, stderr = run_cli(capsys, "--root", str(site.root), "--module", "7", "--out", str(tmp_path / "x"))
    assert code == 2
    assert stderr == ('error: unknown module "7"; use a module number (1) or a page name such as test\n')
    assert stdout == ""


def test_unwritable_output_folder_is_a_one_line_error(make_site, capsys, tmp_path):
    site = make_site({"docs/training/test.md": module_page()})
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code, _, stderr = run_cli(capsys, "--root", str(site.root), "--out", str(blocker / "packs"))
    assert code == 2
    assert stderr.count("\n") == 1
    assert stderr.startswith(f"error: {blocker / 'packs'}: cannot write the course packs here (")
    assert stderr.rstrip().endswith("; choose another --out")


def test_bad_format_option_is_rejected_by_the_parser(capsys):
    with pytest.raises(SystemExit) as exit_info:
        CLI.main(["--format", "odt"])
    assert exit_info.value.code == 2
    assert "unknown format 'odt'; use pdf, docx or pdf,docx" in capsys.readouterr().err


def test_cli_runs_as_a_command(make_site, tmp_path):
    site = make_site({"docs/training/test.md": module_page(duration=60)})
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_course.py"), "--root", str(site.root),
                             "--out", str(tmp_path / "x")], capture_output=True, text=True)
    assert result.returncode == 1
    assert "[modules.duration-mismatch]" in result.stderr and "Traceback" not in result.stderr


def test_module_ids_by_number_or_page_name(make_site):
    site = make_site({"docs/training/03-test.md": module_page().replace("module: 1", "module: 3")})
    course = Course.load(site.root, version=VERSION)
    assert [p.slug for p in course.modules.select(["3"])] == ["03-test"]
    assert [p.slug for p in course.modules.select(["03"])] == ["03-test"]
    assert [p.slug for p in course.modules.select(["03-test", "3"])] == ["03-test"]
    assert [p.slug for p in course.modules.select(["training/03-test.md"])] == ["03-test"]
    with pytest.raises(CourseError, match='unknown module "4"'):
        course.modules.select(["4"])


def test_remaining_jinja_is_rendered_like_mkdocs_macros(make_site):
    page = module_page().replace("Some words.", "{% for n in [1, 2] %}Round {{ n }}. {% endfor %}")
    site = make_site({"docs/training/test.md": page})
    course = Course.load(site.root, version=VERSION)
    spec = pack_specs(course.modules.select(["1"]), formats=["pdf"])[0]
    assert "Round 1. Round 2." in course.packs.document(spec).html()


def test_a_table_in_a_facilitator_note_keeps_the_note_style_in_word(make_site):
    table = "\n\n    | Who | What |\n    | --- | --- |\n    | Pairs | *Listen* first |\n"
    page = module_page().replace("    SECRET-NOTE-TWO for facilitators only.\n",
                                 "    SECRET-NOTE-TWO for facilitators only." + table)
    site = make_site({"docs/training/test.md": page})
    course = Course.load(site.root, version=VERSION)
    spec = next(s for s in pack_specs(course.modules.select(["1"]), formats=["docx"]) if s.audience == "facilitator")
    document = docx.Document(io.BytesIO(course.packs.make(spec).data))
    in_note = next(t for t in document.tables if "Pairs" in [c.text for r in t.rows for c in r.cells])
    assert [[c.text for c in r.cells] for r in in_note.rows] == [["Who", "What"], ["Pairs", "Listen first"]]
    assert {p.style.name for r in in_note.rows for c in r.cells for p in c.paragraphs} == {"Facilitator Note"}
    plan = document.tables[0]  # the session plan is not in a note: its cells stay plain
    assert "Facilitator Note" not in {p.style.name for r in plan.rows for c in r.cells for p in c.paragraphs}


def test_pictures_from_the_docs_go_into_both_formats(make_site, capsys, tmp_path):
    from PIL import Image

    page = module_page().replace("Some words.", "![A purple square](../pictures/square.png)")
    site = make_site({"docs/training/test.md": page})
    (site.root / "docs" / "pictures").mkdir()
    Image.new("RGB", (40, 40), "purple").save(site.root / "docs" / "pictures" / "square.png")
    out = tmp_path / "pictures"
    code, _, stderr = run_cli(capsys, "--root", str(site.root), "--module", "1", "--audience", "participant",
                              "--out", str(out))
    assert code == 0, stderr
    reader = PdfReader(str(out / "test-participant-handout.pdf"))
    images = {image.data for page in reader.pages for image in page.images}  # pages share their resources
    assert len(images) == 1
    document = docx.Document(str(out / "test-participant-handout.docx"))
    assert len(document.inline_shapes) == 1
    assert "A purple square" in [p.text for p in document.paragraphs]


def test_a_missing_picture_fails_both_formats_and_says_which(make_site, capsys, tmp_path):
    page = module_page().replace("Some words.", "![Gone](../pictures/gone.png)")
    site = make_site({"docs/training/test.md": page})
    code, stdout, stderr = run_cli(capsys, "--root", str(site.root), "--module", "1", "--audience", "participant",
                                   "--out", str(tmp_path / "x"))
    assert code == 1
    assert "test-participant-handout.pdf: cannot read" in stderr and "gone.png" in stderr
    assert "test-participant-handout.docx: cannot add the picture pictures/gone.png" in stderr
    assert stdout.count("FAILED") == 2 and "Traceback" not in stderr


# -- atomic writes ------------------------------------------------------------------------------------------
def test_atomic_write_keeps_the_last_good_file_when_the_writer_fails(tmp_path):
    target = tmp_path / "pack.pdf"
    target.write_bytes(b"last good pack")

    def half_then_fail(handle):
        handle.write(b"half a pa")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, half_then_fail)
    assert target.read_bytes() == b"last good pack"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.pdf"]
    write_atomic(target, lambda handle: handle.write(b"new pack"))
    assert target.read_bytes() == b"new pack"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.pdf"]
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_atomic_writes_never_touch_the_process_umask(tmp_path, monkeypatch):
    """Issue 22, defect 9: flipping the umask to 0, even briefly, is not safe under mkdocs serve or threads."""
    mask = _umask()

    def forbidden(value):
        raise AssertionError(f"os.umask({value:o}) called: it changes the mask of the whole process")

    monkeypatch.setattr(os, "umask", forbidden)
    target = tmp_path / "report.json"
    write_atomic(target, lambda handle: handle.write(b"{}"))
    assert target.read_bytes() == b"{}" and [p.name for p in tmp_path.iterdir()] == ["report.json"]
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~mask)


def test_a_failure_mid_run_keeps_every_last_good_pack_and_leaves_no_temporary_file(make_site, capsys, tmp_path,
                                                                                  monkeypatch):
    site = make_site({"docs/training/test.md": module_page()})
    out = tmp_path / "packs"
    code, _, stderr = run_cli(capsys, "--root", str(site.root), "--module", "1", "--out", str(out))
    assert code == 0, stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    site.write("docs/training/test.md", module_page().replace("Some words.", "Changed words."))

    real_fsync = os.fsync
    calls = []

    def failing_fsync(fd):  # the disk fills up while the second pack file is being written
        if any(out.glob(".*.part")):  # a pack file, not the cache's or the Markdown memo's
            calls.append(fd)
            if len(calls) == 2:
                raise OSError(28, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_fsync)
    code, stdout, stderr = run_cli(capsys, "--root", str(site.root), "--module", "1", "--out", str(out))
    assert code == 1
    assert "FAILED" in stdout and "No space left on device" in stderr and "Traceback" not in stderr
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert sorted(after) == sorted(before), "no temporary file is left behind"
    changed = [name for name in after if after[name] != before[name]]
    assert len(changed) == 3 and "test-participant-handout.pdf" not in changed
    assert after["test-participant-handout.pdf"] == before["test-participant-handout.pdf"]


def test_a_pdf_that_cannot_be_made_keeps_its_last_good_copy(make_site, capsys, tmp_path, monkeypatch):
    site = make_site({"docs/training/test.md": module_page()})
    out = tmp_path / "packs"
    out.mkdir()
    (out / "test-facilitator-guide.pdf").write_bytes(b"last good")

    def broken(*args, **kwargs):
        raise PdfError("WeasyPrint reported an error: simulated")

    monkeypatch.setattr("macros.engine.course.pdf_writer.render_pdf", broken)
    code, _, stderr = run_cli(capsys, "--root", str(site.root), "--module", "1", "--format", "pdf",
                              "--audience", "facilitator", "--out", str(out))
    assert code == 1
    assert "test-facilitator-guide.pdf: WeasyPrint reported an error: simulated" in stderr
    assert (out / "test-facilitator-guide.pdf").read_bytes() == b"last good"
    assert [p.name for p in out.iterdir()] == ["test-facilitator-guide.pdf"]


def _children(pid: int) -> list[int]:
    """The live processes whose parent is ``pid`` (from /proc; zombies count as gone)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def _command_line(pid: int) -> str:
    """The process's command line, or "" once it has gone (a short-lived git child, say)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process table from /proc (Linux)")
def test_kill_9_of_the_cli_leaves_no_worker_running(tmp_path):
    """Issue 11: workers die with the command that started them, even when it is killed outright."""
    import signal
    import time

    command = [sys.executable, str(ROOT / "scripts" / "build_course.py"), "--module", "3", "--format", "pdf",
               "--jobs", "2", "--force", "--out", str(tmp_path / "packs")]
    cli = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        workers: list[int] = []
        deadline = time.monotonic() + 60
        while len(workers) < 2 and cli.poll() is None and time.monotonic() < deadline:
            workers = [pid for pid in _children(cli.pid) if "python" in _command_line(pid)]
            time.sleep(0.05)
        assert len(workers) == 2, "the command started its two workers"
        os.kill(cli.pid, signal.SIGKILL)
        cli.wait()
        deadline = time.monotonic() + 5
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        survivors = [pid for pid in workers if _alive(pid)]
        for pid in survivors:  # do not leave them running even when the test fails
            os.kill(pid, signal.SIGKILL)
        assert survivors == [], "workers outlived the killed command"
    finally:
        if cli.poll() is None:
            cli.kill()
            cli.wait()


def test_a_killed_runs_temporary_files_are_removed_by_the_next_run(make_site, capsys, tmp_path):
    site = make_site({"docs/training/test.md": module_page()})
    out = tmp_path / "packs"
    out.mkdir()
    (out / ".test-facilitator-guide.pdf.k2j4x.part").write_bytes(b"half a pa")  # what a kill -9 mid-write leaves
    code, _, stderr = run_cli(capsys, "--root", str(site.root), "--module", "1", "--format", "docx",
                              "--audience", "participant", "--out", str(out))
    assert code == 0, stderr
    assert [p.name for p in out.iterdir()] == ["test-participant-handout.docx"]


def test_prepare_output_proves_the_folder_is_writable(tmp_path):
    assert prepare_output(tmp_path / "new" / "folder").is_dir()
    assert list((tmp_path / "new" / "folder").iterdir()) == []
    (tmp_path / "file").write_text("x")
    with pytest.raises(CourseError, match="cannot write the course packs here"):
        prepare_output(tmp_path / "file")


# -- the PDF writer never reaches the network, and fails on WeasyPrint errors ----------------------------
def _html(body: str) -> str:
    return f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>T</title></head><body>{body}</body></html>'


@pytest.mark.parametrize("src, message", [
    ("https://example.invalid/picture.png", "refused to fetch https://example.invalid/picture.png"),
    ("http://127.0.0.1:9/x.css", "refused to fetch http://127.0.0.1:9/x.css"),
    ("file:///etc/hostname", "refused to read /etc/hostname"),
])
def test_pdf_fetcher_refuses_the_network_and_files_outside_the_project(tmp_path, src, message):
    with pytest.raises(PdfError, match=re.escape(message)):
        render_pdf(_html(f'<p>x</p><img src="{src}" alt="x">'), base_dir=tmp_path, allowed_roots=[tmp_path])


def test_pdf_fails_on_any_error_weasyprint_logs(tmp_path):
    (tmp_path / "broken.png").write_bytes(b"this is not a picture")
    with pytest.raises(PdfError, match="WeasyPrint reported an error"):
        render_pdf(_html('<img src="broken.png" alt="a broken picture">'), base_dir=tmp_path,
                   allowed_roots=[tmp_path])


def test_pdf_reads_pictures_from_the_docs(tmp_path):
    from PIL import Image

    Image.new("RGB", (4, 4), "purple").save(tmp_path / "ok.png")
    pdf = render_pdf(_html('<p>Picture:</p><img src="ok.png" alt="a purple square">'), base_dir=tmp_path,
                     allowed_roots=[tmp_path])
    assert pdf.pages == 1 and pdf.data.startswith(b"%PDF-1.7")


# -- publishing with the site ---------------------------------------------------------------------------------
PUBLISH_MKDOCS_EXTRA = """\
extra:
  course_packs:
    publish: {value}
"""


#: A one-module site cannot make every principle the focus of a module; that site-wide rule is not what
#: these builds are about.
ONE_MODULE_SETTINGS = (ROOT / "principles" / "coverage.yaml").read_text(encoding="utf-8").replace(
    "rules:\n", "rules:\n  coverage.principle-not-focus: off\n", 1)


def test_site_build_publishes_the_packs_and_links_them_from_the_module_page(make_site):
    site = make_site({"docs/training/test.md": module_page(), "docs/other.md": "# Other\n"},
                     mkdocs=MINIMAL_MKDOCS + PUBLISH_MKDOCS_EXTRA.format(value="true"), settings=ONE_MODULE_SETTINGS)
    result = site.build()
    assert result.returncode == 0, result.stderr
    downloads = site.root / "site" / "downloads"
    assert sorted(p.name for p in downloads.iterdir()) == sorted([
        "test-facilitator-guide.pdf", "test-participant-handout.pdf", "test-facilitator-guide.docx",
        "test-participant-handout.docx", PROGRAMME_GUIDE, CHECKLIST])
    html = site.html("training/test/index.html")
    links = re.findall(r'href="([^"]*downloads/[^"]*)"', html)
    assert links == ["../../downloads/test-facilitator-guide.pdf", "../../downloads/test-participant-handout.pdf",
                     "../../downloads/test-facilitator-guide.docx", "../../downloads/test-participant-handout.docx"]
    assert "Facilitator guide (PDF)" in html and "Participant handout (Word)" in html
    assert "SECRET-NOTE-ONE" in pdf_text((downloads / "test-facilitator-guide.pdf").read_bytes())


def test_site_build_rejects_a_wrong_publish_setting(make_site):
    site = make_site({"docs/training/test.md": module_page(), "docs/other.md": "# Other\n"},
                     mkdocs=MINIMAL_MKDOCS + PUBLISH_MKDOCS_EXTRA.format(value='"yes"'))
    result = site.build()
    assert result.returncode != 0
    assert "extra.course_packs.publish must be true or false, not 'yes'" in result.stderr
    assert "Traceback" not in result.stderr


# -- the cache: a pack is remade only when something it is made from has changed ---------------------------
def _made_and_reused(stdout: str) -> tuple[list[str], list[str]]:
    """The file names the CLI reported as made (wrote) and as reused, in order."""
    made = re.findall(r"^\[\d+/\d+\] wrote .*/([^/ ]+) \(", stdout, re.M)
    reused = re.findall(r"^\[\d+/\d+\] reused .*/([^/ ]+) \(", stdout, re.M)
    return made, reused


MODULE_1 = ["test-facilitator-guide.pdf", "test-participant-handout.pdf", "test-facilitator-guide.docx",
            "test-participant-handout.docx"]
MODULE_2 = [name.replace("test-", "second-") for name in MODULE_1]


@pytest.fixture
def two_modules(make_site, capsys, tmp_path):
    """A course of two modules, built once (so the cache is full); returns (site, out, run)."""
    second = module_page().replace("module: 1", "module: 2").replace("title: Test module", "title: Second module")
    site = make_site({"docs/training/test.md": module_page(), "docs/training/second.md": second})
    out = tmp_path / "packs"

    def run(*args: str) -> tuple[int, str, str]:
        return run_cli(capsys, "--root", str(site.root), "--out", str(out), *args)

    code, stdout, stderr = run()
    assert code == 0, stderr
    assert _made_and_reused(stdout) == (MODULE_1 + MODULE_2 + [PROGRAMME_GUIDE, CHECKLIST], [])
    return site, out, run


def test_cache_hit_reuses_every_pack_and_rewrites_nothing(two_modules):
    site, out, run = two_modules
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()}
    code, stdout, stderr = run()
    assert code == 0 and stderr == ""
    assert _made_and_reused(stdout) == ([], MODULE_1 + MODULE_2 + [PROGRAMME_GUIDE, CHECKLIST])
    assert re.search(r"^Made 0 of 10 files \(none\); reused 10 unchanged from the cache, in .*packs/ in \d+\.\d s\.$",
                     stdout, re.M), stdout
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()} == before


def test_cache_hit_restores_a_deleted_or_changed_output_file(two_modules):
    site, out, run = two_modules
    good = (out / "test-facilitator-guide.pdf").read_bytes()
    (out / "test-facilitator-guide.pdf").unlink()
    (out / "second-participant-handout.docx").write_bytes(b"edited by hand")
    code, stdout, _ = run("--module", "1", "--module", "2")
    assert code == 0
    assert _made_and_reused(stdout) == ([], MODULE_1 + MODULE_2)
    assert (out / "test-facilitator-guide.pdf").read_bytes() == good
    assert (out / "second-participant-handout.docx").read_bytes().startswith(b"PK")


def test_cache_miss_after_editing_a_module_remakes_only_its_packs(two_modules):
    site, out, run = two_modules
    site.write("docs/training/second.md", (site.root / "docs/training/second.md").read_text()
               .replace("Some words.", "Some EDITED words."))
    code, stdout, stderr = run()
    assert code == 0, stderr
    assert _made_and_reused(stdout) == (MODULE_2 + [PROGRAMME_GUIDE], MODULE_1 + [CHECKLIST])
    assert "Some EDITED words." in pdf_text((out / "second-participant-handout.pdf").read_bytes())
    assert re.search(r"^Made 5 of 10 files \(3 PDF, 2 DOCX\); reused 5 unchanged from the cache", stdout, re.M)


def test_after_editing_a_module_only_its_pdfs_are_laid_out_and_the_programme_is_joined(two_modules, monkeypatch):
    site, out, run = two_modules
    site.write("docs/training/second.md", (site.root / "docs/training/second.md").read_text()
               .replace("Some words.", "Some EDITED words."))
    laid_out = []
    real = render_pdf

    def counted(html, **kwargs):
        laid_out.append(re.search(r"<title>(.*?)</title>", html).group(1))
        return real(html, **kwargs)

    monkeypatch.setattr("macros.engine.course.pdf_writer.render_pdf", counted)
    code, stdout, stderr = run("--format", "pdf")
    assert code == 0, stderr
    assert laid_out == ["Module 2: Second module \u2013 Facilitator guide",
                        "Module 2: Second module \u2013 Participant handout"], "the front pages came from the cache"
    assert "Some EDITED words." in pdf_text((out / PROGRAMME_GUIDE).read_bytes())


def test_cache_miss_after_editing_the_principles_yaml(two_modules):
    site, out, run = two_modules
    yaml_path = site.root / "principles" / "principles.yaml"
    yaml_path.write_text(yaml_path.read_text(encoding="utf-8").replace(
        "title: Mutuality and reciprocity", "title: Give and take as equals", 1), encoding="utf-8")
    code, stdout, stderr = run()
    assert code == 0, stderr
    assert _made_and_reused(stdout) == (MODULE_1 + MODULE_2 + [PROGRAMME_GUIDE, CHECKLIST], [])
    assert "Give and take as equals" in pdf_text((out / CHECKLIST).read_bytes())


def test_cache_miss_after_editing_a_font_file(two_modules, monkeypatch, tmp_path):
    import shutil

    from macros.engine.course import cache, pdf_writer

    site, out, run = two_modules
    assets = tmp_path / "assets"
    shutil.copytree(pdf_writer.ASSETS, assets)
    monkeypatch.setattr(cache, "ASSETS", assets)  # the fonts the key is made from
    run()  # the copy is identical, so this is a hit...
    code, stdout, _ = run("--module", "1")
    assert code == 0 and _made_and_reused(stdout) == ([], MODULE_1)
    with (assets / "fonts" / "DejaVuSans.ttf").open("ab") as font:  # ...until a font file changes
        font.write(b"\0")
    code, stdout, _ = run("--module", "1")
    assert code == 0 and _made_and_reused(stdout) == (MODULE_1, [])


def test_cache_miss_after_a_code_change(two_modules, monkeypatch, tmp_path):
    import shutil

    from macros.engine.course import cache

    site, out, run = two_modules
    engine = tmp_path / "macros"
    shutil.copytree(cache.ENGINE, engine, ignore=shutil.ignore_patterns("__pycache__", "assets"))
    monkeypatch.setattr(cache, "ENGINE", engine)
    same = cache.code_version()
    code, stdout, _ = run("--module", "1")
    assert code == 0 and _made_and_reused(stdout) == ([], MODULE_1), "the same code is the same version"
    with (engine / "engine" / "course" / "docx_writer.py").open("a", encoding="utf-8") as module:
        module.write("\n# a change to a writer\n")
    assert cache.code_version() != same
    code, stdout, _ = run("--module", "1")
    assert code == 0 and _made_and_reused(stdout) == (MODULE_1, [])


def test_force_remakes_every_pack(two_modules):
    site, out, run = two_modules
    code, stdout, _ = run("--force", "--module", "2")
    assert code == 0 and _made_and_reused(stdout) == (MODULE_2, [])


def _entry(site, name: str) -> Path:
    (entry,) = (site.root / ".cache" / "course-packs").glob(f"{name}.*.pack")
    return entry


@pytest.mark.parametrize("damage", ["flip a byte", "truncate", "no header", "another pack's entry"])
def test_a_corrupt_cache_entry_is_never_served_and_is_rebuilt(two_modules, damage):
    site, out, run = two_modules
    entry = _entry(site, "test-participant-handout.pdf")
    raw = entry.read_bytes()
    if damage == "flip a byte":
        entry.write_bytes(raw[:-100] + bytes([raw[-100] ^ 0xFF]) + raw[-99:])
    elif damage == "truncate":
        entry.write_bytes(raw[: len(raw) // 2])
    elif damage == "no header":
        entry.write_bytes(raw.partition(b"\n")[2])
    else:  # a stale entry: the right name, but what it holds was made for other sources
        entry.write_bytes(_entry(site, "second-participant-handout.pdf").read_bytes())
    good = (out / "test-participant-handout.pdf").read_bytes()
    (out / "test-participant-handout.pdf").unlink()
    code, stdout, stderr = run("--module", "1")
    assert code == 0
    assert _made_and_reused(stdout) == (["test-participant-handout.pdf"],
                                        [n for n in MODULE_1 if n != "test-participant-handout.pdf"])
    assert f"warning: removed a damaged cache entry ({entry.name}: " in stderr
    assert (out / "test-participant-handout.pdf").read_bytes() == good
    code, stdout, stderr = run("--module", "1")  # the rebuilt entry is good again
    assert _made_and_reused(stdout) == ([], MODULE_1) and stderr == ""


def test_an_interrupted_cache_write_leaves_no_entry_and_no_litter(two_modules, monkeypatch, capsys):
    from macros.engine import files

    site, out, run = two_modules
    folder = site.root / ".cache" / "course-packs"
    for entry in folder.glob("test-*.pack"):
        entry.unlink()
    real_replace = os.replace

    def killed_while_writing(source, target, *args, **kwargs):  # the rename never happens, as with kill -9
        if ".cache" in str(target):
            raise KeyboardInterrupt
        return real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(files.os, "replace", killed_while_writing)
    with pytest.raises(KeyboardInterrupt):
        run("--module", "1")
    monkeypatch.undo()
    capsys.readouterr()  # what the interrupted run printed
    assert not list(folder.glob("test-*.pack")) and not list(folder.glob(".*.part"))
    (folder / ".test-facilitator-guide.pdf.x1.pack.abc.part").write_bytes(b'{"key": "half')  # what kill -9 leaves
    code, stdout, _ = run("--module", "1")
    assert code == 0 and _made_and_reused(stdout) == (MODULE_1, [])
    assert not list(folder.glob(".*.part"))
    code, stdout, _ = run("--module", "1")
    assert _made_and_reused(stdout) == ([], MODULE_1)


def test_publishing_build_reuses_the_cache(make_site):
    site = make_site({"docs/training/test.md": module_page(), "docs/other.md": "# Other\n"},
                     mkdocs=MINIMAL_MKDOCS + PUBLISH_MKDOCS_EXTRA.format(value="true"), settings=ONE_MODULE_SETTINGS)
    first = site.build()
    assert first.returncode == 0, first.stderr
    assert "Course packs: made 6, reused 0 unchanged from the cache" in first.stderr
    published = {p.name: p.read_bytes() for p in (site.root / "site" / "downloads").iterdir()}
    again = site.build()
    assert again.returncode == 0, again.stderr
    assert "Course packs: made 0, reused 6 unchanged from the cache" in again.stderr
    assert {p.name: p.read_bytes() for p in (site.root / "site" / "downloads").iterdir()} == published


# -- issue 17: files that open well in Word and LibreOffice, and finished PDFs ------------------------------
def test_docx_fonts_are_dejavu_sans_with_a_fallback_not_the_theme_fonts(module3):
    document = docx.Document(io.BytesIO(module3[("facilitator", "docx")]))
    styles = document.styles.element.xml
    assert "Theme=" not in styles and "theme=" not in styles, "no style takes the theme's Cambria or Calibri"
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:ascii")) == "DejaVu Sans"
    part = next(p for p in document.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    table = part.blob.decode("utf-8")
    assert re.search(r'<w:font w:name="DejaVu Sans"><w:altName w:val="Verdana"/>.*?<w:family w:val="swiss"/>', table)


def test_docx_labels_keep_with_what_they_name(module3):
    guide = docx.Document(io.BytesIO(module3[("facilitator", "docx")]))
    labels = [p for p in guide.paragraphs if p.text == "For facilitators"]
    assert labels and all(p.paragraph_format.keep_with_next for p in labels)
    handout = docx.Document(io.BytesIO(module3[("participant", "docx")]))
    assert handout.styles["Writing Label"].paragraph_format.keep_with_next
    assert handout.styles["Caption"].paragraph_format.keep_with_next


def test_docx_participants_get_ruled_lines_to_write_on(module3):
    handout = docx.Document(io.BytesIO(module3[("participant", "docx")]))
    (stop,) = handout.styles["Writing Line"].paragraph_format.tab_stops
    assert stop.leader == docx.enum.text.WD_TAB_LEADER.LINES and stop.alignment == docx.enum.text.WD_TAB_ALIGNMENT.RIGHT
    lines = [p for p in handout.paragraphs if p.style.name == "Writing Line"]
    assert len(lines) == 6 * 6 and all(p.text == "\t" for p in lines), "six ruled lines after each of six activities"


def test_docx_cover_numbers_its_principles_once_and_the_caption_is_not_blue(module3):
    document = docx.Document(io.BytesIO(module3[("facilitator", "docx")]))
    cover = [p for p in document.paragraphs if p.text == "2. Mutuality and reciprocity"]
    assert cover and all(p.style.name == "Normal" for p in cover), "a numbered text, not a bullet as well"
    caption = document.styles["Caption"].font
    assert caption.color.rgb == docx.shared.RGBColor(0x3D, 0x2A, 0x5C) and not caption.italic


def test_docx_session_plan_columns_fit_their_content(module3):
    document = docx.Document(io.BytesIO(module3[("facilitator", "docx")]))
    section, minutes, principles = [c.width for c in document.tables[0].columns]
    assert minutes < section < principles
    assert section + minutes + principles <= docx.shared.Cm(21 - 3.6)


@pytest.mark.parametrize("rows, expected", [
    ([["Section", "Minutes", "Principles"], ["Welcome", "15", "1. Safe and trusting relationships"]], [11, 11, 34]),
    ([["a", "b"], ["c", "d"]], [8, 8]),
    ([["x" * 100, "y"]], [60, 8]),
])
def test_column_widths_follow_the_longest_text_within_limits(rows, expected):
    from macros.engine.course.docx_writer import column_widths

    widths = column_widths(rows, len(expected), docx.shared.Twips(100 * sum(expected)))
    assert widths == [docx.shared.Twips(100 * e) for e in expected]


@pytest.mark.parametrize("audience", ["facilitator", "participant"])
def test_pdf_header_cells_have_a_scope_and_links_print(module3, audience):
    reader = PdfReader(io.BytesIO(module3[(audience, "pdf")]))
    headers, links = [], []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Link":
                links.append(annotation)

    def walk(node):
        node = node.get_object()
        if node.get("/S") == "/TH":
            headers.append(node)
        kids = node.get("/K")
        if kids is not None:
            for kid in kids if isinstance(kids, list) else [kids]:
                kid = kid.get_object() if hasattr(kid, "get_object") else kid
                if isinstance(kid, dict):
                    walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    # the session plan's three header cells, repeated on each page the table runs onto
    assert headers and len(headers) % 3 == 0, "the session plan's three header cells"
    assert all(h["/A"]["/Scope"] == "/Column" and h["/A"]["/O"] == "/Table" for h in headers)
    assert links and all(int(link["/F"]) & 4 for link in links), "every link annotation has the Print flag"


@pytest.mark.parametrize("audience", ["facilitator", "participant"])
def test_pdf_links_are_described_by_their_words_not_their_targets(module3, audience):
    import pikepdf

    described = {}
    for page in pikepdf.open(io.BytesIO(module3[(audience, "pdf")])).pages:
        for annot in page.obj.get("/Annots", []):
            target = str(annot.get("/Dest", "")) or str(annot.get("/A", {}).get("/URI", ""))
            described.setdefault(target, set()).add(str(annot.get("/Contents", "")))
    assert described["pack-plan"] == {"Session plan"}
    assert described["help"] == {"Getting help now"}
    assert described["principle-mutuality"] and all("Mutuality and reciprocity" in text
                                                     for text in described["principle-mutuality"])
    assert all(target not in texts and "" not in texts for target, texts in described.items()), described


def test_pdf_your_notes_boxes_stay_with_their_activity(module3):
    reader = PdfReader(io.BytesIO(module3[("participant", "pdf")]))
    header = "Module 3: Mutuality and reciprocity Participant handout"
    for number, page in enumerate(reader.pages, start=1):
        body = words(page.extract_text()).replace(header, "", 1).strip()
        assert not body.startswith("Your notes"), f"page {number} starts with a notes box, away from its activity"


# -- checked the way trainers see them: the DOCX files laid out by LibreOffice ---------------------------
OUTPUT = ROOT / "tests" / "output"  # git ignores it: rendered pages for a person to look at


def _tool(name: str) -> str:
    """The path of a command the LibreOffice test needs: in CI its absence fails the test, elsewhere it skips."""
    import shutil

    found = shutil.which(name)
    if found is None:
        message = (f"{name} is not installed; the LibreOffice check of the Word files needs it "
                   f"(Debian: libreoffice-writer-nogui for soffice, poppler-utils for pdftoppm)")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="session")
def module3_in_libreoffice(module3, tmp_path_factory):
    """module3_in_libreoffice[audience] -> (the DOCX, the PDF LibreOffice made of it), for module 3's two DOCX."""
    soffice = _tool("soffice")
    folder = tmp_path_factory.mktemp("libreoffice")
    out = {}
    for audience in ("facilitator", "participant"):
        path = folder / f"module3-{audience}.docx"
        path.write_bytes(module3[(audience, "docx")])
        done = subprocess.run([soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                               "--convert-to", "pdf", "--outdir", str(folder), str(path)],
                              capture_output=True, text=True, timeout=180)
        converted = path.with_suffix(".pdf")
        assert done.returncode == 0 and converted.exists(), done.stdout + done.stderr
        out[audience] = (path, converted)
    return out


@pytest.mark.parametrize("audience", ["facilitator", "participant"])
def test_docx_in_libreoffice_contents_have_page_numbers_and_labels_stay_with_notes(module3_in_libreoffice, audience):
    docx_path, pdf_path = module3_in_libreoffice[audience]
    pages = [page.extract_text() for page in PdfReader(str(pdf_path)).pages]
    flat = [words(text) for text in pages]
    total = len(pages)
    # the contents list: every entry shows a page number, and the entry's heading is on that page
    document = docx.Document(str(docx_path))
    entries = [p.text.split("\t")[0] for p in document.paragraphs if p.style.name.startswith("toc ")]
    assert len(entries) >= 10
    contents = next(text for text in flat if "Contents" in text)
    for title in entries:
        found = re.search(re.escape(title) + r"[ .\u2026]*?(\d+)\b", contents)
        assert found, f"no page number after {title!r} in the contents"
        page = int(found.group(1))
        assert 1 <= page <= total and title in flat[page - 1], f"{title} is not on page {page}"
    # no page ends with a label whose note went on to the next page
    for number, text in enumerate(pages, start=1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        body = [line for line in lines if not re.fullmatch(r"Page \d+ of \d+", line)]
        assert body[-1] not in ("For facilitators", "Your notes"), f"page {number} ends with a lone label"
    # every heading survives
    everything = " ".join(flat)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading") and p.text.strip()]
    assert len(headings) >= 15
    for heading in headings:
        assert words(heading) in everything, heading
    # one page for a person to look at
    pdftoppm = _tool("pdftoppm")
    OUTPUT.mkdir(exist_ok=True)
    target = OUTPUT / f"libreoffice-module3-{audience}-page5"
    subprocess.run([pdftoppm, "-f", "5", "-l", "5", "-r", "80", "-png", "-singlefile", str(pdf_path), str(target)],
                   check=True, timeout=60)
    assert target.with_suffix(".png").stat().st_size > 10_000
    print(f"\nLibreOffice rendering of the {audience} DOCX, page 5: {target.with_suffix('.png')}")
