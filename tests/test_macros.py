"""Macros and weaving: input/expected-output pairs, and Jinja safety."""

from __future__ import annotations

from pathlib import Path

import pytest

from macros.engine.framework import load_framework, parse_framework
from macros.engine.page_macros import PageMacros
from macros.engine.site import Site
from macros.engine.weave import MacroError, protect, restore, weave

ROOT = Path(__file__).resolve().parent.parent
FW = load_framework(ROOT / "principles" / "principles.yaml")
PAGE = "training/03-mutuality.md"


def run(name, *args, page=PAGE, **kwargs):
    return PageMacros(Site.from_data(FW), page).call(name, args, kwargs)


OUTPUT_CASES = [
    (("principle_link", "mutuality"), "[Mutuality and reciprocity](../principles/mutuality.md){ .principle-link }"),
    (("principles", "mutuality", "relationships"),
     '<span class="principle-chips__label">Grounded in:</span> '
     "[2. Mutuality and reciprocity](../principles/mutuality.md){ .principle-chip } "
     "[1. Safe and trusting relationships](../principles/relationships.md){ .principle-chip }\n"
     "{: .principle-chips }"),
    (("principles", "mutuality", "mutuality"),
     '<span class="principle-chips__label">Grounded in:</span> '
     "[2. Mutuality and reciprocity](../principles/mutuality.md){ .principle-chip }\n{: .principle-chips }"),
    (("duration", 25), '<p class="section-duration" data-minutes="25">Time: 25 minutes</p>'),
    (("no_principle", "Welcome, timings & breaks"),
     '<p class="principle-exempt">Housekeeping, not linked to a principle: Welcome, timings &amp; breaks</p>'),
]


@pytest.mark.parametrize(("call", "expected"), OUTPUT_CASES, ids=[c[0][0] + str(i) for i, c in enumerate(OUTPUT_CASES)])
def test_macro_output(call, expected):
    assert run(*call) == expected


def test_links_are_relative_to_the_page():
    assert run("principle_link", "mutuality", page="index.md") == \
        "[Mutuality and reciprocity](principles/mutuality.md){ .principle-link }"
    assert run("principle_link", "mutuality", page="principles/index.md") == \
        "[Mutuality and reciprocity](mutuality.md){ .principle-link }"


def test_card_holds_number_title_statement_facets_and_link():
    card = run("principle", "experiential-knowledge")
    p = FW.get("experiential-knowledge")
    assert '<p class="principle-card__number">Principle 3</p>' in card
    assert "[Experiential knowledge](../principles/experiential-knowledge.md)" in card
    assert f"<p>{p.statement}</p>" in card
    assert card.count("<li>") == len(p.facets) == 3


def test_prompts_are_grouped_by_principle_for_one_level():
    out = run("prompts", "team")
    for p in FW.principles:
        assert f"**[{p.number}. {p.title}](../principles/{p.id}.md)**" in out.replace("&#39;", "'")
        for q in p.prompts["team"]:
            assert q.replace('"', "&quot;") in out
        for q in p.prompts["individual"]:
            assert q.replace('"', "&quot;") not in out


ERROR_CASES = [
    (("principle", "mutualty"), "principles.unknown-id",
     'unknown principle id "mutualty" in principle(); did you mean "mutuality"?'),
    (("principles", "mutuality", "strenghts-connections"), "principles.unknown-id",
     'unknown principle id "strenghts-connections" in principles(); did you mean "strengths-connections"?'),
    (("principles",), "macros.bad-arguments",
     "principles() needs at least one principle id; write it like {{ principles(\"mutuality\", \"relationships\") }}"),
    (("prompts", "teams"), "macros.bad-level", 'unknown supervision level "teams" in prompts(); did you mean "team"?'),
    (("principle_link", 3), "macros.bad-arguments",
     'principle_link() needs a principle id in quotes, not 3; write it like {{ principle_link("mutuality") }}'),
    (("principle", "a", "b"), "macros.bad-arguments",
     "principle() was called wrongly (too many positional arguments); write it like {{ principle(\"mutuality\") }}"),
    (("no_principle", "  "), "coverage.exempt-without-reason",
     'no_principle() needs a reason, for example {{ no_principle("Welcome, timings and breaks") }}'),
    (("duration", 0), "macros.bad-arguments",
     "duration() needs a whole number of minutes above 0, not 0; write it like {{ duration(20) }}"),
]
# cut_if_short is True or False, and never on a break (keyword arguments, so these run the macro directly)
CUT_ERRORS = [
    ({"cut_if_short": "yes"}, "duration() cut_if_short is True or False on a section that is not a break, not 'yes'; "
                              "write it like {{ duration(25, teaching=5, activity=20, cut_if_short=True) }}"),
    ({"kind": "break", "cut_if_short": True}, "duration() cut_if_short is True or False on a section that is not a "
                                              "break, not True; write it like "
                                              "{{ duration(25, teaching=5, activity=20, cut_if_short=True) }}"),
]


@pytest.mark.parametrize(("kwargs", "message"), CUT_ERRORS)
def test_cut_if_short_is_checked(kwargs, message):
    with pytest.raises(MacroError) as caught:
        PageMacros(Site.from_data(FW), PAGE).duration(20, **kwargs)
    assert (caught.value.code, caught.value.message) == ("macros.bad-arguments", message)


def test_cut_if_short_is_shown_and_machine_readable():
    out = PageMacros(Site.from_data(FW), PAGE).duration(25, teaching=5, activity=20, cut_if_short=True)
    assert 'data-cut-if-short="true"' in out and "Cut if short" in out
    plain = PageMacros(Site.from_data(FW), PAGE).duration(25, teaching=5, activity=20)
    assert "cut" not in plain.lower()


@pytest.mark.parametrize(("call", "code", "message"), ERROR_CASES, ids=[c[1] + str(i) for i, c in enumerate(ERROR_CASES)])
def test_macro_errors(call, code, message):
    with pytest.raises(MacroError) as caught:
        run(*call)
    assert (caught.value.code, caught.value.message) == (code, message)


def test_yaml_text_is_escaped():
    source = (ROOT / "principles" / "principles.yaml").read_text(encoding="utf-8")
    hostile = source.replace("title: Mutuality and reciprocity", "title: '<script>alert(1)</script> {{ x }} [a](b)'")
    fw = parse_framework(hostile)
    macros = PageMacros(Site.from_data(fw), PAGE)
    for out in (macros.principle_link("mutuality"), macros.principle("mutuality"), macros.principles("mutuality")):
        assert "<script>" not in out and "{{" not in out and "[a](b)" not in out
        assert "&lt;script&gt;" in out


# -- weaving ------------------------------------------------------------------------------------
def weave_page(markdown, offset=0):
    macros = PageMacros(Site.from_data(FW), PAGE)
    return weave(markdown, macros.render_call, macro_names=PageMacros.NAMES, known_names={"config"},
                 display_path="docs/" + PAGE, line_offset=offset)


def test_fenced_and_inline_code_are_never_run():
    page = ('Write `{{ principles("mutuality") }}` under a heading.\n\n'
            '```markdown\n{{ principle("nope") }}\n{% for x in y %}\n```\n\n'
            '    ~~~\n    {{ principle_link("nope") }}\n    ~~~\n')
    woven = weave_page(page)
    assert woven.diagnostics == [] and not woven.needs_jinja
    assert woven.finish() == page


def test_heading_attribute_lists_survive():
    page = "## Listening {#listening .special}\n\n{{ principle_link(\"mutuality\") }}\n"
    woven = weave_page(page)
    assert not woven.needs_jinja
    assert woven.finish().startswith("## Listening {#listening .special}\n")


def test_other_jinja_is_left_for_jinja_with_lines_kept():
    page = "a\n```\ncode\nmore\n```\n{{ config.site_name }}\n{{ principle_link(\"mutuality\") }}\n"
    woven = weave_page(page)
    assert woven.needs_jinja
    assert woven.text.splitlines()[5] == "{{ config.site_name }}"
    assert woven.text.count("\n") == page.count("\n")


def test_errors_name_the_line_in_the_source_file():
    page = "# T\n\n## One\n\n{{ principles(\"mutualty\") }}\n\n{{ principel(\"mutuality\") }}\n"
    woven = weave_page(page, offset=4)
    assert [d.format() for d in woven.diagnostics] == [
        f'docs/{PAGE}:9: unknown principle id "mutualty" in principles(); did you mean "mutuality"? [principles.unknown-id]',
        f'docs/{PAGE}:11: unknown macro "principel"; did you mean "principle"? [macros.unknown-macro]',
    ]


def test_block_output_is_indented_inside_admonitions():
    page = '!!! note\n    {{ principle("mutuality") }}\n'
    out = weave_page(page).finish()
    assert all(line.startswith("    ") for line in out.splitlines()[1:] if line)


def test_protect_restore_round_trip():
    page = "x `a` y\n```\n{{ b }}\n```\n## H {#id}\n"
    text, stash = protect(page)
    assert "{{" not in text and "{#" not in text
    assert restore(text, stash) == page
