"""Diagnostics: every problem the engine finds, with where it came from and a stable code.

Every message has the same shape, ``path:line[:col]: message [code]``, so that editors, CI
annotations and people can all find the place. ``CODES`` is the sorted, documented list of all
codes; a test keeps it in step with the code base.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["closest", "CODES", "Diagnostic", "did_you_mean", "ProblemsFound"]

#: Every diagnostic code, with what it means. Sorted by code.
CODES: dict[str, str] = {
    "config.invalid": "mkdocs.yml cannot be read as YAML, or is not a mapping of settings.",
    "course.duplicate-file-name": "Two module pages in different folders share a file name, which names their packs.",
    "course.duplicate-module": "Two training pages give the same module number, so packs would clash.",
    "course.template-error": "A module page uses Jinja beyond our macros that the course packs cannot render.",
    "coverage.chip-inflation": "A section that links more principles than it can really work with (a warning).",
    "coverage.exempt-without-reason": "A no_principle() exemption with an empty reason.",
    "coverage.principle-not-focus": "A principle that no module names in its focus.",
    "coverage.principle-not-taught": "A principle that no training section links to.",
    "coverage.supervision-missing-principle": "A supervision guide that does not link a principle.",
    "coverage.supervision-missing-theme": "A supervision guide that does not link the cross-cutting theme.",
    "coverage.theme-not-addressed": "A training module with no section that links the cross-cutting theme.",
    "coverage.unlinked-section": "A training section with no link to any principle and no exemption.",
    "local.bad-page": "A local page that is missing, unlisted in local.yml, listed twice, replaces a core page or names an unknown section.",
    "local.bad-slot-text": "A slot text in local.yml holding macro syntax ({{, {% or {#): slot texts are plain Markdown.",
    "local.changes-the-speeds": "A slot text or local page that times a response to risk in its own words: the three speeds are the same everywhere.",
    "local.duplicate-id": "A local value whose id is a principle's, the theme's or another local value's.",
    "local.quoted-text": "A variant that tries to change a principle's quoted statement or facets.",
    "local.secret-in-public-text": "A slot text or local page holding an operational secret (a code word or password, a mobile number, a home address).",
    "macros.bad-arguments": "A macro called with the wrong number or kind of arguments.",
    "macros.bad-level": "prompts() called with a level that is not individual, team or organisational.",
    "macros.template-syntax": "A page's template cannot be read: an unclosed {{ or {%, or a Jinja syntax error.",
    "macros.unknown-macro": "A call to a macro name that does not exist.",
    "macros.unknown-variable": "A {{ variable }} that the page and the site do not define.",
    "materials.bad-value": "A material text holding macro syntax ({{, {% or {#), or cards on a material that is not a deck.",
    "materials.duplicate-id": "Two materials with the same id, in one file or in two files under principles/materials/.",
    "materials.unknown-id": "A material() call that names a material id that does not exist.",
    "materials.unused": "A material that no page shows with material() (a warning).",
    "modules.bad-front-matter": "A training module's front matter is missing or has a wrong field.",
    "modules.duration-mismatch": "A module's section durations do not add up to its total.",
    "modules.focus-too-thin": "A module's focus principle linked in fewer sections than the settings ask.",
    "modules.missing-duration": "A module section without a duration() line.",
    "modules.missing-focus": "A training module without focus: in its front matter.",
    "modules.no-break": "A long module (120 minutes or more by default) with no break.",
    "modules.vague-objective": "A learning objective that does not start with an observable verb.",
    "pages.bad-review": "A page's review: front matter has a wrong field (owner must be a role; dates YYYY-MM-DD).",
    "pages.review-missing": "A safety page (principles/safety.yml) without review dates (a warning; an error when publishing).",
    "pages.review-overdue": "A page past its next review date (a warning; an error when publishing).",
    "principles.bad-id": "A principle id that is not a lower-case slug.",
    "principles.bad-number": "Principle numbers that are not 1, 2, 3 ... in order, once each.",
    "principles.bad-value": "A value in the wrong form (a DOI, a URL, a number out of range).",
    "principles.duplicate-id": "Two principles with the same id.",
    "principles.empty-field": "A field that is present but empty.",
    "principles.missing-field": "A required field that is missing.",
    "principles.missing-file": "The YAML file does not exist or cannot be read.",
    "principles.not-a-mapping": "The YAML file's top level is not a mapping of keys to values.",
    "principles.page-edited": "A principle's page stub under docs/principles/ differs from what principles.yaml makes.",
    "principles.page-extra": "A page under docs/principles/ for a principle that principles.yaml does not have.",
    "principles.page-missing": "A principle in principles.yaml without its page stub under docs/principles/.",
    "principles.unknown-field": "A field the schema does not know (often a typo).",
    "principles.unknown-id": "A macro or link names a principle id that does not exist.",
    "principles.wrong-type": "A value of the wrong type, such as an unquoted NO read as false.",
    "settings.invalid": "The coverage settings file has a wrong or unknown field.",
    "site.machinery-missing": "mkdocs.yml does not activate the macros plugin or the principles hook.",
    "site.unrendered-macro": "A built page still holds {{ }}, {% %} or {# #} outside code: macros did not run.",
    "slots.unfilled": "A required slot that a published variant leaves empty (one per page that uses it).",
    "slots.unfilled-draft": "A required slot that a draft variant leaves empty (a warning until it is published).",
    "slots.unknown-id": "A local() call or a slot in local.yml that names a slot the catalogue does not have.",
    "source.unreadable": "A Markdown source file that cannot be read as UTF-8 text.",
    "translations.bad-status": "A translation whose status is not draft or reviewed, or reviewed without a reviewer role.",
    "translations.duration-mismatch": "A translated module or section whose duration differs from its English source.",
    "translations.extra-link": "A translated section that links a principle its English section does not.",
    "translations.extra-section": "A translated section whose id matches no section of the English page.",
    "translations.missing-link": "A translated section that drops a principle link (or an exemption) of its English section.",
    "translations.missing-section": "An English section with no section of the same id in its translation.",
    "translations.no-source": "A translated page (page.cy.md) with no English page of the same name.",
    "translations.not-stamped": "A translation that does not record the digest of its English source (run translations.py stamp).",
    "translations.quoted-text": "A principle translation that puts a translated statement or facet where the paper's English quotation goes.",
    "translations.reviewer-not-role": "A translation's reviewed_by that is not a role from principles/translations.yml (never a name).",
    "translations.stale": "A translation whose English source changed since it was stamped (a warning; an error when publishing).",
    "yaml.anchor": "YAML anchors and aliases are not allowed: write each value out.",
    "yaml.duplicate-key": "The same key twice in one YAML mapping.",
    "yaml.syntax": "The file is not valid YAML.",
}


@dataclass(frozen=True)
class Diagnostic:
    """One problem, at one place in one file."""

    path: str
    """File path relative to the repository root, with forward slashes."""
    line: int
    """1-based line number (0 when the problem concerns the whole file)."""
    column: int | None
    """1-based column, when it is known."""
    code: str
    """A stable code from ``CODES``."""
    message: str
    """What is wrong and what would fix it."""

    def __post_init__(self) -> None:
        if self.code not in CODES:  # a bug in our code, never a user mistake
            raise ValueError(f"unknown diagnostic code {self.code!r}")

    def _key(self) -> tuple:
        # a diagnostic without a column sorts before one with a column on the same line
        return (self.path, self.line, -1 if self.column is None else self.column, self.code, self.message)

    def __lt__(self, other: Diagnostic) -> bool:
        return self._key() < other._key()

    def format(self) -> str:
        """Render as ``path:line[:col]: message [code]``."""
        where = f"{self.path}:{self.line}" if self.column is None else f"{self.path}:{self.line}:{self.column}"
        return f"{where}: {self.message} [{self.code}]"

    def __str__(self) -> str:
        return self.format()


class ProblemsFound(Exception):
    """Raised with every problem found, once collecting is finished."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(set(diagnostics))
        super().__init__("\n".join(d.format() for d in self.diagnostics))

    def report(self) -> str:
        """All problems, one per line, with a count to finish."""
        n = len(self.diagnostics)
        lines = [d.format() for d in self.diagnostics]
        lines.append(f"{n} problem{'s' if n != 1 else ''} found.")
        return "\n".join(lines)


def closest(value: str, candidates: list[str] | tuple[str, ...]) -> str | None:
    """The candidate most like ``value``, for 'did you mean' hints, or None."""
    import difflib

    match = difflib.get_close_matches(value, list(candidates), n=1, cutoff=0.5)
    return match[0] if match else None


def did_you_mean(value: str, candidates: list[str] | tuple[str, ...]) -> str:
    """A short hint naming the closest candidate, or listing them all."""
    best = closest(value, candidates)
    if best:
        return f'did you mean "{best}"?'
    return "valid values are: " + ", ".join(f'"{c}"' for c in candidates)
