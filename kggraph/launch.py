"""The ``kggraph`` console script.

Before the command line module is imported (≈ 7 ms) and the command parsed (≈ 5 ms), a
``query … --store S`` has its child forked, to take the network away and open the store
meanwhile (:mod:`kggraph.query_early`); everything else goes straight to
:func:`kggraph.cli.run`. Only ``sys`` and the early child's module load first.
"""

from __future__ import annotations

import sys


def run() -> None:
    """Run the command of ``sys.argv`` as a process (its exit code is the process's)."""
    from .query_early import start

    early = start(sys.argv[1:])
    from .cli import run as run_command

    run_command(early)


if __name__ == "__main__":
    run()
