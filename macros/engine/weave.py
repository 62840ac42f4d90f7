"""Weaving: find macro calls in a page's Markdown and render them, safely and fast.

Three jobs, all pure Python:

* ``protect`` hides fenced code blocks, inline code and ``{#id}`` attribute lists behind
  placeholders, so Jinja never runs (or chokes on) them and authors never need ``{% raw %}``.
* ``find_calls`` finds ``{{ name(args) }}`` expressions whose arguments are literals. The site,
  the coverage scan and the course packs all use it, so they agree on what a page contains.
* ``weave`` renders those calls directly (with exact source lines for any error) and leaves
  anything else (loops, variables, filters) for Jinja. A page with nothing left skips Jinja.

Placeholders keep the line count of what they replace, so line numbers survive.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .diagnostics import Diagnostic

__all__ = [
    "Call", "Expression", "expressions", "find_calls", "JINJA_MARKERS", "MacroError", "protect", "restore",
    "Stash", "weave", "Woven"
]

_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t>]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_ATTR_LIST = re.compile(r"\{#(?![#\s])[^}\n]*(?<!#)\}")
_EXPRESSION = re.compile(r"\{\{-?(.*?)-?\}\}", re.S)
_TOKEN = re.compile(r"\x02(\d+)\x03(\n*)")
_RAW_BLOCK = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.S)
_CONTAINER = re.compile(r"^[ \t]*(?:[-*+][ \t]|\d+[.)][ \t]|!!!|\?\?\?|===|>|\|)")
_JINJA_NAMES = re.compile(r"\{%-?\s*(?:set|for|macro|with|import|from)\s+(.*?)-?%\}", re.S)
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
JINJA_MARKERS = ("{{", "{%", "{#")


@dataclass
class Stash:
    """What the placeholders stand for: original text and its newline count."""

    items: list[tuple[str, int]] = field(default_factory=list)

    def put(self, original: str, newlines: int | None = None) -> str:
        """Store text; return a placeholder with the same number of newlines."""
        count = original.count("\n") if newlines is None else newlines
        self.items.append((original, count))
        return f"\x02{len(self.items) - 1}\x03" + "\n" * count


def protect(markdown: str, stash: Stash | None = None) -> tuple[str, Stash]:
    """Hide code and ``{#id}`` attribute lists behind line-preserving placeholders."""
    stash = stash or Stash()
    if "raw" in markdown:
        # {% raw %}...{% endraw %}: the inside stays literal and the tags go, as Jinja would do. Its braces
        # become HTML entities (outside code), so the page shows them and no later step reads them as Jinja.
        markdown = _RAW_BLOCK.sub(lambda m: stash.put(_literal_braces(m.group(1), stash),
                                                      newlines=m.group(0).count("\n")), markdown)
    if "`" not in markdown and "~~~" not in markdown and "{#" not in markdown and "    " not in markdown and "\t" not in markdown:
        return markdown, stash  # nothing to hide (most pages): skip the line-by-line pass
    out: list[str] = []
    block: list[str] = []
    fence: tuple[str, int] | None = None
    indented: list[str] = []  # an indented code block being collected
    previous = ""  # the last non-blank line outside code, to tell code from a container's content
    blank_before = True
    for line in markdown.splitlines(keepends=True):
        if indented:
            if not line.strip() or line.startswith(("    ", "\t")):
                indented.append(line)
                continue
            out.append(_put_indented(indented, stash))
            indented = []
        if (not fence and blank_before and line.startswith(("    ", "\t")) and line.strip()
                and not _in_container(previous)):
            indented = [line]
            continue
        blank_before = not line.strip()
        if line.strip() and not fence:
            previous = line
        if fence:
            block.append(line)
            stripped = line.strip().lstrip(">").strip()
            if stripped and set(stripped) == {fence[0]} and len(stripped) >= fence[1]:
                out.append(stash.put("".join(block)))
                block, fence = [], None
            continue
        opened = _FENCE_OPEN.match(line)
        if opened and not (opened["fence"][0] == "`" and "`" in opened["info"]):
            fence = (opened["fence"][0], len(opened["fence"]))
            block = [line]
            continue
        if "`" in line:
            line = _INLINE_CODE.sub(lambda m: stash.put(m.group(0)), line)
        if "{#" in line:
            line = _ATTR_LIST.sub(lambda m: stash.put(m.group(0)), line)
        out.append(line)
    if indented:
        out.append(_put_indented(indented, stash))
    if block:  # an unclosed fence runs to the end of the page, as in CommonMark
        out.append(stash.put("".join(block)))
    return "".join(out), stash


def _literal_braces(text: str, stash: Stash) -> str:
    """Text whose braces show as braces but are never Jinja again (code inside keeps its own braces)."""
    protected, _ = protect(text, stash)
    return protected.replace("{", "&#123;").replace("}", "&#125;")


def _in_container(previous: str) -> bool:
    """Does an indented line after this one continue a list item, admonition, tab, quote or table
    (and so is content, not an indented code block)? Indented lines after indented content too."""
    return bool(previous) and (previous.startswith(("    ", "\t")) or bool(_CONTAINER.match(previous)))


def _put_indented(lines: list[str], stash: Stash) -> str:
    """Stash an indented code block, leaving its trailing blank lines in the text."""
    code = "".join(lines)
    body = code.rstrip("\n")
    trailing = code[len(body):]
    return stash.put(body) + trailing


def restore(text: str, stash: Stash) -> str:
    """Put back what ``protect`` and ``weave`` hid."""
    if not stash.items:
        return text

    def back(match: re.Match) -> str:
        original, count = stash.items[int(match.group(1))]
        extra = len(match.group(2)) - count
        return original + "\n" * max(extra, 0)

    # restored text can hold placeholders of its own (a code span inside a rendered macro)
    for _ in range(3):
        if "\x02" not in text:
            break
        text = _TOKEN.sub(back, text)
    return text


@dataclass(frozen=True)
class Call:
    """One ``{{ name(args) }}`` expression with literal arguments."""

    name: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    start: int
    end: int
    line: int
    """1-based line in the text that was searched."""


@dataclass(frozen=True)
class Expression:
    """Any ``{{ ... }}`` expression, parsed as a call when it is one."""

    source: str
    start: int
    end: int
    line: int
    call: Call | None
    callee: str | None
    """The called name, even when the arguments are not literals."""


def expressions(text: str) -> Iterable[Expression]:
    """Every ``{{ ... }}`` expression in (protected) text, in order."""
    newlines = 0
    last = 0
    for match in _EXPRESSION.finditer(text):
        newlines += text.count("\n", last, match.start())
        last = match.start()
        source = match.group(1).strip()
        callee, args, kwargs = _parse_call(source)
        call = None if args is None else Call(callee, args, dict(kwargs), match.start(), match.end(), newlines + 1)
        yield Expression(source, match.start(), match.end(), newlines + 1, call, callee)


@lru_cache(maxsize=4096)
def _parse_call(source: str) -> tuple[str | None, tuple[Any, ...] | None, tuple[tuple[str, Any], ...]]:
    """(callee, literal args, literal kwargs) of one expression; args None when not all literal.

    Cached: a site repeats the same few calls thousands of times, and ``ast.parse`` is the
    costliest step of weaving. Macros never mutate their arguments, so sharing them is safe.
    """
    try:
        tree = ast.parse(source, mode="eval").body
    except SyntaxError:
        return None, None, ()
    if not (isinstance(tree, ast.Call) and isinstance(tree.func, ast.Name)):
        return None, None, ()
    try:
        args = tuple(ast.literal_eval(a) for a in tree.args if not isinstance(a, ast.Starred))
        if len(args) != len(tree.args) or any(k.arg is None for k in tree.keywords):
            raise ValueError("starred arguments")
        kwargs = tuple((k.arg, ast.literal_eval(k.value)) for k in tree.keywords)
    except (ValueError, SyntaxError, TypeError):
        return tree.func.id, None, ()
    return tree.func.id, args, kwargs


def find_calls(text: str, names: Iterable[str]) -> list[Call]:
    """Calls to the given macro names with literal arguments, in order."""
    wanted = set(names)
    return [e.call for e in expressions(text) if e.call and e.call.name in wanted]


class MacroError(Exception):
    """An author's mistake in a macro call; carries a diagnostic code."""

    def __init__(self, code: str, message: str, output: str = ""):
        self.code = code
        self.message = message
        self.output = output
        """What the page shows in place of the failed call (usually nothing)."""
        super().__init__(message)


@dataclass
class Woven:
    """The result of weaving one page."""

    text: str
    stash: Stash
    needs_jinja: bool
    diagnostics: list[Diagnostic]
    line_offset: int = 0
    """Lines before the text in its source file (the front matter), for error messages."""

    def finish(self, rendered: str | None = None) -> str:
        """Restore placeholders in the final text (after Jinja, when it ran)."""
        return restore(self.text if rendered is None else rendered, self.stash)


#: Names Jinja itself knows in any template.
_JINJA_BUILTINS = frozenset({"true", "false", "none", "True", "False", "None", "loop", "super", "caller", "varargs",
                             "kwargs", "range", "dict", "lipsum", "cycler", "joiner", "namespace", "not"})
_PAIRS = (("{{", "}}"), ("{%", "%}"))
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _page_names(text: str) -> set[str]:
    """Names a page defines for itself with set, for, macro, with or import."""
    return {name for tag in _JINJA_NAMES.findall(text) for name in _IDENTIFIER.findall(tag)}


def _neutralise_unclosed(text: str, stash: Stash, diagnostics: list[Diagnostic], display_path: str,
                         line_offset: int) -> str:
    """Report every ``{{`` or ``{%`` that is never closed, at its own line, and show it as text.

    Jinja would otherwise read on to the next closing braces, many lines later, and blame that line.
    """
    for opener, closer in _PAIRS:
        if opener not in text:
            continue
        out, position = [], 0
        while True:
            start = text.find(opener, position)
            if start < 0:
                break
            end = text.find(closer, start + 2)
            again = text.find(opener, start + 2)
            # unclosed: no closer at all, another opener first, or a blank line (a new paragraph) in between
            if end < 0 or (0 <= again < end) or _BLANK_LINE.search(text, start, end):
                line = text.count("\n", 0, start) + 1 + line_offset
                diagnostics.append(Diagnostic(
                    display_path, line, None, "macros.template-syntax",
                    f'"{opener}" is never closed with "{closer}"; close it, or put it in backticks to show it as text'))
                out.append(text[position:start])
                out.append(stash.put(opener, newlines=0))
                position = start + 2
                continue
            out.append(text[position:end + 2])
            position = end + 2
        out.append(text[position:])
        text = "".join(out)
    return text


def weave(
    markdown: str,
    render: Callable[[Call], str],
    *,
    macro_names: Iterable[str],
    known_names: Iterable[str] = (),
    display_path: str,
    line_offset: int = 0,
) -> Woven:
    """Render every literal call to our macros; report every problem with its source line.

    ``render`` renders one call and raises ``MacroError`` for an author's mistake.
    ``known_names`` are the other names Jinja knows; a call to any other name is reported
    with a suggestion, instead of Jinja's generic 'undefined' error.
    """
    from .diagnostics import did_you_mean

    ours = set(macro_names)
    known = ours | set(known_names)
    check_variables = bool(set(known_names))
    protected, stash = protect(markdown)
    diagnostics: list[Diagnostic] = []
    protected = _neutralise_unclosed(protected, stash, diagnostics, display_path, line_offset)
    if check_variables:
        known |= _JINJA_BUILTINS | _page_names(protected)
    pieces: list[str] = []
    last = 0
    for expr in expressions(protected):
        line = expr.line + line_offset
        root = None if expr.callee is not None else _IDENTIFIER.match(expr.source)
        if expr.callee in ours and expr.call is not None:
            try:
                output = render(expr.call)
            except MacroError as error:
                diagnostics.append(Diagnostic(display_path, line, None, error.code, error.message))
                output = error.output
        elif expr.callee is not None and expr.callee not in known:
            diagnostics.append(Diagnostic(
                display_path, line, None, "macros.unknown-macro",
                f'unknown macro "{expr.callee}"; {did_you_mean(expr.callee, sorted(ours))}'))
            output = ""
        elif check_variables and root is not None and root.group(0) not in known:
            name = root.group(0)
            diagnostics.append(Diagnostic(
                display_path, line, None, "macros.unknown-variable",
                f'unknown variable "{name}"; {did_you_mean(name, sorted(known - _JINJA_BUILTINS))} '
                f"To show the braces as text, put them in backticks."))
            output = ""
        else:
            continue  # leave it for Jinja
        line_start = protected.rfind("\n", 0, expr.start) + 1
        prefix = protected[line_start:expr.start]
        if prefix and not prefix.strip():
            output = output.replace("\n", "\n" + prefix)
        original = protected[expr.start:expr.end]
        pieces.append(protected[last:expr.start])
        pieces.append(stash.put(output, newlines=original.count("\n")))
        last = expr.end
    pieces.append(protected[last:])
    woven = "".join(pieces)
    needs_jinja = any(marker in woven for marker in JINJA_MARKERS)
    return Woven(woven, stash, needs_jinja, diagnostics, line_offset)
