"""The course packs' layout: cover, contents, session plan, principle cards, help and colophon.

Each function returns a ``PrintDocument``: the whole pack as one element tree, plus its title and
language. The PDF and DOCX writers turn the same tree into their format, so a change here shows
in both. Text from YAML goes into the tree as text nodes and is escaped when serialised.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import escape

from .. import render
from ..coverage import Module
from ..framework import LEVELS, Framework, Principle
from ..help import HelpSettings
from .transforms import mark_links
from .tree import E, Element, heading_level, render_markdown, to_html

#: What each audience's pack is called, on its cover and in its running header.
AUDIENCE_LABELS: dict[str, str] = {"facilitator": "Facilitator guide", "participant": "Participant handout"}
LANG = "en"


@dataclass(frozen=True)
class PackContext:
    """What every pack needs beyond its module: the framework, the help lines, the version, names."""

    framework: Framework
    programme: str
    """The programme's name (the site name), shown on every cover."""
    version: str
    """A version label, the same for the same sources (for example a git commit)."""
    help: HelpSettings = field(default_factory=HelpSettings)
    """The urgent help lines from the site configuration (never hard-coded)."""


@dataclass
class PrintDocument:
    """One pack, ready for a writer: its tree, title, language and running header."""

    title: str
    body: Element
    kind: str
    """What the pack is (Facilitator guide, Participant handout, Reflective checklist...)."""
    header: str
    """Running header text for formats that cannot take it from the content (DOCX)."""
    body_class: str
    subject: str = ""
    lang: str = LANG
    author: str = ""
    large_print: bool = False
    """Set in large print (a materials pack's large-print file): the writers use bigger type."""

    def html(self) -> str:
        """A complete HTML document for WeasyPrint (the stylesheet is passed separately)."""
        meta = "".join(
            f'<meta name="{name}" content="{escape(value)}">'
            for name, value in (("author", self.author), ("description", self.subject)) if value)
        return (f'<!DOCTYPE html>\n<html lang="{escape(self.lang)}"><head><meta charset="utf-8">'
                f"<title>{escape(self.title)}</title>{meta}</head>"
                f'<body class="{escape(self.body_class)}">{to_html(self.body)}</body></html>\n')


# -- small pieces ----------------------------------------------------------------------------------------
def pack_principle_card(principle: Principle, framework: Framework) -> Element:
    """One principle: its number, short title, the quoted statement and facets."""
    return E("section",
             E("h3", f"Principle {principle.number}: {principle.title}", class_="principle-card__title"),
             E("blockquote",
               E("p", principle.statement, class_="principle-card__statement"),
               E("ul", *[E("li", facet) for facet in principle.facets], class_="principle-card__facets"),
               class_="principle-card__quote"),
             E("p", f"Quoted from {framework.title} (CC BY 4.0). The short title is this handbook's.",
               class_="principle-card__source"),
             class_="principle-card", id=f"principle-{principle.id}")


def principles_section(heading: str, principles: Sequence[Principle], framework: Framework) -> Element:
    """The principle cards on a page of their own, with the framework's preamble and the theme across all five."""
    return E("section", E("h2", heading, id="pack-principles"),
             E("p", framework.preamble, class_="principles-preamble"),
             *[pack_principle_card(p, framework) for p in principles],
             E("p", E("strong", f"Across all five: {framework.cross_cutting_title}. "), framework.cross_cutting_summary,
               class_="principles-cross-cutting"),
             class_="cards page")


def principle_list(principles: Sequence[Principle]) -> Element:
    """The principles as a list of links to their cards."""
    return E("ul", *[E("li", E("a", f"{p.number}. {p.title}", href=f"#principle-{p.id}", class_="internal"))
                     for p in principles], class_="principle-list")


def help_pointer() -> Element:
    """The route to urgent help, on every cover (a link to the help section, when the site has one)."""
    return E("p", E("strong", "Need support right now? "), "See ",
             E("a", "Getting help now", data_doc="help.md", class_="page-ref"),
             ". If someone is in danger, call the emergency number.", class_="help-pointer")


def help_section(ctx: PackContext) -> Element | None:
    """The urgent help lines from the configuration, or None when the site has none."""
    if not ctx.help.lines:
        return None
    items = []
    for line in ctx.help.lines:
        if line.number or line.display:
            item = E("li", E("strong", line.name), f": {line.display or line.number}. ", line.description.strip())
            if line.url:
                item.append(" ", E("a", line.url_text or line.url, href=line.url, class_="external"))
        else:  # reached through its website or app only (999 BSL): its address where a number would be
            item = E("li", E("strong", line.name), ": ",
                     E("a", line.url_text or line.url or "", href=line.url or "", class_="external"), ". ",
                     line.description.strip())
        items.append(item)
    intro = (ctx.help.intro or "").strip()
    return E("section", E("h2", "Getting help now", id="help"), E("p", intro) if intro else None,
             E("ul", *items, class_="help-lines"), class_="help page")


def about_section(ctx: PackContext, made_from: str) -> Element:
    """Where the pack comes from, its version, and the attribution the principles' licence asks for."""
    fw = ctx.framework
    return E("section",
             E("h2", "About this pack", id="pack-about"),
             E("p", made_from),
             E("p", E("strong", "Version: "), ctx.version, class_="about__version"),
             E("p", E("strong", "Source of the principles. "), fw.citation, " ",
               E("a", f"doi:{fw.doi}", href=fw.doi_url, class_="external")),
             E("p", fw.attribution, " Licence: ", E("a", fw.licence, href=fw.licence_url, class_="external"), "."),
             class_="about")


def contents(entries: Sequence[tuple[str, str, Sequence[tuple[str, str]]]]) -> Element:
    """The table of contents: (title, id, [(sub-title, sub-id)...]); page numbers come from the writer."""
    items = []
    for title, anchor, subs in entries:
        item = E("li", E("a", title, href=f"#{anchor}", class_="toc-link internal"))
        if subs:
            item.append(E("ol", *[E("li", E("a", t, href=f"#{a}", class_="toc-link internal")) for t, a in subs]))
        items.append(item)
    return E("nav", E("h2", "Contents", id="pack-contents"), E("ol", *items, class_="toc-list"),
             class_="toc page", aria_labelledby="pack-contents")


def pack_session_plan(module: Module, framework: Framework, for_facilitators: bool = True) -> Element:
    """The session plan table, made by the same renderer as the site's module overview (without what to cut if
    time is short, and why a module is kept whole, in a participant handout)."""
    table = render_markdown(render.session_plan_table(module, framework, module.src_uri, for_facilitators))
    mark_links(table, module.src_uri)
    for element in table.iter():
        if element.tag == "table":
            element.add_class("session-plan")
            element.children.insert(0, E("caption", f"Session plan for module {module.number}, "
                                                    f"{module.duration} minutes in all"))
    return table


def _module_principles(module: Module, links: Sequence[str], framework: Framework) -> list[Principle]:
    ids = {i for s in module.sections for i in s.principles} | set(links)
    return [p for p in framework.principles if p.id in ids]


def _split_intro(content: Element) -> tuple[list, list]:
    """The content before the first section heading, and the rest."""
    for index, child in enumerate(content.children):
        if isinstance(child, Element) and heading_level(child) is not None and heading_level(child) <= 2:
            return content.children[:index], content.children[index:]
    return content.children, []


def _has_words(nodes: list) -> bool:
    return any((n.strip() if isinstance(n, str) else n.text().strip()) for n in nodes)


def _sections_of(nodes: list) -> list[tuple[str, str]]:
    return [(n.text().strip(), n.attrs["id"]) for n in nodes
            if isinstance(n, Element) and n.tag == "h2" and "id" in n.attrs]


# -- the module packs ---------------------------------------------------------------------------------------
def module_title(module: Module) -> str:
    """'Module 3: Mutuality and reciprocity'."""
    return f"Module {module.number}: {module.title}"


def module_pack(module: Module, content: Element, audience: str, links: Sequence[str],
                ctx: PackContext) -> PrintDocument:
    """A facilitator guide or a participant handout for one module.

    ``content`` is the page's body, already transformed for the audience (its ids prefixed, as
    in the programme guide); ``links`` are the principles the page links anywhere.
    """
    fw = ctx.framework
    kind = AUDIENCE_LABELS[audience]
    title = module_title(module)
    principles = _module_principles(module, links, fw)
    intro, sections = _split_intro(content)
    plan = pack_session_plan(module, fw, for_facilitators=audience == "facilitator")

    cover = E("section",
              E("p", ctx.programme, class_="cover__programme"),
              E("p", kind, class_="cover__kind running-kind"),
              E("h1", title, class_="cover__title running-title", id="pack-title"),
              E("dl",
                E("dt", "Length"), E("dd", render.length_text(module.duration)),
                E("dt", "Principles"), E("dd", principle_list(principles)),
                E("dt", "Version"), E("dd", ctx.version),
                class_="cover__facts"),
              help_pointer(),
              class_="cover")
    entries = [("Session plan", "pack-plan", ()), ("The principles in this module", "pack-principles", ())]
    body = [cover]
    intro_section = None
    if _has_words(intro):
        entries.append(("About this module", "pack-intro", ()))
        intro_section = E("section", E("h2", "About this module", id="pack-intro"), *intro, class_="module-intro")
    entries += [(t, a, ()) for t, a in _sections_of(sections)]
    help_block = help_section(ctx)
    if help_block is not None:
        entries.append(("Getting help now", "help", ()))
    entries.append(("About this pack", "pack-about", ()))
    body.append(contents(entries))
    body.append(E("section", E("h2", "Session plan", id="pack-plan"),
                  E("p", "By the end of this module you will be able to:"),
                  E("ul", *[E("li", o) for o in module.objectives], class_="objectives"),
                  *plan.children, class_="plan"))
    body.append(principles_section("The principles in this module", principles, fw))
    main = E("main", class_="module-body page")
    if intro_section is not None:
        main.append(intro_section)
    main.append(*sections)
    body.append(main)
    if help_block is not None:
        body.append(help_block)
    note = ("It includes the facilitator notes." if audience == "facilitator"
            else "Facilitator notes are left out; there is space to write after each activity.")
    body.append(about_section(ctx, f"This {kind.lower()} is made from the same Markdown pages and principles "
                                   f"as the online handbook ({module.path}). {note}"))
    return PrintDocument(
        title=f"{title} \u2013 {kind}", body=E("fragment", *body), kind=kind, header=f"{title} \u2013 {kind}",
        body_class=f"pack pack--{audience}", subject=f"{kind} for {title}, {ctx.programme}", author=ctx.programme)


def programme_front(modules: Sequence[tuple[Module, str]], ctx: PackContext,
                    target: Callable[[str, str], str]) -> PrintDocument:
    """The front pages of the whole-programme guide: cover, the modules, about, the principles and help.

    The guide itself is these pages followed by every module's facilitator guide, page for page
    (``binder``). ``modules`` gives each module with its tag in the joined guide;
    ``target(tag, name)`` names a place in a module's guide. Each module's title links to its
    guide through an empty target of that name, which the join points at the guide's cover.
    Nothing here depends on how many pages a guide has, so editing a module's sessions leaves
    these pages as they were (and the last ones laid out are reused).
    """
    fw = ctx.framework
    kind = "Facilitator guide: the whole programme"
    total = sum(m.duration for m, _ in modules)
    cover = E("section",
              E("p", ctx.programme, class_="cover__programme"),
              E("p", "Facilitator guide", class_="cover__kind running-kind"),
              E("h1", "The training programme", class_="cover__title running-title", id="pack-title"),
              E("dl",
                E("dt", "Modules"), E("dd", str(len(modules))),
                E("dt", "Length"), E("dd", render.length_text(total)),
                E("dt", "Version"), E("dd", ctx.version),
                class_="cover__facts"),
              help_pointer(),
              class_="cover")
    entries: list[tuple[str, str, Sequence[tuple[str, str]]]] = [("The modules", "pack-modules", ()),
                                                                ("The principles", "pack-principles", ())]
    help_block = help_section(ctx)
    if help_block is not None:
        entries.append(("Getting help now", "help", ()))
    entries.append(("About this pack", "pack-about", ()))
    rows = [E("tr",
              E("td", E("span", id=target(tag, "pack-title"), class_="binder-target"),
                E("a", module_title(module), href=f"#{target(tag, 'pack-title')}", class_="internal")),
              E("td", render.length_text(module.duration)))
            for module, tag in modules]
    body = [cover,
            contents(entries),
            E("section", E("h2", "The modules", id="pack-modules"),
              E("p", "After these opening pages come the facilitator guides of every module, in order, each exactly "
                     "as it prints on its own: its cover, its contents with page numbers, the session plan, the "
                     "principles in the module, and the sessions with their facilitator notes. The numbers at the "
                     "foot of a module's pages are that guide's own, so page 1 is its cover."),
              E("p", "To print one module on its own, print its facilitator guide: the same pages."),
              E("table",
                E("caption", "The modules, in the order they follow"),
                E("thead", E("tr", E("th", "Module"), E("th", "Length"))),
                E("tbody", *rows),
                class_="programme-modules"),
              class_="modules"),
            principles_section("The principles", fw.principles, fw)]
    if help_block is not None:
        body.append(help_block)
    body.append(about_section(ctx, "This guide is made from the same Markdown pages and principles as the online "
                                   "handbook. It holds every module's facilitator guide with its facilitator notes, "
                                   "so a module printed from here is the same, page for page, as the same module "
                                   "printed from its own file."))
    return PrintDocument(title=f"{ctx.programme} \u2013 {kind}", body=E("fragment", *body), kind=kind,
                         header=f"{ctx.programme} \u2013 {kind}", body_class="pack pack--facilitator pack--programme",
                         subject=kind, author=ctx.programme)


def reflective_checklist(ctx: PackContext, write_lines: int = 9) -> PrintDocument:
    """The printable reflective checklist: one page per principle, with its prompts and indicators."""
    fw = ctx.framework
    kind = "Reflective checklist"
    cover = E("section",
              E("p", ctx.programme, class_="cover__programme"),
              E("p", "For supervision and reflection", class_="cover__kind running-kind"),
              E("h1", kind, class_="cover__title running-title", id="pack-title"),
              E("p", "One page for each principle: what you might notice when it is alive in the work, "
                     "questions for individual, team and organisational supervision, and space to write."),
              E("p", "These are prompts for conversation, never scores on people. Use the ones that help, "
                     "in your own words, and leave the rest."),
              E("dl", E("dt", "Version"), E("dd", ctx.version), class_="cover__facts"),
              help_pointer(),
              class_="cover")
    pages = []
    for p in fw.principles:
        levels = []
        for level in LEVELS:
            levels += [E("h4", f"{level.capitalize()} supervision"),
                       E("ul", *[E("li", q) for q in p.prompts[level]], class_="prompts")]
        pages.append(E("section",
                       E("h2", f"{p.number}. {p.title}", id=f"principle-{p.id}", class_="running-title"),
                       E("blockquote", E("p", p.statement), class_="principle-card__quote"),
                       E("h3", "What you might notice"),
                       E("ul", *[E("li", i) for i in p.indicators], class_="indicators"),
                       E("h3", "Questions for reflection"),
                       *levels,
                       E("div", E("p", "Your thoughts", class_="write-space__label"),
                         *[E("p", "\u00a0", class_="write-space__line") for _ in range(write_lines)],
                         class_="write-space"),
                       class_="checklist-page page"))
    entries = [(f"{p.number}. {p.title}", f"principle-{p.id}", ()) for p in fw.principles]
    help_block = help_section(ctx)
    if help_block is not None:
        entries.append(("Getting help now", "help", ()))
    entries.append(("About this checklist", "pack-about", ()))
    body = [cover, contents(entries), *pages]
    if help_block is not None:
        body.append(help_block)
    about = about_section(ctx, "This checklist is made from the prompts and practice indicators in "
                               "principles/principles.yaml, the same source as the online handbook.")
    about.children[0] = E("h2", "About this checklist", id="pack-about")
    body.append(about)
    return PrintDocument(title=f"{kind} \u2013 {ctx.programme}", body=E("fragment", *body), kind=kind,
                         header=f"{kind} \u2013 {ctx.programme}", body_class="pack pack--checklist",
                         subject="Reflective checklist for peer support supervision", author=ctx.programme)


__all__ = [
    "AUDIENCE_LABELS", "PackContext", "PrintDocument", "module_pack", "module_title",
    "pack_principle_card", "pack_session_plan", "principles_section", "programme_front", "reflective_checklist",
]
