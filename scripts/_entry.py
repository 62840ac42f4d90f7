"""The shared start of every script: run a CLI from the package, or say what to install.

The scripts are thin: each names the module whose ``main(argv) -> int`` it runs. Outside the
project's environment (a bare pre-commit hook, a fresh runner) the import fails; that is an input
error (exit 2) with the command that fixes it, never a traceback and never exit 1, which means
the sources break the principle rules.
"""

import importlib
import sys
from pathlib import Path


def run(module: str) -> None:
    """Run ``module.main`` with ``--root`` set to this repository, then exit with its code."""
    script = Path(sys.argv[0]).name
    try:
        main = importlib.import_module(module).main
    except ImportError as error:
        print(f"{script}: the project's Python packages are not installed ({error}); run "
              f"`python3 -m pip install -c requirements.lock -e .` in this folder first.", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(["--root", str(Path(__file__).resolve().parent.parent), *sys.argv[1:]]))
