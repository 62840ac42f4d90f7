#!/usr/bin/env python3
"""Build the offline copy of the handbook: a zip that works from file://, search included. The logic is in macros/offline.py."""

import sys
from pathlib import Path

try:
    from macros.offline import main
except ImportError as error:  # outside the project's environment
    print(f"build_offline.py: the project's Python packages are not installed ({error}); run "
          f"`python3 -m pip install -c requirements.lock -e .` in this folder first.", file=sys.stderr)
    sys.exit(2)

if __name__ == "__main__":
    sys.exit(main(["--root", str(Path(__file__).resolve().parent.parent), *sys.argv[1:]]))
