"""A query worker: a child process that opens the store read-only and answers jobs.

Oxigraph cannot interrupt a query from Python, so the server runs every query in one of
these processes and kills the process when its time is up (``executor.WorkerPool``). The
worker imports pyoxigraph, the query guard and the standard library, so it starts in a
second or so. Jobs and replies are pickled tuples on the child's stdin and stdout:

- ``("rows", query)`` → ``("rows", variables, rows)``: lexical values (``None`` unbound);
- ``("results", query, solutions_type, graph_type, default_graphs, named_graphs)`` →
  ``("results", media_type, body)``: the result serialised by pyoxigraph in the negotiated
  format (``solutions_type`` for SELECT/ASK, ``graph_type`` for CONSTRUCT/DESCRIBE);
- any failure → ``("error", kind, message)`` with kind ``refused``, ``syntax``,
  ``not-acceptable``, ``too-large`` or ``failed``.

Endpoint queries (``results``) are anyone's: before one runs, ``kggraph.sparql_guard``
refuses what would write or reach outside the store (SERVICE, LOAD and other updates,
FROM of a URL or file), inside the worker, so that parsing a huge query text is under the
time limit too. The worker has no network at all (``kggraph.offline.go_offline``).

    python -m kggraph.serve.worker STORE_PATH [MAX_BYTES] [MEMORY_MB]
"""

from __future__ import annotations

import io
import os
import pickle
import resource
import sys
from collections.abc import Sequence
from typing import Any, BinaryIO

import pyoxigraph as ox

from kggraph.serve.guard import Refused, check_query

#: Graphs in these formats are written as ``kggraph query`` writes them (each triple once,
#: sorted, with the project's prefixes); the others as the Oxigraph server writes them.
AS_THE_CLI = {"text/turtle": "turtle", "application/n-triples": "ntriples",
              "application/rdf+xml": "rdfxml"}  # fmt: skip


class TooLarge(Exception):
    """The serialised result passed the byte limit."""


class CappedBuffer(io.BytesIO):
    """A bytes buffer that refuses to grow past ``limit`` bytes."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def write(self, data: Any, /) -> int:
        if self.tell() + len(memoryview(data)) > self.limit:
            raise TooLarge(f"the result is larger than {self.limit // 1_000_000} MB")
        return super().write(data)


def _lexical(term: Any) -> str | None:
    return None if term is None else str(term.value)


def _graphs(names: Sequence[str] | None) -> list[Any] | None:
    return None if names is None else [ox.NamedNode(n) for n in names]


def _bundled_answer(store: ox.Store, query: str) -> Any:
    """A bundled kggraph query's answer as ``kggraph query --store`` gives it (some come
    from rows each document computed, see kggraph.corpus_rows); None for other queries."""
    from kggraph.store import StoreBackend

    return StoreBackend(store).shortcut(query)


def run_rows(store: ox.Store, query: str) -> tuple[Any, ...]:
    result = _bundled_answer(store, query)
    if result is None:
        result = store.query(query, use_default_graph_as_union=True)  # the store's layout
    if not isinstance(result, ox.QuerySolutions):
        return ("error", "failed", "only SELECT queries give rows")
    variables = tuple(v.value for v in result.variables)
    rows = [tuple(_lexical(s[v]) for v in variables) for s in result]
    return ("rows", variables, rows)


def run_results(
    store: ox.Store,
    query: str,
    solutions_type: str | None,
    graph_type: str | None,
    default_graphs: Sequence[str] | None,
    named_graphs: Sequence[str] | None,
    max_bytes: int,
) -> tuple[Any, ...]:
    check_query(query)
    dataset = default_graphs is not None or named_graphs is not None
    result = None if dataset else _bundled_answer(store, query)
    if result is None:
        result = store.query(
            query,
            default_graph=_graphs(default_graphs),
            named_graphs=_graphs(named_graphs),
            # the corpus store keeps each triple in one graph: their union is the corpus
            use_default_graph_as_union=default_graphs is None,
        )
    out = CappedBuffer(max_bytes)
    if isinstance(result, ox.QueryTriples):
        if graph_type is None:
            return ("error", "not-acceptable", "graph")
        if graph_type in AS_THE_CLI:
            from kggraph.results import graph_answer, render

            out.write(render(graph_answer(result), AS_THE_CLI[graph_type]))
        else:
            fmt = ox.RdfFormat.from_media_type(graph_type)
            assert fmt is not None
            result.serialize(out, fmt)
        return ("results", graph_type, out.getvalue())
    if solutions_type is None:
        return ("error", "not-acceptable", "solutions")
    rfmt = ox.QueryResultsFormat.from_media_type(solutions_type)
    assert rfmt is not None
    result.serialize(out, rfmt)
    return ("results", solutions_type, out.getvalue())


def handle(store: ox.Store, job: tuple[Any, ...], max_bytes: int) -> tuple[Any, ...]:
    """One job → one reply; never raises."""
    try:
        if job[0] == "rows":
            return run_rows(store, job[1])
        _, query, solutions_type, graph_type, default_graphs, named_graphs = job
        return run_results(
            store, query, solutions_type, graph_type, default_graphs, named_graphs, max_bytes
        )
    except Refused as exc:
        return ("error", "refused", str(exc))
    except SyntaxError as exc:
        return ("error", "syntax", str(exc))
    except TooLarge as exc:
        return ("error", "too-large", str(exc))
    except (OSError, ValueError, TypeError, MemoryError) as exc:
        return ("error", "failed", str(exc))


def _limit_memory(memory_mb: int) -> None:
    """Cap the heap (RLIMIT_DATA): a query that builds a huge sort or join fails in this
    process, which the server then replaces, instead of taking the machine's memory."""
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def _die_with_parent() -> None:
    """Linux: end this worker when the server process dies (PR_SET_PDEATHSIG), so that a
    killed server leaves no query running."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def main(argv: Sequence[str]) -> int:
    _die_with_parent()
    # No query needs the network: take it away from this process (an audit hook for Python
    # code and, on Linux, a network namespace of its own, where Oxigraph's SERVICE client
    # finds no network either).
    from kggraph.offline import go_offline

    go_offline()
    path = argv[0]
    max_bytes = int(argv[1]) if len(argv) > 1 else 64_000_000
    memory_mb = int(argv[2]) if len(argv) > 2 else 0
    stdin: BinaryIO = sys.stdin.buffer
    stdout: BinaryIO = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write into the reply pipe
    try:
        store = ox.Store.read_only(path)
    except OSError as exc:
        pickle.dump(("error", "failed", f"cannot open store {path}: {exc}"), stdout)
        stdout.flush()
        return 2
    _limit_memory(memory_mb)
    pickle.dump(("ready", os.getpid()), stdout)
    stdout.flush()
    while True:
        try:
            job = pickle.load(stdin)
        except EOFError:
            return 0
        pickle.dump(handle(store, job, max_bytes), stdout, protocol=pickle.HIGHEST_PROTOCOL)
        stdout.flush()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
