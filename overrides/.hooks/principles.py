"""The MkDocs hook file named in mkdocs.yml: every event is ``macros.glue.hooks``'s.

MkDocs loads this file by path, so the project folder goes on ``sys.path`` first; the logic lives in
the glue package beside the engine (``macros/glue/hooks.py``). Hidden (``.hooks``): Zensical would
otherwise publish it.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from macros.glue.hooks import (  # noqa: E402
    on_build_error, on_config, on_env, on_files, on_page_content, on_post_build, on_post_page, on_post_template,
    on_startup,
)

__all__ = ["on_build_error", "on_config", "on_env", "on_files", "on_page_content", "on_post_build", "on_post_page",
           "on_post_template", "on_startup"]
