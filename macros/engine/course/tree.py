"""The course packs' element tree: Markdown to a small HTML tree, and back to HTML.

The packs are made from the same Markdown and macros as the site. A page is woven (our macros),
rendered by python-markdown with the site's extensions and parsed into the small tree below.
``transforms`` changes the tree for one audience and for paper, ``layout`` assembles the packs
from it, and both writers read it: ``pdf_writer`` serialises it to HTML for WeasyPrint and
``docx_writer`` walks it, so both formats carry the same text.

Pure Python: no MkDocs, no WeasyPrint, no python-docx.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

import markdown
from markupsafe import escape

#: MkDocs always loads these before the ones named in mkdocs.yml.
MKDOCS_BUILTIN_EXTENSIONS: tuple[str, ...] = ("toc", "tables", "fenced_code")
#: The extensions in mkdocs.yml (``markdown_extensions``); a test keeps the two lists in step.
SITE_EXTENSIONS: tuple[str, ...] = (
    "abbr", "admonition", "attr_list", "def_list", "md_in_html", "tables", "toc",
    "pymdownx.details", "pymdownx.superfences", "pymdownx.tabbed", "pymdownx.tasklist",
)
#: Their options, as in mkdocs.yml.
SITE_EXTENSION_CONFIGS: dict[str, dict] = {
    "toc": {"permalink": False},
    "pymdownx.tabbed": {"alternate_style": True},
}

VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                       "source", "track", "wbr"})
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_SVG = re.compile(r"<svg\b.*?</svg>", re.S | re.I)
_RAW_MARK = re.compile(r"\x02raw(\d+)\x03")


# -- the tree ------------------------------------------------------------------------------------------
@dataclass(eq=False)
class Raw:
    """Markup kept exactly as written (inline SVG, whose attribute names are case-sensitive)."""

    html: str

    def text(self) -> str:
        """Raw markup has no text of its own in the tree (its figure caption carries the words)."""
        return ""


@dataclass(eq=False)
class Element:
    """One HTML element with its attributes and children (elements, raw markup or text)."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        """The element's classes, in order."""
        return self.attrs.get("class", "").split()

    def has_class(self, name: str) -> bool:
        """Does the element carry this class?"""
        return name in self.classes

    def add_class(self, name: str) -> None:
        """Add a class, keeping the others."""
        if not self.has_class(name):
            self.attrs["class"] = " ".join(self.classes + [name])

    def text(self) -> str:
        """All the text inside, as it would be read."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self) -> Iterator[Element]:
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def elements(self) -> list[Element]:
        """The child elements (no text)."""
        return [c for c in self.children if isinstance(c, Element)]

    def append(self, *nodes) -> Element:
        """Append children; return self, for building."""
        self.children.extend(n for n in nodes if n is not None and n != "")
        return self

    def copy(self) -> Element:
        """A deep copy that can be changed without touching this tree."""
        return copy.deepcopy(self)


def E(tag: str, *children, **attrs: str | None) -> Element:
    """Build an element: ``E("p", "text", class_="note")``; ``class_`` stands for ``class``."""
    clean = {k.rstrip("_").replace("_", "-"): str(v) for k, v in attrs.items() if v is not None}
    return Element(tag, clean).append(*children)


def walk_parents(root: Element) -> Iterator[tuple[Element, int, Element]]:
    """Every (parent, index, element) below root, parents before children; safe to read, not to edit."""
    for parent in list(root.iter()):
        for index, child in enumerate(parent.children):
            if isinstance(child, Element):
                yield parent, index, child


def replace_each(root: Element, match: Callable[[Element], bool], make: Callable[[Element], list]) -> None:
    """Replace every element that matches with the nodes ``make`` returns (an empty list removes it).

    Matched elements are not searched further; the replacements are searched as new content.
    """
    def visit(parent: Element) -> None:
        out: list = []
        for child in parent.children:
            if isinstance(child, Element) and match(child):
                for node in make(child):
                    if node is None:
                        continue
                    if isinstance(node, Element):
                        visit(node)
                    out.append(node)
            else:
                if isinstance(child, Element):
                    visit(child)
                out.append(child)
        parent.children = _merge_text(out)

    visit(root)


def _merge_text(nodes: list) -> list:
    out: list = []
    for node in nodes:
        if isinstance(node, str) and out and isinstance(out[-1], str):
            out[-1] += node
        elif node != "":
            out.append(node)
    return out


# -- parsing and serialising ------------------------------------------------------------------------------
class _TreeBuilder(HTMLParser):
    """html.parser into the small tree (python-markdown output is regular, so this stays simple)."""

    def __init__(self, raws: list[str]):
        super().__init__(convert_charrefs=True)
        self.root = Element("fragment")
        self.stack = [self.root]
        self.raws = raws

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: (v if v is not None else "") for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID_TAGS:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Element(tag, {k: (v if v is not None else "") for k, v in attrs}))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        parent = self.stack[-1]
        pieces = _RAW_MARK.split(data)
        for index, piece in enumerate(pieces):
            if index % 2:
                parent.children.append(Raw(self.raws[int(piece)]))
            elif piece:
                if parent.children and isinstance(parent.children[-1], str):
                    parent.children[-1] += piece
                else:
                    parent.children.append(piece)


def parse_html(html: str) -> Element:
    """Parse an HTML fragment into a tree under a ``fragment`` element."""
    raws: list[str] = []

    def keep(match: re.Match) -> str:
        raws.append(match.group(0))
        return f"\x02raw{len(raws) - 1}\x03"

    builder = _TreeBuilder(raws)
    builder.feed(_SVG.sub(keep, html))
    builder.close()
    return builder.root


def to_html(node) -> str:
    """Serialise a node; text and attribute values are escaped."""
    if isinstance(node, str):
        return str(escape(node))
    if isinstance(node, Raw):
        return node.html
    inner = "".join(to_html(c) for c in node.children)
    if node.tag == "fragment":
        return inner
    attrs = "".join(f' {k}="{escape(v)}"' for k, v in node.attrs.items())
    if node.tag in VOID_TAGS:
        return f"<{node.tag}{attrs}>"
    return f"<{node.tag}{attrs}>{inner}</{node.tag}>"


def render_markdown(text: str) -> Element:
    """Markdown to a tree, with the same extensions and options as the site."""
    extensions = list(dict.fromkeys(MKDOCS_BUILTIN_EXTENSIONS + SITE_EXTENSIONS))
    md = markdown.Markdown(extensions=extensions, extension_configs=SITE_EXTENSION_CONFIGS)
    return parse_html(md.convert(text))


def heading_level(element: Element) -> int | None:
    """1 to 6 for a heading, else None."""
    return int(element.tag[1]) if element.tag in HEADINGS else None


__all__ = [
    "E", "Element", "HEADINGS", "MKDOCS_BUILTIN_EXTENSIONS", "Raw", "SITE_EXTENSIONS",
    "SITE_EXTENSION_CONFIGS", "heading_level", "parse_html", "render_markdown", "replace_each", "to_html", "walk_parents",
]
