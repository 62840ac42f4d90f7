"""Issue 21: one escalation rule everywhere, no operational secret on a public site, review dates on safety pages.

The escalation rule (three speeds and the cannot-reach rule) is data in principles/safety.yml, rendered by
``{{ escalation() }}``; these tests hold every page to it and check the rules that guard the safety pages.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from macros.engine.diagnostics import ProblemsFound
from macros.engine.public_text import secrets_in
from macros.engine.safety import RISK_WORDS as RISK
from macros.engine.safety import own_timings, parse_safety
from macros.engine.site import Site

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SAFETY = (ROOT / "principles" / "safety.yml").read_text(encoding="utf-8")

# A page "mentions risk" when its text (front matter and code left out) names any of the engine's RISK_WORDS.
# Pages that mention risk only as a word in a list or a report, never as guidance: each with why.
NOT_GUIDANCE = {
    "coverage.md": "the coverage report lists section titles",
    "performance.md": "build timings",
    "accessibility.md": "describes the site's accessibility",
}
_MACRO = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
_FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)


def page_texts() -> dict[str, str]:
    return {p.relative_to(DOCS).as_posix(): p.read_text(encoding="utf-8") for p in sorted(DOCS.rglob("*.md"))}


def prose(text: str) -> str:
    return _MACRO.sub(" ", _FENCE.sub(" ", _FRONT.sub("", text)))


# -- the rule as data ------------------------------------------------------------------------------------------

def test_the_rule_has_three_speeds_and_a_cannot_reach_rule_with_a_deadline():
    rule = parse_safety(SAFETY, schema_path=ROOT / "principles" / "safety.schema.json")
    assert [(s.speed, s.id) for s in rule.speeds] == [(1, "life-at-risk"), (2, "urgent-today"), (3, "any-other-worry")]
    assert "999" in rule.speeds[0].act and "even if they seem fine" in rule.speeds[0].act
    assert "plan" in rule.speeds[1].when and "saving up" in rule.speeds[1].when
    assert "never need the details" in rule.speeds[1].act and "always pass on" in rule.speeds[1].act
    assert "same day at the latest" in rule.speeds[2].act
    assert "same day" in rule.cannot_reach_rule and "first four weeks" in rule.cannot_reach_rule
    assert "out of hours" in rule.cannot_reach_fallback and "Never go looking" in rule.cannot_reach_fallback
    assert "already worried" in rule.cannot_reach_rule and "straight away" in rule.cannot_reach_rule
    assert "abuse or neglect is not one of the three speeds" in rule.not_a_speed  # crisis is not safeguarding


@pytest.mark.parametrize(("change", "at", "expected"), [
    (("  - id: any-other-worry\n    speed: 3", "  - id: life-at-risk\n    speed: 3"), ("- id: life-at-risk", -1),
     'principles/safety.yml:{line}:9: duplicate id "life-at-risk"; give each part of the rule its own id '
     "[principles.duplicate-id]"),
    (("    speed: 2\n", "    speed: 3\n"), ("- id: life-at-risk", 0),
     "principles/safety.yml:{line}:3: the speeds must be numbered 1, 2, 3, fastest first; the speeds themselves are "
     "fixed for every service [principles.bad-number]"),
])
def test_a_broken_rule_is_reported_at_its_line(change, at, expected):
    text = SAFETY.replace(*change, 1)
    assert text != SAFETY
    with pytest.raises(ProblemsFound) as error:
        parse_safety(text, schema_path=ROOT / "principles" / "safety.schema.json")
    line = [i for i, t in enumerate(text.splitlines(), 1) if t.strip() == at[0]][at[1]]
    assert expected.format(line=line) in error.value.report()


def test_a_missing_part_of_the_rule_is_refused_naming_the_field():
    text = SAFETY.replace("    act: >-\n      Tell your coordinator as soon as you can, and the same day at the latest.\n", "")
    with pytest.raises(ProblemsFound) as error:
        parse_safety(text, schema_path=ROOT / "principles" / "safety.schema.json")
    assert "principles/safety.yml:" in error.value.report() and "act" in error.value.report()


# -- every page says it the same way ------------------------------------------------------------------------------

def test_every_page_that_mentions_risk_shows_the_rule_or_links_to_it():
    missing = []
    for page, text in page_texts().items():
        if page in NOT_GUIDANCE or page.startswith("principles/"):
            continue  # principle pages are generated from the framework's YAML
        if RISK.search(prose(text)) and "escalation(" not in text and "escalation_link(" not in text:
            missing.append(page)
    assert missing == [], f"these pages mention risk without {{{{ escalation() }}}} or {{{{ escalation_link() }}}}"


def test_no_page_words_an_escalation_timing_of_its_own():
    """A sentence about risk with a timing in it is the rule in other words: it must come from the macro.
    Safeguarding keeps its own same-day route (a different process), so its sentences are left out."""
    found = []
    for page, text in page_texts().items():
        if page not in NOT_GUIDANCE:
            found += [f"{page}: {sentence[:140]}" for _, sentence in own_timings(prose(text))]
    assert found == []


def test_no_page_deflects_a_disclosed_plan():
    deflecting = re.compile(r"(steer|turn|bring|guide)[^.]{0,40}back to (how they|their feelings|feelings)", re.I)
    hits = [page for page, text in page_texts().items() if deflecting.search(text)]
    assert hits == []


@pytest.mark.parametrize("phrase", ["not optional", "theirs to take or leave", "blue folder"])
def test_no_coercive_or_secret_wording_in_any_source(phrase):
    sources = [*DOCS.rglob("*.md"), *(ROOT / "local").rglob("*.yml"), *(ROOT / "local").rglob("*.md"),
               *(ROOT / "principles").glob("*.y*ml")]
    assert [p.relative_to(ROOT).as_posix() for p in sources if phrase in p.read_text(encoding="utf-8").lower()] == []


# -- no operational secret on a public site -------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "kinds"), [
    ('If you say the code word **"blue folder"**, the buddy calls the police.', ["code word"]),
    ("Your coordinator gives you the code word in person.", []),
    ("The password: tulips", ["password"]),
    ("Ring Sam on 07700 900123 if you are running late.", ["mobile number"]),
    ("Or on +44 7700 900 123.", ["mobile number"]),
    ("The office line is 01632 960 002.", []),
    ("Sam lives at 14 Orchard Close, near the station.", ["street address"]),
    ("Post it to EX4 7PL.", ["postcode"]),
    ("Meet at the Valley Library café.", []),
    ("Our safe phrase: blue folder", ["code word"]),
    ('Say "red umbrella" to the buddy if you need help.', ["code word"]),
    ("Code word - blue folder", ["code word"]),
    ("Buddy rota: Sam Mon, Alex Tue", ["rota"]),
    ("Sam, our coordinator, works Monday to Thursday.", []),
])
def test_operational_secrets_are_found(text, kinds):
    kinds_found = []
    for f in secrets_in(text):
        kind = next(w for w in ("postcode", "code", "safe", "password", "mobile number", "street address", "rota")
                    if w in f.what)
        kinds_found.append("code word" if kind in ("code", "safe") else kind)
    assert kinds_found == kinds


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for part in ("mkdocs.yml", "docs", "macros", "overrides", "principles", "scripts", "local"):
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__", "site"))
        else:
            shutil.copy2(source, tmp_path / part)
    return tmp_path


def _check(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(project / "scripts" / "check_coverage.py"), "--root", str(project),
                           *args], capture_output=True, text=True)


def test_a_code_word_in_a_slot_or_a_local_page_is_refused_at_its_line(project):
    local = project / "local/example-trust/local.yml"
    text = local.read_text(encoding="utf-8")
    text = text.replace("the buddy calls you.", 'the buddy calls you. Our code word is "blue folder".', 1)
    local.write_text(text, encoding="utf-8")
    page = project / "local/example-trust/docs/handbook/local-resource-pack.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSam's mobile: 07700 900123\n", encoding="utf-8")
    slot_line = next(i for i, t in enumerate(text.splitlines(), 1) if "code word is" in t)
    page_line = len(page.read_text(encoding="utf-8").splitlines())
    for script, args in (("check_coverage.py", ("--variant", "example-trust")), ("build_variant.py", ("example-trust",))):
        result = subprocess.run([sys.executable, str(project / "scripts" / script), "--root", str(project), *args],
                                capture_output=True, text=True)
        assert result.returncode in (1, 2), script
        assert "Traceback" not in result.stderr
        assert f"local/example-trust/local.yml:{slot_line}: slots.lone-working holds a code word given in the text" \
            in result.stderr
        assert (f"local/example-trust/docs/handbook/local-resource-pack.md:{page_line}: this page holds a mobile number "
                f"(07700 900123)") in result.stderr
        assert "[local.secret-in-public-text]" in result.stderr
    assert not (project / "build").exists()


def test_a_slot_text_that_times_risk_its_own_way_is_refused(project):
    local = project / "local/example-trust/local.yml"
    text = local.read_text(encoding="utf-8")
    old = "    A risk to life follows the three speeds on the crisis page."
    assert old in text
    local.write_text(text.replace(old, "    Anything about risk to life goes to the care coordinator the same day."), encoding="utf-8")
    line = next(i for i, t in enumerate(local.read_text(encoding="utf-8").splitlines(), 1) if "risk to life goes" in t)
    result = _check(project, "--variant", "example-trust")
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr
    assert (f"local/example-trust/local.yml:{line}: slots.information-sharing times a response to risk in its own words "
            f'("Anything about risk to life goes to the care coordinator the same day.")') in result.stderr
    assert "[local.changes-the-speeds]" in result.stderr


def test_the_example_variant_and_the_site_publish_no_code_word():
    text = (ROOT / "local/example-trust/local.yml").read_text(encoding="utf-8")
    assert secrets_in(text) == []
    assert "gives you the code word in person" in " ".join(text.split())
    slots = (ROOT / "principles/slots.yml").read_text(encoding="utf-8")
    assert "code word, " not in slots and "coordinator gives those in person" in slots


# -- review dates ------------------------------------------------------------------------------------------------

def _review(last: str, next_: str, owner: str = "Clinical safety lead") -> str:
    return f"---\nreview:\n  owner: {owner}\n  last: {last}\n  next: {next_}\n---\n"


def test_review_dates_warn_when_overdue_and_fail_a_publish_build(make_site):
    site = make_site({"docs/handbook/old.md": _review("2025-01-01", "2025-06-01") + "# Old\n\nText.\n"})
    loaded = Site.load(site.root)
    coverage = loaded.scan(loaded.read_sources())
    overdue = [d for d in coverage.diagnostics if d.code == "pages.review-overdue"]
    assert [d.format() for d in overdue] == [
        "docs/handbook/old.md:1: this page's review was due on 2025-06-01; ask Clinical safety lead to review it, "
        "then update review.last and review.next [pages.review-overdue]"]
    assert coverage.severity(overdue[0]) == "warning" and not coverage.errors
    published = Site.load(site.root, publish=True)
    coverage = published.scan(published.read_sources())
    assert "pages.review-overdue" in [d.code for d in coverage.errors]
    result = site.check("--publish")
    assert result.returncode == 1 and "[pages.review-overdue]" in result.stdout + result.stderr
    assert site.check().returncode == 0


def test_a_safety_page_without_dates_is_flagged_and_bad_fields_are_named(make_site):
    site = make_site({
        "docs/help.md": "# Help\n\nCall 999.\n",
        "docs/handbook/on-the-ward.md": _review("2026-13-01", "2027-01-01", owner="Dr Jane Smith") + "# Ward\n",
    }, safety_pages=("help.md", "handbook/on-the-ward.md"))
    loaded = Site.load(site.root)
    coverage = loaded.scan(loaded.read_sources())
    found = sorted(d.format() for d in coverage.diagnostics if d.code.startswith("pages."))
    assert ("docs/help.md:1: this safety page has no review dates; add front matter review: with owner (a role), "
            "last and next (YYYY-MM-DD), after the safety lead signs it off [pages.review-missing]") in found
    assert ("docs/handbook/on-the-ward.md:1: review.owner \"Dr Jane Smith\" looks like a person's name; name a role, "
            "never a person [pages.bad-review]") in found
    assert "docs/handbook/on-the-ward.md:4:9: front matter: cannot read '2026-13-01' (month must be in 1..12)" in \
        "\n".join(found + [d.format() for d in coverage.diagnostics])


def test_the_review_line_shows_at_the_foot_of_the_page_and_in_the_report(make_site):
    site = make_site({"docs/handbook/kept.md": _review("2026-11-01", "2099-11-01") + "# Kept\n\nText.\n"})
    result = site.build()
    assert result.returncode == 0, result.stderr
    html = site.html("handbook/kept/index.html")
    assert ('<p class="page-review">Owner: Clinical safety lead; last reviewed 2026-11-01; '
            'next review due 2099-11-01.</p>') in html
    report = site.check("--format", "json")
    import json

    rows = json.loads(report.stdout)["reviews"]
    assert {"page": "handbook/kept.md", "owner": "Clinical safety lead", "status": "signed-off",
            "last_reviewed": "2026-11-01",
            "next_review": "2099-11-01", "overdue": False} in rows


def test_every_safety_page_has_an_owner_role_and_dates():
    rule = parse_safety(SAFETY, schema_path=ROOT / "principles" / "safety.schema.json")
    loaded = Site.load(ROOT)
    coverage = loaded.scan(loaded.read_sources())
    reviewed = {r.src_uri: r for r in coverage.reviews}
    missing = [p for p in rule.pages if (DOCS / p).exists() and p not in reviewed]
    assert missing == []
    assert all(reviewed[p].next > dt.date.today() for p in reviewed)
    assert [p for p in rule.pages if not (DOCS / p).exists()] == []


# -- the help page -------------------------------------------------------------------------------------------------

def test_help_page_texts_shout_gives_deaf_access_and_puts_local_contacts_first(real_site):
    html = (real_site / "help" / "index.html").read_text(encoding="utf-8")
    assert 'href="sms:85258"' in html and 'href="tel:85258"' not in html
    assert "999 BSL" in html and 'href="tel:18000"' in html and 'href="sms:999"' in html
    local = html.index('id="your-local-crisis-contacts"')
    assert local < html.index('id="if-you-are-not-in-the-uk"')
    assert "badly hurt" in html and "A&amp;E" in html
    assert 'class="escalation"' in html
    # the generic handbook has no local lines: a note tells the local team where theirs go
    assert html.index("adds its crisis team and out-of-hours numbers here") > local


def test_a_variants_own_help_lines_show_under_the_local_heading(project):
    result = subprocess.run([sys.executable, str(project / "scripts" / "build_variant.py"), "--root", str(project),
                             "example-trust"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    html = next((project / "build").rglob("help/index.html")).read_text(encoding="utf-8")
    local = html.index('id="your-local-crisis-contacts"')
    assert html.index("Example Valley crisis and home treatment team") > local
    assert html.index("Samaritans") < local
    assert "adds its crisis team and out-of-hours numbers here" not in html
    assert "blue folder" not in html


# -- course packs ------------------------------------------------------------------------------------------------

def test_packs_for_modules_7_11_and_14_show_the_rule_and_handouts_carry_no_facilitator_notes(tmp_path):
    """The escalation box prints in the modules that teach risk; a participant handout still has no facilitator
    note (the facilitator guide of the same module does)."""
    from pypdf import PdfReader

    out = tmp_path / "packs"
    args = [sys.executable, str(ROOT / "scripts" / "build_course.py"), "--out", str(out), "--format", "pdf"]
    for module in ("7", "11", "14"):
        args += ["--module", module]
    result = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr

    def text_of(name: str) -> str:
        (path,) = out.glob(name)
        return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages)

    for stem in ("07-*", "11-*", "14-*"):
        handout = text_of(f"{stem}participant-handout.pdf")
        guide = text_of(f"{stem}facilitator-guide.pdf")
        for words in ("Speed 1: Life at risk now.", "Speed 2: Urgent today.", "Speed 3: Any other worry.",
                      "When you cannot reach someone."):
            assert words in handout and words in guide, (stem, words)
        assert "For facilitators" in guide and "For facilitators" not in handout, stem
