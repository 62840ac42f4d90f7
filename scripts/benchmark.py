#!/usr/bin/env python3
"""Time a plain Material build, the full build and the coverage CLI on synthetic handbooks (and, with
--course or --zensical, the course packs and Zensical). The figures go on the Performance page.

Run it from anywhere; `--help` lists the options. The logic is in macros/cli/benchmark.py.
"""

from _entry import run

if __name__ == "__main__":
    run("macros.cli.benchmark")
