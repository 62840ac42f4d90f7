"""A module's materials pack: the cards, scripts, forms and decks its page shows, ready to print and cut.

One ``PrintDocument`` per module (and a large-print one), read by both writers like every other pack.
Each material starts on a page of its own with its participant side: cards and a deck's cards in boxes
with a cut line between them, scripts and forms as sheets. A card with ``back: escalation`` carries the
escalation rule itself (from ``principles/safety.yml``, by the engine's renderer) on a second box, its back. The
lines only a role-player sees follow on a page of their own, each on a card marked "For the person playing
Jo only". Facilitator sides come last, on pages of their own, as facilitator notes, so no card handed out
carries one. Text from YAML goes into the tree as text
nodes (titles) or through the site's Markdown (the sides), exactly as on the page.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..coverage import Module
from ..materials import Material
from ..safety import Escalation, render_escalation
from .layout import PackContext, PrintDocument, about_section, contents, help_pointer, help_section, module_title
from .transforms import mark_links
from .tree import E, Element, render_markdown

#: What a materials pack is called, on its cover and in its running header.
MATERIALS_KIND = "Materials to print"
LARGE_PRINT = "large print"
#: The words on each cut line (a printed line needs words for people who cannot see the dashes).
CUT_LINE = "\u2702 Cut along this line"
#: The labels of a card that has a back: two boxes to cut out and stick back to back.
FRONT_LABEL = "Front of the card"
BACK_LABEL = "Back of the card: stick it to the back of the front, or print this page on the back of it"


def _markdown(text: str, from_src: str) -> list:
    tree = render_markdown(text)
    mark_links(tree, from_src)
    return list(tree.children)


def cut_line() -> Element:
    """A dashed line with its words, between cards (and above the first and below the last)."""
    return E("p", CUT_LINE, class_="cut-line")


def _cards(texts: Sequence[list], label: str, labels: Sequence[str] = ()) -> list:
    """Boxes to cut out, each between two cut lines; a box never splits over two pages. Each box is numbered
    ("Card 2 of 3") when there are several, or carries its own words from ``labels``."""
    out: list = [cut_line()]
    for number, content in enumerate(texts, 1):
        words = labels[number - 1] if labels else f"{label} {number} of {len(texts)}" if len(texts) > 1 else None
        counted = E("p", words, class_="cut-card__number") if words else None
        out += [E("div", counted, *content, class_="cut-card"), cut_line()]
    return out


def _back(item: Material, from_src: str, rule: Escalation | None) -> list:
    """What a card carries on its back (nothing when it has no back, or no rule is loaded)."""
    if item.back != "escalation" or rule is None:
        return []
    return _markdown(render_escalation(rule, from_src), from_src)


def player_cards(item: Material, from_src: str) -> Element | None:
    """The lines only each role-player sees, on a page of their own, each on a card marked who it is for."""
    if not item.players:
        return None
    cards: list = [cut_line()]
    for player in item.players:
        cards += [E("div", E("p", E("strong", player.label), class_="cut-card__for"),
                    *_markdown(player.lines, from_src), class_="cut-card cut-card--player"), cut_line()]
    return E("div", E("h3", f"Lines for the role-play: {item.title}", id=f"material-{item.id}-players"),
             E("p", "Give each card only to the person playing that role. Nobody else sees it.",
               class_="material-players__howto"),
             *cards, class_="material-players page")


def material_section(item: Material, from_src: str, rule: Escalation | None = None) -> Element:
    """One material's participant side on a page of its own: the part that is printed and handed out; then the
    role-players' lines, on a page of their own."""
    heading = E("h2", f"{item.kind_label}: {item.title}", id=f"material-{item.id}")
    participant = _markdown(item.participant, from_src)
    if item.kind == "deck":
        body = [*participant, *_cards([_markdown(c, from_src) for c in item.cards], "Card")]
    elif item.kind == "card":
        back = _back(item, from_src, rule)
        body = _cards([participant, back], "Card", (FRONT_LABEL, BACK_LABEL)) if back else _cards([participant], "Card")
    else:  # a script or a form prints as a sheet
        body = [E("div", *participant, class_="material-sheet")]
    return E("section", heading, *body, player_cards(item, from_src),
             class_=f"material-print material-print--{item.kind} page")


def facilitator_section(materials: Sequence[Material], from_src: str) -> Element | None:
    """The facilitator sides, after every card, as facilitator notes (None when no material has one)."""
    notes = []
    for item in materials:
        if item.facilitator:
            notes += [E("h3", f"{item.kind_label}: {item.title}", id=f"facilitator-{item.id}"),
                      E("aside", E("p", E("strong", "For facilitators"), class_="facilitator-note__title"),
                        *_markdown(item.facilitator, from_src), class_="facilitator-note", role="note")]
    if not notes:
        return None
    return E("section", E("h2", "For facilitators", id="pack-facilitator-sides"),
             E("p", "The facilitator side of each material, kept apart from the pages you print to hand out."),
             *notes, class_="facilitator-sides page")


def materials_pack(module: Module, materials: Sequence[Material], ctx: PackContext,
                   large_print: bool = False, rule: Escalation | None = None) -> PrintDocument:
    """The printable materials of one module: cover, contents, one page per material, facilitator sides."""
    kind = f"{MATERIALS_KIND}, {LARGE_PRINT}" if large_print else MATERIALS_KIND
    title = module_title(module)
    listed = E("ul", *[E("li", E("a", f"{m.kind_label}: {m.title}", href=f"#material-{m.id}", class_="internal"))
                       for m in materials], class_="material-list")
    cover = E("section",
              E("p", ctx.programme, class_="cover__programme"),
              E("p", kind, class_="cover__kind running-kind"),
              E("h1", title, class_="cover__title running-title", id="pack-title"),
              E("dl",
                E("dt", "Materials"), E("dd", listed),
                E("dt", "Version"), E("dd", ctx.version),
                class_="cover__facts"),
              E("p", "Each material starts on a new page. Cut cards out along the dashed lines; print scripts and "
                     "forms as they are. The facilitator sides are on their own pages at the end, so the cards "
                     "you hand out carry only what participants see.", class_="materials-howto"),
              help_pointer(),
              class_="cover")
    sections = [material_section(m, module.src_uri, rule) for m in materials]
    entries = [(f"{m.kind_label}: {m.title}", f"material-{m.id}", ()) for m in materials]
    notes = facilitator_section(materials, module.src_uri)
    if notes is not None:
        entries.append(("For facilitators", "pack-facilitator-sides", ()))
    help_block = help_section(ctx)
    if help_block is not None:
        entries.append(("Getting help now", "help", ()))
    entries.append(("About this pack", "pack-about", ()))
    body = [cover, contents(entries), *sections]
    if notes is not None:
        body.append(notes)
    if help_block is not None:
        body.append(help_block)
    sources = ", ".join(sorted({m.path for m in materials}))
    body.append(about_section(ctx, f"These materials are made from {sources}, the same source as the materials "
                                   f"shown on the module's page in the online handbook ({module.path})."))
    classes = "pack pack--materials" + (" pack--large-print" if large_print else "")
    return PrintDocument(
        title=f"{title} \u2013 {kind}", body=E("fragment", *body), kind=kind, header=f"{title} \u2013 {kind}",
        body_class=classes, subject=f"{kind} for {title}, {ctx.programme}", author=ctx.programme,
        large_print=large_print)


__all__ = ["BACK_LABEL", "CUT_LINE", "FRONT_LABEL", "LARGE_PRINT", "MATERIALS_KIND", "cut_line", "facilitator_section",
           "material_section", "materials_pack", "player_cards"]
