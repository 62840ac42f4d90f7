"""The HTML that one part of the code writes and another reads back: every such class, attribute and mark.

``render`` writes these into pages; the coverage scan (``coverage/scan.py``) reads sections, exemptions
and durations back from the HTML the site generator made; the glue fills the placeholders; the course
packs and the stylesheet style them. A name changed here changes every side at once.
"""

from __future__ import annotations

import re

__all__ = [
    "DURATION_ATTRIBUTES", "DURATION_CLASS", "EXEMPT_CLASS", "EXEMPTION_PREFIX", "FILL", "FILL_PATTERN", "FRAGMENT_END", "fill_html",
    "SUMMARY_END", "SUMMARY_MARKS", "SUMMARY_START", "fill_mark", "strip_summary_marks",
]

#: A section marked as deliberately linked to no principle: ``<p class="principle-exempt">``.
EXEMPT_CLASS = "principle-exempt"
#: The words that open an exemption's paragraph, before its reason.
EXEMPTION_PREFIX = "Housekeeping, not linked to a principle:"
#: A section's length: ``<p class="section-duration" data-minutes="20" ...>``.
DURATION_CLASS = "section-duration"
#: The attributes of a duration: minutes, kind (``break``), and the teaching and activity split.
DURATION_ATTRIBUTES = ("data-minutes", "data-kind", "data-teaching", "data-activity")

#: Where cross-page content goes on the one-render route (MkDocs), filled once every page is known.
FILL = "<!--principles-fill:{}-->"
#: A placeholder as Python-Markdown writes it: a raw block, followed by a blank line unless it ends the page.
FILL_PATTERN = re.compile(r"<!--principles-fill:(\d+)-->(\n\n)?")
#: Put after a fragment's Markdown to learn what Python-Markdown writes after its last block.
FRAGMENT_END = "<!--principles-end-->"
#: Around a summary (another section's facts shown here): the coverage scan does not count what is inside.
SUMMARY_START, SUMMARY_END = "<!--principles-summary-->", "<!--/principles-summary-->"
SUMMARY_MARKS = re.compile(r"<!--/?principles-summary-->(?:\n\n)?")


def fill_mark(number: int) -> str:
    """The placeholder for cross-page content number ``number``, as a block of its own in Markdown."""
    return FILL.format(number)


def strip_summary_marks(html: str) -> str:
    """The page without the summary marks (they are for the scan, not for readers), exactly as it would be
    without them: a mark is a raw block, which Python-Markdown follows with a blank line."""
    if SUMMARY_START not in html:
        return html
    stripped = SUMMARY_MARKS.sub("", html)
    return stripped.rstrip("\n") if html.endswith(SUMMARY_END) else stripped


def fill_html(converted: str, last: bool) -> str:
    """A fragment's HTML, converted with ``FRAGMENT_END`` after it, as it would sit in its page: what
    Python-Markdown writes after the fragment's last block stays, unless the fragment ends the page."""
    html = converted.removesuffix(FRAGMENT_END)
    return html.rstrip("\n") if last else html
