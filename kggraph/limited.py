"""Run a function in a child process with memory, CPU and wall-clock limits.

Hostile input (a decompression bomb, a regex that backtracks for hours, a query that
joins everything with everything) must not take the caller down, and some work cannot be
interrupted from Python at all (a regex match, an Oxigraph query). :func:`run_limited`
runs ``module.function(*args)`` in a child process ('forkserver' where available, else
'spawn'), limits its address space (``RLIMIT_AS``) and CPU time (``RLIMIT_CPU``), kills it
when the wall-clock timeout passes, and turns every failure into a
:class:`~kggraph.errors.KggraphError` naming the file.

- A child that returned a good result is kept (idle) for the next call, up to
  ``MAX_TASKS_PER_WORKER`` calls; one that failed, timed out or died is never reused.
- A child dies with the process that started it (Linux ``PR_SET_PDEATHSIG``, and it
  notices a closed pipe between tasks): a killed build leaves nothing running.
- ``offline=True`` (the default) takes the network away from the child: Python-level
  connections are refused by an audit hook (:mod:`kggraph.offline`), and on Linux the child
  moves into a network namespace of its own, where even native code (Oxigraph's SERVICE
  client) finds no network. Documents and local queries never need one.

A :class:`~kggraph.errors.KggraphError` raised in the child is raised in the parent
whole (class, reason, path and attributes).

>>> run_limited("builtins.len", ("abc",), path="x", timeout=10)
3
"""

from __future__ import annotations

import atexit
import importlib
import sys
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from .errors import ExtractionError, KggraphError
from .self_limits import die_with_parent as _die_with_parent
from .self_limits import limit_cpu as _limit_cpu
from .self_limits import limit_memory as _limit_memory

if TYPE_CHECKING:  # multiprocessing is imported when a child is first started
    from multiprocessing.connection import Connection

DEFAULT_MEMORY_MB = 1024
MAX_TASKS_PER_WORKER = 100
MAX_IDLE_WORKERS = 4
# imported once by the fork server, so that every child starts warm
PRELOAD = ["kggraph.extract.pdf", "kggraph.extract.pdf_preload"]
_context: Any = None


def preload(*modules: str) -> None:
    """Have the fork server import ``modules`` too (once, when it starts), so that every
    child starts with them: the work a child would otherwise repeat on its first task.
    Takes effect only if this process's fork server has not started yet."""
    PRELOAD.extend(m for m in modules if m not in PRELOAD)
    if _context is not None and hasattr(_context, "set_forkserver_preload"):
        _context.set_forkserver_preload(PRELOAD)


def _get_context() -> Any:
    """The multiprocessing context; the fork server preloads ``PRELOAD`` once."""
    global _context
    if _context is None:
        import multiprocessing

        methods = multiprocessing.get_all_start_methods()
        if "forkserver" in methods:
            _context = multiprocessing.get_context("forkserver")
            _context.set_forkserver_preload(PRELOAD)
        else:
            _context = multiprocessing.get_context("spawn")
    return _context


_start_lock = threading.Lock()


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


def _run_one(target: str, args: tuple[Any, ...], memory_mb: int, what: str) -> tuple[Any, ...]:
    try:
        module, _, name = target.rpartition(".")
        return ("ok", getattr(importlib.import_module(module), name)(*args))
    except KggraphError as exc:
        return ("raise", exc)
    except MemoryError:
        return ("error", f"{what} ran out of memory (limit {memory_mb} MiB)")
    except RecursionError:
        return ("error", f"{what}: structure nested too deeply")
    except BaseException as exc:  # noqa: BLE001 - everything becomes a message to the parent
        return ("error", f"{what} failed: {type(exc).__name__}: {exc}".rstrip(": "))


def _serve(conn: Connection, memory_mb: int, offline: bool, what: str) -> None:
    """The worker's loop: take (target, args, cpu seconds), send back a tagged result."""
    _die_with_parent()
    if offline:
        from .offline import go_offline

        go_offline()
    _limit_memory(memory_mb)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        target, args, cpu_seconds = task
        _limit_cpu(cpu_seconds)
        message = _run_one(target, args, memory_mb, what)
        del task
        try:
            conn.send(message)
        except MemoryError:
            conn.send(("error", f"{what}: result too large"))
        except Exception as exc:  # noqa: BLE001 - e.g. an exception that does not pickle
            conn.send(("error", f"{what}: cannot return the result: {exc}"))


class _Worker:
    """A child process with limits, kept warm for the next call while it behaves."""

    def __init__(self, memory_mb: int, offline: bool, what: str):
        ctx = _get_context()
        self.key = (memory_mb, offline, what)
        self.tasks = 0
        self.conn, child_end = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(
            target=_serve, args=(child_end, memory_mb, offline, what), daemon=True
        )
        with _start_lock, _main_hidden():  # threads may start children at once
            self.proc.start()
        child_end.close()

    def stop(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()


_idle: list[_Worker] = []
_idle_lock = threading.Lock()


def _take(key: tuple[int, bool, str]) -> _Worker:
    with _idle_lock:
        for i, worker in enumerate(_idle):
            if worker.key == key and worker.proc.is_alive():
                return _idle.pop(i)
    return _Worker(*key)


def _give_back(worker: _Worker, keep: int) -> None:
    if worker.tasks >= MAX_TASKS_PER_WORKER:
        worker.stop()
        return
    with _idle_lock:
        if len(_idle) < keep:
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
    error: type[KggraphError] = ExtractionError,
    what: str = "extraction",
    offline: bool = True,
    keep_idle: int = MAX_IDLE_WORKERS,
) -> Any:
    """Run ``target`` ("package.module.function") on ``args`` in a limited child process.

    Failures that are not a KggraphError of the child's own become ``error`` with a
    message that starts with ``what`` ("extraction took longer than 30 s; stopped").
    The child is reused for the next call only after a successful result; after an error,
    a timeout or a crash it is stopped and a fresh one is started next time. At most
    ``keep_idle`` children are kept waiting.
    """
    worker = _take((memory_mb, offline, what))
    worker.tasks += 1
    ok = False
    try:
        worker.conn.send((target, args, max(1, int(timeout) + 1)))
        if not worker.conn.poll(timeout):
            raise error(f"{what} took longer than {timeout:g} s; stopped", path=path)
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            worker.proc.join(5)
            raise error(_death_reason(worker.proc.exitcode, memory_mb, what), path=path) from None
        ok = message[0] == "ok"
    finally:
        if ok:
            _give_back(worker, keep_idle)
        else:
            worker.stop()
    if ok:
        return message[1]
    if message[0] == "raise":
        exc: KggraphError = message[1]
        if exc.path is None:
            exc.path = path
        raise exc
    raise error(message[1], path=path)


def _death_reason(exitcode: int | None, memory_mb: int, what: str) -> str:
    import signal

    if exitcode is not None and exitcode < 0:
        sig = -exitcode
        if sig == getattr(signal, "SIGXCPU", -1):
            return f"{what} exceeded its CPU time limit; stopped"
        if sig in (signal.SIGKILL, signal.SIGSEGV):
            return f"{what} process was killed (signal {sig}; memory limit {memory_mb} MiB)"
        return f"{what} process died (signal {sig})"
    return f"{what} process ended without a result (exit code {exitcode})"


__all__ = ["DEFAULT_MEMORY_MB", "preload", "run_limited", "shutdown"]
