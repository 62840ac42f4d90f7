"""DOCX through python-docx: the same pack tree as the PDF, as a Word document people can edit.

Real Heading 1-4 styles (so Word's navigation pane works), facilitator notes in a named paragraph
style ("Facilitator Note") that a trainer can restyle or hide in one place, labels kept with what
they name, tables whose header row repeats on every page and whose columns fit their content, a
contents list whose page numbers Word and LibreOffice work out on opening, ruled lines to write
on, "Page x of y", and DejaVu Sans (the PDF's font) declared with a sans-serif fallback instead
of the template's theme fonts.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor, Twips
from lxml import etree

from .layout import PrintDocument
from .settings import PackError
from .tree import Element, Raw, heading_level

FACILITATOR_STYLE = "Facilitator Note"
WRITING_LINE_STYLE = "Writing Line"
WRITING_LABEL_STYLE = "Writing Label"
CUT_LINE_STYLE = "Cut Line"
#: Large print (a materials pack's large-print file): body text and each heading level, in points.
LARGE_PRINT_SIZES = {"Normal": 18, "Heading 1": 30, "Heading 2": 24, "Heading 3": 21, "Heading 4": 19,
                     "Caption": 16, "Header": 14, "Footer": 14}
NOTE_COLOUR = RGBColor(0x6A, 0x4C, 0x93)
TEXT_COLOUR = RGBColor(0x26, 0x26, 0x26)
#: The packs' font (the PDF embeds the same DejaVu Sans from assets/fonts). Word and LibreOffice
#: use it where it is installed (most Linux systems, and LibreOffice itself, have it); elsewhere
#: the font table's alternative name and its sans-serif family and panose give a close sans
#: (Verdana, then the system's own sans), never the theme's serif.
FONT = "DejaVu Sans"
FONT_FALLBACK = "Verdana"
FONT_PANOSE = "020B0603030804020204"
#: The width of the text on an A4 page with the margins below.
TEXT_WIDTH = Cm(21.0 - 2 * 1.8)
ACCENT = RGBColor(0x3D, 0x2A, 0x5C)
BLOCK_TAGS = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table", "blockquote", "div", "section",
    "aside", "nav", "details", "summary", "dl", "dt", "dd", "pre", "hr", "figure", "figcaption", "main",
    "header", "footer", "article", "caption", "fragment",
})


class DocxError(PackError):
    """The DOCX could not be made; the message says why in one line."""


@dataclass(frozen=True)
class _Format:
    """Inline formatting in force."""

    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str | None = None


@dataclass(frozen=True)
class _Block:
    """Block context: the paragraph style in force and the list depth."""

    style: str = "Normal"
    note: bool = False
    """Inside a facilitator note: every paragraph keeps the note style."""
    depth: int = 0


#: The elements that follow w:pBdr and w:shd inside w:pPr (Word insists on the schema's order).
_AFTER_SHD = ("w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
              "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
              "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
              "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
              "w:pPrChange")
_AFTER_PBDR = ("w:shd", *_AFTER_SHD)


def _border(paragraph_properties, edge: str, size: int = 6, colour: str = "8A8A8A", space: int = 1,
            kind: str = "single") -> None:
    borders = paragraph_properties.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        paragraph_properties.insert_element_before(borders, *_AFTER_PBDR)
    line = OxmlElement(f"w:{edge}")
    line.set(qn("w:val"), kind)
    line.set(qn("w:sz"), str(size))
    line.set(qn("w:space"), str(space))
    line.set(qn("w:color"), colour)
    borders.append(line)  # top, left, bottom, right: callers add at most one edge each


def _shading(paragraph_properties, fill: str) -> None:
    shade = OxmlElement("w:shd")
    shade.set(qn("w:val"), "clear")
    shade.set(qn("w:color"), "auto")
    shade.set(qn("w:fill"), fill)
    paragraph_properties.insert_element_before(shade, *_AFTER_SHD)


def _field_char(kind: str, dirty: bool = False):
    run = OxmlElement("w:r")
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    if dirty:
        char.set(qn("w:dirty"), "true")
    run.append(char)
    return run


def _field_start(paragraph, instruction: str, dirty: bool = False) -> None:
    """Open a Word field (its cached result follows, then ``_field_end``)."""
    p = paragraph._p
    p.append(_field_char("begin", dirty))
    run = OxmlElement("w:r")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run.append(text)
    p.append(run)
    p.append(_field_char("separate"))


def _field_end(paragraph) -> None:
    paragraph._p.append(_field_char("end"))


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A Word field (PAGE, NUMPAGES) with the text shown until Word works it out."""
    _field_start(paragraph, instruction)
    paragraph.add_run(placeholder)
    _field_end(paragraph)


def repeat_header_row(row) -> None:
    """Mark a table row as a header row that Word repeats at the top of every page (w:tblHeader)."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)
    cant_split = OxmlElement("w:cantSplit")
    properties.append(cant_split)


class DocxWriter:
    """Writes one PrintDocument as DOCX."""

    def __init__(self, document: PrintDocument, docs_dir: Path | None = None, created: datetime | None = None):
        self.source = document
        self.docs_dir = docs_dir
        self.created = created
        self.doc = Document()
        self._numbering_cache: dict[str, str] = {}
        self._bookmark_names: dict[str, str] = {}
        self._bookmarks_made = 0
        self._setup()

    # -- document set-up -------------------------------------------------------------------------------
    def _setup(self) -> None:
        doc = self.doc
        section = doc.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        for side in ("left_margin", "right_margin"):
            setattr(section, side, Cm(1.8))
        section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.0)
        section.start_type = WD_SECTION_START.NEW_PAGE
        styles = doc.styles
        normal = styles["Normal"]
        normal.font.size = Pt(10.5)
        self._language(styles)
        self._fonts(styles)
        for level in (1, 2, 3, 4):
            styles[f"Heading {level}"].font.color.rgb = ACCENT
        caption = styles["Caption"]  # python-docx's default is small, italic and blue
        caption.font.color.rgb = ACCENT
        caption.font.italic = False
        caption.font.bold = True
        caption.font.size = Pt(9.5)
        caption.paragraph_format.keep_with_next = True
        self._update_fields_on_open()

        note = styles.add_style(FACILITATOR_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        note.base_style = normal
        note.quick_style = True
        note.paragraph_format.left_indent = Cm(0.4)
        note.paragraph_format.space_after = Pt(4)
        note_pr = note.element.get_or_add_pPr()
        _border(note_pr, "left", size=24, colour="6A4C93", space=6)
        _shading(note_pr, "F3EFF8")

        # each line is a tab to the right margin drawn as a rule (a leader), so every line shows:
        # bottom borders on paragraphs in a row merge into one rule under the group in Word
        line = styles.add_style(WRITING_LINE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        line.base_style = normal
        line.font.color.rgb = RGBColor(0xA0, 0xA0, 0xA0)
        line.paragraph_format.space_before = Pt(0)
        line.paragraph_format.space_after = Pt(0)
        line.paragraph_format.line_spacing = Pt(24)
        line.paragraph_format.keep_with_next = True
        line.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH - Cm(0.1), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.LINES)

        # a materials pack's cut line: a dashed rule with its words, kept with the card below it
        cut = styles.add_style(CUT_LINE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        cut.base_style = normal
        cut.font.size = Pt(8)
        cut.font.color.rgb = RGBColor(0x47, 0x47, 0x47)
        cut.paragraph_format.space_before = Pt(8)
        cut.paragraph_format.space_after = Pt(8)
        cut.paragraph_format.keep_with_next = True
        _border(cut.element.get_or_add_pPr(), "top", size=8, colour="474747", space=2, kind="dashed")

        label = styles.add_style(WRITING_LABEL_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        label.base_style = normal
        label.font.bold = True
        label.font.size = Pt(9)
        label.paragraph_format.space_before = Pt(6)
        label.paragraph_format.space_after = Pt(0)
        label.paragraph_format.keep_with_next = True

        if self.source.large_print:
            for name, size in LARGE_PRINT_SIZES.items():
                styles[name].font.size = Pt(size)
            cut.font.size = Pt(16)

        # the cover has no running header; every other page has the pack's title and page x of y
        section.different_first_page_header_footer = True
        header = section.header.paragraphs[0]
        header.text = self.source.header
        header.style = styles["Header"]
        footer = section.footer.paragraphs[0]
        footer.style = styles["Footer"]
        footer.add_run("Page ")
        _field(footer, "PAGE", "1")
        footer.add_run(" of ")
        _field(footer, "NUMPAGES", "1")

        props = doc.core_properties
        props.title = self.source.title
        props.subject = self.source.subject
        props.author = self.source.author
        props.last_modified_by = self.source.author
        props.language = "en-GB"
        props.keywords = "peer support; course pack; " + self.source.kind
        props.comments = ""
        props.revision = 1
        if self.created is not None:
            props.created = self.created
            props.modified = self.created
        for level in (1, 2):
            entry = styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)  # Word's own name for it
            entry.base_style = normal
            entry.paragraph_format.left_indent = Cm(0.6 * (level - 1))
            entry.paragraph_format.space_after = Pt(2)
            entry.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)

    def _fonts(self, styles) -> None:
        """DejaVu Sans everywhere, instead of the template's theme fonts (Calibri, Cambria), with a fallback."""
        defaults = styles.element.find(qn("w:docDefaults"))
        run_props = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        if run_props.find(qn("w:rFonts")) is None:
            run_props.insert(0, OxmlElement("w:rFonts"))
        for fonts in styles.element.iter(qn("w:rFonts")):
            themed = [name for name in fonts.attrib if name.endswith(("Theme", "theme"))]
            if not themed and fonts.getparent() is not run_props:
                continue  # a style that names its own font (Macro Text's Courier) keeps it
            for name in themed:
                del fonts.attrib[name]
            for name in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
                fonts.set(qn(name), FONT)
        table = next((part for part in self.doc.part.package.iter_parts()
                      if str(part.partname) == "/word/fontTable.xml"), None)
        if table is None:
            return
        root = etree.fromstring(table.blob)
        w = root.nsmap.get("w") or "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        font = etree.SubElement(root, f"{{{w}}}font", {f"{{{w}}}name": FONT})
        for tag, value in (("altName", FONT_FALLBACK), ("panose1", FONT_PANOSE), ("charset", "00"),
                           ("family", "swiss"), ("pitch", "variable")):
            etree.SubElement(font, f"{{{w}}}{tag}", {f"{{{w}}}val": value})
        table._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _update_fields_on_open(self) -> None:
        """Ask Word to update the fields (the contents' page numbers) when the file is opened."""
        settings = self.doc.settings.element
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        later = ("w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids",
                 "m:mathPr", "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping",
                 "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions",
                 "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults",
                 "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator")
        settings.insert_element_before(update, *later)

    def _bookmark(self, paragraph, anchor: str) -> None:
        """Mark a heading so that the contents can give its page (PAGEREF) and link to it."""
        name = self._bookmark_name(anchor)
        self._bookmarks_made += 1
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(self._bookmarks_made))
        start.set(qn("w:name"), name)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(self._bookmarks_made))
        p = paragraph._p
        properties = p.pPr
        p.insert(p.index(properties) + 1 if properties is not None else 0, start)
        p.append(end)

    def _bookmark_name(self, anchor: str) -> str:
        # Word's hidden-bookmark form (_Toc...), at most 40 characters; the same anchor, the same name
        return self._bookmark_names.setdefault(anchor, f"_Toc{len(self._bookmark_names) + 1:06d}")

    def _language(self, styles) -> None:
        defaults = styles.element.find(qn("w:docDefaults"))
        run_props = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
        if run_props is None:
            return
        lang = run_props.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            run_props.append(lang)
        lang.set(qn("w:val"), "en-GB")

    # -- output -------------------------------------------------------------------------------------------
    def render(self) -> bytes:
        """The DOCX file as bytes: the same bytes for the same sources (no clock time inside)."""
        self._blocks(self.doc, self.source.body.children, _Block())
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return _without_clock(buffer.getvalue())

    # -- blocks -------------------------------------------------------------------------------------------
    def _paragraph(self, container, style: str):
        paragraph = container.add_paragraph()
        paragraph.style = self.doc.styles[style]
        return paragraph

    def _blocks(self, container, nodes: list, ctx: _Block, fmt: _Format = _Format()) -> None:
        """Block elements in turn; runs of text and inline elements between them become paragraphs."""
        pending: list = []

        def flush() -> None:
            if any((n.strip() if isinstance(n, str) else True) for n in pending):
                paragraph = self._paragraph(container, ctx.style)
                for node in pending:
                    self._inline(paragraph, node, fmt)
                _strip_edges(paragraph)
            pending.clear()

        for node in nodes:
            if isinstance(node, Element) and (node.tag in BLOCK_TAGS or node.tag == "img"):
                flush()
                self._block(container, node, ctx)
            elif isinstance(node, Raw):
                continue
            else:
                pending.append(node)
        flush()

    def _block(self, container, el: Element, ctx: _Block) -> None:
        tag = el.tag
        if el.has_class("page") and container is self.doc and len(self.doc.paragraphs) > 0:
            self.doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
        level = heading_level(el)
        if level is not None:
            if ctx.note:
                paragraph = self._paragraph(container, FACILITATOR_STYLE)
                self._inline(paragraph, el, _Format(bold=True))
            else:
                paragraph = self._paragraph(container, f"Heading {min(level, 9)}")
                self._inline(paragraph, el, _Format())
                if el.attrs.get("id"):
                    self._bookmark(paragraph, el.attrs["id"])
            _strip_edges(paragraph)
            return
        if el.has_class("facilitator-note__title"):  # the label stays on the page of the note it names
            paragraph = self._paragraph(container, FACILITATOR_STYLE if ctx.note else ctx.style)
            self._inline(paragraph, el, _Format())
            _strip_edges(paragraph)
            paragraph.paragraph_format.keep_with_next = True
            return
        if tag == "nav" and el.has_class("toc"):
            return self._contents(container, el)
        if el.has_class("cover"):
            self._blocks(container, el.children, ctx)
            return
        if el.has_class("facilitator-note"):
            return self._blocks(container, el.children, replace(ctx, style=FACILITATOR_STYLE, note=True))
        if el.has_class("cut-line"):
            paragraph = self._paragraph(container, CUT_LINE_STYLE)
            self._inline(paragraph, el, _Format())
            _strip_edges(paragraph)
            return
        if el.has_class("cut-card"):  # a card stays on one page: each paragraph but its last keeps with the next
            start = len(container.paragraphs)
            self._blocks(container, el.children, ctx)
            for paragraph in container.paragraphs[start:-1]:
                paragraph.paragraph_format.keep_with_next = True
            return
        if el.has_class("write-space"):
            if container.paragraphs:  # the box stays with the end of its activity
                container.paragraphs[-1].paragraph_format.keep_with_next = True
            line = None
            for child in el.elements():
                if child.has_class("write-space__label"):
                    self._paragraph(container, WRITING_LABEL_STYLE).add_run(child.text().strip())
                else:
                    line = self._paragraph(container, WRITING_LINE_STYLE)
                    line.add_run("\t")
            if line is not None:  # what follows the box may go to the next page
                line.paragraph_format.keep_with_next = False
            return
        if el.has_class("admonition") or el.has_class("tab"):
            for child in el.children:
                if isinstance(child, Element) and (child.has_class("admonition-title") or child.has_class("tab-title")):
                    paragraph = self._paragraph(container, FACILITATOR_STYLE if ctx.note else ctx.style)
                    self._inline(paragraph, child, _Format(bold=True))
                    paragraph.paragraph_format.keep_with_next = True
                else:
                    self._blocks(container, [child], ctx)
            return
        if tag in ("ul", "ol"):
            return self._list(container, el, ctx)
        if tag == "table":
            return self._table(container, el, ctx)
        if tag == "blockquote":
            style = FACILITATOR_STYLE if ctx.note else "Quote"
            return self._blocks(container, el.children, replace(ctx, style=style))
        if tag == "dl":
            for child in el.elements():
                if child.tag == "dt":
                    paragraph = self._paragraph(container, ctx.style)
                    self._inline(paragraph, child, _Format(bold=True))
                else:
                    self._blocks(container, child.children, ctx)
            return
        if tag == "pre":
            paragraph = self._paragraph(container, ctx.style)
            self._inline(paragraph, el, _Format(code=True))
            return
        if tag == "hr":
            return
        if tag == "img":
            return self._image(container, el, ctx)
        if tag == "p":  # (a picture in a paragraph becomes a picture between paragraphs)
            self._blocks(container, el.children, ctx, _Format(bold=el.has_class("section-duration")))
            return
        # containers: div, section, main, figure, aside, li outside lists ...
        self._blocks(container, el.children, ctx)

    def _contents(self, container, nav: Element) -> None:
        """The contents, with page numbers that show as soon as the file opens, in Word and LibreOffice.

        Each entry links to its heading and ends with a PAGEREF field to the heading's bookmark,
        which Word and LibreOffice work out as they lay the document out (Word also updates every
        field on opening, ``updateFields``). A TOC field would be Word's own way, but LibreOffice
        shows a TOC field's saved text without updating it, so its page numbers would be blank.
        """
        for child in nav.elements():
            if heading_level(child):
                self._block(container, child, _Block())
        entries: list[tuple[int, str, str]] = []

        def collect(element: Element, depth: int) -> None:
            for item in element.elements():
                if item.tag == "li":
                    link = next((a for a in item.elements() if a.tag == "a"), None)
                    if link is not None:
                        entries.append((depth, link.text().strip(), link.attrs.get("href", "").lstrip("#")))
                    for sub in item.elements():
                        if sub.tag in ("ol", "ul"):
                            collect(sub, depth + 1)

        for child in nav.elements():
            if child.tag in ("ol", "ul"):
                collect(child, 1)
        if not entries:
            return
        for depth, text, anchor in entries:
            paragraph = self._paragraph(container, f"toc {min(depth, 2)}")
            run = paragraph.add_run(text)
            if anchor:
                name = self._bookmark_name(anchor)
                link = OxmlElement("w:hyperlink")
                link.set(qn("w:anchor"), name)
                paragraph._p.remove(run._r)
                link.append(run._r)
                paragraph._p.append(link)
                paragraph.add_run("\t")
                _field(paragraph, f"PAGEREF {name} \\h", "")

    def _list(self, container, el: Element, ctx: _Block) -> None:
        if el.has_class("principle-list"):  # "1. Safe and ..." carries its own number: no bullet as well
            for item in el.elements():
                paragraph = self._paragraph(container, ctx.style)
                self._inline(paragraph, item, _Format())
                _strip_edges(paragraph)
            return
        ordered = el.tag == "ol"
        depth = min(ctx.depth + 1, 3)
        if ctx.note:
            style = FACILITATOR_STYLE
        else:
            base = "List Number" if ordered else "List Bullet"
            style = base if depth == 1 else f"{base} {depth}"
        num_id = self._restart(style) if ordered and not ctx.note else None
        number = 0
        for item in el.elements():
            if item.tag != "li":
                continue
            number += 1
            inline = [c for c in item.children if not (isinstance(c, Element) and c.tag in BLOCK_TAGS)]
            blocks = [c for c in item.children if isinstance(c, Element) and c.tag in BLOCK_TAGS]
            # a "loose" list wraps its items' words in <p>: treat the first paragraph as the item's text
            if not any((n.strip() if isinstance(n, str) else True) for n in inline) and blocks and blocks[0].tag == "p":
                inline, blocks = list(blocks[0].children), blocks[1:]
            paragraph = self._paragraph(container, style)
            if ctx.note:
                paragraph.add_run(("  " * (depth - 1)) + (f"{number}. " if ordered else "\u2022 "))
            elif num_id is not None:
                self._number(paragraph, num_id)
            for node in inline:
                self._inline(paragraph, node, _Format())
            _strip_edges(paragraph)
            if blocks:
                self._blocks(container, blocks, replace(ctx, depth=depth))

    def _restart(self, style: str) -> str | None:
        """A new numbering instance for an ordered list, so that each list starts again at 1."""
        style_el = self.doc.styles[style].element
        num_pr = style_el.pPr.numPr if style_el.pPr is not None else None
        if num_pr is None or num_pr.numId is None:
            return None
        numbering = self.doc.part.numbering_part.element
        base_id = num_pr.numId.val
        abstract = None
        for num in numbering.findall(qn("w:num")):
            if num.get(qn("w:numId")) == str(base_id):
                abstract = num.find(qn("w:abstractNumId")).get(qn("w:val"))
        if abstract is None:
            return None
        new_id = max(int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))) + 1
        num = OxmlElement("w:num")
        num.set(qn("w:numId"), str(new_id))
        ref = OxmlElement("w:abstractNumId")
        ref.set(qn("w:val"), abstract)
        num.append(ref)
        override = OxmlElement("w:lvlOverride")
        override.set(qn("w:ilvl"), "0")
        start = OxmlElement("w:startOverride")
        start.set(qn("w:val"), "1")
        override.append(start)
        num.append(override)
        numbering.append(num)
        return str(new_id)

    def _number(self, paragraph, num_id: str) -> None:
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = int(num_id)

    def _table(self, container, el: Element, ctx: _Block) -> None:
        caption = next((c for c in el.elements() if c.tag == "caption"), None)
        if caption is not None:
            paragraph = self._paragraph(container, "Caption")
            self._inline(paragraph, caption, _Format())
        rows: list[tuple[Element, bool]] = []
        for part in el.elements():
            if part.tag == "tr":
                rows.append((part, False))
            for row in part.elements() if part.tag in ("thead", "tbody", "tfoot") else []:
                if row.tag == "tr":
                    rows.append((row, part.tag == "thead"))
        if not rows:
            return
        # a table in a facilitator note keeps the note's style in every cell; elsewhere cells are Normal
        inside = _Block(style=FACILITATOR_STYLE, note=True) if ctx.note else _Block()
        width = max(len([c for c in r.elements() if c.tag in ("td", "th")]) for r, _ in rows)
        table = container.add_table(rows=len(rows), cols=width)
        table.style = self.doc.styles["Table Grid"]
        widths = column_widths([[c.text() for c in r.elements() if c.tag in ("td", "th")] for r, _ in rows], width,
                               TEXT_WIDTH - (Cm(0.8) if inside.note else 0))
        table.autofit = False
        for column, column_width in enumerate(widths):
            table.columns[column].width = column_width
            for cell in table.columns[column].cells:
                cell.width = column_width
        for index, (row, is_head) in enumerate(rows):
            cells = [c for c in row.elements() if c.tag in ("td", "th")]
            if index == 0:
                repeat_header_row(table.rows[0])  # the first row is the header row, repeated on each page
            for column, cell in enumerate(cells):
                target = table.cell(index, column)
                paragraph = target.paragraphs[0]
                if inside.note:
                    paragraph.style = self.doc.styles[FACILITATOR_STYLE]
                fmt = _Format(bold=is_head or cell.tag == "th")
                for child in cell.children:
                    if isinstance(child, Element) and child.tag in BLOCK_TAGS:
                        self._blocks(target, [child], inside)
                    else:
                        self._inline(paragraph, child, fmt)
                _strip_edges(paragraph)
        # a paragraph after the table keeps the next table or heading apart from it
        self._paragraph(container, "Normal")

    def _image(self, container, el: Element, ctx: _Block) -> None:
        """A picture from the docs folder; like the PDF, a picture that cannot be read fails the file."""
        alt = el.attrs.get("alt", "").strip()
        target = el.attrs.get("data-doc", "").split("#", 1)[0]
        path = (self.docs_dir / target).resolve() if (self.docs_dir and target) else None
        if path is None or not path.is_relative_to(self.docs_dir.resolve()):
            raise DocxError(f"picture {el.attrs.get('src', '')!r} is not a file in the docs folder; "
                            f"the course packs only use pictures kept with the pages")
        if path.suffix.lower() == ".svg":  # Word cannot take SVG through python-docx: keep the words
            self._paragraph(container, ctx.style).add_run(f"[Picture: {alt or path.name}]")
            return
        try:
            container.add_paragraph().add_run().add_picture(str(path), width=Cm(14))
        except Exception as error:  # python-docx raises several kinds for unreadable pictures
            raise DocxError(f"cannot add the picture {target} ({type(error).__name__}: {error})") from None
        if alt:
            self._paragraph(container, "Caption").add_run(alt)

    # -- inline -------------------------------------------------------------------------------------------
    def _inline(self, paragraph, node, fmt: _Format) -> None:
        if isinstance(node, Raw):
            return
        if isinstance(node, str):
            text = node if fmt.code else re.sub(r"\s+", " ", node)
            if not text:
                return
            if fmt.href:
                self._hyperlink(paragraph, text, fmt)
            else:
                run = paragraph.add_run(text)
                self._style_run(run, fmt)
            return
        tag = node.tag
        if tag == "br":
            paragraph.add_run().add_break()
            return
        if tag in ("strong", "b"):
            fmt = replace(fmt, bold=True)
        elif tag in ("em", "i"):
            fmt = replace(fmt, italic=True)
        elif tag in ("code", "kbd", "samp"):
            fmt = replace(fmt, code=True)
        elif tag == "a" and node.has_class("external") and node.attrs.get("href"):
            fmt = replace(fmt, href=node.attrs["href"])
        elif tag == "img":
            alt = node.attrs.get("alt", "").strip()
            if alt:
                paragraph.add_run(f"[Picture: {alt}]")
            return
        for child in node.children:
            self._inline(paragraph, child, fmt)

    @staticmethod
    def _style_run(run, fmt: _Format) -> None:
        if fmt.bold:
            run.bold = True
        if fmt.italic:
            run.italic = True
        if fmt.code:
            run.font.name = "Courier New"

    def _hyperlink(self, paragraph, text: str, fmt: _Format) -> None:
        """A real, clickable link to a web address (python-docx has no API for it)."""
        rel_id = paragraph.part.relate_to(fmt.href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), rel_id)
        run = paragraph.add_run(text)
        self._style_run(run, fmt)
        run.font.underline = True
        run.font.color.rgb = ACCENT
        paragraph._p.remove(run._r)
        link.append(run._r)
        paragraph._p.append(link)


def column_widths(rows: list[list[str]], columns: int, total: int) -> list[Twips]:
    """Column widths in proportion to what the columns hold: their longest text, within limits.

    A short column (minutes) stays narrow and a wordy one (principles) gets the room, instead
    of Word's equal columns; no column is narrower than a short word or wider than a line's worth.
    """
    weights = []
    for column in range(columns):
        texts = [" ".join(row[column].split()) for row in rows if column < len(row)]
        longest = max((len(t) for t in texts), default=0)
        longest_word = max((len(w) for t in texts for w in t.split()), default=0)
        weights.append(min(max(longest, longest_word + 4, 8), 60))  # + 4: the cell's own padding
    twips = total // 635  # Word keeps widths in twentieths of a point: round down there, so they fit
    return [Twips(twips * weight // sum(weights)) for weight in weights]


def _without_clock(data: bytes) -> bytes:
    """The same zip with a fixed date on every member (zipfile stamps them with the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def _strip_edges(paragraph) -> None:
    """Markdown leaves newlines at the edges of block text; Word would show them as spaces."""
    runs = paragraph.runs
    if runs:
        runs[0].text = runs[0].text.lstrip()
        runs[-1].text = runs[-1].text.rstrip()


def render_docx(document: PrintDocument, docs_dir: Path | None = None, created: datetime | None = None) -> bytes:
    """Write one pack as DOCX; return the file's bytes."""
    return DocxWriter(document, docs_dir, created).render()


__all__ = ["CUT_LINE_STYLE", "FACILITATOR_STYLE", "DocxError", "DocxWriter", "column_widths", "render_docx", "repeat_header_row"]
