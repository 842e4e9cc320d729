"""The store of ``kggraph query … --store S`` opened while the command line is still read.

A one-document answer takes the engine about a millisecond; the rest is start-up: the
interpreter, kggraph's command line (≈ 12 ms: its imports and argparse), the child's
network namespace (≈ 3 ms) and opening the store (≈ 14 ms, in RocksDB). The last two do
not depend on what argparse finds, only on the store's path, so the console script
(:mod:`kggraph.launch`) forks the query's child before anything else when the words of the
command name a store (:func:`start`): the child takes the network away, limits its memory
and opens the store on the second core while this process imports and parses the command.
When the command is parsed, :func:`kggraph.query_stream.run_store_query` hands the job to
that child (:meth:`EarlyChild.take`) if the parsed command asks for the same store with
the limits the child set itself; otherwise it is stopped and a child is forked as before.

The child is the one :mod:`kggraph.query_stream` forks, started earlier: the same limits
before the store is opened, the same guard, the same answer and report. It dies with this
process, and ends as soon as the job pipe closes without a job.

Only ``os`` and ``sys`` are imported here: this module runs before everything else.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms)
if TYPE_CHECKING:
    from typing import Any

    from .query_answer import Job

#: the layout mark of kggraph.store_layout (a test keeps them equal): the child checks it
#: without importing the store's writer side; a store without it is opened by
#: CorpusStore.open, which says what is wrong
_STORE = "https://w3id.org/kggraph/store#"
LAYOUT_MARK = (_STORE + "bookkeeping", _STORE + "layout", "2")


def open_store(path: str) -> Any:
    """The store at ``path``, read-only, as ``CorpusStore.open`` opens it: a store in the
    current layout directly, anything else (no store, a store that cannot be opened, an
    empty store or one of another layout) through ``CorpusStore.open``, which refuses it
    or opens it and says why."""
    import pyoxigraph as ox

    if os.path.isdir(path):
        try:
            store = ox.Store.read_only(path)
        except OSError:
            pass
        else:
            book, layout, version = LAYOUT_MARK
            graph = ox.NamedNode(book)
            if ox.Quad(graph, ox.NamedNode(layout), ox.Literal(version), graph) in store:
                return store
            del store
    from .store import CorpusStore

    return CorpusStore.open(path, read_only=True).store


class Opening:
    """:func:`open_store` in a thread of its own: opening the store (≈ 10 ms at 10,000
    documents, in RocksDB, without the GIL) overlaps what the child does meanwhile.
    ``_thread``, not ``threading``: the latter's import alone costs a millisecond.

    The caller waits while the thread imports pyoxigraph (≈ 5 ms, holding the GIL either
    way): else its own work would hold the GIL for up to the interpreter's switch interval
    (5 ms) before the thread starts, and the opening would begin that much later."""

    def __init__(self, path: str):
        import _thread

        self.value: Any = None
        self.error: BaseException | None = None
        self.done = _thread.allocate_lock()
        self.done.acquire()
        started = _thread.allocate_lock()
        started.acquire()
        _thread.start_new_thread(self._run, (path, started))
        started.acquire()  # until the engine is loaded and the store about to open

    def _run(self, path: str, started: Any) -> None:
        try:
            import pyoxigraph  # noqa: F401 - loaded before the caller goes on
        except BaseException as exc:  # raised again in the child's main thread
            self.error = exc
        finally:
            started.release()
        try:
            if self.error is None:
                self.value = open_store(path)
        except BaseException as exc:  # raised again in the child's main thread
            self.error = exc
        finally:
            self.done.release()

    def result(self) -> Any:
        with self.done:
            if self.error is not None:
                raise self.error
            return self.value


def prepare(path: str, memory_mb: int, allow_network: bool) -> Opening:
    """In a query's child: no network (unless allowed), ``memory_mb`` MiB more address
    space at most, death with the parent, and the store at ``path`` being opened."""
    from .self_limits import die_with_parent, limit_memory, unshare_network

    # first: the kernel unshares a single-threaded process only (RocksDB starts threads)
    namespace = False if allow_network else unshare_network()
    die_with_parent()
    limit_memory(memory_mb)
    opening = Opening(path)
    if not allow_network:  # Python's side, while the store opens; before any query runs
        from .offline import go_offline

        go_offline(namespace)
    return opening


def store_named(argv: list[str]) -> str | None:
    """The store a ``query`` command line names (the last ``--store``, as argparse takes
    it), or None: another command, no ``--store``, or words that ask for a child with other
    limits (``--allow-network``) or that end the command before any query (``--help``).
    A guess from the words alone; the parsed command has the last word
    (:meth:`EarlyChild.take`)."""
    if not argv or argv[0] != "query":
        return None
    store = None
    for i, word in enumerate(argv):
        if word == "--":
            break
        if word in ("--allow-network", "-h", "--help"):
            return None
        if word == "--store" and i + 1 < len(argv):
            store = argv[i + 1]
        elif word.startswith("--store="):
            store = word[len("--store=") :]
    return store or None


class EarlyChild:
    """A query's child forked before the command line was parsed, preparing ``store``
    with the default limits; it waits for its job on ``job`` and reports on ``report``."""

    def __init__(self, pid: int, store: str, memory_mb: int, job: int, report: int):
        self.pid, self.store, self.memory_mb = pid, store, memory_mb
        self.job, self.report = job, report
        self.state = "waiting"  # then "taken" (it answers) or "stopped"

    def take(self, job: Job) -> int:
        """Send ``job`` to the child if it prepared what the job asks for (the same store,
        memory limit and no network): the descriptor of its report, else -1 (the child is
        stopped)."""
        if (
            self.state != "waiting"
            or (job.store_path, job.memory_mb) != (self.store, self.memory_mb)
            or job.allow_network
        ):
            self.stop()
            return -1
        import fcntl
        import marshal

        data = marshal.dumps(tuple(job))
        if len(data) > fcntl.fcntl(self.job, fcntl.F_GETPIPE_SZ):  # would wait for the child
            self.stop()  # (a query text of tens of kB): the time limit would not cover it
            return -1
        self.state = "taken"
        try:
            os.write(self.job, data)  # the pipe is empty and holds it all: no waiting
        except BrokenPipeError:
            pass  # the child is gone: its report is empty, the query says so
        finally:
            os.close(self.job)
        return self.report

    def stop(self) -> None:
        """End the child without a job (nothing is written) and reap it, unless it was
        given one already."""
        if self.state != "waiting":
            return
        self.state = "stopped"
        os.close(self.job)  # the child ends when it reads that no job comes
        os.close(self.report)
        try:
            os.kill(self.pid, 9)  # SIGKILL: it may still be opening the store
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            return


def start(argv: list[str]) -> EarlyChild | None:
    """Fork the child of the query ``argv`` names (see :func:`store_named`), or None.
    Called while this process is single-threaded (the child unshares its network)."""
    store = store_named(argv)
    if store is None or not sys.platform.startswith("linux"):
        return None
    from .self_limits import QUERY_MEMORY_MB

    fds: list[int] = []
    try:
        fds += os.pipe()
        fds += os.pipe()
        pid = os.fork()
    except OSError:  # no descriptors or processes left: the query forks its child later
        for fd in fds:
            os.close(fd)
        return None
    job_read, job_write, report_read, report_write = fds
    if pid == 0:  # pragma: no cover - the child reports through its pipe
        try:
            os.close(job_write)
            os.close(report_read)
            _child(store, QUERY_MEMORY_MB, job_read, report_write)
        finally:
            os._exit(0)
    os.close(job_read)
    os.close(report_write)
    return EarlyChild(pid, store, QUERY_MEMORY_MB, job_write, report_read)


def _child(store: str, memory_mb: int, job_read: int, report: int) -> None:  # pragma: no cover
    """Prepare, wait for the job, answer it (as the child of ``query_stream`` does)."""
    import marshal

    try:
        opening: Opening | BaseException = prepare(store, memory_mb, False)
    except BaseException as exc:  # noqa: BLE001 - reported with the job's answer
        opening = exc
    try:
        from .query_answer import Job, answer_job  # while the store opens

        with os.fdopen(job_read, "rb") as fh:
            data = fh.read()
        if not data:
            return  # no job: the parsed command asked for another child, or none
        job = Job(*marshal.loads(data))
    except BaseException as exc:  # noqa: BLE001 - said to the parent, as answer_job says it
        from .query_answer import send_report

        send_report(report, ("error", f"query failed: {type(exc).__name__}: {exc}"))
    answer_job(job, report, opening)
