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
    site = welsh_site(make_site)
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
    assert "stale: training/all.md (draft); English sections changed: everything-at-once" in report.stdout
    assert stamp_cli(site, "docs/training/all.cy.md").returncode == 0
    assert "[translations.stale]" not in site.check("--language", "cy", "--publish").stdout


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
