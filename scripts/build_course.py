#!/usr/bin/env python3
"""Regenerate the course packs: facilitator guides and participant handouts, as PDF and Word.

The command lives in macros/course/cli.py; run with --help for the options.
"""

import sys
from pathlib import Path

# This checkout's engine, even when another checkout is the one installed (editable installs point at one).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from macros.course.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
