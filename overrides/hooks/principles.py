"""MkDocs hooks: scan the sources for principle coverage, generate the principle pages, fail the build.

Thin glue over the engine in ``macros/``. The rule itself lives in ``macros/coverage.py`` and is
the same function that ``scripts/check_coverage.py`` runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.structure.files import File, Files  # noqa: E402

from macros import report, site_for  # noqa: E402


def on_config(config):
    """Load and validate the framework early, so a bad YAML file stops the build at once."""
    site_for(config)
    return config


def on_files(files: Files, config):
    """Scan every page for coverage (one pass over the sources), then add the generated principle pages."""
    site = site_for(config)
    sources = {f.src_uri: f.content_string for f in files.documentation_pages()}
    coverage = site.scan(sources)
    report(coverage.diagnostics, coverage.severity)
    for src_uri, content in site.principle_pages().items():
        if files.get_file_from_path(src_uri) is not None:
            raise PluginError(f"{site.docs_prefix}{src_uri}: principle pages are generated from "
                              f"principles/principles.yaml; delete this hand-written copy so it cannot drift")
        files.append(File.generated(config, src_uri, content=content))
    _publish_course_packs(files, config, site, sources)
    return files


# -- course packs (extra.course_packs.publish in mkdocs.yml) --------------------------------------------
def _publish_course_packs(files: Files, config, site, sources) -> None:
    """When publishing is on: make every course pack, add it under downloads/, link it from its module page.

    All the work is the engine's (macros/course/); this only hands the files to MkDocs.
    """
    from macros.course.settings import CourseError, PublishSettings
    from macros.diagnostics import ProblemsFound

    try:
        settings = PublishSettings.from_extra(config.extra)
        if not settings.publish:
            return  # the default: the PDF and Word code is not even loaded
        from macros.course.cache import CACHE_FOLDER, PackCache
        from macros.course.course import Course, downloads

        course = Course.for_site(site, programme=config.site_name, extra=config.extra, sources=sources)
        made, plan = course.publishable(cache=PackCache(site.root / CACHE_FOLDER))
    except CourseError as error:
        raise PluginError(f"Course packs: {error}") from None
    except ProblemsFound as error:
        raise PluginError("The course packs could not be made:\n" + error.report()) from None
    for item in made:
        files.append(File.generated(config, f"{settings.folder}/{item.spec.name}", content=item.data))
    site.downloads = downloads(made, settings.folder)
    import logging

    logging.getLogger("mkdocs.hooks.principles").info(
        "Course packs: made %d, reused %d unchanged from the cache", len(made) - len(plan.reused), len(plan.reused))


def _forget_engine() -> None:
    """Drop the engine's modules, so that `mkdocs serve` picks up edits to macros/ on the next rebuild.

    mkdocs-macros imports the `macros` package once per process; without this, a rebuild after
    an edit to the engine would still run the old code.
    """
    for name in [m for m in sys.modules if m == "macros" or m.startswith("macros.")]:
        del sys.modules[name]


def on_post_build(config):
    """The build is done: forget the engine's code (see _forget_engine)."""
    _forget_engine()


def on_build_error(error):
    """The build failed: forget the engine's code too, so a fix is picked up."""
    _forget_engine()
