"""Translations kept honest (issue 25): the gate per language, freshness, drafts never published.

Each rule is shown firing at its file, line and code, then clearing when the translation is fixed.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import MINIMAL_MKDOCS, ROOT
from macros.engine.translations import digest, section_digests, sections_of, split_language, stamp

I18N_MKDOCS = MINIMAL_MKDOCS.replace("""      on_undefined: strict
""", """      on_undefined: strict
  - i18n:
      docs_structure: suffix
      languages:
        - locale: en
          name: English
          default: true
        - locale: cy
          name: Cymraeg
          extra:
            untranslated_notice: Dyma'r gwreiddiol Saesneg.
extra:
  publish: !ENV [HANDBOOK_PUBLISH, false]
""")

WELSH_ALL = """\
---
translation:
  status: {status}
  reviewed_by: {reviewer}
---
# Pob egwyddor

## Popeth ar unwaith {{#everything-at-once}}

{{{{ principles({ids}) }}}}
"""
ALL_IDS = '"relationships", "mutuality", "experiential-knowledge", "leadership-choice-control", "strengths-connections"'


@pytest.mark.parametrize("src_uri, expected", [
    ("help.cy.md", ("help.md", "cy")),
    ("training/03-mutuality.cy.md", ("training/03-mutuality.md", "cy")),
    ("help.md", ("help.md", None)),
    ("notes.fr.md", ("notes.fr.md", None)),          # not a configured language: a page of its own
    ("index.en.md", ("index.md", "en")),
])
def test_split_language(src_uri, expected):
    assert split_language(src_uri, ["en", "cy"]) == expected


@pytest.mark.parametrize("a, b, same", [
    ("# A\n\nText.\n", "# A\r\n\r\nText.   \r\n\n\n", True),   # line endings and trailing space do not count
    ("# A\n\nText.\n", "# A\n\nText!\n", False),
])
def test_digest_ignores_only_whitespace_at_line_ends(a, b, same):
    assert (digest(a) == digest(b)) is same


def test_sections_use_the_heading_id_and_skip_code():
    text = "---\nt: 1\n---\n# T\n\n## One\n\n```\n## not a heading\n```\n\n## Dau {#two}\n"
    assert [(a, line) for a, _t, line, _b in sections_of(text)] == [("(top)", 4), ("one", 6), ("two", 12)]


def test_stamp_records_the_digests_and_keeps_status():
    source = "# Help\n\n## Now\n\nCall.\n"
    welsh = "---\ntranslation:\n  status: reviewed\n  reviewed_by: fluent Welsh reviewer\n---\n# Help\n"
    stamped = stamp(welsh, source)
    assert f"  source: {digest(source)}" in stamped and "  status: reviewed" in stamped
    assert f"    now: {section_digests(source)['now']}" in stamped
    assert stamp(stamped, source) == stamped          # stamping twice changes nothing


def stamp_cli(site, page: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "translations.py"), "--root", str(site.root),
                           "stamp", str(site.root / page)], capture_output=True, text=True)


def welsh_site(make_site, ids=ALL_IDS, status="draft", reviewer="null"):
    site = make_site({"docs/training/all.cy.md": WELSH_ALL.format(ids=ids, status=status, reviewer=reviewer)},
                     mkdocs=I18N_MKDOCS)
    assert stamp_cli(site, "docs/training/all.cy.md").returncode == 0
    return site


def test_a_translation_that_drops_a_principle_link_fails_at_its_line_then_clears(make_site):
    site = welsh_site(make_site, ids=ALL_IDS.replace('"mutuality", ', ""))
    check = site.check("--language", "cy")
    expected = ('docs/training/all.cy.md:12: section "Popeth ar unwaith" does not link "mutuality", as its English '
                'section does (docs/training/all.md:3); keep the same principle links in each section '
                '[translations.missing-link]')
    assert check.returncode == 1 and expected in check.stdout, check.stdout + check.stderr
    built = site.build()
    assert built.returncode != 0 and expected in built.stderr
    site.write("docs/training/all.cy.md", (site.root / "docs/training/all.cy.md").read_text()
               .replace('"relationships", ', '"relationships", "mutuality", '))
    check = site.check("--language", "cy")
    assert check.returncode == 0 and "[translations." not in check.stdout, check.stdout


def test_a_missing_section_and_a_changed_duration_fail_at_their_lines(make_site):
    english = "---\nmodule: 1\ntitle: One\nduration: 20\nfocus: [mutuality]\nobjectives: [Describe it]\n---\n" \
              "# One\n\n## A\n\n{{ principles(\"mutuality\") }}\n\n{{ duration(10) }}\n\n" \
              "## B\n\n{{ principles(\"mutuality\", \"diversity\") }}\n\n{{ duration(10) }}\n"
    welsh = "---\nmodule: 1\ntitle: Un\nduration: 20\nfocus: [mutuality]\nobjectives: [Describe it]\n" \
            "translation:\n  status: draft\n---\n# Un\n\n## A {#a}\n\n{{ principles(\"mutuality\") }}\n\n" \
            "{{ duration(15) }}\n"
    site = make_site({"docs/training/one.md": english, "docs/training/one.cy.md": welsh}, mkdocs=I18N_MKDOCS)
    assert stamp_cli(site, "docs/training/one.cy.md").returncode == 0
    out = site.check("--language", "cy").stdout
    head = (site.root / "docs/training/one.cy.md").read_text().split("\n")
    line = head.index("## A {#a}") + 1
    assert (f'docs/training/one.cy.md:{line}: section "A" lasts 15 minutes (session) but its English section lasts '
            f'10 (session) (docs/training/one.md:10); use the same duration() [translations.duration-mismatch]') in out
    assert (f'docs/training/one.cy.md:{line}: the English section "B" (docs/training/one.md:16) has no translation '
            f'here; translate it under a heading with its id, ## ... {{#b}} [translations.missing-section]') in out


def test_an_english_edit_makes_the_translation_stale_a_warning_then_an_error_when_publishing(make_site):
    # reviewed: a draft is left out of a publish build, so its staleness is only listed (next test)
    site = welsh_site(make_site, status="reviewed", reviewer="fluent Welsh reviewer")
    assert "[translations." not in site.check("--language", "cy").stdout
    english = site.root / "docs/training/all.md"
    english.write_text(english.read_text() + "\nA new sentence.\n")
    line = (site.root / "docs/training/all.cy.md").read_text().split("\n").index(
        f"  source: {digest(TAUGHT_SOURCE)}") + 1
    expected = (f"docs/training/all.cy.md:{line}: the English page docs/training/all.md changed since this translation "
                f"was made (changed: everything-at-once); update the translation, then run `python3 "
                f"scripts/translations.py stamp docs/training/all.cy.md` [translations.stale]")
    draft = site.check("--language", "cy")
    assert draft.returncode == 0 and f"{expected} (warning)" in draft.stdout, draft.stdout
    publish = site.check("--language", "cy", "--publish")
    assert publish.returncode == 1 and expected in publish.stdout
    report = subprocess.run([sys.executable, str(ROOT / "scripts" / "translations.py"), "--root", str(site.root),
                             "report"], capture_output=True, text=True)
    assert "stale: training/all.md (reviewed); English sections changed: everything-at-once" in report.stdout
    assert stamp_cli(site, "docs/training/all.cy.md").returncode == 0
    assert "[translations.stale]" not in site.check("--language", "cy", "--publish").stdout


def test_a_stale_draft_is_listed_not_an_error_when_publishing_because_it_is_left_out(make_site):
    site = welsh_site(make_site)
    english = site.root / "docs/training/all.md"
    english.write_text(english.read_text() + "\nA new sentence.\n")
    assert "[translations.stale] (warning)" in site.check("--language", "cy").stdout
    publish = site.check("--language", "cy", "--publish")
    assert publish.returncode == 0 and "[translations.stale]" not in publish.stdout, publish.stdout
    report = subprocess.run([sys.executable, str(ROOT / "scripts" / "translations.py"), "--root", str(site.root),
                             "report", "--publish"], capture_output=True, text=True)
    assert "stale: training/all.md (draft); English sections changed: everything-at-once" in report.stdout
    assert "left out when publishing: training/all.cy.md" in report.stdout


TAUGHT_SOURCE = (ROOT / "tests" / "conftest.py").read_text().split('TAUGHT_ALL = """\\\n', 1)[1].split('"""', 1)[0]


def test_reviewed_by_must_be_a_role_never_a_name(make_site):
    site = welsh_site(make_site, status="reviewed", reviewer="Jane Jones")
    out = site.check("--language", "cy").stdout
    assert ("docs/training/all.cy.md:4: translation.reviewed_by is 'Jane Jones': name a role from "
            "principles/translations.yml (fluent Welsh reviewer, clinical safety lead, peer worker coordinator), never "
            "a person [translations.reviewer-not-role]") in out
    site.write("docs/training/all.cy.md", (site.root / "docs/training/all.cy.md").read_text()
               .replace("Jane Jones", "fluent Welsh reviewer"))
    assert "[translations." not in site.check("--language", "cy").stdout


def built_page(site, publish: bool) -> str:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "HANDBOOK_PUBLISH": "true" if publish else "false"}
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site.root / "site")],
                           cwd=site.root, capture_output=True, text=True, env=env)
    assert built.returncode == 0, built.stderr
    return (site.root / "site" / "cy" / "training" / "all" / "index.html").read_text(encoding="utf-8"), built.stderr


def test_a_draft_is_left_out_of_a_publish_build_and_english_is_served_with_the_notice(make_site):
    site = welsh_site(make_site)
    page, _ = built_page(site, publish=False)
    assert "Pob egwyddor" in page and "md-i18n-notice" not in page
    page, log = built_page(site, publish=True)
    assert "Pob egwyddor" not in page and "All principles" in page
    assert "Dyma&#39;r gwreiddiol Saesneg." in page and '<article class="md-content__inner md-typeset" lang="en"' in page
    assert "translation left out of this publish build (a draft): docs/training/all.cy.md" in log
    site.write("docs/training/all.cy.md", (site.root / "docs/training/all.cy.md").read_text()
               .replace("status: draft", "status: reviewed").replace("reviewed_by: null",
                                                                     "reviewed_by: fluent Welsh reviewer"))
    page, _ = built_page(site, publish=True)
    assert "Pob egwyddor" in page and '<html lang="cy"' in page


def test_a_quoted_statement_given_as_a_translation_is_refused_then_shown_as_ours(make_site):
    site = make_site({"docs/training/all.cy.md": WELSH_ALL.format(ids='"mutuality"', status="draft",
                                                                   reviewer="null")}, mkdocs=I18N_MKDOCS)
    site.write("principles/principles.cy.yaml", """\
        translation:
          status: draft
          source: 0
        principles:
          mutuality:
            title: Cydfuddiant a dwyochredd
            statement: Sicrhau bod gwerthoedd cydfuddiant a dwyochredd yn sail i berthnasoedd
        """)
    check = site.check()
    assert check.returncode == 2
    assert ('principles/principles.cy.yaml:7: mutuality: "statement" is the paper\'s English quotation and cannot be '
            "replaced by a translation; put this handbook's own translation under statement_translation:, which pages "
            "show as ours, with the English original one click away [translations.quoted-text]") in check.stderr
    site.write("principles/principles.cy.yaml", (site.root / "principles/principles.cy.yaml").read_text()
               .replace("    statement:", "    statement_translation:"))
    check = site.check()
    assert "[translations.quoted-text]" not in check.stdout + check.stderr
    from macros.engine.site import Site

    welsh = Site.load(site.root).macros("training/all.cy.md")
    card = welsh.principle("mutuality")
    english = Site.load(site.root).framework.get("mutuality").statement
    assert "Egwyddor 2" not in card                       # no Welsh words given: the English ones
    assert card.index("Sicrhau bod gwerthoedd") < card.index("<details") < card.index(english)
    assert '<div lang="en">' in card and "[Cydfuddiant a dwyochredd]" in card
    assert "[2. Cydfuddiant a dwyochredd]" in welsh.principles("mutuality")


# -- the principle pages in Welsh ----------------------------------------------------------------------------
PRINCIPLES_CY = """\
    translation:
      status: draft
      reviewed_by: null
      machine_assisted: true
      source: 0
    words:
      the_principle: Yr egwyddor
    principles:
      mutuality:
        title: Cydfuddiant a dwyochredd
        statement_translation: Sicrhau bod gwerthoedd cydfuddiant a dwyochredd yn sail i berthnasoedd
        indicators: [Mae pobl yn rhannu ac yn derbyn.]
    """


def write_pages(site, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "write_principle_pages.py"), "--root",
                           str(site.root), *args], capture_output=True, text=True)


def test_write_principle_pages_writes_the_welsh_stubs_and_never_deletes_them_as_extra(make_site):
    site = make_site({}, mkdocs=I18N_MKDOCS)
    site.write("docs/principles/mutuality.cy.md", (site.root / "docs/principles/mutuality.md").read_text())
    before = write_pages(site, "--check")
    assert "docs/principles/mutuality.cy.md: delete" not in before.stdout, before.stdout   # the old bug
    site.write("principles/principles.cy.yaml", PRINCIPLES_CY)
    out = write_pages(site)
    assert out.returncode == 0 and "docs/principles/relationships.cy.md: create" in out.stdout, out.stdout
    assert "mutuality.cy.md" not in out.stdout                         # already the same stub: left alone
    assert (site.root / "docs/principles/relationships.cy.md").read_text() == \
        (site.root / "docs/principles/relationships.md").read_text()
    again = write_pages(site, "--check")
    assert again.returncode == 0 and "in step" in again.stdout, again.stdout


def test_a_principle_page_in_welsh_is_ours_with_the_quotation_in_english_and_a_draft_notice(make_site):
    site = make_site({}, mkdocs=I18N_MKDOCS)
    site.write("principles/principles.cy.yaml", PRINCIPLES_CY)
    assert write_pages(site).returncode == 0
    from macros.engine.site import Site

    loaded = Site.load(site.root)
    loaded.scan(loaded.read_sources())
    page = loaded.macros("principles/mutuality.cy.md").call("principle_page", ["mutuality"])
    english = loaded.framework.get("mutuality")
    assert page.startswith('<aside class="md-i18n-notice admonition warning" role="note">')
    assert '<p lang="en">Draft translation, made with machine assistance: not yet checked' in page
    assert "## Yr egwyddor {#the-principle}" in page                     # Welsh words from the file, English ids
    assert page.index("Sicrhau bod gwerthoedd") < page.index("<details") < page.index(english.statement)
    assert '<div lang="en" markdown>' in page                           # the quotation is marked English
    assert "Mae pobl yn rhannu ac yn derbyn." in page                   # translated indicators, not marked
    first_prompt = english.prompts["individual"][0]
    before = page[:page.index(first_prompt)]
    assert before.rstrip("- \n").endswith('<div class="in-english" lang="en" markdown>')   # untranslated: English
    assert not page.startswith('<div class="in-english"')              # the page itself is not wrapped as English
    report = subprocess.run([sys.executable, str(ROOT / "scripts" / "translations.py"), "--root", str(site.root),
                             "report", "--publish"], capture_output=True, text=True)
    assert "left out when publishing: principles/mutuality.cy.md" in report.stdout, report.stdout


# -- help lines per language --------------------------------------------------------------------------------------
HELP_CY = """\
  help:
    intro: Call if you need to.
    labels:
      cy: {intro: Ffoniwch os oes angen.}
    lines:
      - name: Samaritans
        number: "116 123"
        description: Free, any time.
        labels:
          cy: {name: Samaritans, description: "Am ddim, unrhyw bryd."}
      - name: Emergency services
        number: "999"
        description: If a life is at risk now.
"""


def with_help(help: str) -> str:
    """The i18n test site's mkdocs.yml with ``help`` under extra:."""
    anchor = "  publish: !ENV [HANDBOOK_PUBLISH, false]\n"
    return I18N_MKDOCS.replace(anchor, anchor + help)


def test_help_lines_show_each_label_in_the_page_language_and_mark_the_rest_english(make_site):
    site = make_site({}, mkdocs=with_help(HELP_CY))
    from macros.engine.site import Site

    loaded = Site.load(site.root)
    welsh = loaded.macros("help.cy.md").call("help_lines", [])
    assert welsh.startswith("<p>Ffoniwch os oes angen.</p>")
    assert '<li><strong>Samaritans</strong>: <a href="tel:116123">116 123</a>. Am ddim, unrhyw bryd.</li>' in welsh
    assert '<li lang="en"><strong>Emergency services</strong>' in welsh
    english = loaded.macros("help.md").call("help_lines", [])
    assert "<p>Call if you need to.</p>" in english and "Free, any time." in english and 'lang="en"' not in english


@pytest.mark.parametrize("labels, message", [
    ("labels:\n          fr: {name: Samaritains}", "extra.help.lines[0].labels.fr: not a language of this site (cy)"),
    ("labels:\n          cy: {number: \"116 123\"}",
     "unknown field extra.help.lines[0].labels.cy.number; use name, description, display, url_text (the number is "
     "the same in every language)"),
    ("labels:\n          cy: {name: 7}", "extra.help.lines[0].labels.cy.name must be text"),
    ("labels: Samaritans", "extra.help.lines[0].labels must map a language to its words, for example "
                           "labels: {cy: {name: ...}}"),
], ids=["unknown-language", "number", "not-text", "not-a-mapping"])
def test_a_bad_help_label_is_an_error_at_its_line(make_site, labels, message):
    help = HELP_CY.replace('labels:\n          cy: {name: Samaritans, description: "Am ddim, unrhyw bryd."}', labels)
    mkdocs = with_help(help)
    site = make_site({}, mkdocs=mkdocs)
    check = site.check()
    wrong = labels.split("\n")[-1].strip()                      # the line that is wrong, as written
    line = [text.strip() for text in mkdocs.split("\n")].index(wrong) + 1
    assert check.returncode == 2 and f"mkdocs.yml:{line}: {message} [config.invalid]" in check.stderr, check.stderr
    site.write("mkdocs.yml", with_help(HELP_CY))
    stubs = write_pages(site)                # the tiny site wrote no stubs while its config did not load
    assert stubs.returncode == 0, stubs.stdout + stubs.stderr
    fixed = site.check()
    assert fixed.returncode == 0, fixed.stdout
