#!/usr/bin/env python3
"""Check that every training section links to a principle (the same rule the site build runs).

Usage: python3 scripts/check_coverage.py [--format text|json|junit|github] [--output PATH] [--root DIR]
Exit codes: 0 all rules pass, 1 violations, 2 input errors. The logic is in macros/coverage/cli.py.
"""

import sys
from pathlib import Path

from macros.coverage.cli import main

if __name__ == "__main__":
    sys.exit(main(["--root", str(Path(__file__).resolve().parent.parent), *sys.argv[1:]]))
