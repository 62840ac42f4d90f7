"""The service review kit (build_course.py --review-kit): made from principles.yaml and a variant's values.

The real framework is made into the kit once per session, generic and for the example variant, and
read back: the PDF's text (pypdf), the DOCX (python-docx, and LibreOffice's rendering of it), the CSV.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
import yaml
from pypdf import PdfReader

from macros.cli import course as CLI
from macros.engine.course.course import Course
from macros.engine.course.review_kit import CSV_COLUMNS, JUDGEMENTS, indicator_question, kit_specs, review_items
from macros.engine.course.version import Version

from test_course import OUTPUT, _tool, pdf_text, words

ROOT = Path(__file__).resolve().parent.parent
VERSION = Version("test-version-1")
LOCAL_YML = ROOT / "local" / "example-trust" / "local.yml"


def make_kit(variant: str | None) -> dict:
    course = Course.load(ROOT, version=VERSION, variant=variant)
    made = {spec.format: course.packs.make(spec).data for spec in kit_specs()}
    made["framework"] = course.site.framework
    made["pdf_text"] = pdf_text(made["pdf"])
    document = docx.Document(io.BytesIO(made["docx"]))
    made["docx_text"] = words(" ".join(p.text for p in document.paragraphs))
    made["rows"] = list(csv.DictReader(io.StringIO(made["csv"].decode("utf-8-sig"))))
    return made


@pytest.fixture(scope="session")
def kit() -> dict:
    return make_kit(None)


@pytest.fixture(scope="session")
def variant_kit() -> dict:
    return make_kit("example-trust")


def raw_indicators() -> list[str]:
    """Every practice indicator as principles.yaml holds it (read here, not through the engine)."""
    data = yaml.safe_load((ROOT / "principles" / "principles.yaml").read_text(encoding="utf-8"))
    found = list(data["theme"]["handbook_own"]["indicators"])
    for principle in data["principles"]:
        found += principle["handbook_own"]["indicators"]
    return found


def test_the_first_page_says_it_reviews_the_service_and_never_scores_people(kit):
    first = words(PdfReader(io.BytesIO(kit["pdf"])).pages[0].extract_text())
    assert "Service review kit" in first
    assert "This kit reviews the service. It never scores people." in first
    assert "There are no individual ratings and no league tables" in first
    assert "This kit reviews the service. It never scores people." in kit["docx_text"]


@pytest.mark.parametrize("indicator", raw_indicators())
def test_every_indicator_in_the_yaml_is_a_question_in_every_format(kit, indicator):
    question = indicator_question(indicator)
    assert question.startswith("How far is it true here that ") and question.endswith("?")
    assert words(indicator.rstrip("."))[1:] in question  # the indicator's own words, only its first letter lowered
    assert question in kit["pdf_text"]
    assert question in kit["docx_text"]
    assert any(question in row["questions"] for row in kit["rows"])


def test_each_part_quotes_its_statement_with_attribution_and_has_room_judgement_and_actions(kit):
    framework = kit["framework"]
    items = review_items(framework)
    assert [p.id for p in items] == [*framework.ids, "diversity"]
    text = kit["pdf_text"]
    for item in items:
        assert words(item.statement) in text, item.id
        for prompt in item.prompts["organisational"]:
            assert words(prompt) in text, prompt
    n = len(items)
    assert text.count("Quoted from Gillard et al. (2017), CC BY 4.0.") == n
    for label in ("What we see", "Evidence we looked at", "Who was in the room", "What would change it",
                  "Owner (a role, not a name)", "By when"):
        assert text.count(label) == n, label
    assert text.count("\u2610 In place \u2610 Partly \u2610 Not yet") == n
    assert kit["docx_text"].count("Our judgement of the service") == n


def test_the_csv_is_one_row_per_part_with_blank_columns_to_fill(kit):
    text = kit["csv"].decode("utf-8")
    assert text.startswith("\ufeff" + ",".join(CSV_COLUMNS) + "\r\n")
    rows = kit["rows"]
    assert [(r["kind"], r["id"]) for r in rows] == [("principle", p) for p in kit["framework"].ids] + [("theme", "diversity")]
    assert [r["number"] for r in rows] == ["1", "2", "3", "4", "5", ""]
    for row in rows:
        assert all(row[c] == "" for c in CSV_COLUMNS[6:]), row["id"]
    assert JUDGEMENTS == ("In place", "Partly", "Not yet")


def test_a_variants_kit_has_its_own_values_and_rewordings(kit, variant_kit):
    local = yaml.safe_load(LOCAL_YML.read_text(encoding="utf-8"))
    assert local["values"], "the example variant has local values"
    for value in local["values"]:
        assert words(value["statement"]) in variant_kit["pdf_text"]
        assert f"Our own value: {value['title']}" in variant_kit["docx_text"]
        assert words(value["statement"]) not in kit["pdf_text"]
        for indicator in value.get("indicators", []):
            assert indicator_question(indicator) in variant_kit["pdf_text"]
        for prompt in value.get("prompts", {}).get("organisational", []):
            assert words(prompt) in variant_kit["pdf_text"]
    organisation = local["organisation"]["name"]
    assert f"In {organisation}'s own words" in variant_kit["pdf_text"]
    assert [r["id"] for r in variant_kit["rows"]][-len(local["values"]):] == [v["id"] for v in local["values"]]
    assert {r["kind"] for r in variant_kit["rows"][-len(local["values"]):]} == {"local"}
    reworded = local["principles"]["strengths-connections"]["title"]
    assert f"5. {reworded}" in variant_kit["pdf_text"] and f"5. {reworded}" not in kit["pdf_text"]


@pytest.mark.parametrize("which", ["kit", "variant_kit"])
def test_the_kit_pdf_passes_the_pdf_ua_1_checker(which, request):
    import page as pdf_checker

    data = request.getfixturevalue(which)["pdf"]
    reader = PdfReader(io.BytesIO(data))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/Lang"] == "en"
    assert reader.metadata.title.startswith("Service review kit \u2013 ")
    report = pdf_checker.validate_pdf_bytes(data, profile="ua1")
    assert [(f.rule_id, f.message) for f in report.failures] == [] and report.is_compliant


def test_the_kit_docx_opens_in_libreoffice_with_every_heading(kit, tmp_path):
    soffice = _tool("soffice")
    path = tmp_path / "service-review-kit.docx"
    path.write_bytes(kit["docx"])
    done = subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                          capture_output=True, text=True, timeout=180)
    converted = path.with_suffix(".pdf")
    assert done.returncode == 0 and converted.exists(), done.stdout + done.stderr
    # a line may break after a hyphen ("one-" / "way"), which the extracted text shows as "one- way"
    rendered = words(" ".join(p.extract_text() for p in PdfReader(str(converted)).pages)).replace("- ", "-")
    headings = [p.text for p in docx.Document(str(path)).paragraphs if p.style.name.startswith("Heading") and p.text.strip()]
    assert len(headings) >= 6 * 4  # each part: its title, questions, judgement, actions
    for heading in headings:
        assert words(heading) in rendered, heading
    for item in review_items(kit["framework"]):
        for indicator in item.indicators:
            assert indicator_question(indicator) in rendered
    pdftoppm = _tool("pdftoppm")
    OUTPUT.mkdir(exist_ok=True)
    for page in (1, 4):
        target = OUTPUT / f"libreoffice-review-kit-page{page}"
        subprocess.run([pdftoppm, "-f", str(page), "-l", str(page), "-r", "80", "-png", "-singlefile", str(converted),
                        str(target)], check=True, timeout=60)
        assert target.with_suffix(".png").stat().st_size > 10_000


# -- the command ------------------------------------------------------------------------------------------
@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the real project (its pages, principles and the example variant), outside git."""
    root = tmp_path / "project"
    for part in ("docs", "principles", "overrides", "local"):
        shutil.copytree(ROOT / part, root / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return root


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = CLI.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_command_is_cached_like_the_packs_and_a_local_value_edit_remakes_it(project, tmp_path, capsys):
    out = tmp_path / "kit"
    args = ("--root", str(project), "--review-kit", "--variant", "example-trust", "--format", "csv", "--out", str(out))
    code, stdout, _ = run(capsys, *args)
    assert code == 0 and f"wrote {(out / 'service-review-kit.csv').as_posix()}" in stdout
    code, stdout, _ = run(capsys, *args)
    assert code == 0 and "reused" in stdout and "Made 0 of 1 files (none); reused 1 unchanged" in stdout
    local = project / "local" / "example-trust" / "local.yml"
    local.write_text(local.read_text(encoding="utf-8").replace(
        "People come back to the service on their own terms.", "People come back when they choose to."),
        encoding="utf-8")
    code, stdout, _ = run(capsys, *args)
    assert code == 0 and "Wrote 1 of 1 files (1 CSV)" in stdout
    assert "How far is it true here that people come back when they choose to?" in \
        (out / "service-review-kit.csv").read_text(encoding="utf-8-sig")


def test_the_default_output_and_formats(project, capsys):
    code, stdout, stderr = run(capsys, "--root", str(project), "--review-kit", "--format", "csv,docx")
    assert (code, stderr) == (0, "")
    assert sorted(p.name for p in (project / "course").iterdir()) == ["service-review-kit.csv", "service-review-kit.docx"]
    assert stdout.splitlines()[-1].startswith("Wrote 2 of 2 files (1 DOCX, 1 CSV) to ")


@pytest.mark.parametrize(("args", "message"), [
    (["--review-kit", "--module", "3"], "--review-kit makes the service review kit only: leave out --module and --audience"),
    (["--format", "csv"], "--format csv is only for --review-kit (the packs are pdf and docx)"),
    (["--review-kit", "--format", "xlsx"], "argument --format: unknown format 'xlsx'; use pdf, docx or pdf,docx "
                                           "(and csv with --review-kit)"),
])
def test_option_mistakes_exit_2(args, message, capsys):
    with pytest.raises(SystemExit) as stop:
        CLI.main(["--root", str(ROOT), *args])
    assert stop.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"build_course.py: error: {message}"


def test_an_unknown_variant_is_a_one_line_error(capsys):
    code, out, err = run(capsys, "--root", str(ROOT), "--review-kit", "--variant", "nowhere")
    assert (code, out) == (2, "")
    assert err.startswith("error: ") and "nowhere" in err and len(err.splitlines()) == 1
