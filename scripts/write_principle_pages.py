#!/usr/bin/env python3
"""Write the principle pages' stubs, docs/principles/<id>.md, from principles/principles.yaml. The logic is in macros/stubs.py."""

import sys
from pathlib import Path

try:
    from macros.stubs import main
except ImportError as error:  # outside the project's environment
    print(f"write_principle_pages.py: the project's Python packages are not installed ({error}); run "
          f"`python3 -m pip install -c requirements.lock -e .` in this folder first.", file=sys.stderr)
    sys.exit(2)

if __name__ == "__main__":
    sys.exit(main(["--root", str(Path(__file__).resolve().parent.parent), *sys.argv[1:]]))
