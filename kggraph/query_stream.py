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
store's writer side (:func:`_open_store`).

The answer is streamed with constant memory: TSV and CSV go out as the engine writes them,
cut after ``max_rows`` rows (a CSV row ends at a line break outside quotes); the other row
formats are cut the same way into a spooled TSV buffer (memory up to 64 MiB, then a
temporary file) and read back by the writer of the format asked for; a table (whose
columns are as wide as their widest cell) and graphs are rendered whole.
"""

from __future__ import annotations

import io
import os
import re
import select
import sys
from collections import namedtuple

from .errors import KggraphError, QueryError, StoreError
from .query import NamedQuery, bundled_queries, param_terms
from .query_limits import QueryLimits, QueryStopped
from .sparql_text import inline_terms

TYPE_CHECKING = False  # typing.TYPE_CHECKING: `kggraph query` runs without typing (~2 ms)
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import IO, Any

    import pyoxigraph as ox

SPOOL = 64 * 2**20
# where a CSV cell may start like a formula (``output_safety.FORMULA_START``); a match is
# then checked cell by cell
_MAYBE_FORMULA = re.compile(rb'(?:^|,)"?[=+\-@\t\r]', re.MULTILINE)
# the child's report when it wrote the answer (rows left out or not); anything else it
# reports is pickled (an error whole, with its class and attributes)
_OK = {False: b"ok", True: b"ok, cut"}
# the layout mark of kggraph.store_layout (a test keeps them equal): a one-document query
# checks it without importing the store's writer side; a store without it is opened by
# CorpusStore.open, which says what is wrong
_STORE = "https://w3id.org/kggraph/store#"
_LAYOUT_MARK = (_STORE + "bookkeeping", _STORE + "layout", "2")


class _Cut(Exception):
    """Enough lines written."""


class _LineCut(io.RawIOBase):
    """Passes bytes on to ``out`` up to and including the ``lines``-th end of a row, then
    stops the writer at the next byte (``cut`` tells whether anything was left out). Rows
    end at a newline; with ``quoted``, only at one outside double quotes (CSV, whose cells
    may hold line breaks)."""

    def __init__(self, out: IO[bytes] | io.RawIOBase, lines: int, quoted: bool = False):
        super().__init__()
        self.out, self.left, self.cut = out, lines, False
        self.quoted, self.inside = quoted, False

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        n = len(chunk)
        if self.cut or not n:  # the writer flushing its buffer on the way out
            return n
        if not self.left:  # a byte after the last row allowed: a row too many
            self.cut = True
            raise _Cut
        if self.quoted and (self.inside or b'"' in chunk):
            at = self._csv_rows(chunk)
        elif chunk.count(b"\n") < self.left:
            self.left -= chunk.count(b"\n")
            at = n
        else:
            at = 0
            for _ in range(self.left):
                at = chunk.index(b"\n", at) + 1
            self.left = 0
        if at < n:
            self.out.write(chunk[:at])
            self.cut = True
            raise _Cut
        self.out.write(chunk)
        return n

    def _csv_rows(self, chunk: bytes) -> int:
        """Count the rows ending in ``chunk``; where the ``left``-th ends, else its length."""
        parts = chunk.split(b'"')  # outside quotes: every other part, the first if outside
        ends = sum(p.count(b"\n") for p in parts[1 if self.inside else 0 :: 2])
        if ends < self.left:  # all of it goes out
            self.left -= ends
            self.inside ^= len(parts) % 2 == 0
            return len(chunk)
        at, self.inside = _csv_row_ends(chunk, self.inside, self.left)
        self.left = 0
        return at[-1]


def _csv_row_ends(data: bytes, inside: bool, most: int) -> tuple[list[int], bool]:
    """Where CSV rows end in ``data`` (just after a line break outside double quotes), up
    to the ``most``-th, scanning from a start inside quotes or not; and whether the scan
    ends inside quotes (it stops at the ``most``-th end, else at the end of ``data``)."""
    ends: list[int] = []
    at = 0
    while len(ends) < most:
        nl = data.find(b"\n", at)
        if nl < 0:
            return ends, inside ^ (data.count(b'"', at) % 2 == 1)
        inside ^= data.count(b'"', at, nl) % 2 == 1
        at = nl + 1
        if not inside:
            ends.append(at)
    return ends, inside


class _SafeCsv(io.RawIOBase):
    """Passes CSV on to ``out`` whole rows at a time, with formula-like cells neutralised
    as :func:`~kggraph.output_safety.neutralise_csv` neutralises a whole answer (what
    ``kggraph query`` writes from graph files): rows without such a cell stay as written."""

    def __init__(self, out: IO[bytes]):
        super().__init__()
        self.out, self.header, self.pending = out, b"", b""

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        rows = self.pending + chunk  # starts at the start of a row: outside quotes
        done = len(rows)
        while done:  # the last line break after an even number of quotes ends a row
            done = rows.rfind(b"\n", 0, done) + 1
            if rows.count(b'"', 0, done) % 2 == 0:
                break
            done -= 1
        self.pending = rows[done:]
        if done:
            self._rows(rows[:done])
        return len(chunk)

    def flush(self) -> None:
        if self.pending:  # a last row without its line break (Oxigraph ends every row)
            self._rows(self.pending)
            self.pending = b""
        self.out.flush()

    def _rows(self, rows: bytes) -> None:
        if not self.header:
            self.header = rows[: rows.index(b"\n") + 1]  # variable names: never quoted
            self.out.write(self.header)
            rows = rows[len(self.header) :]
        if rows and _MAYBE_FORMULA.search(rows):
            from .output_safety import neutralise_csv

            rows = neutralise_csv(self.header + rows)[len(self.header) :]
        self.out.write(rows)


def _trusted(query: NamedQuery) -> bool:
    """A bundled query, as shipped (not a file or text of the caller's)."""
    return bundled_queries().get(query.name) is query


def write_answer(answer: Any, fmt: str, base: str, max_rows: int, out: IO[bytes]) -> bool:
    """Write ``answer`` in ``fmt`` to ``out``, at most ``max_rows`` rows; whether it had more."""
    import pyoxigraph as ox

    if isinstance(answer, ox.QuerySolutions) and fmt == "tsv":
        return _cut_rows(answer, out, max_rows, fmt)  # straight from the engine's writer
    if isinstance(answer, ox.QuerySolutions) and fmt == "csv":
        safe = _SafeCsv(out)
        more = _cut_rows(answer, safe, max_rows, fmt)
        safe.flush()
        return more
    from .query_limits import safe_output
    from .results import RESULT_FORMATS, render

    if not isinstance(answer, ox.QuerySolutions):
        if isinstance(answer, list):
            more = len(answer) > max_rows
            answer = answer[:max_rows]
        else:
            more = False
        out.write(safe_output(render(answer, fmt, base), fmt))
        return more
    import tempfile

    with tempfile.SpooledTemporaryFile(SPOOL) as spool:
        more = _cut_rows(answer, spool, max_rows, "tsv")
        spool.seek(0)
        rows = ox.parse_query_results(spool, ox.QueryResultsFormat.TSV)
        if fmt in RESULT_FORMATS:  # JSON, XML: nothing a reader would run
            rows.serialize(out, RESULT_FORMATS[fmt])
        else:
            out.write(safe_output(render(rows, fmt, base), fmt))
    return more


def _cut_rows(
    answer: ox.QuerySolutions, out: IO[bytes] | io.RawIOBase, max_rows: int, fmt: str
) -> bool:
    """The solutions as TSV or CSV into ``out``, at most ``max_rows``; whether there were
    more."""
    import pyoxigraph as ox

    as_csv = fmt == "csv"
    cut = _LineCut(out, max_rows + 1, quoted=as_csv)  # the header line, then one per row
    try:
        answer.serialize(
            cut,  # type: ignore[arg-type]
            ox.QueryResultsFormat.CSV if as_csv else ox.QueryResultsFormat.TSV,
        )
    except _Cut:
        return True
    except (OSError, ValueError, RuntimeError) as exc:  # Oxigraph's evaluation errors
        raise QueryError(f"SPARQL evaluation error: {exc}") from exc
    return False


class _Job(namedtuple("_Job", "store_path query terms fmt base limits")):
    """What the child is to answer."""

    __slots__ = ()
    store_path: str
    query: NamedQuery
    terms: Mapping[str, str]  # the parameters, written as SPARQL terms
    fmt: str
    base: str
    limits: QueryLimits


def _open_store(path: str) -> Any:
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
            book, layout, version = _LAYOUT_MARK
            graph = ox.NamedNode(book)
            if ox.Quad(graph, ox.NamedNode(layout), ox.Literal(version), graph) in store:
                return store
            del store
    from .store import CorpusStore

    return CorpusStore.open(path, read_only=True).store


def _backend(job: _Job) -> Any:
    """The backend that answers ``job``, its store opened read-only."""
    if job.terms:  # one document: no corpus rows or slices apply to the text written in
        from .query import OxigraphBackend

        return OxigraphBackend(_open_store(job.store_path))
    from .store import CorpusStore, StoreBackend

    return StoreBackend(CorpusStore.open(job.store_path, read_only=True))


class _Opening:
    """:func:`_backend` of a job, in a thread of its own: opening the store (≈ 14 ms at
    80,000 documents, in RocksDB, without the GIL) overlaps what the child does meanwhile.
    ``_thread``, not ``threading``: the latter's import alone costs a millisecond."""

    def __init__(self, job: _Job):
        import _thread

        self.value: Any = None
        self.error: BaseException | None = None
        self.done = _thread.allocate_lock()
        self.done.acquire()
        _thread.start_new_thread(self._run, (job,))

    def _run(self, job: _Job) -> None:
        try:
            self.value = _backend(job)
        except BaseException as exc:  # raised again in the child's main thread
            self.error = exc
        finally:
            self.done.release()

    def result(self) -> Any:
        with self.done:
            if self.error is not None:
                raise self.error
            return self.value


def _answer(job: _Job, out: IO[bytes], backend: Callable[[], Any]) -> bool:
    """In the child: check, run and write the query; whether rows were left out."""
    if not _trusted(job.query):
        from .sparql_guard import check_query

        check_query(job.query.text, allow_network=job.limits.allow_network)
    text = inline_terms(job.query.text, job.terms)
    answer = backend().execute(text, {})
    more = write_answer(answer, job.fmt, job.base, job.limits.max_rows, out)
    out.flush()
    return more


def _child(job: _Job, out_fd: int, report: int) -> None:
    from .self_limits import die_with_parent, limit_memory

    limits = job.limits
    try:
        if not limits.allow_network:
            from .offline import go_offline

            go_offline()  # first: the kernel unshares a single-threaded process only
        limit_memory(limits.memory_mb)
        backend = _Opening(job)
        die_with_parent()
        with os.fdopen(out_fd, "wb", closefd=False) as out:
            message: tuple[Any, ...] = ("ok", _answer(job, out, backend.result))
    except KggraphError as exc:
        message = ("raise", exc)
    except BrokenPipeError:
        message = ("ok", False)  # the reader went away (`| head`): nothing more to say
    except MemoryError:
        message = ("error", f"query ran out of memory (limit {limits.memory_mb} MiB)")
    except BaseException as exc:  # noqa: BLE001 - everything becomes a message to the parent
        message = ("error", f"query failed: {type(exc).__name__}: {exc}")
    try:
        with os.fdopen(report, "wb") as fh:
            if message[0] == "ok":  # the common case, without importing pickle
                fh.write(_OK[message[1]])
            else:
                import pickle

                pickle.dump(message, fh)
    finally:
        os._exit(0)


def run_store_query(
    store_path: str,
    query: NamedQuery,
    params: Mapping[str, str],
    fmt: str,
    base: str,
    limits: QueryLimits,
    output: str | None = None,
) -> bool:
    """Run ``query`` on the store at ``store_path`` and write the answer to standard output
    or, whole or not at all, to ``output``; whether rows were left out at ``max_rows``."""
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
    read, write = os.pipe()
    try:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child reports through the pipe
            os.close(read)
            _child(_Job(store_path, query, terms, fmt, base, limits), out_fd, write)
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
