"""The whole-programme guide as a binder: its own front pages, then every module's facilitator guide.

Laying out a PDF is the slow step of making packs. A programme guide laid out as one document
would be laid out again, whole, whenever any module changed. So the programme guide is joined
from files that are made anyway: a short front part (cover, contents, the modules, the principles,
help, about) laid out for it, and each module's facilitator guide as it is, page for page. Editing one module
then costs that module's files, the front part and the join.

Joining keeps the result a tagged PDF/UA-1 document:

* each guide's structure tree becomes a ``Part`` of the front's ``Document`` element, and the
  numbers that tie marked content and annotations to it (``/StructParents``, ``/StructParent``
  and the parent tree) are moved past the ones already used;
* each guide's named destinations are renamed ``<tag>:<name>`` so that the guides' own links
  (every guide has a ``pack-plan``) still land in their own guide;
* each guide's bookmarks follow the front's, pointing at its pages;
* the title, language, metadata and viewer settings are the front's.

The front links to the guides by the names they take here (``target_name``): while it is laid
out, it carries empty targets of those names, and the join points them at the guides' pages.
pikepdf is imported only here, when a programme guide is made.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .settings import PackError


class BinderError(PackError):
    """The programme guide could not be joined; the message says why in one line."""


def target_name(tag: str, name: str) -> str:
    """The name a guide's destination takes in the joined guide."""
    return f"{tag}:{name}"


def _open(data: bytes, what: str):
    import pikepdf

    try:
        return pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError as error:
        raise BinderError(f"{what} is not a readable PDF ({' '.join(str(error).split())})") from None


def _page_numbers(pdf) -> dict[tuple[int, int], int]:
    return {page.obj.objgen: index for index, page in enumerate(pdf.pages)}


def _outline(pdf) -> list:
    """The bookmarks as (title, destination array or None, children), read without changing the file."""
    import pikepdf

    named = None

    def dest_of(item):
        nonlocal named
        dest = item.get("/Dest")
        action = item.get("/A")
        if dest is None and action is not None and action.get("/S") == "/GoTo":
            dest = action.get("/D")
        if isinstance(dest, (pikepdf.String, pikepdf.Name)):
            if named is None:
                named = _name_tree(pdf)
            dest = named.get(str(dest))
            if isinstance(dest, pikepdf.Dictionary):
                dest = dest.get("/D")
        return dest if isinstance(dest, pikepdf.Array) and len(dest) else None

    def level(first, depth=0):
        items, item, seen = [], first, set()
        while isinstance(item, pikepdf.Dictionary) and item.objgen not in seen and depth < 50:
            seen.add(item.objgen)
            items.append((str(item.get("/Title", "")), dest_of(item), level(item.get("/First"), depth + 1)))
            item = item.get("/Next")
        return items

    outlines = pdf.Root.get("/Outlines")
    return level(outlines.get("/First")) if isinstance(outlines, pikepdf.Dictionary) else []


def _name_tree(pdf) -> dict[str, object]:
    import pikepdf

    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return {}
    return {str(k): v for k, v in pikepdf.NameTree(names.Dests).items()}


def _number_tree(pdf) -> dict[int, object]:
    import pikepdf

    root = pdf.Root.get("/StructTreeRoot")
    if root is None or "/ParentTree" not in root:
        return {}
    return {int(k): v for k, v in pikepdf.NumberTree(root.ParentTree).items()}


def _document_element(pdf, what: str):
    import pikepdf

    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        raise BinderError(f"{what} is not a tagged PDF (it has no structure tree)")
    kids = root.get("/K")
    if isinstance(kids, pikepdf.Array):
        if len(kids) != 1:
            raise BinderError(f"{what} has {len(kids)} top-level structure elements, not one Document")
        kids = kids[0]
    if not isinstance(kids, pikepdf.Dictionary):
        raise BinderError(f"{what} has no Document structure element")
    return kids


def _rename_links(pdf, tag: str) -> None:
    """Point the guide's own links and actions at its renamed destinations."""
    import pikepdf

    def renamed(value):
        return pikepdf.String(target_name(tag, str(value))) if isinstance(value, pikepdf.String) else None

    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            new = renamed(annot.get("/Dest"))
            if new is not None:
                annot.Dest = new
            action = annot.get("/A")
            if action is not None and action.get("/S") == "/GoTo":
                new = renamed(action.get("/D"))
                if new is not None:
                    action.D = new


def join(front: bytes, guides: Sequence[tuple[str, bytes]]) -> tuple[bytes, int]:
    """The front part followed by each (tag, module guide PDF), as one tagged PDF, and its page count.

    Raise BinderError, naming the part, when one cannot be read or is not tagged as expected.
    """
    import pikepdf
    from pikepdf import Array, Dictionary, Name, OutlineItem

    out = _open(front, "the programme guide's front part")
    document = _document_element(out, "the programme guide's front part")
    if not isinstance(document.get("/K"), pikepdf.Array):
        document.K = Array([document.K]) if "/K" in document else Array()
    dests = _name_tree(out)
    parents = _number_tree(out)
    next_key = max(parents, default=-1) + 1
    for page in out.pages:
        next_key = max(next_key, int(page.obj.get("/StructParents", -1)) + 1)
    role_map = out.Root.StructTreeRoot.get("/RoleMap")
    bookmarks: list[OutlineItem] = []
    for tag, data in guides:
        what = f"the facilitator guide {tag}"
        pdf = _open(data, what)
        element = _document_element(pdf, what)
        offset = next_key
        last = -1
        for page in pdf.pages:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
                last = max(last, int(page.obj.StructParents))
            for annot in page.obj.get("/Annots", []):
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + offset
                    last = max(last, int(annot.StructParent))
        own_parents = _number_tree(pdf)
        last = max([last, *(key + offset for key in own_parents)])
        _rename_links(pdf, tag)
        own_dests = _name_tree(pdf)
        own_roles = pdf.Root.StructTreeRoot.get("/RoleMap")
        own_bookmarks = _bookmarks(pdf)
        if "/P" in element:
            del element["/P"]  # so that copying it does not copy the guide's structure tree root
        element.S = Name.Part
        first_page = len(out.pages)
        with warnings.catch_warnings():  # pikepdf warns that named destinations are not copied: they are, below
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            out.pages.extend(pdf.pages)  # copied with the same object map as copy_foreign: references stay shared
        part = out.copy_foreign(element)
        part.P = document
        document.K.append(part)
        for key, value in own_parents.items():
            parents[key + offset] = _copy(out, pdf, value)
        for name, value in own_dests.items():
            dests[target_name(tag, name)] = _copy(out, pdf, value)
        if own_roles is not None:
            if role_map is None:
                role_map = out.Root.StructTreeRoot.RoleMap = Dictionary()
            for key, value in own_roles.items():
                role_map[key] = value
        bookmarks += [_shifted(item, first_page) for item in own_bookmarks]
        next_key = max(next_key, last + 1)
    tree = pikepdf.NumberTree.new(out)
    for key in sorted(parents):
        tree[key] = parents[key]
    out.Root.StructTreeRoot.ParentTree = tree.obj
    out.Root.StructTreeRoot.ParentTreeNextKey = next_key
    names = pikepdf.NameTree.new(out)
    for name in sorted(dests):
        names[name] = dests[name]
    if "/Names" not in out.Root:
        out.Root.Names = Dictionary()
    out.Root.Names.Dests = names.obj
    with out.open_outline() as outline:
        outline.root.extend(bookmarks)
    buffer = io.BytesIO()
    out.save(buffer, fix_metadata_version=False, deterministic_id=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue(), len(out.pages)


def _copy(out, source, value):
    """A value of the ``source`` PDF, for ``out``: copied by qpdf in one step (its objects once each).

    A direct array or dictionary is first made an indirect object of ``source``, which copies
    faster than walking it here and means the same thing to a reader.
    """
    import pikepdf

    if isinstance(value, (pikepdf.Array, pikepdf.Dictionary)) and not value.is_indirect:
        value = source.make_indirect(value)
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return out.copy_foreign(value)
    return value


@dataclass
class _Bookmark:
    title: str
    page: int
    top: float | None
    children: list[_Bookmark]


def _bookmarks(pdf) -> list[_Bookmark]:
    numbers = _page_numbers(pdf)

    def read(entry) -> _Bookmark | None:
        title, dest, children = entry
        page = numbers.get(getattr(dest[0], "objgen", None)) if dest is not None else None
        if page is None:
            return None
        top = None
        if len(dest) > 3 and dest[1] == "/XYZ" and isinstance(dest[3], (int, float, Decimal)):
            top = float(dest[3])
        return _Bookmark(title, page, top, [b for b in map(read, children) if b is not None])

    return [b for b in map(read, _outline(pdf)) if b is not None]


def _shifted(bookmark: _Bookmark, first_page: int):
    from pikepdf import OutlineItem

    if bookmark.top is None:
        item = OutlineItem(bookmark.title, bookmark.page + first_page)
    else:
        item = OutlineItem(bookmark.title, bookmark.page + first_page, "XYZ", top=bookmark.top)
    item.children.extend(_shifted(child, first_page) for child in bookmark.children)
    return item


__all__ = ["BinderError", "join", "target_name"]
