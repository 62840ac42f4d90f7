"""The principles engine, its glue and its commands, in three subpackages that show their roles.

* ``macros.engine``: the engine, pure Python with no MkDocs import (framework, weave, macros,
  coverage, course packs, site). Porting to another site generator leaves it untouched.
* ``macros.glue``: the thin glue for each site generator: ``macros_module`` (mkdocs-macros, and
  Zensical's macros), ``hooks`` (the MkDocs hooks, loaded through ``overrides/.hooks/principles.py``)
  and ``extension`` (the literal-call pass as a Markdown extension, for Zensical).
* ``macros.cli``: the commands behind ``scripts/`` (coverage, course, stubs, offline,
  variant_build, benchmark), each a ``main(argv) -> int``.

mkdocs.yml names this package as the mkdocs-macros module (``module_name: macros``), so it exposes
the functions mkdocs-macros looks up on it: ``define_env``, ``on_pre_page_macros`` and
``on_post_page_macros``; nothing from MkDocs is imported here, so ``import macros.engine`` stays MkDocs-free.
"""

from .glue.macros_module import define_env, on_post_page_macros, on_pre_page_macros

__all__ = ["define_env", "on_post_page_macros", "on_pre_page_macros"]
