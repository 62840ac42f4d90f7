"""The project's ``mkdocs.yml``, read as data: the one reader every script and test uses.

MkDocs (or Zensical) reads the file for the site itself. Everything else (the course packs, the
benchmark, the tests, the coverage CLI) needs a few of its values without importing a site
generator, so it reads the file here, without running its Python tags or resolving ``!ENV`` (those
read as ``None``). A ``!!python/name:`` value (a function named for an extension, such as a Mermaid
fence's format) is kept as a ``PythonName``, imported only when the site's converter is made, as
MkDocs does: it must not silently become ``None``, or the engine's Markdown would differ from the site's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import importlib

import yaml

from .diagnostics import Diagnostic, ProblemsFound

__all__ = ["CONFIG_FILE", "DEFAULT_SITE_NAME", "HOOK_FILE", "ProjectConfig", "PythonName", "read_project_config",
           "resolve_names"]

CONFIG_FILE = "mkdocs.yml"
#: The MkDocs hook that runs the coverage gate and makes the principle pages.
HOOK_FILE = "overrides/.hooks/principles.py"
DEFAULT_SITE_NAME = "Peer support for discharge"


@dataclass(frozen=True)
class PythonName:
    """A ``!!python/name:module.attribute`` value in mkdocs.yml, kept by its name (reading never runs code)."""

    name: str

    def resolve(self) -> Any:
        """The object it names, imported now (raises ImportError or AttributeError when there is none)."""
        module, _, attribute = self.name.rpartition(".")
        return getattr(importlib.import_module(module), attribute)


def resolve_names(value: Any) -> Any:
    """``value`` with every ``PythonName`` in it (in lists and mappings) replaced by what it names."""
    if isinstance(value, PythonName):
        return value.resolve()
    if isinstance(value, list):
        return [resolve_names(v) for v in value]
    if isinstance(value, Mapping):
        return {k: resolve_names(v) for k, v in value.items()}
    return value


class _TolerantLoader(yaml.SafeLoader):
    """A safe loader that keeps ``!!python/name:`` values by name and reads every other custom tag as None,
    instead of failing or running it."""


# the more specific prefix first: PyYAML takes the first registered prefix a tag starts with
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/name:", lambda loader, suffix, node: PythonName(suffix))
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
_TolerantLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


@dataclass(frozen=True)
class ProjectConfig:
    """What the engine and the scripts need from mkdocs.yml."""

    site_name: str = DEFAULT_SITE_NAME
    docs_dir: str = "docs"
    extra: Mapping[str, Any] = field(default_factory=dict)
    """The ``extra`` mapping (help lines, course-pack settings)."""
    data: Mapping[str, Any] = field(default_factory=dict, repr=False)
    """The whole file as data, for the few callers that need more (nav, extensions)."""
    filename: str = CONFIG_FILE
    """The file's name, for messages."""
    text: str = field(default="", repr=False)

    def problems(self) -> list[Diagnostic]:
        """What in mkdocs.yml would silently break the handbook: duplicate keys (YAML keeps only the last),
        and a missing macros plugin or principles hook (pages would go out with raw ``{{ }}``)."""
        found = _duplicate_keys(self.text, self.filename)
        if not self.text:
            return found
        plugins = self.data.get("plugins") or []
        names = [p if isinstance(p, str) else next(iter(p), None) if isinstance(p, dict) else None
                 for p in (plugins if isinstance(plugins, list) else [])]
        if "macros" not in names:
            found.append(Diagnostic(self.filename, self.line_of("plugins"), None, "site.machinery-missing",
                                    "the macros plugin is not active, so no principle macro would run; add "
                                    "'- macros: {module_name: macros}' under plugins (and keep a single plugins: key)"))
        hooks = self.data.get("hooks") or []
        if not any(isinstance(h, str) and h.replace("\\", "/").endswith(HOOK_FILE) for h in
                   (hooks if isinstance(hooks, list) else [])):
            found.append(Diagnostic(self.filename, self.line_of("hooks"), None, "site.machinery-missing",
                                    f"the principles hook is not listed, so MkDocs would not check coverage or make "
                                    f"the principle pages; add 'hooks: [{HOOK_FILE}]'"))
        return found

    def line_of(self, *keys: str | int) -> int:
        """The 1-based line of a key path such as ("extra", "help", "lines", 2); the nearest found."""
        try:
            node = yaml.compose(self.text, Loader=_TolerantLoader)
        except yaml.YAMLError:
            return 1
        line = 1
        for key in keys:
            if isinstance(node, yaml.MappingNode):
                found = next(((k, v) for k, v in node.value if k.value == key), None)
                if found is None:
                    break
                line, node = found[0].start_mark.line + 1, found[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                node = node.value[key]
                line = node.start_mark.line + 1
            else:
                break
        return line


def read_project_config(root: Path, filename: str = CONFIG_FILE) -> ProjectConfig:
    """Read ``root/filename`` as data; a missing file means the defaults.

    Raises ProblemsFound (one diagnostic with the file and line) when the file is not valid YAML
    or is not a mapping.
    """
    path = Path(root) / filename
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=_TolerantLoader)
    except FileNotFoundError:
        return ProjectConfig()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise ProblemsFound([Diagnostic(filename, line, None, "config.invalid",
                                        f"cannot read it: {error.problem or error}; fix the YAML")]) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ProblemsFound([Diagnostic(filename, 1, None, "config.invalid",
                                        f"cannot read it ({' '.join(str(error).split())})")]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ProblemsFound([Diagnostic(filename, 1, None, "config.invalid",
                                        "it must be a mapping of settings such as site_name and nav")])
    extra = data.get("extra") if isinstance(data.get("extra"), dict) else {}
    return ProjectConfig(str(data.get("site_name") or DEFAULT_SITE_NAME), str(data.get("docs_dir") or "docs"),
                         extra, data, filename, text)


def _duplicate_keys(text: str, filename: str) -> list[Diagnostic]:
    """A diagnostic for every key written twice in one mapping of the file."""
    try:
        root = yaml.compose(text, Loader=_TolerantLoader)
    except yaml.YAMLError:
        return []
    found: list[Diagnostic] = []
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    line = key.start_mark.line + 1
                    if key.value in seen:
                        found.append(Diagnostic(filename, line, None, "config.invalid",
                                                f'duplicate key "{key.value}" (first on line {seen[key.value]}): YAML '
                                                f"keeps only this one and drops the first; merge them into one"))
                    else:
                        seen[key.value] = line
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return sorted(found)
