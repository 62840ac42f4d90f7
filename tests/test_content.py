"""The handbook content: complete, plain English, woven with the principles."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import textstat

from macros.engine.project import read_project_config
from macros.engine.site import Site

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SITE = Site.load(ROOT)
SOURCES = SITE.read_sources()
COVERAGE = SITE.scan(SOURCES)

#: Pages for programme leads and maintainers rather than for readers of the handbook.
TECHNICAL = {"performance.md", "coverage.md"}
#: English reader pages: the reading-ease formulas are English ones (translations are checked against their source
#: by the translation rules instead, tests/test_translations.py).
READER_PAGES = sorted(p for p in SOURCES if p not in TECHNICAL and SITE.language_of(p) == SITE.locales[0])

HANDBOOK = ["peer-worker-role", "coordinator-role", "on-the-ward", "discharge-meetings", "first-weeks-at-home",
            "working-with-teams", "notes-and-records", "boundaries-and-sharing", "endings",
            "looking-after-yourself", "adapting-locally", "crisis-suicide-and-self-harm", "lone-working-and-home-visits",
            "safeguarding"]


def prose(markdown: str) -> str:
    """The words a reader reads: no front matter, macros, code, HTML, link targets or Markdown marks."""
    text = re.sub(r"(?s)\A---\n.*?\n---\n", "", markdown)
    text = re.sub(r"(?s)```.*?```", "", text)
    text = re.sub(r"`[^`]*`", "", text)
    text = re.sub(r"(?s)\{\{.*?\}\}|\{[:#.][^}]*\}", "", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r'^\s*(\?\?\?\+?|!!!)\s+\w+(\s+"([^"]*)")?', r"\3.", text, flags=re.M)
    text = re.sub(r"^\s*(=== )", "", text, flags=re.M)
    text = re.sub(r"[#*_>|]", " ", text)
    text = re.sub(r"^\s*(\d+\.|-)\s+", "", text, flags=re.M)
    return text


def words(markdown: str) -> int:
    return len(re.findall(r"[A-Za-z][A-Za-z'’-]*", prose(markdown)))


@pytest.mark.parametrize("page", READER_PAGES)
def test_plain_english(page):
    score = textstat.flesch_reading_ease(prose(SOURCES[page]))
    assert score >= 60, f"{page}: Flesch reading ease {score:.1f} is below 60; use shorter sentences and words"


def test_the_whole_site_has_at_least_18000_words_of_original_content():
    total = sum(words(SOURCES[p]) for p in SOURCES)
    assert total >= 18000, total


@pytest.mark.parametrize("module", COVERAGE.modules, ids=lambda m: m.src_uri)
def test_each_module_is_complete(module):
    text = SOURCES[module.src_uri]
    assert words(text) >= 800
    assert "{{ module_overview() }}" in text
    assert re.search(r'^\?\?\? facilitator "For facilitators"$', text, re.M), "facilitator notes"
    assert re.search(r"^###? Activity", text, re.M), "participant activities"
    assert sum(s.minutes for s in module.sections) == module.duration
    assert module.objectives
    body = text.split("{{ module_overview() }}", 1)[1].split("\n## ", 1)[0]
    assert len(prose(body).split()) >= 30, "an introduction before the first section"


def test_there_are_at_least_eight_modules_and_a_local_template():
    numbers = [m.number for m in COVERAGE.modules]
    assert len(numbers) >= 9 and numbers == sorted(set(numbers))
    assert "training/local-module-template.md" in {m.src_uri for m in COVERAGE.modules}
    assert "training/index.md" in SOURCES


def test_coverage_passes_on_the_real_handbook():
    result = subprocess.run([sys.executable, "scripts/check_coverage.py"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert COVERAGE.summary()["unlinked"] == 0
    for section in COVERAGE.training_sections:
        if section.exempt is not None:
            assert re.search(r"welcome|break|timing|close|housekeeping", section.exempt, re.I), section


@pytest.mark.parametrize("principle", SITE.framework.ids)
def test_every_principle_is_taught_in_two_modules_and_all_supervision_guides(principle):
    modules = {s.src_uri for s in COVERAGE.taught_in(principle) if COVERAGE.module_for(s.src_uri)}
    assert len(modules) >= 2, modules
    for level in ("individual", "team", "organisational"):
        assert principle in COVERAGE.pages[f"supervision/{level}.md"].links


def test_handbook_pages_exist():
    for name in HANDBOOK:
        assert f"handbook/{name}.md" in SOURCES
    for page in ("index.md", "help.md", "glossary.md", "accessibility.md", "supervision/reflective-checklist.md",
                 "supervision/individual.md", "supervision/team.md", "supervision/organisational.md",
                 "supervision/after-a-death-or-serious-incident.md", "training/11-suicide-self-harm-and-crisis.md"):
        assert page in SOURCES


@pytest.mark.parametrize("page", sorted(SOURCES))
def test_no_placeholders_no_phone_numbers_one_h1(page):
    text = SOURCES[page]
    assert not re.search(r"\b(lorem|ipsum|TODO|TBD|FIXME)\b|example text", text, re.I)
    if page != "performance.md":
        assert not re.search(r"\b\d{3}[ -]?\d{3}[ -]?\d{3,4}\b", prose(text)), "phone numbers belong in mkdocs.yml"
    body = re.sub(r"(?s)```.*?```", "", text)
    assert len(re.findall(r"^# ", body, re.M)) == 1
    levels = [len(h) for h in re.findall(r"^(#{1,6}) ", body, re.M)]
    for before, after in zip(levels, levels[1:]):
        assert after <= before + 1, f"{page}: heading level jumps from {before} to {after}"


def test_no_medication_or_diagnosis_advice():
    for page, text in SOURCES.items():
        assert not re.search(r"\b(mg|dosage|dose of|prescribe|antipsychotic|antidepressant)\b", text, re.I), page


def test_navigation_is_at_most_three_levels_and_lists_every_page():
    nav = read_project_config(ROOT).data["nav"]
    listed = []

    def walk(items, depth):
        assert depth <= 3
        for item in items:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            if isinstance(value, list):
                walk(value, depth + 1)
            else:
                listed.append(value)

    walk(nav, 1)
    # a translation (help.cy.md) is not a page of its own: the i18n plugins put it in its page's place
    english = {src for src in SOURCES if SITE.language_of(src) == SITE.locales[0]}
    expected = english | {p.src_uri for p in SITE.framework.linkable}
    assert set(listed) == expected


# --- Staying safe: two kinds of plan, crisis help, lone working, confidentiality (issue 15) ---

LONE_WORKING_PAGE = "handbook/lone-working-and-home-visits.md"

#: Words that call something optional, or say that a person may do without it.
OPTIONAL = re.compile(
    r"\boptional\b|choose not to (have|make|write)|(no one|nobody) (has|needs) to have"
    r"|(does|do) not (have|need) to have (one|a plan)|having one is (always )?(their|the person's|your) choice",
    re.I)
#: ... unless the same sentence says the opposite ("never optional", "not optional").
NOT_OPTIONAL = re.compile(r"\b(not|never|isn't)\b[^.;:]{0,40}\boptional\b", re.I)
#: The care team's plan (discharge arrangements, the care plan, aftercare), or "any plan" that lumps both kinds together.
CARE_TEAM_PLAN = re.compile(
    r"care[- ]team'?s? plan|\bcare plan|discharge (plan|arrangements)|discharge, crisis|\(discharge"
    r"|\baftercare\b|section 117|plan for going home|\bany (such )?plan\b|\bany plan like this\b",
    re.I)


def plan_passages(markdown: str) -> list[tuple[str, list[str]]]:
    """Each paragraph, list item or glossary entry, with its sentences; code and macros removed."""
    text = re.sub(r"(?s)```.*?```", "", markdown)
    text = re.sub(r"(?s)\{\{.*?\}\}", "", text)
    units = re.split(r"\n\s*\n|\n(?=\s*(?:[-*]|\d+\.)\s)", text)
    return [(unit, [s for s in re.split(r"(?<=[.!?])\s+", " ".join(unit.split())) if s]) for unit in units]


def optional_care_team_plans(markdown: str) -> list[str]:
    """Passages that call a plan optional while the passage is about the care team's plan (or any plan)."""
    found = []
    for unit, sentences in plan_passages(markdown):
        calls_optional = [s for s in sentences if OPTIONAL.search(s) and not NOT_OPTIONAL.search(s)]
        about_care_team = [s for s in sentences if CARE_TEAM_PLAN.search(s) and not NOT_OPTIONAL.search(s)]
        if calls_optional and about_care_team:
            found.append(" ".join(unit.split())[:160])
    return found


@pytest.mark.parametrize("passage, wrong", [
    ("People may be offered a discharge plan or a crisis plan. Any plan like this is the person's own, and it is optional.",
     True),
    ("- Any discharge, crisis or recovery plan is the person's own. They can choose not to have one.", True),
    ("**Plan (discharge, crisis or recovery)**\n: Any plan belongs to the person. Having one is always their choice.",
     True),
    ("- any plan is the person's own and optional;", True),
    ("Your own crisis plan is optional. It is yours to write, or not.", False),
    ("The care team's plan is not optional: it is how the service looks after you.", False),
    ("Your own plan is optional.\n\nThe care plan and aftercare are the care team's. They are never optional.", False),
])
def test_the_plan_check_tells_the_two_kinds_apart(passage, wrong):
    assert bool(optional_care_team_plans(passage)) is wrong


@pytest.mark.parametrize("page", sorted(SOURCES))
def test_the_care_teams_plan_is_never_called_optional(page):
    assert not optional_care_team_plans(SOURCES[page]), (
        f"{page}: only the person's own plan is optional; keep the care team's plan (discharge arrangements, "
        f"care plan, aftercare) apart and never call it optional")


def test_help_page_points_to_the_persons_own_crisis_plan_and_safety_first():
    text = SOURCES["help.md"]
    assert re.search(r"\b(your|their|the person's) own (crisis|safety) plan", text, re.I), "the person's own crisis plan"
    assert re.search(r"if it is safe for you", text, re.I), "stay with someone only if it is safe for you"
    assert re.search(r"crisis (team|or home treatment team)|home treatment team", text, re.I), "the local crisis team"


HOME_VISIT = re.compile(
    r"\bhome visits?\b|\bvisits? (at|to) (the person's|their|someone's|a person's) home"
    r"|\bmeet(ing|s)? (at|in) (the person's |their |someone's |a person's )?home\b|\b(at|in) the person's home\b",
    re.I)


@pytest.mark.parametrize("page", sorted(p for p in SOURCES if p != LONE_WORKING_PAGE))
def test_every_page_that_mentions_a_home_visit_links_the_lone_working_guidance(page):
    text = SOURCES[page]
    if HOME_VISIT.search(prose(text)):
        assert re.search(r"\]\((\.\./)*(handbook/)?lone-working-and-home-visits\.md(#[^)]*)?\)", text), (
            f"{page} mentions a home visit; link the lone-working guidance ({LONE_WORKING_PAGE})")


def test_the_lone_working_page_exists():
    assert LONE_WORKING_PAGE in SOURCES


def test_no_promise_that_what_people_say_stays_between_us():
    for path in sorted(DOCS.rglob("*.md")):
        assert "stays between us" not in path.read_text(encoding="utf-8").lower(), path


@pytest.mark.parametrize("page", ["training/11-suicide-self-harm-and-crisis.md", "handbook/crisis-suicide-and-self-harm.md",
                                  "help.md", "supervision/after-a-death-or-serious-incident.md"])
def test_suicide_and_self_harm_are_talked_about_in_the_safety_pages(page):
    assert page in SOURCES, f"{page} is missing"
    paragraphs = [p for p in re.split(r"\n\s*\n", SOURCES[page]) if not re.match(r"\s*([-*]|\d+\.|#)", p)]
    for word in ("suicide", "self-harm"):
        assert any(word in p.lower() and len(prose(p).split()) >= 20 for p in paragraphs), (
            f"{page}: talk about {word} in a paragraph of its own, not only in a list")


# --- Trainers can run every module as written (issue 16) ---

def module_phrases(markdown: str, n: int = 6) -> set[str]:
    """Every run of n words in a module's prose, leaving out link text and admonition titles."""
    text = re.sub(r"!?\[[^\]]*\]\([^)]*\)", " ", markdown)            # link text goes with the link
    text = re.sub(r'^\s*(\?\?\?\+?|!!!)\s+\w+(\s+"[^"]*")?', " ", text, flags=re.M)  # admonition titles
    words = re.findall(r"[a-z][a-z'’-]*", prose(text).lower())
    return {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}


def test_no_six_word_phrase_appears_in_more_than_three_modules():
    seen: dict[str, list[str]] = {}
    for module in COVERAGE.modules:
        for phrase in module_phrases(SOURCES[module.src_uri]):
            seen.setdefault(phrase, []).append(module.src_uri)
    repeated = {phrase: pages for phrase, pages in seen.items() if len(pages) > 3}
    assert not repeated, f"{len(repeated)} phrases read like a template, e.g. {sorted(repeated.items())[:3]}"


def test_the_phrase_check_catches_a_stock_opener():
    stock = "Say your name and one thing that made you smile this week."
    counts = [module_phrases(f"# M\n\n{stock}\n") for _ in range(4)]
    assert "say your name and one thing" in set.intersection(*counts)


@pytest.mark.parametrize("module", COVERAGE.modules, ids=lambda m: m.src_uri)
def test_each_module_is_runnable_as_written(module):
    assert module.breaks or module.duration < 120, "a break in every long module"
    assert module.focus, "focus: in the front matter"
    assert module.materials and module.key_points, "a materials list and key points for the facilitator"
    teaching = [s for s in module.sections if s.kind == "session" and s.exempt is None]
    assert all(s.teaching is not None for s in teaching), "teaching and activity time on every teaching section"
    assert any("diversity" in s.principles for s in module.sections), "a section on the diversity of lived experience"


def test_the_readiness_check_is_in_the_programme_plan():
    plan = SOURCES["training/index.md"]
    assert "14-readiness-and-sign-off.md" in plan
    assert "feedback circle" in plan.lower()
    assert any(m.src_uri == "training/14-readiness-and-sign-off.md" for m in COVERAGE.modules)


# --- Safe to sign off: one escalation rule, no secrets, facts a safety lead accepts (issue 21, content side) ---

CRISIS_PAGE = "handbook/crisis-suicide-and-self-harm.md"
MODULE_11 = "training/11-suicide-self-harm-and-crisis.md"
SAFETY_PAGES = [CRISIS_PAGE, "handbook/safeguarding.md", "handbook/lone-working-and-home-visits.md",
                "handbook/first-weeks-at-home.md", "handbook/on-the-ward.md", "handbook/peer-worker-role.md",
                "handbook/working-with-teams.md", "handbook/notes-and-records.md",
                "supervision/after-a-death-or-serious-incident.md", "supervision/index.md", "supervision/individual.md",
                "supervision/team.md", MODULE_11]
#: A line that steers the peer worker away from a disclosed plan ("gently turn back to how they feel").
DEFLECTS_A_PLAN = re.compile(r"(turn|steer|move|bring)\s+(it\s+)?back\s+to\s+how\s+(they|the person|you)\s+feel", re.I)


@pytest.mark.parametrize("page", sorted(SOURCES))
def test_no_page_steers_away_from_a_disclosed_plan(page):
    assert not DEFLECTS_A_PLAN.search(SOURCES[page]), f"{page}: a plan, a time or the means to hand is urgent"


def test_the_deflection_check_catches_the_old_line():
    assert DEFLECTS_A_PLAN.search("If the person starts to describe them, you can gently turn back to how they feel.")
    assert not DEFLECTS_A_PLAN.search("If the person tells you about a plan, do not steer away from it.")


def test_the_crisis_page_holds_the_whole_rule_and_module_11_practises_it():
    crisis, module = SOURCES[CRISIS_PAGE], SOURCES[MODULE_11]
    assert re.search(r"^## .*\{ ?#three-speeds ?\}$", crisis, re.M), "the rule's heading has the id three-speeds"
    assert "{{ escalation() }}" in crisis and "{{ escalation() }}" in module
    for material in ("crisis-scene-jo", "refusal-scene-alex", "three-speeds-scenes"):
        assert f'{{{{ material("{material}") }}}}' in module, material
    assert re.search(r"everyone has played the peer worker", module, re.I), "every trainee plays the peer worker"
    assert re.search(r"statutory and mandatory training.{0,80}never replaces it", module, re.I | re.S)
    assert re.search(r"no-suicide contract.{0,40}not used", crisis + module, re.I | re.S)


@pytest.mark.parametrize("page", SAFETY_PAGES)
def test_each_safety_page_names_an_owner_role_and_its_review_dates(page):
    meta = re.match(r"(?s)---\n(.*?)\n---\n", SOURCES[page])
    assert meta, f"{page}: front matter with review: owner, last, next"
    review = re.search(r"(?m)^review:\n  owner: (.+)\n(?:  status: (?:awaiting-sign-off|signed-off)\n)?"
                       r"  last: (\d{4}-\d\d-\d\d)\n  next: (\d{4}-\d\d-\d\d)$", meta.group(1))
    assert review, f"{page}: review: owner, last and next"
    assert re.search(r"\b(lead|manager|coordinator|guardian|director)\b", review.group(1), re.I), "a role, not a name"
    assert review.group(2) < review.group(3)


def test_the_safeguarding_page_is_its_own_route():
    text = SOURCES["handbook/safeguarding.md"]
    for needed in ("Care Act 2014", "section 42", "Children Act", "self-neglect", "domestic abuse",
                   "Making Safeguarding Personal", "the same day", '{{ local("safeguarding") }}', "{{ escalation_link() }}"):
        assert needed.lower() in text.lower(), needed


@pytest.mark.parametrize("page", sorted(SOURCES))
def test_a_safety_worry_is_never_sent_down_the_safeguarding_process(page):
    text = " ".join(SOURCES[page].split())
    assert not re.search(r"worried about (someone's|anyone's|the person's) safety[^.]*safeguarding process", text, re.I), page


@pytest.mark.parametrize("page", sorted(SOURCES))
def test_the_care_teams_plan_is_described_as_the_services_duty_not_as_compulsory(page):
    text = " ".join(SOURCES[page].split())
    assert not re.search(r"not optional|theirs to take or leave|not a choice", text, re.I), page


#: The training modules other than 11 are checked by their own tests (issue 23 rewrites them).
NOT_OTHER_MODULES = sorted(p for p in SOURCES if not p.startswith("training/") or p == MODULE_11)


@pytest.mark.parametrize("page", NOT_OTHER_MODULES)
def test_facts_are_stated_as_a_safety_lead_accepts(page):
    text = " ".join(SOURCES[page].split())
    assert not re.search(r"one in six", text, re.I), f"{page}: say around one in seven, or a figure with its year"
    assert not re.search(r"large review", text, re.I), f"{page}: Dazzi and others (2014) reviewed 13 studies"
    assert not re.search(r"Caldicott[^.]*\b(is|are|the) law\b", text, re.I), f"{page}: the Caldicott principles are guidance"
    assert not re.search(r"right to (a trained |an )?interpreter", text, re.I), f"{page}: an interpreter is good practice"


def test_the_72_hour_follow_up_and_the_law_are_named():
    for page in (CRISIS_PAGE, "handbook/first-weeks-at-home.md"):
        assert re.search(r"72 hours.{0,200}80%", " ".join(SOURCES[page].split())), page
    notes = SOURCES["handbook/notes-and-records.md"]
    for law in ("common law duty of confidentiality", "UK GDPR", "Data Protection Act 2018", "Mental Capacity Act 2005"):
        assert law in notes, law
    assert re.search(r"tribunal", SOURCES["glossary.md"], re.I)
    assert re.search(r"responsible clinician decides", SOURCES["glossary.md"])


def test_after_a_death_names_the_processes_and_the_records_rule():
    text = " ".join(SOURCES["supervision/after-a-death-or-serious-incident.md"].split())
    for needed in ("PSIRF", "inquest", "police", "dated the day you write it", "work phone", "The trust leads contact with",
                   "caseload"):
        assert needed in text, needed
    assert re.search(r"do not decide who is to blame, whether the death could have been prevented, or what caused it", text)


def test_no_operational_secret_in_the_example_variant():
    text = (ROOT / "local" / "example-trust" / "local.yml").read_text(encoding="utf-8")
    assert "blue folder" not in text.lower()
    assert not re.search(r"code ?word (is )?\*{0,2}[\"'“]", text, re.I), "code words are given in person"
    assert "gives you the code word in person" in " ".join(text.split())


# --- Slack: one activity per module is marked "cut if short" (issue 23) ---

@pytest.mark.parametrize("module", COVERAGE.modules, ids=lambda m: m.src_uri)
def test_each_module_marks_one_section_cut_if_short_in_its_session_plan(module):
    marked = [s for s in module.sections if s.cut_if_short]
    if module.keep_whole:  # the safety module: nothing is cut, and the plan says why
        from macros.engine.render import session_plan_table

        assert marked == [] and module.src_uri == "training/11-suicide-self-harm-and-crisis.md"
        plan = session_plan_table(module, SITE.framework, module.src_uri)
        assert "Keep this module whole." in plan and plan.lower().count("nothing is cut") == 1
        handout = session_plan_table(module, SITE.framework, module.src_uri, for_facilitators=False)
        assert "whole" not in handout and "cut" not in handout.lower(), "a participant's plan says neither"
        return
    assert len(marked) == 1, [s.title for s in marked]
    assert marked[0].kind == "session" and marked[0].exempt is None, "cut a taught activity, never a break or welcome"
    from macros.engine.render import session_plan_table
    plan = session_plan_table(module, SITE.framework, module.src_uri)
    assert plan.count("(cut if short)") == 1 and f"(#{marked[0].anchor}) (cut if short)" in plan
    assert "cut if short" not in session_plan_table(module, SITE.framework, module.src_uri, for_facilitators=False)


def test_activity_titles_are_unique_across_modules():
    titles: dict[str, list[str]] = {}
    for module in COVERAGE.modules:
        for title in re.findall(r"^### (Activity: .+)$", SOURCES[module.src_uri], re.M):
            titles.setdefault(title.strip(), []).append(module.src_uri)
    assert {t: p for t, p in titles.items() if len(p) > 1} == {}
