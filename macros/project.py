"""The project's ``mkdocs.yml``, read as data: the one reader every script and test uses.

MkDocs (or Zensical) reads the file for the site itself. Everything else (the course packs, the
benchmark, the tests, the coverage CLI) needs a few of its values without importing a site
generator, so it reads the file here, without running its Python tags (``!!python/name:``) or
resolving ``!ENV``. Those tags read as ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import Diagnostic, ProblemsFound

CONFIG_FILE = "mkdocs.yml"
DEFAULT_SITE_NAME = "Peer support for discharge"


class _TolerantLoader(yaml.SafeLoader):
    """A safe loader that reads every custom tag as None instead of failing or running it."""


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
