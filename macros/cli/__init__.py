"""The commands behind ``scripts/``: each module has ``main(argv: list[str] | None = None) -> int``.

``coverage`` (check_coverage.py), ``course`` (build_course.py), ``stubs`` (write_principle_pages.py),
``offline`` (build_offline.py), ``variant_build`` (build_variant.py) and ``benchmark`` (benchmark.py).
"""
