"""The macros authors write in Markdown, bound to one page.

``PageMacros`` is the one implementation of every macro. The MkDocs glue registers its methods
with mkdocs-macros, the weaver calls them directly for literal calls, the coverage scan renders
them to see which principles a section links, and the course packs render pages through them.
Each method validates its arguments and raises ``MacroError`` with a code and a fix.
"""

from __future__ import annotations

import inspect
import posixpath
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from . import render, safety
from .diagnostics import did_you_mean
from .framework import LEVELS, Principle
from .translations import split_language
from .weave import Call, MacroError

if TYPE_CHECKING:
    from .site import Site

__all__ = ["PageMacros", "PER_FOLDER_MACROS", "SECTION_KINDS", "SUMMARY_MACROS", "USAGE"]

#: How each macro is written, for error messages.
USAGE: dict[str, str] = {
    "principle": '{{ principle("mutuality") }}',
    "principle_link": '{{ principle_link("mutuality") }}',
    "principles": '{{ principles("mutuality", "relationships") }}',
    "principles_overview": "{{ principles_overview() }}",
    "prompts": '{{ prompts("team") }}',
    "no_principle": '{{ no_principle("Welcome, timings and breaks") }}',
    "duration": "{{ duration(20) }}",
    "attribution": "{{ attribution() }}",
    "framework_diagram": "{{ framework_diagram() }}",
    "checklist": "{{ checklist() }}",
    "module_overview": "{{ module_overview() }}",
    "help_lines": '{{ help_lines() }} or {{ help_lines("local") }}',
    "coverage_matrix": "{{ coverage_matrix() }}",
    "coverage_exemptions": "{{ coverage_exemptions() }}",
    "principle_title": '{{ principle_title("mutuality") }}',
    "principle_page": '{{ principle_page("mutuality") }}',
    "local": '{{ local("lone-working") }}',
    "local_values": "{{ local_values() }}",
    "material": '{{ material("crisis-scene-jo") }}',
    "escalation": '{{ escalation() }} or {{ escalation("urgent-today") }}',
    "escalation_link": "{{ escalation_link() }}",
}
#: Block macros whose words come from English data (no translation yet): marked lang="en" on a translated page.
ENGLISH_BLOCKS = frozenset({"escalation", "local", "material", "module_overview", "prompts", "checklist",
                            "attribution", "framework_diagram", "coverage_matrix", "coverage_exemptions",
                            "principle_page", "local_values"})
#: Which help lines help_lines() shows.
HELP_GROUPS = ("all", "national", "local")
#: The kinds of timed section in a module.
SECTION_KINDS = ("session", "break")
#: Macros whose output depends only on their arguments and the page's folder (links are relative).
PER_FOLDER_MACROS = frozenset({"principle", "principle_link", "principles"})
#: Macros whose output summarises other sections; the coverage scan does not count their links.
SUMMARY_MACROS = frozenset({"module_overview", "coverage_matrix", "coverage_exemptions", "help_lines", "principle_page"})


@lru_cache(maxsize=256)
def _arguments_problem(cls: type, name: str, count: int, keywords: tuple[str, ...]) -> str | None:
    """Why a call with this many arguments and these keywords does not fit the macro, or None.

    Binding depends only on the number and names of the arguments, never on their values, so
    the answer is cached: inspect.signature is slow, and every macro call is checked.
    """
    try:
        inspect.signature(getattr(cls, name)).bind(None, *range(count), **dict.fromkeys(keywords))
    except TypeError as error:
        return str(error)
    return None


class PageMacros:
    """Every author-facing macro, for one page (``src_uri`` is relative to docs/)."""

    NAMES: tuple[str, ...] = tuple(USAGE)

    def __init__(self, site: Site, src_uri: str):
        self.site = site
        self.src_uri = src_uri
        self.language = site.language_of(src_uri)
        """The page's language (``help.cy.md``: cy): chips, cards and prompts use that language's framework."""
        self.framework = site.framework_for(self.language)
        self.words = site.words_for(self.language)

    # -- calling ---------------------------------------------------------------------------
    def call(self, name: str, args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None) -> str:
        """Call one macro by name, turning wrong arguments into a MacroError."""
        method = getattr(self, name)
        problem = _arguments_problem(type(self), name, len(args), tuple(kwargs or ()))
        if problem:
            raise MacroError("macros.bad-arguments",
                             f"{name}() was called wrongly ({problem}); write it like {USAGE[name]}")
        output = method(*args, **(kwargs or {}))
        # a principle page in a language with its own principles file marks its English parts itself; help lines
        # mark each line that has no label in the page's language (render.help_lines)
        own_words = name == "principle_page" and self.framework is not self.site.framework
        if name in ENGLISH_BLOCKS and not own_words and self.language != self.site.locales[0] and output.strip():
            # the rule and the lists come from English data: on a translated page they say which language they
            # are in, for screen readers and for readers (never a silent mix of languages)
            return f'<div class="in-english" lang="{self.site.locales[0]}" markdown>\n\n{output}\n\n</div>'
        return output

    def render_call(self, call: Call) -> str:
        """Render a parsed call (for the weaver and the course packs)."""
        if call.name not in PER_FOLDER_MACROS:
            return self.call(call.name, call.args, call.kwargs)
        key = (self.language, posixpath.dirname(self.src_uri), call.name, call.args, tuple(call.kwargs.items()))
        try:
            output = self.site.rendered.get(key)
        except TypeError:  # an unhashable argument, such as a list: just render it
            return self.call(call.name, call.args, call.kwargs)
        if output is None:
            output = self.site.rendered[key] = self.call(call.name, call.args, call.kwargs)
        return output

    def scan_call(self, call: Call) -> str:
        """Render a call for the coverage scan: summaries render nothing (their links belong to other
        sections), and an exemption without a reason still marks its section exempt (one mistake, one message)."""
        if call.name in SUMMARY_MACROS:
            return ""
        return self.render_call(call)

    # -- validation ------------------------------------------------------------------------
    def _principle(self, value: Any, macro: str) -> Principle:
        if not isinstance(value, str):
            raise MacroError("macros.bad-arguments",
                             f"{macro}() needs a principle id in quotes, not {value!r}; write it like {USAGE[macro]}")
        found = self.framework.get(value)
        if found is None:
            raise MacroError("principles.unknown-id",
                             f'unknown principle id "{value}" in {macro}(); {self.framework.suggest(value)}')
        return found

    # -- the macros --------------------------------------------------------------------------
    def principle(self, id: str) -> str:
        """The full card for one principle (or a local value)."""
        p = self._principle(id, "principle")
        if p.is_local:
            return render.local_value_card(p, self.src_uri)
        return render.principle_card(p, self.src_uri, self.words)

    def principle_link(self, id: str) -> str:
        """An inline link to a principle, with its short title."""
        return render.principle_link(self._principle(id, "principle_link"), self.src_uri)

    def principles(self, *ids: str) -> str:
        """The 'grounded in' chips under a section heading."""
        if not ids:
            raise MacroError("macros.bad-arguments",
                             f"principles() needs at least one principle id; write it like {USAGE['principles']}")
        chosen = [self._principle(i, "principles") for i in ids]
        seen: set[str] = set()
        unique = [p for p in chosen if not (p.id in seen or seen.add(p.id))]
        return render.principle_chips(unique, self.src_uri, self.words)

    def principles_overview(self) -> str:
        """All principles as cards, with the preamble and the cross-cutting theme."""
        return render.principles_overview(self.framework, self.src_uri, self.words)

    def prompts(self, level: str) -> str:
        """The reflective prompts for one supervision level, grouped by principle."""
        if level not in LEVELS:
            raise MacroError("macros.bad-level", f'unknown supervision level "{level}" in prompts(); '
                                                 f"{did_you_mean(str(level), LEVELS)}")
        return render.prompts(self.framework, level, self.src_uri)

    def no_principle(self, reason: str) -> str:
        """Marks a housekeeping section as deliberately not linked; the reason is required."""
        if not isinstance(reason, str) or not reason.strip():
            # still an exemption, on the site and in the scan of any render: one mistake, one message
            raise MacroError("coverage.exempt-without-reason",
                             f"no_principle() needs a reason, for example {USAGE['no_principle']}",
                             output=render.exemption(""))
        return render.exemption(reason.strip())

    def duration(self, minutes: int, kind: str = "session", teaching: int | None = None,
                 activity: int | None = None, cut_if_short: bool = False) -> str:
        """The length of a module section in minutes; ``kind="break"`` for a break; optionally how it splits
        into ``teaching`` and ``activity`` minutes, and ``cut_if_short=True`` for the activity a trainer drops
        first when the session runs late (shown on the page and in the session plan)."""
        def whole(value: Any, what: str, minimum: int) -> None:
            if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
                raise MacroError("macros.bad-arguments",
                                 f"duration() needs {what}{' above 0' if minimum else ''}, not {value!r}; "
                                 f"write it like {USAGE['duration']}")

        whole(minutes, "a whole number of minutes", 1)
        if kind not in SECTION_KINDS:
            raise MacroError("macros.bad-arguments", f'duration() kind must be "session" or "break", not {kind!r}; '
                                                     f'write it like {{{{ duration(15, kind="break") }}}}')
        if teaching is not None or activity is not None:
            if kind == "break":
                raise MacroError("macros.bad-arguments", "a break has no teaching or activity time; "
                                                         'write it like {{ duration(15, kind="break") }}')
            for value, name in ((teaching, "teaching"), (activity, "activity")):
                if value is not None:
                    whole(value, f"{name} as a whole number of minutes", 0)
            teaching = minutes - activity if teaching is None else teaching
            activity = minutes - teaching if activity is None else activity
            if teaching < 0 or activity < 0 or teaching + activity != minutes:
                raise MacroError("macros.bad-arguments",
                                 f"duration({minutes}) says {teaching} minutes of teaching and {activity} of activity, "
                                 f"which do not add up to {minutes}; write it like "
                                 f"{{{{ duration(40, teaching=10, activity=30) }}}}")
        if not isinstance(cut_if_short, bool) or (cut_if_short and kind == "break"):
            raise MacroError("macros.bad-arguments", f"duration() cut_if_short is True or False on a section that is "
                                                     f"not a break, not {cut_if_short!r}; write it like "
                                                     f"{{{{ duration(25, teaching=5, activity=20, cut_if_short=True) }}}}")
        return render.duration(minutes, kind, teaching, activity, cut_if_short)

    def attribution(self) -> str:
        """The citation and licence of the framework."""
        return render.attribution(self.framework)

    def framework_diagram(self) -> str:
        """The SVG diagram of the framework, with its text alternative."""
        return render.framework_diagram(self.framework)

    def checklist(self) -> str:
        """The reflective checklist built from the practice indicators."""
        return render.checklist(self.framework, self.src_uri)

    def module_overview(self) -> str:
        """Duration, objectives, session plan and downloads for the module on this page."""
        return self.site.cross_page(self.src_uri, "module_overview")

    def help_lines(self, which: str = "all") -> str:
        """The urgent help lines from the site configuration: ``"all"``, the ``"national"`` ones from mkdocs.yml,
        or a local variant's own (``"local"``; without a variant, a note telling the local team where they go)."""
        if which not in HELP_GROUPS:
            raise MacroError("macros.bad-arguments", f"help_lines() takes {', '.join(map(repr, HELP_GROUPS))}, "
                                                     f"not {which!r}; {did_you_mean(str(which), HELP_GROUPS)}")
        help = self.site.help
        default = self.site.locales[0]
        if which == "local":
            return render.local_help_lines(help.local_lines, self.language, default)
        if not help.lines:
            raise MacroError("macros.bad-arguments",
                             "help_lines() found no help lines; add extra.help.lines to mkdocs.yml")
        return render.help_lines(help, help.national_lines if which == "national" else help.lines,
                                 self.language, default)

    def coverage_matrix(self) -> str:
        """The principle x module table of linked sections."""
        return self.site.cross_page(self.src_uri, "coverage_matrix")

    def coverage_exemptions(self) -> str:
        """Every exempt training section with its reason."""
        return self.site.cross_page(self.src_uri, "coverage_exemptions")

    def principle_title(self, id: str) -> str:
        """The heading of a principle's (or the theme's) own page, "2. Mutuality and reciprocity" (in its stub)."""
        p = self._own_principle(id, "principle_title")
        return render.text(p.label)

    def principle_page(self, id: str) -> str:
        """Everything under the heading of a principle's own page (in its stub, docs/principles/<id>.md)."""
        return self.site.principle_page(self._own_principle(id, "principle_page").id, self.language)

    def local(self, id: str) -> str:
        """A slot for local policy (principles/slots.yml): the variant's own text, or a marked box saying what
        the service adds here."""
        slots = self.site.slots
        if not isinstance(id, str):
            raise MacroError("macros.bad-arguments", f"local() needs a slot id in quotes, not {id!r}; write it like "
                                                     f"{USAGE['local']}")
        slot = slots.get(id)
        if slot is None:
            raise MacroError("slots.unknown-id", f'unknown slot "{id}" in local(); {slots.suggest(id)} (the slots '
                                                 f"are listed in {slots.source})")
        variant = self.site.variant
        return render.local_slot(slot, variant.slots.get(id) if variant else None,
                                 variant.organisation if variant else "")

    def local_values(self) -> str:
        """The organisation's own values as cards (a local variant), or a box saying where they go."""
        return render.local_values(self.framework, self.src_uri)

    def material(self, id: str) -> str:
        """A card, script, form or deck (principles/materials/): its participant side (and a deck's cards) in a
        box, its facilitator side in a facilitator note, which participant handouts leave out."""
        materials = self.site.materials
        if not isinstance(id, str):
            raise MacroError("macros.bad-arguments", f"material() needs a material id in quotes, not {id!r}; write "
                                                     f"it like {USAGE['material']}")
        found = materials.get(id)
        if found is None:
            raise MacroError("materials.unknown-id", f'unknown material "{id}" in material(); {materials.suggest(id)} '
                                                     f"(the materials are in {materials.folder}/)")
        self.site.use_material(self.src_uri, found.id)
        back = ""
        if found.back == "escalation":  # the printed card carries the rule itself; the page links to it
            back = render.material_back(safety.render_escalation_link(self._rule(), self.src_uri))
        return render.material(found, back)

    def escalation(self, part: str | None = None) -> str:
        """The escalation rule from principles/safety.yml: all three speeds and the cannot-reach rule, or one
        part (``"life-at-risk"``, ``"urgent-today"``, ``"any-other-worry"``, ``"cannot-reach"``)."""
        rule = self._rule()
        if part is not None and (not isinstance(part, str) or part not in rule.part_ids):
            raise MacroError("macros.bad-arguments", f"unknown part {part!r} in escalation(); "
                                                     f"{rule.suggest(str(part))} (or no argument for the whole rule)")
        variant = self.site.variant
        contacts = variant.slots.get("crisis-contacts", "") if variant and part is None else ""
        return safety.render_escalation(rule, self.src_uri, part, contacts, variant.organisation if variant else "")

    def escalation_link(self, label: str = "the three speeds") -> str:
        """An inline link to the whole escalation rule, on the crisis page."""
        if not isinstance(label, str) or not label.strip():
            raise MacroError("macros.bad-arguments", f"escalation_link() takes link words in quotes; write it like "
                                                     f"{USAGE['escalation_link']}")
        return safety.render_escalation_link(self._rule(), self.src_uri, label.strip())

    def _rule(self) -> safety.Escalation:
        if self.site.safety is None:
            raise MacroError("macros.bad-arguments", f"the escalation rule is not loaded; keep {safety.SAFETY_FILE} "
                                                     f"in the project")
        return self.site.safety

    def _own_principle(self, value: Any, macro: str) -> Principle:
        """The principle whose own page this is; its links are relative to that page, so nowhere else."""
        found = self._principle(value, macro)
        if found.src_uri != split_language(self.src_uri, self.site.locales)[0]:  # its own page, in any language
            raise MacroError("macros.bad-arguments",
                             f"{macro}() belongs only on the principle's own page, docs/{found.src_uri}; "
                             f'link to it with {{{{ principle_link("{found.id}") }}}} instead')
        return found
