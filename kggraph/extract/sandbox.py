"""Run an extraction in a child process with memory, CPU and wall-clock limits.

A hostile file (decompression bomb, endless content stream, pathological object graph)
must not take the caller down: :func:`run_limited` runs ``module.function(*args)`` in a
child process ('forkserver' where available, else 'spawn'), limits its address space and
CPU time with ``resource.setrlimit``, kills it when the wall-clock timeout passes, and turns
every failure into an :class:`~kggraph.errors.ExtractionError` naming the file.

Starting a child costs more than extracting a small PDF, so a child that returned a good
result is kept (idle, at most ``MAX_IDLE_WORKERS``) for the next call, up to
``MAX_TASKS_PER_WORKER`` files; one that failed, timed out or died is never reused.

The child returns its result through a pipe; a :class:`~kggraph.errors.KggraphError`
raised in the child is re-raised in the parent with its class, reason and path.
"""

from __future__ import annotations

import atexit
import importlib
import multiprocessing
import os
import sys
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any

from .. import errors
from ..errors import ExtractionError, KggraphError

DEFAULT_MEMORY_MB = 1024
MAX_TASKS_PER_WORKER = 100
MAX_IDLE_WORKERS = 4
_PRELOAD = ["kggraph.extract.pdf", "kggraph.extract.pdf_preload"]
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


def _limit_memory(memory_mb: int) -> None:
    try:
        import resource
    except ImportError:  # not on this platform: only the wall-clock limit applies
        return
    limit = (_address_space() or 512 * 2**20) + memory_mb * 2**20
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _limit_cpu(cpu_seconds: int) -> None:
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


def _run_one(target: str, args: tuple[Any, ...], memory_mb: int) -> tuple[Any, ...]:
    try:
        module, _, name = target.rpartition(".")
        return ("ok", getattr(importlib.import_module(module), name)(*args))
    except KggraphError as exc:
        return ("error", type(exc).__name__, exc.reason, exc.path)
    except MemoryError:
        return ("error", "ExtractionError", f"ran out of memory (limit {memory_mb} MiB)", None)
    except RecursionError:
        return ("error", "ExtractionError", "structure nested too deeply", None)
    except BaseException as exc:  # noqa: BLE001 - everything becomes a message to the parent
        return ("error", "ExtractionError", f"{type(exc).__name__}: {exc}", None)


def _serve(conn: Connection, memory_mb: int) -> None:
    """The worker's loop: take (target, args, cpu seconds), send back a tagged result."""
    _limit_memory(memory_mb)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        target, args, cpu_seconds = task
        _limit_cpu(cpu_seconds)
        message = _run_one(target, args, memory_mb)
        del task
        try:
            conn.send(message)
        except MemoryError:
            conn.send(("error", "ExtractionError", "result too large", None))


class _Worker:
    """A child process with limits, kept warm for the next file while it behaves."""

    def __init__(self, memory_mb: int):
        ctx = _get_context()
        self.memory_mb = memory_mb
        self.tasks = 0
        self.conn, child_end = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_serve, args=(child_end, memory_mb), daemon=True)
        with _main_hidden():
            self.proc.start()
        child_end.close()

    def stop(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()


_idle: list[_Worker] = []
_idle_lock = threading.Lock()


def _take(memory_mb: int) -> _Worker:
    with _idle_lock:
        for i, worker in enumerate(_idle):
            if worker.memory_mb == memory_mb and worker.proc.is_alive():
                return _idle.pop(i)
    return _Worker(memory_mb)


def _give_back(worker: _Worker) -> None:
    if worker.tasks >= MAX_TASKS_PER_WORKER:
        worker.stop()
        return
    with _idle_lock:
        if len(_idle) < MAX_IDLE_WORKERS:
            _idle.append(worker)
            return
    worker.stop()


def shutdown() -> None:
    """Stop the idle workers (also done at interpreter exit)."""
    with _idle_lock:
        workers, _idle[:] = list(_idle), []
    for worker in workers:
        worker.stop()


atexit.register(shutdown)


def run_limited(
    target: str,
    args: tuple[Any, ...],
    *,
    path: str,
    timeout: float,
    memory_mb: int = DEFAULT_MEMORY_MB,
) -> Any:
    """Run ``target`` ("package.module.function") on ``args`` in a limited child process.

    The child is reused for the next call only after a successful result; after an error,
    a timeout or a crash it is stopped and a fresh one is started next time.
    """
    worker = _take(memory_mb)
    worker.tasks += 1
    ok = False
    try:
        worker.conn.send((target, args, max(1, int(timeout) + 1)))
        if not worker.conn.poll(timeout):
            raise ExtractionError(f"extraction took longer than {timeout:g} s; stopped", path=path)
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            worker.proc.join(5)
            raise ExtractionError(
                _death_reason(worker.proc.exitcode, memory_mb), path=path
            ) from None
        ok = message[0] == "ok"
    finally:
        if ok:
            _give_back(worker)
        else:
            worker.stop()
    if ok:
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
