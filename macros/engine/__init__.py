"""The principles engine: pure Python, no MkDocs, Material or mkdocs-macros import.

Load and validate the framework (``framework``, ``strict_yaml``, ``settings``, ``help``, ``slots``,
``variant``, ``project``), find and render macro calls (``weave``, ``page_macros``, ``render``,
``templating``, ``markdown_html``), check coverage (``coverage``), make course packs (``course``),
and hold one build's state (``site``). The glue (``macros.glue``) and the commands (``macros.cli``)
are thin layers over it.
"""
