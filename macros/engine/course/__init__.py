"""Course packs: facilitator guides and participant handouts, as PDF and DOCX, from the site's sources.

One module per concept, in the order the data flows (a principle id reaches a PDF line through
``modules`` → ``rendering`` → ``transforms`` → ``layout`` → ``pdf_writer``):

* ``settings``: ``extra.course_packs`` from mkdocs.yml, what can be made (audiences,
  ``PACK_FORMATS``), and the errors (``CourseError`` for the command, ``PackError`` for a file).
* ``modules``: finding the training modules in the coverage scan and picking them by number or name.
* ``tree``: Markdown rendered with the site's extensions into a small element tree, and back to HTML.
* ``transforms``: the page tree made ready for paper and for one audience (notes, tabs, links,
  space to write).
* ``layout``: the packs themselves (cover, contents, session plan, principle cards, help).
* ``rendering``: ``PackRenderer`` weaves a module page like the site and lays out each pack.
* ``pdf_writer`` and ``docx_writer``: the two writers (WeasyPrint, python-docx), loaded only
  when a file is made; ``assets/`` holds the stylesheet and the shipped fonts.
* ``jobs``: worker processes, the one routine that makes a set of packs (for the CLI and for the
  site build), and atomic writing.
* ``version``: the version printed on every pack.
* ``course``: ``Course`` joins them for one run; the ``build_course.py`` command is ``macros.cli.course``.

Importing this package loads nothing heavy: the hook reads ``settings`` with publishing off.
"""
