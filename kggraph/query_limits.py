"""Queries with a time limit, a memory limit and a row cap, checked before they run.

Neither Oxigraph nor rdflib can be interrupted from Python, so a query over graph files or
a store runs in a limited child process (:mod:`kggraph.limited`) that reads the graph
files or opens the store read-only itself, checks the query (:mod:`kggraph.sparql_guard`),
runs it, cuts the answer at ``max_rows`` and sends back the rendered bytes; when its time
is up the child is killed. The child has no network unless ``allow_network``
(:mod:`kggraph.offline`). A remote endpoint is asked from this process
(:mod:`kggraph.remote`), after the same check, with the same time limit.

The same call serves the command line and a server (give it the store path)::

    answer = execute(Source("store", ("kv.oxigraph",)), resolve_query("askers"), {},
                     "json", limits=QueryLimits(timeout=10, max_rows=1000))
    answer.data, answer.truncated

A cut answer is still a whole document in its format: solutions are cut by streaming them
through pyoxigraph's TSV writer (one line per solution), which stops the evaluation, and
reading the first lines back with its parser; triples are cut after their sorted list.
"""

from __future__ import annotations

import io
from collections import namedtuple

from . import DEFAULT_BASE
from .errors import LimitExceeded, QueryError, StoreError
from .query import NamedQuery, bind_params
from .self_limits import QUERY_MEMORY_MB

TYPE_CHECKING = False  # typing.TYPE_CHECKING: `kggraph query` runs without typing (~2 ms)
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, Literal

    from rdflib.term import Node

    from .results import Answer

DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_ROWS = 100_000
DEFAULT_MEMORY_MB = QUERY_MEMORY_MB


class QueryStopped(QueryError, LimitExceeded):
    """The query was stopped: over its time or memory limit (its process was killed)."""


class QueryLimits(
    namedtuple(
        "QueryLimits",
        "timeout max_rows memory_mb allow_network",
        defaults=[DEFAULT_TIMEOUT, DEFAULT_MAX_ROWS, DEFAULT_MEMORY_MB, False],
    )
):
    """``timeout`` seconds of wall-clock time (reading the graph files included),
    ``max_rows`` solutions or triples returned, ``memory_mb`` MiB for the child, and
    whether the query may reach the network (SERVICE, FROM <url>, JSON-LD contexts)."""

    __slots__ = ()
    timeout: float
    max_rows: int
    memory_mb: int
    allow_network: bool


class Source(namedtuple("Source", "kind location")):
    """Where the query runs: graph files, a store directory, or an endpoint URL."""

    __slots__ = ()
    kind: Literal["graphs", "store", "endpoint"]
    location: tuple[str, ...]


class Rendered(namedtuple("Rendered", "data truncated")):
    """The answer in the asked format; ``truncated`` when it was cut at ``max_rows``."""

    __slots__ = ()
    data: bytes
    truncated: bool


class _Full(Exception):
    """Enough lines written."""


class _LineCap(io.RawIOBase):
    """Keeps the first ``lines`` lines written to it, then stops the writer."""

    def __init__(self, lines: int):
        super().__init__()
        self.want, self.lines, self.parts, self.full = lines, 0, bytearray(), False

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        if self.full:  # the writer flushing its buffer again on the way out
            return len(chunk)
        self.parts += chunk
        self.lines += chunk.count(b"\n")
        if self.lines > self.want:
            self.full = True
            raise _Full
        return len(chunk)


def cap_answer(answer: Answer, max_rows: int) -> tuple[Answer, bool]:
    """At most ``max_rows`` solutions or triples of ``answer``, and whether it had more.

    >>> import pyoxigraph as ox
    >>> s, x = ox.Store(), ox.NamedNode("https://x.org/a")
    >>> s.extend([ox.Quad(x, x, ox.Literal(str(i))) for i in range(5)])
    >>> cut, more = cap_answer(s.query("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o"), 2)
    >>> [sol["o"].value for sol in cut], more
    (['0', '1'], True)
    """
    import pyoxigraph as ox

    if isinstance(answer, list):
        return answer[:max_rows], len(answer) > max_rows
    if not isinstance(answer, ox.QuerySolutions):
        return answer, False
    out = _LineCap(max_rows + 1)  # the header line, then one line per solution
    try:
        answer.serialize(out, ox.QueryResultsFormat.TSV)  # type: ignore[arg-type]
    except _Full:
        pass
    except SyntaxError as exc:  # results read lazily from an endpoint's answer
        raise StoreError(f"cannot read the endpoint's answer: {exc}") from exc
    except (OSError, ValueError, RuntimeError) as exc:  # Oxigraph's evaluation errors
        raise QueryError(f"SPARQL evaluation error: {exc}") from exc
    if not out.full:
        return ox.parse_query_results(bytes(out.parts), ox.QueryResultsFormat.TSV), False
    kept = b"\n".join(bytes(out.parts).split(b"\n")[: max_rows + 1]) + b"\n"
    return ox.parse_query_results(kept, ox.QueryResultsFormat.TSV), True


def _backend(source: Source, allow_network: bool) -> Any:
    if source.kind == "store":
        from .store import CorpusStore, StoreBackend

        return StoreBackend(CorpusStore.open(source.location[0], read_only=True))
    from .query import files_backend

    return files_backend(source.location, allow_network=allow_network)


def check_here(text: str, allow_network: bool) -> str:
    """:func:`~kggraph.sparql_guard.check_query` with positional arguments (for a child)."""
    from .sparql_guard import check_query

    return check_query(text, allow_network=allow_network)


def run_here(
    source: Source,
    text: str,
    bindings: Mapping[str, Node],
    fmt: str,
    base: str,
    max_rows: int,
    allow_network: bool,
) -> Rendered:
    """Check, run and render one query in this process (what the limited child does)."""
    from .results import render

    check_here(text, allow_network)
    answer, truncated = cap_answer(
        _backend(source, allow_network).execute(text, bindings), max_rows
    )
    return Rendered(safe_output(render(answer, fmt, base), fmt), truncated)


def safe_output(data: bytes, fmt: str) -> bytes:
    """CSV with formula-like cells neutralised, a table with control characters escaped
    (:mod:`kggraph.output_safety`); other formats as written."""
    from .output_safety import neutralise_csv, terminal_safe

    if fmt == "csv":
        return neutralise_csv(data)
    if fmt == "table":
        return terminal_safe(data.decode("utf-8")).encode("utf-8")
    return data


def execute(
    source: Source,
    query: NamedQuery,
    params: Mapping[str, str] | None = None,
    fmt: str = "json",
    base: str = DEFAULT_BASE,
    limits: QueryLimits | None = None,
) -> Rendered:
    """Run ``query`` on ``source`` within ``limits``; the answer rendered in ``fmt`` (one of
    :data:`kggraph.results.FORMATS`)."""
    from .limited import run_limited

    limits = limits or QueryLimits()
    if limits.max_rows < 0 or limits.timeout <= 0:
        raise QueryError("the row cap must be ≥ 0 and the time limit > 0")
    bindings = bind_params(query, params or {}, base)

    def limited(target: str, args: tuple[Any, ...]) -> Any:
        return run_limited(
            f"kggraph.query_limits.{target}",
            args,
            path=query.path or query.name,
            timeout=limits.timeout,
            memory_mb=limits.memory_mb,
            error=QueryStopped,
            what="query",
            offline=not limits.allow_network,
        )

    if source.kind != "endpoint":
        args = (source, query.text, bindings, fmt, base, limits.max_rows, limits.allow_network)
        rendered: Rendered = limited("run_here", args)
        return rendered
    from .remote import RemoteBackend
    from .results import render

    # the check parses with rdflib: bounded like a query, then the request from here
    limited("check_here", (query.text, limits.allow_network))
    remote = RemoteBackend(source.location[0], timeout=limits.timeout)
    answer, truncated = cap_answer(remote.execute(query.text, bindings), limits.max_rows)
    return Rendered(safe_output(render(answer, fmt, base), fmt), truncated)


__all__ = [
    "QueryLimits",
    "QueryStopped",
    "Rendered",
    "Source",
    "cap_answer",
    "check_here",
    "execute",
]
