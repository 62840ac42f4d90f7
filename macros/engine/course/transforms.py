"""Page transforms: a module page's tree made ready for one audience and for paper.

Facilitator notes kept as labelled notes or dropped, what only works on screen opened out
(details, tabs, checkboxes), links marked with where they point and later resolved to places in
the pack, web addresses printed after their words, and lined space to write after each activity.
Each function changes the tree it is given (see ``tree``).

Pure Python: no MkDocs, no WeasyPrint, no python-docx.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass

from .tree import E, Element, heading_level, replace_each, walk_parents

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


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


def tighten_list_items(root: Element) -> int:
    """Paragraphs inside a list item become lines of it (a "loose" list, or the escalation box's speeds).

    PDF/UA lets a list item hold only its label and body: a paragraph inside one is refused by the checker, so its
    words move into the item, with a line break between paragraphs (a paragraph's class stays on a span).
    Returns how many items changed."""
    count = 0
    for element in root.iter():
        if element.tag != "li" or not any(isinstance(c, Element) and c.tag == "p" for c in element.children):
            continue
        count += 1
        out: list = []
        for child in element.children:
            if isinstance(child, Element) and child.tag == "p":
                if any(isinstance(n, Element) or n.strip() for n in out):
                    out.append(E("br"))
                out.append(E("span", *child.children, class_=" ".join(child.classes)) if child.classes
                           else E("span", *child.children))
            elif isinstance(child, str) and not child.strip():
                continue
            else:
                out.append(child)
        element.children = out
    return count


def drop_cut_if_short(root: Element) -> int:
    """Leave only the length on a section marked cut if short (a participant handout): which part to drop when time
    is short is the facilitator's choice, not a label for trainees. Returns how many sections were marked."""
    count = 0
    for element in root.iter():
        if element.has_class("section-duration") and element.attrs.get("data-cut-if-short") == "true":
            count += 1
            del element.attrs["data-cut-if-short"]
            kept = []
            for child in element.children:
                if isinstance(child, Element) and child.tag == "strong":
                    while kept and isinstance(kept[-1], str) and kept[-1].strip() in ("", "\u00b7"):
                        kept.pop()
                    if kept and isinstance(kept[-1], str):
                        kept[-1] = kept[-1].rstrip().removesuffix("\u00b7").rstrip()
                    continue
                kept.append(child)
            element.children = kept
    return count


def remove(root: Element, match: Callable[[Element], bool]) -> None:
    """Remove every element that matches."""
    replace_each(root, match, lambda e: [])


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
    "LinkTarget", "add_writing_space", "classify_link", "drop_cut_if_short", "facilitator_notes", "is_facilitator_note",
    "mark_links", "open_out", "prefix_ids", "remove", "resolve_links", "show_external_urls", "tighten_list_items",
]
