"""Property: the coverage check sees exactly the sections and links a reader sees.

Hypothesis writes random training pages from every kind of block that can hide or fake a section
or a link (ATX and setext headings, headings with no space, headings in admonitions and tabs,
links in HTML comments and code, macro chips, hand-written links). The site is built with MkDocs;
the CLI's sections must equal the ``<h2>`` headings of the built page, and the principles it
counts for each section must equal the principle links in that part of the built HTML.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

IDS = ("relationships", "mutuality", "experiential-knowledge", "leadership-choice-control", "strengths-connections")
WORDS = ("care", "home", "ward", "trust", "walk", "plan", "talk", "hope", "tea", "bus")

title = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(lambda w: " ".join(w).capitalize())
pid = st.sampled_from(IDS)

BLOCKS = st.one_of(
    title.map(lambda t: f"## {t}"),
    title.map(lambda t: f"##{t}"),
    title.map(lambda t: f"{t}\n{'-' * len(t)}"),
    title.map(lambda t: f"### {t}"),
    pid.map(lambda i: f'{{{{ principles("{i}") }}}}'),
    pid.map(lambda i: f"Read [more](../principles/{i}.md) here."),
    pid.map(lambda i: f"<!-- [hidden](../principles/{i}.md) -->"),
    title.map(lambda t: f"<!--\n## {t}\n-->"),
    pid.map(lambda i: f"```markdown\n## Not a section\n[code](../principles/{i}.md)\n```"),
    st.tuples(title, pid).map(lambda a: f'!!! note "Note"\n\n    ## {a[0]}\n\n    See [this](../principles/{a[1]}.md).'),
    pid.map(lambda i: f'=== "Tab"\n\n    Try [it](../principles/{i}.md).'),
    st.just("Plain words about the day."),
)
PAGE = st.lists(BLOCKS, min_size=1, max_size=8).map(lambda blocks: "# Page\n\n" + "\n\n".join(blocks) + "\n")


class ArticleReader(HTMLParser):
    """The built page's own content: each <h2>'s text and the principle pages linked under it."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # inside <article>
        self.sections: list[list] = []
        self.heading: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "article":
            self.depth += 1
        if not self.depth:
            return
        if tag in ("h1", "h2"):
            self.heading = [] if tag == "h2" else None
            if tag == "h1":
                self.sections.append(None)
        elif tag == "a" and self.sections and self.sections[-1] is not None:
            found = re.search(r"principles/([a-z-]+)/", a.get("href") or "")
            if found:
                self.sections[-1][1].add(found.group(1))

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1
        if tag == "h2" and self.heading is not None and self.depth:
            self.sections.append([" ".join("".join(self.heading).split()), set()])
            self.heading = None

    def handle_data(self, data):
        if self.heading is not None:
            self.heading.append(data)


def built_sections(html: str) -> list[tuple[str, set[str]]]:
    reader = ArticleReader()
    reader.feed(html)
    return [(title, ids) for title, ids in (s for s in reader.sections if s is not None)]


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pages=st.lists(PAGE, min_size=3, max_size=3))
def test_the_cli_sees_the_sections_and_links_of_the_built_html(make_site, tmp_path_factory, pages):
    files = {f"docs/training/p{n}.md": text for n, text in enumerate(pages)}
    site = make_site(files, settings="rules:\n  coverage.unlinked-section: warning\n  coverage.chip-inflation: 'off'\n",
                     root=tmp_path_factory.mktemp("property"))
    report = site.check("--format", "json")
    assert report.returncode in (0, 1), report.stderr
    data = json.loads(report.stdout)
    built = site.build()
    assert built.returncode == 0, built.stderr
    for n in range(len(pages)):
        path = f"docs/training/p{n}.md"
        cli = [(s["title"], set(s["principles"])) for s in data["sections"] if s["path"] == path]
        html = built_sections(site.html(f"training/p{n}/index.html"))
        assert cli == html, (pages[n], cli, html)
