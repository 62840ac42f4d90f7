"""Print HTML for the course packs: a small element tree, Markdown to tree, and the page transforms.

The packs are made from the same Markdown and macros as the site. A page is woven (our macros),
rendered by python-markdown with the site's extensions, parsed into the small tree below and
transformed for one audience and for paper. The PDF writer serialises the tree to HTML for
WeasyPrint and the DOCX writer walks the same tree, so both formats carry the same text.

Pure Python: no MkDocs, no WeasyPrint, no python-docx.
"""

from __future__ import annotations

import copy
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

import markdown
from markupsafe import escape


class PackError(Exception):
    """A pack file could not be made (PDF or DOCX); the message says why in one line."""

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
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
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


# -- transforms for paper ----------------------------------------------------------------------------------
def is_facilitator_note(element: Element) -> bool:
    """A ``??? facilitator`` (details) or ``!!! facilitator`` (admonition) block."""
    return element.has_class("facilitator") and (element.tag == "details" or element.has_class("admonition"))


def _title_and_body(element: Element) -> tuple[str, list]:
    """The title and the content of an admonition or a details block."""
    title, body = "", []
    for child in element.children:
        if isinstance(child, Element) and (child.tag == "summary" or child.has_class("admonition-title")):
            title = child.text().strip()
        else:
            body.append(child)
    return title, body


def facilitator_notes(root: Element, keep: bool) -> int:
    """Drop facilitator notes, or open them out as labelled notes; return how many there were."""
    count = 0

    def make(element: Element) -> list:
        nonlocal count
        count += 1
        if not keep:
            return []
        title, body = _title_and_body(element)
        return [E("aside", E("p", E("strong", title or "For facilitators"), class_="facilitator-note__title"),
                  *body, class_="facilitator-note", role="note")]

    replace_each(root, is_facilitator_note, make)
    return count


def open_out(root: Element) -> None:
    """Turn what only works on screen into print: details opened, tabs listed, checkboxes as text."""
    def other_details(element: Element) -> bool:
        return element.tag == "details"

    def details(element: Element) -> list:
        title, body = _title_and_body(element)
        kind = next((c for c in element.classes if c not in ("admonition",)), "note")
        return [E("div", E("p", title, class_="admonition-title"), *body, class_=f"admonition {kind}")]

    replace_each(root, other_details, details)

    def tabbed(element: Element) -> list:
        labels = [lab.text().strip() for box in element.elements() if box.has_class("tabbed-labels")
                  for lab in box.elements() if lab.tag == "label"]
        blocks = [blk for box in element.elements() if box.has_class("tabbed-content")
                  for blk in box.elements() if blk.has_class("tabbed-block")]
        out = []
        for index, block in enumerate(blocks):
            label = labels[index] if index < len(labels) else ""
            out.append(E("div", E("p", E("strong", label), class_="tab-title"), *block.children, class_="tab"))
        return out

    replace_each(root, lambda e: e.has_class("tabbed-set"), tabbed)

    def checkbox(element: Element) -> list:
        return ["\u2611 " if "checked" in element.attrs else "\u2610 "]

    replace_each(root, lambda e: e.tag == "input" and e.attrs.get("type") == "checkbox", checkbox)
    # the site shows principle chips as separate boxes; in print they need a separator
    for element in root.iter():
        if element.has_class("principle-chips"):
            out, seen_link = [], False
            for child in element.children:
                is_link = isinstance(child, Element) and child.tag == "a"
                if is_link and seen_link:
                    while out and isinstance(out[-1], str) and not out[-1].strip():
                        out.pop()
                    out.append("; ")
                seen_link = seen_link or is_link
                out.append(child)
            element.children = out
    # tasklist wraps its checkbox in label/span elements only for styling on screen
    replace_each(root, lambda e: e.has_class("task-list-control") or e.has_class("task-list-indicator"),
                 lambda e: list(e.children))


def remove(root: Element, match: Callable[[Element], bool]) -> None:
    """Remove every element that matches."""
    replace_each(root, match, lambda e: [])


def first_heading_text(root: Element, tag: str = "h1") -> str | None:
    """The text of the first heading of this level."""
    for element in root.iter():
        if element.tag == tag:
            return element.text().strip()
    return None


@dataclass(frozen=True)
class LinkTarget:
    """Where a link in a page points, once resolved against the docs folder."""

    kind: str
    """``external`` (web or mail), ``docs`` (a page or file of the site) or ``text`` (keep the words only)."""
    value: str
    """The URL, or the docs-relative path with its ``#fragment``."""


def classify_link(href: str, from_src: str) -> LinkTarget:
    """Resolve a link written on the page ``from_src`` (docs-relative)."""
    href = href.strip()
    if href.startswith("#"):
        return LinkTarget("docs", f"{from_src}{href}")
    if _SCHEME.match(href):
        scheme = href.split(":", 1)[0].lower()
        return LinkTarget("external", href) if scheme in ("http", "https", "mailto") else LinkTarget("text", href)
    if href.startswith("/"):
        return LinkTarget("text", href)
    path, _, fragment = href.partition("#")
    path = path.split("?", 1)[0]
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(from_src), path)) if path else from_src
    if path.endswith("/"):
        resolved += "/index.md"
    return LinkTarget("docs", resolved + (f"#{fragment}" if fragment else ""))


def mark_links(root: Element, from_src: str) -> None:
    """Record where each link points (``data-doc``) so the pack can resolve it once it is assembled."""
    for element in root.iter():
        if element.tag == "a" and "href" in element.attrs:
            target = classify_link(element.attrs["href"], from_src)
            if target.kind == "docs":
                element.attrs["data-doc"] = target.value
                del element.attrs["href"]
            elif target.kind == "text":
                del element.attrs["href"]
            else:
                element.add_class("external")
        elif element.tag == "img" and "src" in element.attrs:
            target = classify_link(element.attrs["src"], from_src)
            element.attrs["data-doc"] = target.value if target.kind == "docs" else ""


def prefix_ids(root: Element, prefix: str) -> None:
    """Give every id a prefix, so that pages put together into one pack cannot clash."""
    for element in root.iter():
        if "id" in element.attrs:
            element.attrs["id"] = prefix + element.attrs["id"]


def resolve_links(root: Element, anchors: dict[str, str], describe: Callable[[str], str | None]) -> None:
    """Point each marked link at its place in the pack, or keep its words with a note of where it led.

    ``anchors`` maps a docs path (with or without ``#fragment``) to an id in the pack; ``describe``
    names a page that is not in the pack, for the note that replaces the link.
    """
    ids = {e.attrs["id"] for e in root.iter() if "id" in e.attrs}

    def make(element: Element) -> list:
        target = element.attrs.pop("data-doc")
        path = target.split("#", 1)[0]
        found = anchors.get(target) or anchors.get(path)
        if found and found in ids:
            element.attrs["href"] = f"#{found}"
            element.add_class("internal")
            return [element]
        words = element.text().strip()
        title = describe(path)
        note = None
        if title and title.casefold() != words.casefold():
            note = f" (online handbook: \u201c{title}\u201d)"
        elif title:
            note = " (online handbook)"
        return [E("span", *element.children, class_="xref"), E("span", note, class_="xref-note") if note else None]

    replace_each(root, lambda e: e.tag == "a" and "data-doc" in e.attrs, make)


def show_external_urls(root: Element) -> None:
    """On paper a link cannot be followed, so print its address after the words (once)."""
    for parent, _, element in list(walk_parents(root)):
        if element.tag == "a" and element.has_class("external"):
            href = element.attrs.get("href", "")
            shown = href[len("mailto:"):] if href.startswith("mailto:") else href
            if shown and shown not in element.text():
                index = parent.children.index(element)
                parent.children.insert(index + 1, E("span", f" ({shown})", class_="link-url"))


def heading_level(element: Element) -> int | None:
    """1 to 6 for a heading, else None."""
    return int(element.tag[1]) if element.tag in HEADINGS else None


def add_writing_space(root: Element, is_activity: Callable[[Element], bool], lines: int = 6) -> int:
    """After each activity (up to the next heading of its level or higher), leave lined space to write."""
    count = 0

    def space() -> Element:
        return E("div", E("p", "Your notes", class_="write-space__label"),
                 *[E("p", "\u00a0", class_="write-space__line") for _ in range(lines)],
                 class_="write-space")

    for parent in list(root.iter()):
        out: list = []
        open_level: int | None = None
        for child in parent.children:
            level = heading_level(child) if isinstance(child, Element) else None
            if level is not None and open_level is not None and level <= open_level:
                out.append(space())
                count += 1
                open_level = None
            if level is not None and is_activity(child):
                open_level = level
            out.append(child)
        if open_level is not None:
            out.append(space())
            count += 1
        parent.children = out
    return count


__all__ = [
    "E", "Element", "LinkTarget", "Raw", "SITE_EXTENSIONS", "SITE_EXTENSION_CONFIGS", "add_writing_space",
    "classify_link", "facilitator_notes", "first_heading_text", "heading_level", "is_facilitator_note",
    "mark_links", "open_out", "parse_html", "prefix_ids", "remove", "render_markdown", "replace_each",
    "resolve_links", "show_external_urls", "to_html",
]
