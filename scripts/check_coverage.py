#!/usr/bin/env python3
"""Check that every training section links to a principle (the same rule the site build runs).

Usage: python3 scripts/check_coverage.py [--format text|json|junit|github] [--output PATH] [--root DIR]
Exit codes: 0 all rules pass, 1 violations, 2 input errors. The logic is in macros/coverage/cli.py.
"""

import sys
from pathlib import Path

try:
    from macros.coverage.cli import main
except ImportError as error:  # outside the project's environment (a bare pre-commit hook, a fresh runner)
    print(f"check_coverage.py: the project's Python packages are not installed ({error}); run "
          f"`python3 -m pip install -c requirements.lock -e .` in this folder first.", file=sys.stderr)
    sys.exit(2)  # an input error, not 1 (1 means the sources break the principle rules)

if __name__ == "__main__":
    sys.exit(main(["--root", str(Path(__file__).resolve().parent.parent), *sys.argv[1:]]))
