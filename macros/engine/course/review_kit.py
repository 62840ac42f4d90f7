"""The service review kit: a principles-based review of the *service*, made from principles.yaml.

Step 4 of the paper's approach is to evaluate and audit the work against the principles. The kit is
for a review day that peer workers, the coordinator, managers and people who use the service do
together. For each principle, the theme and each of a variant's own values it gives the statement
(quoted, with its source), the practice indicators as questions, the organisational supervision
prompts, room for "what we see", "evidence we looked at" and "who was in the room", a three-way
judgement of the service with what would change it, and an action list (owner role, date).

It is made like the other packs: a ``PrintDocument`` that both writers (tagged PDF, DOCX) read, plus
a CSV with one row per principle that a lead fills and keeps, year after year, to compare. Its cache
key covers the laid-out document itself, so a variant's values and rewordings, the help lines and
the version all remake it, and nothing else does.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..framework import Framework, Principle
from .layout import PackContext, PrintDocument, about_section, contents, help_pointer, help_section
from .spec import PackSpec
from .tree import E, Element

#: The kit's files (one name, three formats).
KIT_NAME = "service-review-kit"
KIT_FORMATS: tuple[str, ...] = ("pdf", "docx", "csv")
_LABELS = {"pdf": "Service review kit (PDF)", "docx": "Service review kit (Word)",
           "csv": "Service review record (CSV, one row per principle)"}
#: The three judgements of the service, in the order they are offered.
JUDGEMENTS: tuple[str, ...] = ("In place", "Partly", "Not yet")
#: The CSV's columns, in order. The first five identify a row and never change between years.
CSV_COLUMNS: tuple[str, ...] = (
    "kind", "id", "number", "title", "statement", "questions", "what_we_see", "evidence_we_looked_at",
    "who_was_in_the_room", "judgement", "what_would_change_it", "actions", "owner_roles", "by_when", "review_date")
#: Empty rows in each action table (more can be added on paper or in Word).
ACTION_ROWS = 4
WRITE_LINES = 4


def kit_specs(formats: Sequence[str] = KIT_FORMATS) -> list[PackSpec]:
    """The kit's files, in the formats asked for."""
    return [PackSpec(f"{KIT_NAME}.{fmt}", _LABELS[fmt], "review", fmt) for fmt in KIT_FORMATS if fmt in formats]


def review_items(framework: Framework) -> tuple[Principle, ...]:
    """What the kit reviews, in order: the five principles, the theme, then a variant's own values."""
    return framework.linkable


def indicator_question(indicator: str) -> str:
    """A practice indicator as a question to ask together: "How far is it true here that ...?"

    The first letter is lowered unless the first word is an abbreviation (NHS, GP) or "I".
    """
    text = indicator.strip().rstrip(".")
    first = text.split(" ", 1)[0]
    if not (first.isupper() or first == "I"):
        text = text[0].lower() + text[1:]
    return f"How far is it true here that {text}?"


def _heading(item: Principle) -> str:
    if item.is_theme:
        return f"Across all five: {item.title}"
    if item.is_local:
        return f"Our own value: {item.title}"
    return f"{item.number}. {item.title}"


def _source(item: Principle, framework: Framework) -> str:
    if item.is_local:
        return (f"In {framework.organisation or 'our organisation'}'s own words: a local value, not part of the "
                "published framework.")
    year = re.search(r"\((\d{4})\)", framework.citation)
    cited = f"{framework.citation.split(',', 1)[0]} et al. ({year.group(1)})" if year else framework.title
    return f"Quoted from {cited}, {framework.licence}. The short title is this handbook's."


def _write_space(label: str, hint: str, lines: int = WRITE_LINES) -> list[Element]:
    """A hint (outside the box, so both writers keep it as text) and a labelled box with lines to write on."""
    return [E("p", hint, class_="write-space__hint"),
            E("div", E("p", label, class_="write-space__label"),
              *[E("p", "\u00a0", class_="write-space__line") for _ in range(lines)], class_="write-space")]


def _judgement(item: Principle) -> list:
    boxes = E("p", "\u2003\u2003".join(f"\u2610 {j}" for j in JUDGEMENTS), class_="judgement")
    return [E("h3", "Our judgement of the service"),
            E("p", "Where is the service now? Tick one, for the service as a whole and never for a person."),
            boxes,
            *_write_space("What would change it", "What would move it one step on, and what would move it back?", 3)]


def _actions(item: Principle) -> Element:
    head = E("thead", E("tr", E("th", "Action", scope="col"), E("th", "Owner (a role, not a name)", scope="col"),
                        E("th", "By when", scope="col")))
    rows = [E("tr", E("td", "\u00a0"), E("td", "\u00a0"), E("td", "\u00a0")) for _ in range(ACTION_ROWS)]
    return E("table", E("caption", f"Actions for {item.title}"), head, E("tbody", *rows), class_="review-actions")


def _item_page(item: Principle, framework: Framework) -> Element:
    quote = E("blockquote", E("p", item.statement), class_="principle-card__quote")
    parts: list = [E("h2", _heading(item), id=f"review-{item.id}", class_="running-title"), quote,
                   E("p", _source(item, framework), class_="principle-card__source")]
    if item.is_theme and item.summary:
        parts.append(E("p", item.summary))
    questions = [indicator_question(i) for i in item.indicators]
    parts.append(E("h3", "Questions to ask together"))
    if questions:
        parts.append(E("ol", *[E("li", q) for q in questions], class_="review-questions"))
    else:
        parts.append(E("p", "This value has no practice indicators yet: agree two or three on the day, "
                            "and add them to local.yml for next time."))
    organisational = item.prompts.get("organisational", ())
    if organisational:
        parts += [E("p", "And from the organisational supervision guide:", class_="review-prompts__label"),
                  E("ul", *[E("li", q) for q in organisational], class_="review-prompts")]
    parts += [*_write_space("What we see", "What happens in the service, from the people who give and receive peer support."),
              *_write_space("Evidence we looked at", "Feedback, anonymised records, rotas, minutes, the training record."),
              *_write_space("Who was in the room", "Roles are enough: peer workers, coordinator, manager, people who use "
                                                  "the service, carers.", 2),
              *_judgement(item),
              E("h3", "What we will do"), _actions(item)]
    return E("section", *parts, class_="checklist-page review-page page")


def _introduction(ctx: PackContext) -> Element:
    return E("section",
             E("h2", "How to use this kit", id="review-how"),
             E("p", "Set aside most of a day. Invite peer workers, the peer worker coordinator, a manager from the "
                    "ward and from the community team, and people who use the service or have used it. Pay people "
                    "with lived experience for their time, as your organisation's involvement policy says."),
             E("p", "Take one principle at a time. Read the statement aloud, talk through the questions, and write "
                    "down what you see and the evidence you looked at. Then agree, together, one judgement of the "
                    "service: in place, partly or not yet. Say what would change it, and agree a few actions, each "
                    "with an owner role and a date."),
             E("p", "Bring evidence that describes the service, not people: feedback from people supported (module 9 "
                    "has a session on gathering it), anonymised service figures, the training and supervision "
                    "records, and what changed since the last review."),
             E("p", "The results feed the organisational supervision guide: take the actions to its next meeting, and "
                    "start next year's review from this year's record."),
             class_="review-how page")


def review_kit(ctx: PackContext) -> ReviewKit:
    """The kit as one document (cover, how to use it, one part per principle, the theme and local values)."""
    fw = ctx.framework
    kind = "Service review kit"
    items = review_items(fw)
    cover = E("section",
              E("p", ctx.programme, class_="cover__programme"),
              E("p", "For programme leads and review days", class_="cover__kind running-kind"),
              E("h1", kind, class_="cover__title running-title", id="pack-title"),
              E("p", E("strong", "This kit reviews the service. It never scores people."),
                " There are no individual ratings and no league tables: do not use it to rate a peer worker, "
                "and do not compare teams or services by it.", class_="review-purpose"),
              E("p", "It is done together, by peer workers, the coordinator, managers and people who use the "
                     "service, against the principles the service is built on. A judgement says where the service "
                     "is, and what it would take to move it."),
              E("dl", E("dt", "Version"), E("dd", ctx.version), class_="cover__facts"),
              help_pointer(),
              class_="cover")
    entries = [("How to use this kit", "review-how", ())]
    entries += [(_heading(p), f"review-{p.id}", ()) for p in items]
    help_block = help_section(ctx)
    if help_block is not None:
        entries.append(("Getting help now", "help", ()))
    entries.append(("About this kit", "pack-about", ()))
    body = [cover, contents(entries), _introduction(ctx), *[_item_page(p, fw) for p in items]]
    if help_block is not None:
        body.append(help_block)
    about = about_section(ctx, "This kit is made from the practice indicators and organisational prompts in "
                               "principles/principles.yaml (and a service's own values in its local.yml), the same "
                               "source as the online handbook. The ENRICH programme built a principles-based "
                               "fidelity index to review services; this kit is a simpler, conversational version "
                               "of that idea, not that index.")
    about.children[0] = E("h2", "About this kit", id="pack-about")
    body.append(about)
    rows = tuple(_csv_row(p) for p in items)
    return ReviewKit(title=f"{kind} \u2013 {ctx.programme}", body=E("fragment", *body), kind=kind,
                     header=f"{kind} \u2013 {ctx.programme}", body_class="pack pack--checklist pack--review",
                     subject="A principles-based review of the peer support service (never a score on people)",
                     author=ctx.programme, rows=rows)


def _csv_row(item: Principle) -> tuple[str, ...]:
    questions = "\n".join(f"{n}. {indicator_question(i)}" for n, i in enumerate(item.indicators, 1))
    number = str(item.number) if item.kind == "principle" else ""
    return (item.kind, item.id, number, item.title, " ".join(item.statement.split()), questions,
            *([""] * (len(CSV_COLUMNS) - 6)))


@dataclass
class ReviewKit(PrintDocument):
    """The kit's document, with the rows of its CSV record."""

    rows: tuple[tuple[str, ...], ...] = ()


def kit_csv(kit: ReviewKit) -> bytes:
    """The review record as CSV (UTF-8 with a byte-order mark, so spreadsheets read the accents and dashes)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(kit.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def kit_key(base_key: str, kit: ReviewKit) -> str:
    """The cache key of one kit file: the common pack key and the laid-out kit itself."""
    h = hashlib.sha256()
    for part in (base_key, kit.html(), repr(kit.rows)):
        data = part.encode("utf-8")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


__all__ = ["ACTION_ROWS", "CSV_COLUMNS", "JUDGEMENTS", "KIT_FORMATS", "KIT_NAME", "ReviewKit", "indicator_question",
           "kit_csv", "kit_key", "kit_specs", "review_items", "review_kit"]
