"""Principle coverage: which principles each section of the site links, and the rules over that.

This is the one implementation of the check. The MkDocs build (through ``Site.scan``) and
``scripts/check_coverage.py`` both call ``scan_site`` over the same Markdown sources and get the
same ``Coverage``, so the build and CI cannot disagree. One job per module:

* ``model``: the data (``Section``, ``Module``, ``PageScan``, ``Coverage``) and its views;
* ``scan``: reading each rendered page into sections and links (the page is rendered by a callable
  the caller passes in, so this package does not depend on the macros or on Markdown settings);
* ``rules``: module timings and the site-wide principle rules, as coded diagnostics;
* ``reports``: text, JSON, JUnit and GitHub formats of a ``Coverage``.

The pages that show coverage (module overview, matrix, exemptions) are drawn by ``render``.
"""

from .model import Coverage, Module, PageScan, PlanRow, Section
from .reports import REPORT_FORMATS, format_github, format_json, format_junit, format_text, report_data
from .rules import check_module, rule_diagnostics
from .scan import RenderedPage, RenderPage, coverage_of, principle_target, read_rendered, scan_page, scan_site, split_front_matter

__all__ = [
    "REPORT_FORMATS", "Coverage", "Module", "PageScan", "PlanRow", "RenderPage", "RenderedPage", "Section",
    "check_module", "coverage_of", "read_rendered",
    "format_github", "format_json", "format_junit", "format_text", "principle_target", "report_data",
    "rule_diagnostics", "scan_page", "scan_site", "split_front_matter",
]
