"""The thin glue between the engine and the site generators (MkDocs hooks, mkdocs-macros, Zensical).

Only this package knows about MkDocs or Zensical; ``hooks`` is the one module that imports MkDocs at
module level, and only the hook file loads it.
"""
