#!/usr/bin/env python3
"""Write the principle pages' stubs, docs/principles/<id>.md, from principles/principles.yaml.

Run it from anywhere; `--help` lists the options. The logic is in macros/cli/stubs.py.
"""

from _entry import run

if __name__ == "__main__":
    run("macros.cli.stubs")
