#!/usr/bin/env python3
"""Check, then build the handbook in every language with Zensical (zensical-i18n): English at the root,
each other language under its own folder. `--publish` leaves draft translations out.

Run it from anywhere; `--help` lists the options. The logic is in macros/zensical_i18n.py.
"""

from _entry import run

if __name__ == "__main__":
    run("macros.cli.zensical_i18n")
