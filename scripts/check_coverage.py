#!/usr/bin/env python3
"""Check that every training section links to a principle (the same rule the site build runs).

Run it from anywhere; `--help` lists the options. The logic is in macros/cli/coverage.py.
"""

from _entry import run

if __name__ == "__main__":
    run("macros.cli.coverage")
