#!/usr/bin/env python3
"""Stamp translations with their English source's digest, and report translated / stale / missing pages.

Run it from anywhere; `--help` lists the options. The logic is in macros/translations_cli.py.
"""

from _entry import run

if __name__ == "__main__":
    run("macros.cli.translations")
