"""Renderers: turn the framework into Markdown and HTML for pages and print.

Pure functions of their arguments, shared by the site macros, the generated principle pages,
the coverage scan and the course packs. Links are written as Markdown links to ``.md`` sources,
relative to the page that holds them, so that MkDocs resolves them for any URL style and checks
that they exist. Text from YAML is always escaped: YAML is data, never markup.
"""

from __future__ import annotations

import math
import posixpath
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from markupsafe import escape

from .contract import DURATION_CLASS, EXEMPT_CLASS, EXEMPTION_PREFIX
from .framework import LEVELS, Framework, Principle
from .help import HelpSettings

if TYPE_CHECKING:
    from .materials import Material
    from .slots import Slot

if TYPE_CHECKING:
    from .coverage import Module, Section

# Characters that Markdown, attribute lists or Jinja would otherwise act on.
_MD_SPECIALS = str.maketrans({
    "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;",
    "[": "&#91;", "]": "&#93;", "*": "&#42;", "_": "&#95;", "`": "&#96;", "\\": "&#92;",
    "{": "&#123;", "}": "&#125;", "|": "&#124;", "#": "&#35;", "~": "&#126;", "^": "&#94;",
})


def text(value: str) -> str:
    """Escape text from YAML for use anywhere in Markdown or HTML."""
    return str(value).translate(_MD_SPECIALS)  # one pass, so no entity is escaped twice


def rel(target_src: str, from_src: str) -> str:
    """Relative link from one docs page (src path) to another."""
    return _relative(target_src, posixpath.dirname(from_src) or ".")


@lru_cache(maxsize=16384)
def _relative(target_src: str, start: str) -> str:
    # cached: relpath calls os.getcwd() twice, and the pages of a folder link the same few pages
    return posixpath.relpath(target_src, start)


def link(principle: Principle, from_src: str, label: str | None = None, anchor: str = "") -> str:
    """A Markdown link to a principle's page."""
    target = rel(principle.src_uri, from_src) + (f"#{anchor}" if anchor else "")
    return f"[{text(label or principle.title)}]({target})"


def principle_link(principle: Principle, from_src: str) -> str:
    """Inline link with the short title."""
    return link(principle, from_src) + "{ .principle-link }"


def principle_chips(principles: Sequence[Principle], from_src: str, words: Mapping[str, str] | None = None) -> str:
    """The 'grounded in' line under a section heading: a labelled row of chip links (in the page's language)."""
    def kind(p: Principle) -> str:
        return " .principle-chip--theme" if p.is_theme else " .principle-chip--local" if p.is_local else ""

    label = (words or {}).get("grounded_in", "Grounded in:")
    chips = " ".join(f"{link(p, from_src, label=p.label)}{{ .principle-chip{kind(p)} }}" for p in principles)
    return f'<span class="principle-chips__label">{text(label)}</span> {chips}\n{{: .principle-chips }}'


def principle_card(principle: Principle, from_src: str, words: Mapping[str, str] | None = None) -> str:
    """The full card: number, title, statement, facets and a link to the principle's page.

    In another language the statement and facets stay the paper's English words: the card shows this handbook's
    own translation, said to be ours, with the English quotation one click away (never a translation as a quote)."""
    words = words or {}
    number = text(words.get("principle", "Principle"))
    facets = "\n".join(f"<li>{text(f)}</li>" for f in principle.facets)
    quote = (f'<blockquote class="principle-card__statement">\n<p>{text(principle.statement)}</p>\n'
             f'<ul class="principle-card__facets">\n{facets}\n</ul>\n</blockquote>\n')
    if principle.statement_translation:
        ours = "\n".join(f"<li>{text(f)}</li>" for f in principle.facets_translation)
        quote = (f'<div class="principle-card__translation">\n<p>{text(principle.statement_translation)}</p>\n'
                 + (f'<ul class="principle-card__facets">\n{ours}\n</ul>\n' if ours else "")
                 + f'<p class="principle-card__note">{text(words.get("our_translation", ""))}</p>\n</div>\n'
                 f'<details class="principle-card__original">\n<summary>{text(words.get("english_original", ""))}'
                 f'</summary>\n<div lang="en">\n{quote}</div>\n</details>\n')
    return (
        f'<div class="principle-card" markdown>\n'
        f'<p class="principle-card__number">{number} {principle.number}</p>\n'
        f'<p class="principle-card__title" markdown><strong>{link(principle, from_src)}</strong></p>\n'
        f"{quote}"
        f"</div>"
    )


def principles_overview(framework: Framework, from_src: str, words: Mapping[str, str] | None = None) -> str:
    """All principles as a grid of cards, with the preamble and the cross-cutting theme, then any local values."""
    words = words or {}
    cards = "\n\n".join(principle_card(p, from_src, words) for p in framework.principles)
    theme = framework.theme
    label = theme.statement_translation or theme.statement
    overview = (
        f'<p class="principles-preamble">{text(framework.preamble)}</p>\n\n'
        f'<div class="principle-grid" markdown>\n\n{cards}\n\n</div>\n\n'
        f'<p class="principles-cross-cutting" markdown><strong>{text(words.get("across_all", "Across all five:"))} '
        f"{link(theme, from_src, label=label)}.</strong> "
        f"{text(words.get('in_our_words', 'In this handbook' + chr(39) + 's words:'))} {text(framework.cross_cutting_summary)}</p>"
    )
    if framework.local_values:
        overview += "\n\n" + local_values(framework, from_src)
    return overview


def local_value_card(value: Principle, from_src: str) -> str:
    """A local value's card: its title (linking its page) and its statement in the organisation's words."""
    return (
        f'<div class="principle-card principle-card--local" markdown>\n'
        f'<p class="principle-card__number">Our value</p>\n'
        f'<p class="principle-card__title" markdown><strong>{link(value, from_src)}</strong></p>\n'
        f'<p class="principle-card__statement">{text(value.statement)}</p>\n'
        f"</div>"
    )


def local_values(framework: Framework, from_src: str) -> str:
    """The organisation's own values beside the principles, or, in the generic handbook, a box saying where
    they go."""
    if not framework.local_values:
        return ('<div class="local-slot local-slot--empty" role="note" markdown>\n'
                '<p class="local-slot__label"><strong>Your service adds its own values here.</strong></p>\n'
                "<p>The values underpinning peer support in your service, in your own words, agreed with the "
                "people who give and receive it. They sit beside the five principles and never replace them.</p>\n"
                "</div>")
    cards = "\n\n".join(local_value_card(v, from_src) for v in framework.local_values)
    return (f'<p class="local-values__intro">The values of {text(framework.organisation)}, in its own words. '
            f"They sit beside the five principles and never replace them.</p>\n\n"
            f'<div class="principle-grid principle-grid--local" markdown>\n\n{cards}\n\n</div>')


def local_slot(slot: Slot, filled: str | None, organisation: str = "") -> str:
    """One slot for local policy: the service's own Markdown when it has one, else a clearly marked box.

    The service's text is its own Markdown, shown as written (its Jinja was refused when local.yml was read).
    """
    if filled:
        label = f"Local to {text(organisation)}" if organisation else "Local to your service"
        return (f'<div class="local-slot local-slot--filled" markdown>\n'
                f'<p class="local-slot__label">{label}</p>\n\n{filled}\n\n</div>')
    return (f'<div class="local-slot local-slot--empty" role="note" markdown>\n'
            f'<p class="local-slot__label"><strong>Your service adds {text(slot.what)} here.</strong></p>\n'
            f"<p>{text(slot.purpose)}</p>\n</div>")


def _indent(markdown: str, prefix: str = "    ") -> str:
    return "\n".join((prefix + line) if line.strip() else "" for line in markdown.splitlines())


def material(item: Material, back: str = "") -> str:
    """A training material in a page: the participant side (and a deck's cards) in a box, the facilitator side in
    a facilitator note inside it (collapsed on the site, kept in facilitator guides, left out of handouts).

    The lines only a role-player sees (``players``) go in the facilitator note too, each under "For the person
    playing ... only": never on the participant side. ``back`` is Markdown saying what the printed card has on its
    back (made by the caller from the engine's data). The title and roles are data and escaped; the sides are the
    author's Markdown, as written (macro syntax was refused when the YAML was read).
    """
    parts = [f'<div class="material material--{item.kind}" markdown>',
             f'<p class="material__label"><span class="material__kind">{text(item.kind_label)}</span> '
             f'<strong class="material__title">{text(item.title)}</strong></p>', "",
             item.participant, ""]
    if item.cards:
        cards = "\n".join(f'<div class="material__card" role="listitem" markdown>\n\n{card}\n\n</div>'
                          for card in item.cards)
        parts += [f'<div class="material__cards" role="list" aria-label="{len(item.cards)} cards" markdown>',
                  cards, "</div>", ""]
    if back:
        parts += [f'<div class="material__back" markdown>\n\n{back}\n\n</div>', ""]
    hidden = [item.facilitator] if item.facilitator else []
    for player in item.players:
        hidden += [f'<p class="material__player"><strong>{text(player.label)}</strong></p>', player.lines]
    if hidden:
        parts += [f'??? facilitator "For facilitators: {text(item.title)}"', _indent("\n\n".join(hidden)), ""]
    parts.append("</div>")
    return "\n".join(parts)


def material_back(what: str) -> str:
    """The line under a card whose printed back carries the engine's own data (``what`` is Markdown, a link)."""
    return f"**On the back of the printed card:** {what}, word for word as in the handbook's box."


def material_needs(materials: Sequence[Material]) -> list[str]:
    """One line per material a module shows, for its "What you need in the room" list."""
    return [f"{item.kind_label}: {item.title}" + (f", {len(item.cards)} cards" if item.cards else "")
            + " (print it from the module's materials pack)" for item in materials]


def prompts(framework: Framework, level: str, from_src: str) -> str:
    """The reflective prompts for one supervision level, grouped by principle."""
    blocks = []
    for p in framework.linkable:
        if not p.prompts[level]:
            continue  # a local value need not have prompts for every level
        items = "\n".join(f"- {text(q)}" for q in p.prompts[level])
        marker = " .prompts-theme" if p.is_theme else ""
        heading = f"Across all five: {link(p, from_src, label=p.label)}" if p.is_theme else link(p, from_src, label=p.label)
        blocks.append(f"**{heading}**\n{{: .prompts-principle{marker} }}\n\n{items}")
    return f'<div class="prompts prompts--{level}" markdown>\n\n' + "\n\n".join(blocks) + "\n\n</div>"


def checklist(framework: Framework, from_src: str) -> str:
    """The reflective checklist from every principle's practice indicators: prompts, never scores."""
    blocks = []
    for p in framework.linkable:
        if not p.indicators:
            continue
        items = "\n".join(f"- {text(i)}" for i in p.indicators)
        blocks.append(
            f"**{link(p, from_src, label=p.label)}**\n{{: .prompts-principle }}\n\n"
            f"What you might notice when this principle is alive in your work:\n\n{items}\n\n"
            f"Where have you seen this lately? What would help it happen more?\n{{: .checklist-question }}"
        )
    return '<div class="checklist" markdown>\n\n' + "\n\n".join(blocks) + "\n\n</div>"


#: The words a section marked ``cut_if_short`` shows after its length, on the page and in the session plan.
CUT_IF_SHORT = "cut if short"


def duration(minutes: int, kind: str = "session", teaching: int | None = None, activity: int | None = None,
             cut_if_short: bool = False) -> str:
    """The visible, machine-readable length of a module section (a break, or teaching and activity time, and
    whether it is the activity to drop first when time is short)."""
    unit = "minute" if minutes == 1 else "minutes"
    if kind == "break":
        return (f'<p class="{DURATION_CLASS} {DURATION_CLASS}--break" data-minutes="{minutes}" data-kind="break">'
                f"Break: {minutes} {unit}</p>")
    cut = ' data-cut-if-short="true"' if cut_if_short else ""
    note = f" · <strong>{CUT_IF_SHORT.capitalize()}</strong>" if cut_if_short else ""
    if teaching is None:
        return f'<p class="{DURATION_CLASS}" data-minutes="{minutes}"{cut}>Time: {minutes} {unit}{note}</p>'
    return (f'<p class="{DURATION_CLASS}" data-minutes="{minutes}" data-teaching="{teaching}" '
            f'data-activity="{activity}"{cut}>Time: {minutes} {unit} ({teaching} teaching, {activity} activity)'
            f"{note}</p>")


def length_text(minutes: int) -> str:
    """150 -> '150 minutes (2 hours 30 minutes)'; 45 -> '45 minutes'."""
    hours, rest = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' if hours != 1 else ''}" if hours else "", f"{rest} minutes" if rest else ""]
    spelled = " ".join(p for p in parts if p)
    return f"{minutes} minutes" + (f" ({spelled})" if hours else "")


def exemption(reason: str) -> str:
    """The visible note on a section deliberately not linked to a principle."""
    return f'<p class="{EXEMPT_CLASS}">{EXEMPTION_PREFIX} {text(reason)}</p>'


def attribution(framework: Framework) -> str:
    """The citation, DOI and licence, as the CC BY 4.0 licence asks."""
    return (
        f'<div class="attribution" markdown>\n'
        f'<p><strong>Source of the principles.</strong> {text(framework.citation)} '
        f'<a href="{escape(framework.doi_url)}">doi:{escape(framework.doi)}</a></p>\n'
        f'<p>{text(framework.attribution)} Licence: '
        f'<a href="{escape(framework.licence_url)}">{escape(framework.licence)}</a>.</p>\n'
        f"</div>"
    )


def framework_diagram(framework: Framework) -> str:
    """An SVG of the principles around the cross-cutting theme, with a text alternative.

    The picture is decorative-plus: it has a title and a description for screen readers, and the
    same facts follow it as an ordered list, so nothing is only in the picture.
    """
    n = len(framework.principles)
    size, centre, radius, box_w, box_h = 720, 360, 250, 220, 96
    # the theme runs through every principle: a dashed ring through all the boxes, drawn beneath them
    parts = [f'<circle cx="{centre}" cy="{centre}" r="{radius}" class="fw-ring"/>']
    for i, p in enumerate(framework.principles):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        x, y = centre + radius * math.cos(angle), centre + radius * math.sin(angle)
        parts.append(f'<line x1="{centre}" y1="{centre}" x2="{x:.1f}" y2="{y:.1f}" class="fw-spoke"/>')
        words = _wrap(p.title, 20)
        top = y - box_h / 2
        first = top + 58 - 10 * (len(words) - 1)
        tspans = "".join(
            f'<tspan x="{x:.1f}" dy="{0 if j == 0 else 21}">{escape(w)}</tspan>' for j, w in enumerate(words)
        )
        parts.append(
            f'<rect x="{x - box_w / 2:.1f}" y="{top:.1f}" width="{box_w}" height="{box_h}" rx="14" class="fw-node"/>'
            f'<text x="{x:.1f}" y="{top + 26:.1f}" class="fw-number">{p.number}</text>'
            f'<text x="{x:.1f}" y="{first:.1f}" class="fw-label">{tspans}</text>'
        )
    centre_words = _wrap(framework.cross_cutting_title, 16)
    centre_text = "".join(
        f'<tspan x="{centre}" dy="{0 if j == 0 else 22}">{escape(w)}</tspan>' for j, w in enumerate(centre_words)
    )
    description = (
        f"{n} principles arranged in a circle around the theme that runs through all of them, shown at the "
        f"centre and as a ring through every principle: {framework.cross_cutting_title}. "
        + " ".join(f"{p.number}. {p.title}." for p in framework.principles)
    )
    svg = (
        f'<svg class="framework-diagram" viewBox="0 50 {size} {size - 100}" role="img" '
        f'aria-labelledby="fw-title fw-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="fw-title">The principles framework</title><desc id="fw-desc">{escape(description)}</desc>'
        + "".join(parts)
        + f'<circle cx="{centre}" cy="{centre}" r="110" class="fw-centre"/>'
        f'<text x="{centre}" y="{centre + 6 - 11 * (len(centre_words) - 1)}" class="fw-centre-label">{centre_text}</text>'
        "</svg>"
    )
    items = "".join(f"<li>{escape(p.title)}</li>" for p in framework.principles)
    return (
        f'<figure class="framework-figure">\n{svg}\n<figcaption><p>The five principles, with '
        f"{escape(framework.cross_cutting_title.lower())} at the centre because it applies to every one. "
        f"In words:</p><ol>{items}</ol></figcaption>\n</figure>"
    )


def _wrap(value: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in value.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


#: The words before a module's ``keep_whole`` reason, in the session plan (the reason says why nothing is cut).
KEEP_WHOLE = "Keep this module whole."


def session_plan_table(module: Module, framework: Framework, from_src: str, for_facilitators: bool = True) -> str:
    """A Markdown table: section (linked by anchor), minutes and principles, with a total.

    Which section to cut if time is short, and why a module is kept whole, are the facilitator's to know: a
    participant handout's plan (``for_facilitators=False``) leaves them out.
    """
    lines = ["| Section | Minutes | Principles |", "| --- | ---: | --- |"]
    total = 0
    for row in module.plan_rows(framework):
        total += row.minutes
        names = ", ".join(link(p, from_src, label=p.label) for p in row.principles) or (
            "Break" if row.kind == "break" else "Housekeeping")
        cut = f" ({CUT_IF_SHORT})" if row.cut_if_short and for_facilitators else ""
        lines.append(f"| [{text(row.title)}](#{row.anchor}){cut} | {row.minutes} | {names} |")
    lines.append(f"| **Total** | **{total}** | |")
    if module.keep_whole and for_facilitators:  # a module where every part matters: the plan says why
        lines.append(f"\n**{KEEP_WHOLE}** {text(module.keep_whole)}\n{{: .keep-whole }}")
    return "\n".join(lines)


def module_overview(module: Module, framework: Framework, from_src: str,
                    downloads: Sequence[tuple[str, str]] = (), materials: Sequence[Material] = ()) -> str:
    """A module page's length, objectives, session plan and course-pack downloads ((label, docs path) pairs);
    for facilitators, what they need in the room: the front matter's ``materials:`` and the materials the page shows."""
    objectives = "\n".join(f"- {text(o)}" for o in module.objectives)
    parts = [
        "<div class=\"module-overview\" markdown>\n",
        f"**Length:** {length_text(module.duration)}\n{{: .module-length }}\n",
        f"**By the end of this module you will be able to:**\n\n{objectives}\n",
        f"**Session plan**\n\n{session_plan_table(module, framework, from_src)}\n",
    ]
    if downloads:
        items = "\n".join(f"- [{text(label)}]({rel(target, from_src)})" for label, target in downloads)
        parts.append(f"**Course pack downloads**\n\n{items}\n")
    parts.append("</div>")
    preparation = []
    needs = [*module.materials, *material_needs(materials)]
    if needs:
        preparation.append("**What you need in the room**\n\n" + "\n".join(f"- {text(m)}" for m in needs))
    if module.key_points:
        preparation.append("**Key points**\n\n" + "\n".join(f"- {text(k)}" for k in module.key_points))
    if preparation:
        # a facilitator note: collapsed on the site, in the facilitator guide, left out of participant handouts
        body = "\n\n".join(preparation)
        parts.append('\n??? facilitator "For facilitators: before the session"\n'
                     + "\n".join(("    " + line) if line else "" for line in body.splitlines()) + "\n")
    return "\n".join(parts)


def coverage_matrix(framework: Framework, sections: Sequence[Section], from_src: str,
                    focus: Mapping[str, Sequence[str]] | None = None) -> str:
    """The principle x training page heat table of linked sections, with counts as text.

    ``focus`` maps a page to the ids its module focuses on: those cells say "focus" in words, so a
    reader can tell a module built around a principle from passing links to it.
    """
    focus = focus or {}
    pages = sorted({(s.src_uri, s.page) for s in sections})
    header = "| Principle | " + " | ".join(f"[{text(title)}]({rel(src, from_src)})" for src, title in pages) + " | Total |"
    lines = [header, "| --- | " + " | ".join("---:" for _ in pages) + " | ---: |"]
    for p in framework.linkable:
        taught = [s for s in sections if p.id in s.principles]
        cells = []
        for src, _ in pages:
            n = sum(1 for s in taught if s.src_uri == src)
            if p.id in focus.get(src, ()):
                cells.append(f'<span class="heat heat-{min(n, 3)} heat-focus">{n}<span class="heat__focus"> focus</span></span>')
            else:
                cells.append(f'<span class="heat heat-{min(n, 3)}">{n}</span>')
        lines.append(f"| {link(p, from_src, label=p.label)} | " + " | ".join(cells) + f" | {len(taught)} |")
    return '<div class="coverage-matrix" markdown>\n\n' + "\n".join(lines) + "\n\n</div>"


def exemptions(sections: Sequence[Section], from_src: str) -> str:
    """Every exempt section among these, with its reason."""
    exempt = [s for s in sections if s.exempt is not None]
    if not exempt:
        return "No training section is exempt."
    return "\n".join(f"- [{text(s.page)}: {text(s.title)}]({rel(s.src_uri, from_src)}#{s.anchor}): "
                     f"{text(s.exempt)}" for s in exempt)


def help_lines(help: HelpSettings, lines=None, locale: str | None = None, default: str = "en") -> str:
    """The urgent-help list, from configuration (never hard-coded in prose): every line, or ``lines``.

    On a page in another language (``locale``), each line shows its label in that language (``labels:``); a line
    or an introduction with none is shown in English and marked ``lang``, so a screen reader reads it as English."""
    items = _help_items(help.lines if lines is None else lines, locale, default)
    intro, translated = help.intro_in(locale)
    mark = "" if translated or not locale or locale == default else f' lang="{default}"'
    head = f"<p{mark}>{text(intro)}</p>\n" if intro else ""
    return f'{head}<ul class="help-lines">\n' + "\n".join(items) + "\n</ul>"


def local_help_lines(lines, locale: str | None = None, default: str = "en") -> str:
    """A local variant's own help lines, or (the generic handbook) a note to the local team saying where they go."""
    if lines:
        return ('<ul class="help-lines help-lines--local">\n' + "\n".join(_help_items(lines, locale, default))
                + "\n</ul>")
    mark = "" if not locale or locale == default else f' lang="{default}"'
    return (f'<div class="local-slot local-slot--empty" role="note"{mark}>\n<p class="local-slot__label"><strong>Your '
            "service adds its crisis team and out-of-hours numbers here.</strong></p>\n<p>Put the name of your "
            "local crisis or home treatment team, and its number, in the help lines of your variant "
            "(local/&lt;name&gt;/local.yml). They are never written into a page&#39;s text.</p>\n</div>")


def _help_items(lines, locale: str | None = None, default: str = "en") -> list[str]:
    items = []
    for given in lines:
        line, translated = given.in_language(locale)
        mark = "" if translated or not locale or locale == default else f' lang="{default}"'
        if line.number:
            call = f'<a href="{escape(line.href)}">{escape(line.display or line.number)}</a>'
            extra = f' <a href="{escape(line.url)}">{escape(line.url_text or "Website")}</a>' if line.url else ""
        else:  # reached through its website or app only
            call = f'<a href="{escape(line.url)}">{escape(line.url_text or line.display or "Website")}</a>'
            extra = ""
        items.append(f"<li{mark}><strong>{text(line.name)}</strong>: {call}. {text(line.description)}{extra}</li>")
    return items


__all__ = [
    "LEVELS", "attribution", "material", "material_back", "material_needs", "checklist", "coverage_matrix", "duration", "exemption", "exemptions", "framework_diagram", "help_lines",
    "length_text", "link", "module_overview", "principle_card", "principle_chips", "principle_link", "principles_overview", "prompts",
    "rel", "session_plan_table", "text",
]
