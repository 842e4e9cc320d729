"""``kggraph query … --store``: the answer streamed by a forked child, under the limits.

The limits of :mod:`kggraph.query_limits` (time, memory, rows, no network, the guard) hold
here too, but the command line does not start a fork server and a worker for one query, nor
carry the whole answer back through a pipe: this process forks (no new interpreter, no
rdflib), the child limits itself, opens the store read-only and writes the answer straight
into standard output or a temporary file beside ``-o FILE``, and the parent waits at most
``timeout`` seconds before killing it. A bundled query is trusted: the guard, which parses
with rdflib, checks only other queries.

A one-document answer waits on the process's start-up more than on the engine (about a
millisecond), so this process imports only what it uses before the fork (no pyoxigraph:
the child loads it), and the child opens a store of the current layout without the
store's writer side (:func:`kggraph.query_early.open_store`). The console script forks
that child before it parses the command line (:mod:`kggraph.query_early`).

The child's side, which streams the answer, is :mod:`kggraph.query_answer`.
"""

from __future__ import annotations

import os
import select
import sys

from .errors import KggraphError, StoreError
from .query import NamedQuery, bundled_queries, param_terms
from .query_answer import _OK, Job, answer_job
from .query_early import EarlyChild, Opening, prepare
from .query_limits import QueryLimits, QueryStopped

TYPE_CHECKING = False  # typing.TYPE_CHECKING: `kggraph query` runs without typing (~2 ms)
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any


def _trusted(query: NamedQuery) -> bool:
    """A bundled query, as shipped (not a file or text of the caller's)."""
    return bundled_queries().get(query.name) is query


def _child(job: Job, report: int) -> None:
    """The child forked for ``job``: limits itself, opens the store, answers."""
    try:
        opening: Opening | BaseException = prepare(job.store_path, job.memory_mb, job.allow_network)
    except BaseException as exc:  # noqa: BLE001 - reported as the answer's failure
        opening = exc
    answer_job(job, report, opening)


def run_store_query(
    store_path: str,
    query: NamedQuery,
    params: Mapping[str, str],
    fmt: str,
    base: str,
    limits: QueryLimits,
    output: str | None = None,
    early: EarlyChild | None = None,
) -> bool:
    """Run ``query`` on the store at ``store_path`` and write the answer to standard output
    or, whole or not at all, to ``output``; whether rows were left out at ``max_rows``.
    ``early``: a child forked before the command was parsed, answering the job if it
    prepared the same store with the same limits (:mod:`kggraph.query_early`)."""
    terms = param_terms(query, params, base)
    tmp: str | None = None
    copy = False  # standard output is no file (captured in a test): copy the answer into it
    if not output:
        sys.stdout.flush()
        try:
            out_fd = sys.stdout.fileno()
        except (AttributeError, OSError, ValueError):
            copy = True
    if output or copy:
        try:
            out_fd, tmp = _temp_beside(output)
        except OSError as failed:
            raise _write_error(output, failed) from failed
    job = Job(
        store_path,
        query.text,
        _trusted(query),
        dict(terms),
        fmt,
        base,
        limits.max_rows,
        limits.memory_mb,
        limits.allow_network,
        out_fd,
    )
    try:
        read = -1
        if early is not None and not (tmp or out_fd == 1):
            early.stop()  # it has standard output as this process had it when it forked
        elif early is not None:  # it opens the temporary file itself, by its path
            made = os.fstat(out_fd)
            out = (tmp, made.st_dev, made.st_ino) if tmp else out_fd
            read = early.take(job._replace(out=out))
            pid = early.pid
        if read < 0:
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child reports through the pipe
                os.close(read)
                _child(job, write)
            os.close(write)
        message = _wait(pid, read, limits.timeout, query)
    except BaseException:
        if tmp:
            _unlink(tmp)
        raise
    finally:
        if tmp:
            os.close(out_fd)
    if message[0] != "ok":
        if tmp:
            _unlink(tmp)
        if message[0] == "raise":
            exc: KggraphError = message[1]
            if exc.path is None:
                exc.path = query.path or query.name
            raise exc
        raise QueryStopped(message[1], path=query.path or query.name)
    if tmp and output:
        umask = os.umask(0)
        os.umask(umask)
        try:
            os.chmod(tmp, 0o666 & ~umask)
            os.replace(tmp, output)
        except OSError as failed:
            _unlink(tmp)
            raise _write_error(output, failed) from failed
    elif tmp:
        with open(tmp, "rb") as fh:
            while chunk := fh.read(1 << 20):
                sys.stdout.buffer.write(chunk)
        sys.stdout.flush()
        _unlink(tmp)
    return bool(message[1])


def _temp_beside(output: str | None) -> tuple[int, str]:
    """A new file, private to this user, beside ``output`` (its folder made if missing) or
    in the temporary folder: (descriptor, path). What ``tempfile.mkstemp`` does, without
    importing tempfile (random, shutil …: milliseconds of every ``kggraph query``)."""
    if output:
        folder, name = os.path.split(output.rstrip(os.sep) or output)
        folder = folder or os.curdir
        os.makedirs(folder, exist_ok=True)
    else:
        folder, name = _temp_folder(), "kggraph-answer"
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        path = os.path.join(folder, f".{name}.{os.urandom(6).hex()}")
        try:
            return os.open(path, flags, 0o600), path
        except FileExistsError:
            continue


def _write_error(output: str | None, exc: OSError) -> StoreError:
    """What ``atomic_write`` says when the answer cannot be written (exit code 5)."""
    from pathlib import Path

    from .atomic import _write_error

    return _write_error(Path(output or _temp_folder()), exc, os.path.exists(output or ""))


def _temp_folder() -> str:
    import tempfile  # only when standard output is no file (a test capturing it)

    return tempfile.gettempdir()


def _unlink(path: str) -> None:
    try:  # not contextlib.suppress: contextlib is not imported on the way to an answer
        os.unlink(path)
    except FileNotFoundError:
        return


#: children that had reported but not yet ended when their query returned
_ENDING: set[int] = set()


def _reap(pid: int) -> None:
    """Reap the child ``pid`` and those of earlier queries, without waiting for any.

    A child that has reported has written its whole answer and is ending; tearing down its
    store (RocksDB's threads and maps) takes it 2–3 ms more, which the answer does not wait
    for: ``kggraph query`` ends the process at once (the child is reparented and reaped),
    and a process that queries again reaps it then."""
    for child in (*_ENDING, pid):
        try:
            ended, _ = os.waitpid(child, os.WNOHANG)
        except ChildProcessError:  # reaped already
            ended = child
        if ended:
            _ENDING.discard(child)
        else:
            _ENDING.add(child)


def _wait(pid: int, read: int, timeout: float, query: NamedQuery) -> tuple[Any, ...]:
    """The child's message, or stop it when ``timeout`` seconds have passed."""
    data = b""
    with os.fdopen(read, "rb") as fh:
        ready, _, _ = select.select([fh], [], [], timeout)
        if not ready:
            import signal

            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise QueryStopped(
                f"query took longer than {timeout:g} s; stopped", path=query.path or query.name
            )
        data = fh.read()
    if not data:
        _, status = os.waitpid(pid, 0)
        return ("error", f"query process ended without a result (status {status})")
    _reap(pid)
    if data in _OK.values():
        return ("ok", data == _OK[True])
    import pickle

    message: tuple[Any, ...] = pickle.loads(data)
    return message
