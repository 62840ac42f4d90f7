"""The principles loader: every bad input gets an exact file:line:col message and a code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from macros.engine.diagnostics import CODES, ProblemsFound
from macros.engine.framework import LEVELS, load_framework, parse_framework

ROOT = Path(__file__).resolve().parent.parent
SOURCE = (ROOT / "principles" / "principles.yaml").read_text(encoding="utf-8")
P = "principles/principles.yaml"


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the nth line containing needle."""
    hits = [i + 1 for i, line in enumerate(text.splitlines()) if needle in line]
    return hits[nth - 1]


def col_of(text: str, needle: str, part: str, nth: int = 1) -> int:
    line = text.splitlines()[line_of(text, needle, nth) - 1]
    return line.index(part) + 1


def problems(text: str) -> list[str]:
    with pytest.raises(ProblemsFound) as caught:
        parse_framework(text, P)
    return [d.format() for d in caught.value.diagnostics]


def test_the_real_framework_loads_with_five_principles():
    fw = load_framework(ROOT / "principles" / "principles.yaml")
    assert fw.ids == ("relationships", "mutuality", "experiential-knowledge",
                      "leadership-choice-control", "strengths-connections")
    assert [p.number for p in fw.principles] == [1, 2, 3, 4, 5]
    assert fw.licence == "CC BY 4.0" and fw.doi == "10.1108/MHSI-03-2017-0016"
    for p in fw.principles:
        assert all(p.prompts[level] for level in LEVELS) and p.indicators and p.keywords


def test_statements_are_quoted_exactly_as_in_the_domain_notes():
    """The YAML quotes the principles word for word as DOMAIN.md does."""
    # tests/data/principles-quoted.md is the framework section of shared/DOMAIN.md, copied verbatim
    domain = ROOT / "tests" / "data" / "principles-quoted.md"
    text = " ".join(domain.read_text(encoding="utf-8").split())
    fw = parse_framework(SOURCE, P)
    for p in fw.principles:
        assert f"**{p.statement}**" in text, p.id
        for facet in p.facets:
            assert f"- {facet}" in text, facet
    assert fw.cross_cutting_title.lower() in text.lower()


def test_first_line_points_editors_at_the_schema():
    assert SOURCE.splitlines()[0] == "# yaml-language-server: $schema=schema.json"


EMPTY_TITLE = 'title: ""'
CASES = [
    pytest.param(
        lambda s: s.replace('  version: "1.0"', '  version: "1.0"\n  version: "2.0"'),
        lambda s: [f'{P}:{line_of(s, "version", 2)}:3: duplicate key "version" (first set on line '
                   f'{line_of(s, "version")}); remove one of them [yaml.duplicate-key]'],
        id="duplicate-key"),
    pytest.param(
        lambda s: s.replace("    number: 2\n", "    number: 2\n    titel: Mutual\n"),
        lambda s: [f'{P}:{line_of(s, "titel")}:5: unknown field "titel" in principles[1]; '
                   f'did you mean "title"? [principles.unknown-field]'],
        id="unknown-key"),
    pytest.param(
        lambda s: s.replace("  doi: 10.1108/MHSI-03-2017-0016\n", ""),
        lambda s: [f'{P}:{line_of(s, "  title: ENRICH")}:3: framework is missing "doi"; add it [principles.missing-field]'],
        id="missing-field"),
    pytest.param(
        lambda s: s.replace("    title: Experiential knowledge", '    title: ""'),
        lambda s: [f'{P}:{line_of(s, EMPTY_TITLE)}:12: principles[2].title is empty; fill it in or remove it '
                   f'[principles.empty-field]'],
        id="empty-string"),
    pytest.param(
        lambda s: s.replace("    title: Experiential knowledge", "    title:"),
        lambda s: [f'{P}:{line_of(s, "    title:", 3)}:11: principles[2].title is empty; write text here '
                   f'[principles.empty-field]'],
        id="empty-value"),
    pytest.param(
        lambda s: s.replace("    title: Mutuality and reciprocity", "    title: NO"),
        lambda s: [f'{P}:{line_of(s, "title: NO")}:12: principles[1].title must be text, but NO was read as '
                   f'a yes/no value (false); put it in quotes: "NO" [principles.wrong-type]'],
        id="title-NO"),
    pytest.param(
        lambda s: s.replace("  - id: mutuality", "  - id: 012"),
        lambda s: [f'{P}:{line_of(s, "id: 012")}:9: principles[1].id must be text, but 012 was read as a number '
                   f'(10); put it in quotes: "012" [principles.wrong-type]'],
        id="id-012"),
    pytest.param(
        lambda s: s.replace("    number: 3\n", "    number: three\n"),
        lambda s: [f'{P}:{line_of(s, "number: three")}:13: principles[2].number must be a whole number, not three '
                   f'[principles.wrong-type]'],
        id="number-as-text"),
    pytest.param(
        lambda s: s.replace("  - id: strengths-connections", "  - id: mutuality"),
        lambda s: [f'{P}:{line_of(s, "id: mutuality", 2)}:9: duplicate id "mutuality" (first used on line '
                   f'{line_of(s, "id: mutuality")}); give each principle its own id [principles.duplicate-id]'],
        id="duplicate-id"),
    pytest.param(
        lambda s: s.replace("  - id: mutuality", "  - id: Mutuality_2"),
        lambda s: [f'{P}:{line_of(s, "Mutuality_2")}:9: id "Mutuality_2" is not a valid id; use lower-case letters, '
                   f'digits and single hyphens, starting with a letter (for example "mutuality") [principles.bad-id]'],
        id="bad-id-pattern"),
    pytest.param(
        lambda s: s.replace("    number: 4\n", "    number: 7\n"),
        lambda s: [f'{P}:{line_of(s, "number: 7")}:13: principles[3] has number 7, but it is principle 4 in the '
                   f'list; number them 1, 2, 3 ... in order [principles.bad-number]'],
        id="bad-number"),
    pytest.param(
        lambda s: s.replace("    keywords:\n      - mutuality\n", "    keywords: &words\n      - mutuality\n")
                   .replace("    keywords:\n      - validating", "    keywords: *words\n    extra_keywords:\n      - validating"),
        lambda s: [f'{P}:{line_of(s, "&words")}:15: anchor "&words" is not allowed; write each value out in full '
                   f'(and 1 more anchor or alias in this file) [yaml.anchor]',
                   f'{P}:{line_of(s, "extra_keywords")}:5: unknown field "extra_keywords" in principles[2]; '
                   f'did you mean "keywords"? [principles.unknown-field]'],
        id="anchors-and-aliases"),
    pytest.param(
        lambda s: s.replace("    title: Mutuality and reciprocity", "    title: [Mutuality"),
        lambda s: [f"{P}:{line_of(s, 'title: [Mutuality') + 1}:14: while parsing a flow sequence, expected ',' or ']', "
                   f"but got ':'; check the indentation and quotes near here [yaml.syntax]"],
        id="syntax-error"),
    pytest.param(
        lambda s: "- just\n- a list\n",
        lambda s: [f"{P}:1:1: the file must be a mapping with framework, theme and principles at the top "
                   f"level, but it is a list [principles.not-a-mapping]"],
        id="not-a-mapping"),
    pytest.param(
        lambda s: "",
        lambda s: [f"{P}:1:1: the file must be a mapping with framework, theme and principles at the top "
                   f"level, but it is empty [principles.not-a-mapping]"],
        id="empty-file"),
]


@pytest.mark.parametrize(("mutate", "expected"), CASES)
def test_bad_input_gets_exact_messages(mutate, expected):
    text = mutate(SOURCE)
    assert problems(text) == expected(text)


def test_every_problem_is_reported_in_one_go():
    text = (SOURCE.replace("    title: Mutuality and reciprocity", "    title: NO")
                  .replace("  - id: experiential-knowledge", "  - id: 012")
                  .replace('  version: "1.0"', '  version: "1.0"\n  version: "2.0"')
                  .replace("    number: 5\n", "    number: 5\n    colour: blue\n"))
    codes = [m.rsplit("[", 1)[1].rstrip("]") for m in problems(text)]
    assert codes == ["yaml.duplicate-key", "principles.wrong-type", "principles.wrong-type", "principles.unknown-field"]


def test_missing_file(tmp_path):
    with pytest.raises(ProblemsFound) as caught:
        load_framework(tmp_path / "nope.yaml", P)
    assert caught.value.report() == (f"{P}:1:1: file not found; create it or fix the path to it "
                                     f"[principles.missing-file]\n1 problem found.")


def test_every_code_used_in_the_engine_is_documented_and_sorted():
    source = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "macros").rglob("*.py"))
    import re
    used = set(re.findall(r'"((?:coverage|macros|modules|principles|settings|source|yaml)\.[a-z-]+)"', source))
    used = {code for code in used if not (ROOT / (code.replace(".", "/") + ".py")).exists()}  # module names
    assert used <= set(CODES), used - set(CODES)
    assert list(CODES) == sorted(CODES)


ENGINE = ROOT / "macros" / "engine"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ENGINE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


#: Every engine module and package below macros/engine/ (the glue, macros/glue/, and the commands, macros/cli/, are not engine).
ENGINE_MODULES = sorted(name for name in (_module_name(p) for p in ENGINE.rglob("*.py")) if name)


def test_the_engine_is_all_there():
    assert {"framework", "strict_yaml", "diagnostics", "render", "weave", "page_macros", "coverage",
            "settings", "site", "course"} <= set(ENGINE_MODULES)


def _engine_imports(name: str) -> set[str]:
    """The engine modules that one engine module imports at run time (TYPE_CHECKING imports left out)."""
    import ast

    path = ENGINE / (name.replace(".", "/") + ".py")
    if not path.exists():
        path = ENGINE / name.replace(".", "/") / "__init__.py"
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            node.body = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".") if package else []
            base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
            target = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                full = f"{target}.{alias.name}" if target else alias.name
                found.add(full if full in ENGINE_MODULES else target)
    return {m for m in found if m in ENGINE_MODULES and m != name}


def test_no_import_cycle_among_engine_modules():
    graph = {name: _engine_imports(name) for name in ENGINE_MODULES}
    cycles = []

    def visit(name, trail):
        if name in trail:
            cycle = trail[trail.index(name):] + [name]
            # a package importing its own submodules (``coverage`` -> ``coverage.scan``) is not a cycle
            if not all(a.startswith(b + ".") or b.startswith(a + ".") for a, b in zip(cycle, cycle[1:])):
                cycles.append(" -> ".join(cycle))
            return
        for other in graph[name]:
            visit(other, trail + [name])

    for name in graph:
        visit(name, [])
    assert not cycles, cycles[0]


@pytest.mark.parametrize("module", ENGINE_MODULES)
def test_engine_modules_import_nothing_from_mkdocs(module):
    code = (f"import sys; import macros.engine.{module}; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'material', 'mkdocs_macros')); "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cli_reports_bad_yaml_without_a_traceback(tmp_path, make_site):
    site = make_site({"docs/training/a.md": "# A\n\n## One\n\n{{ principles(\"mutuality\") }}\n"},
                     framework=SOURCE.replace("    title: Mutuality and reciprocity", "    title: NO")
                                     .replace("  - id: mutuality", "  - id: 012"))
    result = site.check()
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == "2 problems found."
    assert f"{P}:{line_of(SOURCE, 'id: mutuality')}:9: principles[1].id must be text" in result.stderr
    built = site.build()
    assert built.returncode != 0
    assert "Traceback" not in built.stderr
    assert "principles[1].title must be text, but NO was read as a yes/no value" in built.stderr
