"""``kggraph query … --store``: the answer streamed by a forked child, under the limits.

The limits of :mod:`kggraph.query_limits` (time, memory, rows, no network, the guard) hold
here too, but the command line does not start a fork server and a worker for one query, nor
carry the whole answer back through a pipe: this process forks (about a millisecond; no new
interpreter, no rdflib), the child limits itself, opens the store read-only and writes the
answer straight into standard output or a temporary file beside ``-o FILE``, and the
parent waits at most ``timeout`` seconds before killing it. A bundled query is trusted: the
guard, which parses with rdflib, checks only other queries.

The answer is streamed with constant memory: TSV goes out as the engine writes it, cut at
``max_rows``; the other row formats are cut the same way into a spooled TSV buffer (memory
up to 64 MiB, then a temporary file) and read back by the writer of the format asked for;
a table (whose columns are as wide as their widest cell) and graphs are rendered whole.
"""

from __future__ import annotations

import io
import os
import pickle
import select
import signal
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .errors import KggraphError, QueryError
from .query import NamedQuery, bundled_queries, param_terms
from .query_limits import QueryLimits, QueryStopped
from .sparql_text import inline_terms

SPOOL = 64 * 2**20


class _Cut(Exception):
    """Enough lines written."""


class _LineCut(io.RawIOBase):
    """Passes bytes on to ``out`` up to and including the ``lines``-th newline, then stops
    the writer (``cut`` tells whether anything was left out)."""

    def __init__(self, out: IO[bytes], lines: int):
        super().__init__()
        self.out, self.left, self.cut = out, lines, False

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        if self.cut:  # the writer flushing its buffer on the way out
            return len(chunk)
        at, n = 0, len(chunk)
        while self.left and at < n:
            nl = chunk.find(b"\n", at)
            if nl < 0:
                at = n
                break
            at = nl + 1
            self.left -= 1
        if not self.left and at < n:
            self.out.write(chunk[:at])
            self.cut = True
            raise _Cut
        self.out.write(chunk)
        if not self.left:
            self.cut = True  # the next byte, if any, is one row too many
            self.left = -1
        return n


def _trusted(query: NamedQuery) -> bool:
    """A bundled query, as shipped (not a file or text of the caller's)."""
    return bundled_queries().get(query.name) is query


def write_answer(answer: Any, fmt: str, base: str, max_rows: int, out: IO[bytes]) -> bool:
    """Write ``answer`` in ``fmt`` to ``out``, at most ``max_rows`` rows; whether it had more."""
    import pyoxigraph as ox

    from .results import RESULT_FORMATS, render

    if not isinstance(answer, ox.QuerySolutions):
        if isinstance(answer, list):
            more = len(answer) > max_rows
            answer = answer[:max_rows]
        else:
            more = False
        out.write(render(answer, fmt, base))
        return more
    if fmt == "tsv":
        return _cut_tsv(answer, out, max_rows)
    with tempfile.SpooledTemporaryFile(SPOOL) as spool:
        more = _cut_tsv(answer, spool, max_rows)
        spool.seek(0)
        rows = ox.parse_query_results(spool, ox.QueryResultsFormat.TSV)
        if fmt in RESULT_FORMATS:
            rows.serialize(out, RESULT_FORMATS[fmt])
        else:
            out.write(render(rows, fmt, base))
    return more


def _cut_tsv(answer: Any, out: IO[bytes], max_rows: int) -> bool:
    """The solutions as TSV into ``out``, at most ``max_rows``; whether there were more."""
    import pyoxigraph as ox

    cut = _LineCut(out, max_rows + 1)  # the header line, then a line per row
    try:
        answer.serialize(cut, ox.QueryResultsFormat.TSV)
    except _Cut:
        return True
    except (OSError, ValueError, RuntimeError) as exc:  # Oxigraph's evaluation errors
        raise QueryError(f"SPARQL evaluation error: {exc}") from exc
    return False


@dataclass(frozen=True)
class _Job:
    store_path: str
    query: NamedQuery
    terms: Mapping[str, str]  # the parameters, written as SPARQL terms
    fmt: str
    base: str
    limits: QueryLimits


def _answer(job: _Job, out: IO[bytes]) -> bool:
    """In the child: check, run and write the query; whether rows were left out."""
    from .store import CorpusStore, StoreBackend

    if not _trusted(job.query):
        from .sparql_guard import check_query

        check_query(job.query.text, allow_network=job.limits.allow_network)
    store = CorpusStore.open(job.store_path, read_only=True)
    answer = StoreBackend(store).execute(inline_terms(job.query.text, job.terms), {})
    more = write_answer(answer, job.fmt, job.base, job.limits.max_rows, out)
    out.flush()
    return more


def _child(job: _Job, out_fd: int, report: int) -> None:
    from .limited import _die_with_parent, _limit_memory

    limits = job.limits
    try:
        _die_with_parent()
        if not limits.allow_network:
            from .offline import go_offline

            go_offline()
        _limit_memory(limits.memory_mb)
        with os.fdopen(out_fd, "wb", closefd=False) as out:
            message: tuple[Any, ...] = ("ok", _answer(job, out))
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
        target = Path(output or tempfile.gettempdir()) if output else None
        folder = target.parent if target else Path(tempfile.gettempdir())
        folder.mkdir(parents=True, exist_ok=True)
        name = target.name if target else "kggraph-answer"
        out_fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
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
            Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        if tmp:
            os.close(out_fd)
    if message[0] != "ok":
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        if message[0] == "raise":
            exc: KggraphError = message[1]
            if exc.path is None:
                exc.path = query.path or query.name
            raise exc
        raise QueryStopped(message[1], path=query.path or query.name)
    if tmp and output:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, output)
    elif tmp:
        with open(tmp, "rb") as fh:
            while chunk := fh.read(1 << 20):
                sys.stdout.buffer.write(chunk)
        sys.stdout.flush()
        Path(tmp).unlink(missing_ok=True)
    return bool(message[1])


def _wait(pid: int, read: int, timeout: float, query: NamedQuery) -> tuple[Any, ...]:
    """The child's message, or stop it when ``timeout`` seconds have passed."""
    data = b""
    with os.fdopen(read, "rb") as fh:
        ready, _, _ = select.select([fh], [], [], timeout)
        if not ready:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise QueryStopped(
                f"query took longer than {timeout:g} s; stopped", path=query.path or query.name
            )
        data = fh.read()
    _, status = os.waitpid(pid, 0)
    if not data:
        reason = f"query process ended without a result (status {status})"
        return ("error", reason)
    message: tuple[Any, ...] = pickle.loads(data)
    return message
