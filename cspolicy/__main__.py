"""``python -m cspolicy`` and the ``cspolicy`` console script.

This module imports nothing of cspolicy's own until :func:`main` runs, so that Ctrl-C or
SIGTERM while the modules are still being imported ends with exit 130 or 143 and one line,
like at any later moment, instead of a traceback.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType
from typing import NoReturn


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(143)  # until cspolicy.cli.console installs its own handler


def main() -> NoReturn:
    """Import the command line, then run it (see :func:`cspolicy.cli.main.main`)."""
    try:
        if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _stop)
        from cspolicy.cli.main import main as cli_main
    except KeyboardInterrupt:
        sys.stderr.write("Error: interrupted (Ctrl-C)\n")
        sys.exit(130)
    except SystemExit as exc:
        sys.stderr.write("Error: stopped by SIGTERM\n")
        sys.exit(exc.code)
    if signal.getsignal(signal.SIGTERM) is _stop:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # cspolicy.cli.console installs the real one
    cli_main()


if __name__ == "__main__":
    main()
