"""Strict, safe YAML reading that remembers where every value came from.

PyYAML's safe loader accepts duplicate keys silently (the last one wins), expands anchors and
aliases, and reads ``NO`` as ``False``. For hand-edited source files that is how mistakes hide,
so this reader rejects duplicates and anchors, and keeps each value's position and raw text so
that a later schema check can say exactly where a wrong type came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from .diagnostics import Diagnostic

__all__ = ["load_yaml", "MAX_DEPTH", "Path_", "Position", "YamlDocument"]

Path_ = tuple  # a path into the data: ("principles", 2, "title")


@dataclass(frozen=True)
class Position:
    """Where a value (or a mapping key) starts in the file, and the text it was read from."""

    line: int
    column: int
    raw: str | None
    """The scalar exactly as written (None for lists and mappings)."""
    quoted: bool
    """True when the scalar was written in quotes."""


@dataclass
class YamlDocument:
    """The data read from one YAML file, with positions for every value and key."""

    data: Any
    values: dict[Path_, Position]
    keys: dict[Path_, Position]
    aliased: set[Path_] = field(default_factory=set)
    """Places where an alias stood: read as empty (never expanded) and already reported."""

    def where(self, path: Path_, *, key: bool = False) -> Position:
        """The position of a value (or of its key), falling back to the nearest parent."""
        table = self.keys if key else self.values
        path = tuple(path)
        while path and path not in table:
            path = path[:-1]
        return table.get(path) or self.values.get(path) or Position(1, 1, None, False)


# libyaml (PyYAML's C parser), when installed, reads YAML several times faster: it matters for
# the front matter of every page. A valid file reads the same with either parser; a file libyaml
# rejects is read again by the pure-Python parser, so that the message never depends on the machine.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)
#: How deep lists and mappings may nest. Real files need a handful of levels; a limit keeps a hostile
#: or broken file from exhausting the recursion of the YAML composer.
MAX_DEPTH = 50


def _mark(mark: yaml.Mark) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def _compose_shallow(events: list, text: str):
    """Compose with libyaml when the events nest no deeper than MAX_DEPTH (else the checks below report it)."""
    depth = deepest = 0
    for event in events:
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            deepest = max(deepest, depth)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return None if deepest > MAX_DEPTH else yaml.compose(text, Loader=_FAST_LOADER)


def load_yaml(text: str, display_path: str) -> tuple[YamlDocument | None, list[Diagnostic]]:
    """Read YAML text strictly; return the document (None on syntax errors) and all problems."""
    problems: list[Diagnostic] = []

    def problem(mark: yaml.Mark, code: str, message: str) -> None:
        line, col = _mark(mark)
        problems.append(Diagnostic(display_path, line, col, code, message))

    events, root = None, None
    if _FAST_LOADER is not None:
        try:
            events = list(yaml.parse(text, Loader=_FAST_LOADER))
            # composing is linear even with aliases (they become shared nodes); only deep nesting is refused
            root = _compose_shallow(events, text)
        except (yaml.YAMLError, RecursionError):  # read it again below, so that the message is the same everywhere
            events, root = None, None
    depth = 0
    anchors: list = []
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader) if events is None else events:
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    problem(event.start_mark, "yaml.syntax",
                            f"the data is nested more than {MAX_DEPTH} levels deep; nothing here needs that, so "
                            f"check the indentation and brackets near here")
                    return None, problems
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                anchors.append(event)
        if anchors:  # one message for the file, at the first: one mistake (an alias bomb) is not 81 problems
            first, more = anchors[0], len(anchors) - 1
            others = f" (and {more} more anchor{'s' if more != 1 else ''} or alias{'es' if more != 1 else ''} " \
                     f"in this file)" if more else ""
            if isinstance(first, yaml.AliasEvent):
                problem(first.start_mark, "yaml.anchor",
                        f'alias "*{first.anchor}" is not allowed; write the value out in full{others}')
            else:
                problem(first.start_mark, "yaml.anchor",
                        f'anchor "&{first.anchor}" is not allowed; write each value out in full{others}')
        if events is None:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        problems.append(Diagnostic(display_path, 1, 1, "yaml.syntax",
                                   "the data is nested too deeply to read; check the indentation and brackets"))
        return None, problems
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, col = _mark(mark) if mark else (1, 1)
        what = error.problem or "invalid YAML"
        if error.context:
            what = f"{error.context}, {what}"
        problems.append(Diagnostic(display_path, line, col, "yaml.syntax",
                                   f"{what}; check the indentation and quotes near here"))
        return None, problems
    except yaml.YAMLError as error:  # reader errors, e.g. control characters
        problems.append(Diagnostic(display_path, 1, 1, "yaml.syntax", f"cannot read YAML: {error}"))
        return None, problems

    document = YamlDocument(None, {}, {})
    if root is None:
        return document, problems
    constructor = yaml.constructor.SafeConstructor()
    built: set[int] = set()

    def build(node: yaml.Node, path: Path_) -> Any:
        line, col = _mark(node.start_mark)
        if id(node) in built:
            # a node met a second time is an alias: it was reported above and is never expanded, so an
            # alias bomb ("billion laughs") costs one pass over the file, not an exponential expansion
            document.aliased.add(path)
            document.values[path] = Position(line, col, None, False)
            return None
        if not isinstance(node, yaml.ScalarNode):
            built.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            document.values[path] = Position(line, col, node.value, node.style in ("'", '"'))
            try:
                return constructor.construct_object(node, deep=True)
            except yaml.constructor.ConstructorError as error:
                problem(node.start_mark, "yaml.syntax", f"cannot read this value: {error.problem}")
                return None
            except ValueError as error:  # a date-like value that is no date, such as 2026-13-01
                problem(node.start_mark, "yaml.syntax", f"cannot read {node.value!r} ({error}); write a real date "
                                                        f"as YYYY-MM-DD, or put the value in quotes")
                return None
        document.values[path] = Position(line, col, None, False)
        if isinstance(node, yaml.SequenceNode):
            return [build(child, path + (i,)) for i, child in enumerate(node.value)]
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                problem(key_node.start_mark, "yaml.anchor" if key_node.value == "<<" else "yaml.syntax",
                        "merge keys and complex keys are not allowed; write plain keys")
                continue
            key = key_node.value
            if key in result:
                first = document.keys[path + (key,)]
                problem(key_node.start_mark, "yaml.duplicate-key",
                        f'duplicate key "{key}" (first set on line {first.line}); remove one of them')
                continue
            kline, kcol = _mark(key_node.start_mark)
            document.keys[path + (key,)] = Position(kline, kcol, key, False)
            result[key] = build(value_node, path + (key,))
        return result

    document.data = build(root, ())
    return document, problems
