"""Limits a process sets on itself: address space, CPU time, and death with its parent.

Used by the limited children of :mod:`kggraph.limited` and by the child that answers
``kggraph query … --store`` (:mod:`kggraph.query_stream`); a module of its own so that the
latter does not import threading and multiprocessing's helpers for them.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms)
if TYPE_CHECKING:
    from typing import Any

#: MiB of address space a query's child may take beyond what it has (``QueryLimits``)
QUERY_MEMORY_MB = 2048


def address_space() -> int | None:
    """This process's current virtual memory size in bytes (Linux), else None."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def limit_memory(memory_mb: int) -> None:
    """Allow this process ``memory_mb`` MiB of address space more than it has now."""
    try:
        import resource
    except ImportError:  # not on this platform: only the wall-clock limit applies
        return
    limit = (address_space() or 512 * 2**20) + memory_mb * 2**20
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def limit_cpu(cpu_seconds: int) -> None:
    """Allow this process ``cpu_seconds`` more CPU time (the limit counts from its start)."""
    try:
        import resource
    except ImportError:
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    limit = int(usage.ru_utime + usage.ru_stime) + 1 + cpu_seconds
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (limit, hard))


#: signal.SIGKILL on Linux, where alone it is used (importing signal costs a millisecond)
_SIGKILL = 9


def _libc() -> Any:
    """The C library, or None (not Linux, or not loadable)."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def die_with_parent() -> None:
    """Linux: SIGKILL this process when its parent dies (a fork server, which ends with
    the process that started it, or the ``kggraph query`` that forked it)."""
    try:
        _libc().prctl(1, _SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except AttributeError:  # no C library, or no prctl in it
        return


def unshare_network() -> bool:
    """Linux: a user and network namespace of this process's own (no interfaces but a
    downed loopback), for good; whether the kernel allowed it. Works only in a
    single-threaded process. :func:`kggraph.offline.go_offline` stops Python code too."""
    clone_newuser, clone_newnet = 0x10000000, 0x40000000
    try:
        return int(_libc().unshare(clone_newuser | clone_newnet)) == 0
    except AttributeError:
        return False
