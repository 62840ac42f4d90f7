#!/usr/bin/env python3
"""Regenerate the course packs: facilitator guides and participant handouts, as PDF and Word.

Run it from anywhere; `--help` lists the options. The logic is in macros/cli/course.py.
"""

from _entry import run

if __name__ == "__main__":
    run("macros.cli.course")
