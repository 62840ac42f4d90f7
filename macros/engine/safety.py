"""The escalation rule and the safety pages: one source, shown the same way on every page.

``principles/safety.yml`` holds the three speeds of response (life at risk now, urgent today, any
other worry), the rule for a person who cannot be reached, and the list of safety-critical pages.
The macro ``{{ escalation() }}`` renders the rule from it, so no page can word a timing its own
way; ``review_problems`` checks the safety pages' owner and review dates. Pure Python: no MkDocs.
"""

from __future__ import annotations

import datetime as _dt
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic, ProblemsFound, did_you_mean
from .framework import read_source_file, schema_problems
from .render import text
from .strict_yaml import load_yaml

__all__ = ["OWN_TIMING", "RISK_WORDS", "own_timings", "SAFETY_FILE", "Escalation", "PageReview", "Speed", "load_safety", "parse_safety", "render_escalation",
           "render_escalation_link", "render_review", "review_of", "review_problems"]

SAFETY_FILE = "principles/safety.yml"
SCHEMA_NAME = "safety.schema.json"
#: The HTML class of the rendered rule: tests and the page checks look for it (an HTML contract).
BOX_CLASS = "escalation"
#: Words that make a text about risk to life: such a text needs the rule (pages) and may not time it (slot texts).
RISK_WORDS = re.compile(r"suicid|self-harm|self harm|\bcrisis\b|risk to life|life (?:is |may be )?at risk|"
                        r"missed (?:contact|visit|call)|cannot reach|can't reach|not answering|overdose", re.I)
#: A timing in words: the rule says how fast, in one place; no page or slot text words its own.
OWN_TIMING = re.compile(r"straight away|the same day|same-day|at once|immediately|right away|within \d+ hours|"
                        r"as soon as you can|without delay|within one working day", re.I)
#: A sentence about safeguarding keeps its own same-day route (a different process from a crisis).
SAFEGUARDING_WORDS = re.compile(r"safeguard|abuse|neglect", re.I)


def own_timings(text: str) -> list[tuple[int, str]]:
    """Sentences that time a response to risk in their own words (line, sentence): the rule's job, not theirs."""
    found = []
    for match in re.finditer(r"[^.!?\n](?:[^.!?]|\n(?!\s*\n))*[.!?]?", text):
        sentence = match.group(0)
        if OWN_TIMING.search(sentence) and RISK_WORDS.search(sentence) and not SAFEGUARDING_WORDS.search(sentence):
            found.append((text.count("\n", 0, match.start()) + 1, " ".join(sentence.split())))
    return found


@dataclass(frozen=True)
class Speed:
    """One speed of response."""

    id: str
    speed: int
    name: str
    when: str
    act: str


@dataclass(frozen=True)
class Escalation:
    """The whole rule: three speeds, the cannot-reach rule, where it is explained, the safety pages."""

    title: str
    intro: str
    speeds: tuple[Speed, ...]
    cannot_reach_id: str
    cannot_reach_name: str
    cannot_reach_rule: str
    cannot_reach_fallback: str
    home: str
    anchor: str
    pages: tuple[str, ...] = ()
    not_a_speed: str = ""
    """What is not one of the speeds (a safeguarding worry), said under them in the whole rule."""
    source: str = SAFETY_FILE

    @property
    def part_ids(self) -> tuple[str, ...]:
        """Every id escalation("...") accepts."""
        return tuple(s.id for s in self.speeds) + (self.cannot_reach_id,)

    def suggest(self, bad: str) -> str:
        """A 'did you mean' hint for an unknown part id."""
        return did_you_mean(bad, self.part_ids)


def _flat(value: str) -> str:
    return " ".join(value.split())


def parse_safety(text: str, display_path: str = SAFETY_FILE, schema_path: Path | None = None) -> Escalation:
    """Validate safety.yml's text; raise ProblemsFound with every problem."""
    doc, problems = load_yaml(text, display_path)
    if doc is not None:
        if not isinstance(doc.data, dict):
            problems.append(Diagnostic(display_path, 1, 1, "principles.not-a-mapping",
                                       "the file must be a mapping with title, intro, speeds, cannot_reach, home, "
                                       "anchor and pages at the top level"))
        else:
            problems += schema_problems(doc, display_path, schema_path or Path(display_path).parent / SCHEMA_NAME)
    if problems:
        raise ProblemsFound(problems)
    data = doc.data
    speeds = tuple(Speed(s["id"], s["speed"], _flat(s["name"]), _flat(s["when"]), _flat(s["act"]))
                   for s in data["speeds"])
    if [s.speed for s in speeds] != [1, 2, 3]:
        pos = doc.where(("speeds",))
        problems.append(Diagnostic(display_path, pos.line, pos.column, "principles.bad-number",
                                   "the speeds must be numbered 1, 2, 3, fastest first; the speeds themselves are "
                                   "fixed for every service"))
    ids = [s.id for s in speeds] + [data["cannot_reach"]["id"]]
    for index, value in enumerate(ids):
        if value in ids[:index]:
            where = ("speeds", index, "id") if index < len(speeds) else ("cannot_reach", "id")
            pos = doc.where(where)
            problems.append(Diagnostic(display_path, pos.line, pos.column, "principles.duplicate-id",
                                       f'duplicate id "{value}"; give each part of the rule its own id'))
    if problems:
        raise ProblemsFound(problems)
    reach = data["cannot_reach"]
    return Escalation(_flat(data["title"]), _flat(data["intro"]), speeds, reach["id"], _flat(reach["name"]),
                      _flat(reach["rule"]), _flat(reach["fallback"]), data["home"], data["anchor"],
                      tuple(data["pages"]), source=display_path, not_a_speed=_flat(data["not_a_speed"]))


def load_safety(path: Path, display_path: str = SAFETY_FILE) -> Escalation:
    """Read and validate safety.yml, or raise ProblemsFound naming every problem."""
    return parse_safety(read_source_file(path, display_path), display_path, path.parent / SCHEMA_NAME)


# -- rendering ---------------------------------------------------------------------------------------------

def _speed_item(s: Speed) -> str:
    return (f'<li class="escalation__speed escalation__speed--{s.speed}" data-escalation="{s.id}">'
            f'<p class="escalation__name"><strong>Speed {s.speed}: {text(s.name)}.</strong> {text(s.when)}</p>'
            f'<p class="escalation__act">{text(s.act)}</p></li>')


def _reach(rule: Escalation) -> str:
    return (f'<div class="escalation__reach" data-escalation="{rule.cannot_reach_id}">'
            f'<p class="escalation__name"><strong>{text(rule.cannot_reach_name)}.</strong> '
            f'{text(rule.cannot_reach_rule)}</p>'
            f'<p class="escalation__act">{text(rule.cannot_reach_fallback)}</p></div>')


def render_escalation(rule: Escalation, from_src: str, part: str | None = None, contacts: str = "",
                      organisation: str = "") -> str:
    """The rule as an HTML box (one part of it when ``part`` is given), with a link to its explanation.

    ``contacts`` is a local variant's own Markdown (its crisis-contacts slot): added under the speeds,
    never instead of them.
    """
    more = posixpath.relpath(rule.home, posixpath.dirname(from_src) or ".") + f"#{rule.anchor}"
    if part is None:
        items = "".join(_speed_item(s) for s in rule.speeds)
        body = (f'<p class="escalation__intro">{text(rule.intro)}</p>\n\n'
                f'<ol class="escalation__speeds">{items}</ol>\n\n{_reach(rule)}\n\n'
                f'<p class="escalation__not-a-speed">{text(rule.not_a_speed)}</p>')
        label = rule.title
    elif part == rule.cannot_reach_id:
        body, label = _reach(rule), rule.cannot_reach_name
    else:
        speed = next(s for s in rule.speeds if s.id == part)
        body = f'<ol class="escalation__speeds" start="{speed.speed}">{_speed_item(speed)}</ol>'
        label = f"{rule.title}: speed {speed.speed}"
    home_link = "" if from_src == rule.home and part is None else (
        f"[All three speeds, and why]({more}){{ .escalation__more }}")
    local = ""
    if contacts:  # a variant's own Markdown, under the speeds and never instead of them
        where = f"In {text(organisation)}" if organisation else "Your service's contacts"
        local = (f'<div class="escalation__local" markdown>\n\n<p class="escalation__label">{where}</p>\n\n'
                 f"{contacts}\n\n</div>\n\n")
    # each block on its own lines with blank lines between, so Markdown wraps no HTML block in a paragraph;
    # the link to the whole rule is Markdown, so the site generator checks and rewrites it like any link
    return (f'<div class="{BOX_CLASS}" role="note" aria-label="{text(label)}" markdown>\n\n'
            f'<p class="escalation__title">{text(label)}</p>\n\n{body}\n\n{local}{home_link}\n\n</div>')


def render_escalation_link(rule: Escalation, from_src: str, label: str = "the three speeds") -> str:
    """An inline Markdown link to the whole rule."""
    target = posixpath.relpath(rule.home, posixpath.dirname(from_src) or ".") + f"#{rule.anchor}"
    return f'[{text(label)}]({target}){{ .escalation-link }}'


# -- review dates ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PageReview:
    """A page's owner role and review dates, from its ``review:`` front matter."""

    src_uri: str
    owner: str | None
    last: _dt.date | None
    next: _dt.date | None
    line: int = 1
    status: str = "signed-off"
    """``signed-off`` (the owner signed off the page on ``last``) or ``awaiting-sign-off`` (changed on ``last``,
    not yet signed off: the foot of the page says so)."""

    def overdue(self, today: _dt.date) -> bool:
        """Past its next review date."""
        return self.next is not None and self.next < today

    def as_dict(self, today: _dt.date) -> dict[str, Any]:
        """A row of the coverage report."""
        return {"page": self.src_uri, "owner": self.owner, "status": self.status,
                "last_reviewed": self.last.isoformat() if self.last else None,
                "next_review": self.next.isoformat() if self.next else None, "overdue": self.overdue(today)}


#: What review.status may say.
REVIEW_STATUSES = ("signed-off", "awaiting-sign-off")
_NAME_LIKE = re.compile(r"^(?:Dr|Mr|Mrs|Ms|Mx|Miss|Prof)\.?\s", re.I)


def review_of(src_uri: str, meta: Mapping[str, Any], display_path: str, line: int = 1,
              problems: list[Diagnostic] | None = None) -> PageReview | None:
    """The page's review record from its front matter (None when it has none); wrong fields are appended
    to ``problems`` as ``modules.bad-front-matter``-style messages under ``pages.bad-review``."""
    value = meta.get("review")
    if value is None:
        return None
    bad: list[str] = []
    if not isinstance(value, Mapping):
        bad.append("review: must be a mapping with owner, last and next")
        value = {}
    unknown = sorted(set(value) - {"owner", "last", "next", "status"})
    if unknown:
        bad.append(f"review: has unknown field{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
                   f"use owner, last, next and status")
    status = value.get("status", "signed-off")
    if status not in REVIEW_STATUSES:
        bad.append(f"review.status must be {' or '.join(REVIEW_STATUSES)}, not {status!r}")
        status = "awaiting-sign-off"
    owner = value.get("owner")
    if not isinstance(owner, str) or not owner.strip():
        bad.append("review.owner must name the owner's role, for example: Clinical safety lead")
        owner = None
    elif _NAME_LIKE.match(owner):
        bad.append(f'review.owner "{owner}" looks like a person\'s name; name a role, never a person')
    dates = {}
    for key in ("last", "next"):
        raw = value.get(key)
        if isinstance(raw, _dt.datetime):
            raw = raw.date()
        if isinstance(raw, str):
            try:
                raw = _dt.date.fromisoformat(raw.strip())
            except ValueError:
                pass
        if raw is None and key in value:
            pass  # empty, or a date-like value the YAML reader already reported at its line
        elif not isinstance(raw, _dt.date):
            bad.append(f"review.{key} must be a date written YYYY-MM-DD, not {raw!r}")
            raw = None
        dates[key] = raw
    if dates["last"] and dates["next"] and dates["next"] <= dates["last"]:
        bad.append("review.next must come after review.last")
    if problems is not None:
        problems += [Diagnostic(display_path, line, None, "pages.bad-review", message) for message in bad]
    return PageReview(src_uri, owner, dates["last"], dates["next"], line, status)


def review_problems(reviews: Iterable[PageReview], safety_pages: Iterable[str], pages: Iterable[str],
                    today: _dt.date, display_path) -> list[Diagnostic]:
    """Pages past their next review date, and safety pages (that exist) without review dates.

    ``display_path(src_uri)`` gives the path to name in messages (``docs/...``).
    """
    problems: list[Diagnostic] = []
    by_page = {r.src_uri: r for r in reviews}
    existing = set(pages)
    for src in safety_pages:
        if src in existing and (src not in by_page or by_page[src].next is None):
            problems.append(Diagnostic(display_path(src), 1, None, "pages.review-missing",
                                       "this safety page has no review dates; add front matter review: with "
                                       "owner (a role), last and next (YYYY-MM-DD), after the safety lead signs it off"))
    for r in by_page.values():
        if r.overdue(today):
            problems.append(Diagnostic(display_path(r.src_uri), r.line, None, "pages.review-overdue",
                                       f"this page's review was due on {r.next.isoformat()}; ask "
                                       f"{r.owner or 'its owner'} to review it, then update review.last and review.next"))
    return problems


def render_review(review: PageReview) -> str:
    """The line at the foot of a safety page: owner role, last review, next review."""
    signed = review.status == "signed-off"
    parts = [f"Owner: {text(review.owner)}" if review.owner else None,
             None if signed else "awaiting the owner's sign-off",
             (f"last reviewed {review.last.isoformat()}" if signed else f"last changed {review.last.isoformat()}")
             if review.last else None,
             f"next review due {review.next.isoformat()}" if review.next else None]
    words = "; ".join(p for p in parts if p)
    return f'<p class="page-review">{words[0].upper() + words[1:]}.</p>' if words else ""
