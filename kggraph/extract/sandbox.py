"""Run an extraction in a child process with memory, CPU and wall-clock limits.

A hostile file (decompression bomb, endless content stream, pathological object graph)
must not take the caller down: :func:`run_limited` runs ``module.function(*args)`` in a
child process ('forkserver' where available, else 'spawn'), limits its address space and
CPU time with ``resource.setrlimit``, kills it when the wall-clock timeout passes, and turns
every failure into an :class:`~kggraph.errors.ExtractionError` naming the file.

The child returns its result through a pipe; a :class:`~kggraph.errors.KggraphError`
raised in the child is re-raised in the parent with its class, reason and path.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any

from .. import errors
from ..errors import ExtractionError, KggraphError

DEFAULT_MEMORY_MB = 1024
_PRELOAD = ["kggraph.extract.pdf"]
_context: Any = None


def _get_context() -> Any:
    """The multiprocessing context; the fork server preloads pypdf and the extractor once."""
    global _context
    if _context is None:
        methods = multiprocessing.get_all_start_methods()
        if "forkserver" in methods:
            _context = multiprocessing.get_context("forkserver")
            _context.set_forkserver_preload(_PRELOAD)
        else:
            _context = multiprocessing.get_context("spawn")
    return _context


@contextmanager
def _main_hidden() -> Iterator[None]:
    """Hide the caller's ``__main__`` while a child starts.

    A 'spawn'/'forkserver' child re-runs the parent's main script unless it is guarded by
    ``if __name__ == "__main__"``; the child needs nothing from it (its target is named by
    module path), so it is given an empty main module instead.
    """
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def _address_space() -> int | None:
    """This process's current virtual memory size in bytes (Linux), else None."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _limit(memory_mb: int, cpu_seconds: int) -> None:
    try:
        import resource
    except ImportError:  # not on this platform: only the wall-clock limit applies
        return
    base = _address_space() or 512 * 2**20
    limit = base + memory_mb * 2**20
    for kind, value in ((resource.RLIMIT_AS, limit), (resource.RLIMIT_CPU, cpu_seconds)):
        soft, hard = resource.getrlimit(kind)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(kind, (value, hard))


def _child(
    conn: Connection, target: str, args: tuple[Any, ...], memory_mb: int, cpu_seconds: int
) -> None:
    """The child's entry point: set limits, run the target, send back a tagged result."""
    try:
        _limit(memory_mb, cpu_seconds)
        module, _, name = target.rpartition(".")
        result = getattr(importlib.import_module(module), name)(*args)
        message: tuple[Any, ...] = ("ok", result)
    except KggraphError as exc:
        message = ("error", type(exc).__name__, exc.reason, exc.path)
    except MemoryError:
        message = ("error", "ExtractionError", f"ran out of memory (limit {memory_mb} MiB)", None)
    except RecursionError:
        message = ("error", "ExtractionError", "structure nested too deeply", None)
    except BaseException as exc:  # noqa: BLE001 - everything becomes a message to the parent
        message = ("error", "ExtractionError", f"{type(exc).__name__}: {exc}", None)
    try:
        conn.send(message)
    except MemoryError:
        conn.send(("error", "ExtractionError", "result too large", None))
    finally:
        conn.close()


def run_limited(
    target: str,
    args: tuple[Any, ...],
    *,
    path: str,
    timeout: float,
    memory_mb: int = DEFAULT_MEMORY_MB,
) -> Any:
    """Run ``target`` ("package.module.function") on ``args`` in a limited child process."""
    ctx = _get_context()
    receiver, sender = ctx.Pipe(duplex=False)
    cpu = max(1, int(timeout) + 1)
    proc = ctx.Process(target=_child, args=(sender, target, args, memory_mb, cpu), daemon=True)
    with _main_hidden():
        proc.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise ExtractionError(f"extraction took longer than {timeout:g} s; stopped", path=path)
        try:
            message = receiver.recv()
        except (EOFError, OSError):
            proc.join(5)
            raise ExtractionError(_death_reason(proc.exitcode, memory_mb), path=path) from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        receiver.close()
    if message[0] == "ok":
        return message[1]
    _, kind, reason, err_path = message
    cls = getattr(errors, kind, ExtractionError)
    if not (isinstance(cls, type) and issubclass(cls, KggraphError)):
        cls = ExtractionError
    raise cls(reason, path=err_path or path)


def _death_reason(exitcode: int | None, memory_mb: int) -> str:
    import signal

    if exitcode is not None and exitcode < 0:
        sig = -exitcode
        if sig == getattr(signal, "SIGXCPU", -1):
            return "extraction exceeded its CPU time limit; stopped"
        if sig in (signal.SIGKILL, signal.SIGSEGV):
            return f"extraction process was killed (signal {sig}; memory limit {memory_mb} MiB)"
        return f"extraction process died (signal {sig})"
    return f"extraction process ended without a result (exit code {exitcode})"
