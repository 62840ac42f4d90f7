"""The shared start of every script: run a CLI from the package, or say what to install.

The scripts are thin: each names the module whose ``main(argv) -> int`` it runs. Outside the
project's environment (a bare pre-commit hook, a fresh runner) the import fails; that is an input
error (exit 2) with the command that fixes it, never a traceback and never exit 1, which means
the sources break the principle rules.
"""

import importlib
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent


def run(module: str) -> None:
    """Run ``module.main`` with ``--root`` set to this repository, then exit with its code.

    The repository goes first on ``sys.path``: the script runs this checkout's engine, never another
    copy installed elsewhere (an editable install of a different checkout or worktree).
    """
    script = Path(sys.argv[0]).name
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    try:
        main = importlib.import_module(module).main
    except ImportError as error:
        print(f"{script}: the project's Python packages are not installed ({error}); run "
              f"`python3 -m pip install -c requirements.lock -e .` in this folder first.", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(["--root", str(ROOT), *sys.argv[1:]]))
