#!/usr/bin/env python3
"""Build the offline copy of the handbook: a zip that works from file://, search included.

Run it from anywhere; `--help` lists the options. The logic is in macros/cli/offline.py.
"""

from _entry import run

if __name__ == "__main__":
    run("macros.cli.offline")
