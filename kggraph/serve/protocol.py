"""``/sparql``: the SPARQL 1.1 Protocol, read-only, as the Oxigraph server speaks it.

- ``GET /sparql?query=…`` and ``POST`` with ``application/x-www-form-urlencoded`` (a
  ``query`` field) or ``application/sparql-query`` (the query as the body), each with
  ``default-graph-uri`` / ``named-graph-uri`` (graphs of the store, never fetched);
- SELECT and ASK results as JSON (default), XML, CSV or TSV, CONSTRUCT and DESCRIBE as
  Turtle (default), N-Triples, JSON-LD, N-Quads, TriG, RDF/XML or N3, chosen from the
  ``Accept`` header with its q-values; ``application/json`` and ``text/plain`` are
  understood as Oxigraph understands them;
- errors as ``text/plain``: 400 bad request or query (also a refused construct), 403 an
  update, 406 no acceptable format, 415 an unknown body type, 503 time limit or all
  workers busy, 500 the result is larger than the server sends.

>>> negotiate("text/csv;q=0.5, application/sparql-results+xml", SOLUTION_TYPES, SOLUTION_ALIASES)
'application/sparql-results+xml'
>>> negotiate("application/json", GRAPH_TYPES, GRAPH_ALIASES)
'application/ld+json'
>>> negotiate("text/html", SOLUTION_TYPES, SOLUTION_ALIASES) is None
True
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..errors import QueryError
from .executor import Busy, NotAcceptable, QueryTimeout, ResultTooLarge

SOLUTION_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
GRAPH_TYPES = (
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/n-quads",
    "application/trig",
    "application/rdf+xml",
    "text/n3",
)
SOLUTION_ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "text/plain": "text/csv",
    "text/tsv": "text/tab-separated-values",
}
GRAPH_ALIASES = {
    "application/json": "application/ld+json",
    "application/xml": "application/rdf+xml",
    "text/xml": "application/rdf+xml",
    "text/plain": "application/n-triples",
    "application/x-turtle": "text/turtle",
}
#: Oxigraph names the charset of these two (CSV, TSV); the other types carry none.
CHARSET = {"text/csv", "text/tab-separated-values"}
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


def _ranges(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept header, most wanted first (stable for equal q)."""
    out = []
    for i, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        if not media:
            continue
        q = 1.0
        for p in params:
            name, _, value = p.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        out.append((i, media.lower(), q))
    return [(m, q) for _, m, q in sorted(out, key=lambda t: (-t[2], t[0]))]


def negotiate(accept: str | None, offered: Sequence[str], aliases: dict[str, str]) -> str | None:
    """The offered media type the Accept header prefers, or None when it accepts none.
    No header (or an empty one) takes the first offered type."""
    if not accept or not accept.strip():
        return offered[0]
    ranges = _ranges(accept)
    refused = {m for m, q in ranges if q <= 0}
    for media, q in ranges:
        if q <= 0:
            continue
        candidates: list[str] = []
        if media in offered:
            candidates = [media]
        elif media in aliases:
            candidates = [aliases[media]]
        elif media == "*/*":
            candidates = list(offered)
        elif media.endswith("/*"):
            major = media[:-1]
            candidates = [o for o in offered if o.startswith(major)] or list(offered)
        for c in candidates:
            if c not in refused:
                return c
    return None


def _text(status: int, message: str) -> Response:
    return Response(message, status_code=status, media_type="text/plain; charset=utf-8")


class SparqlEndpoint:
    """The ``/sparql`` handler. The query is checked (``kggraph.sparql_guard``: no SERVICE,
    no update, no FROM of a URL or file) and run in a worker process (``worker.py``)."""

    async def handle(self, request: Request) -> Response:
        if request.method not in ("GET", "POST"):
            return _text(405, f"{request.method} /sparql is not supported: use GET or POST")
        fields = list(urllib.parse.parse_qsl(request.url.query, keep_blank_values=True))
        query: str | None = None
        if request.method == "POST":
            kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
            body = await request.body()
            if kind == FORM:
                fields += urllib.parse.parse_qsl(body.decode("utf-8", "replace"), True)
            elif kind == SPARQL_QUERY:
                query = body.decode("utf-8", "replace")
            elif kind == SPARQL_UPDATE:
                return _text(403, "this endpoint is read-only: SPARQL updates are refused")
            else:
                return _text(415, f"No supported content Content-Type given: {kind or '(none)'}")
        if any(k == "update" for k, _ in fields):
            return _text(403, "this endpoint is read-only: SPARQL updates are refused")
        given = [v for k, v in fields if k == "query"]
        if query is None:
            if len(given) > 1:
                return _text(400, "The URL query parameter query must be set at most once")
            query = given[0] if given else None
        elif given:
            return _text(400, "give the query as the body or as a parameter, not both")
        accept = request.headers.get("accept")
        if query is None:
            if request.method == "POST":
                return _text(400, "The URL query parameter query must be set")
            if "text/html" in (accept or ""):
                return RedirectResponse("/query", status_code=303)
            return self.description(request, accept)
        default_graphs = [v for k, v in fields if k == "default-graph-uri"] or None
        named_graphs = [v for k, v in fields if k == "named-graph-uri"] or None
        for g in (default_graphs or []) + (named_graphs or []):
            try:
                ox.NamedNode(g)
            except ValueError:
                return _text(400, f"not an IRI: {g!r}")
        solutions = negotiate(accept, SOLUTION_TYPES, SOLUTION_ALIASES)
        graph = negotiate(accept, GRAPH_TYPES, GRAPH_ALIASES)
        if solutions is None and graph is None:
            return _text(406, _not_acceptable(SOLUTION_TYPES + GRAPH_TYPES))
        executor = request.app.state.site.executor
        try:
            media, body = await executor.results(
                query, solutions, graph, default_graphs, named_graphs
            )
        except NotAcceptable as exc:
            offered = GRAPH_TYPES if exc.reason == "graph" else SOLUTION_TYPES
            return _text(406, _not_acceptable(offered))
        except (QueryTimeout, Busy) as exc:
            return _text(503, str(exc))
        except ResultTooLarge as exc:
            return _text(500, f"{exc}; ask for less (LIMIT, fewer variables)")
        except QueryError as exc:
            return _text(400, str(exc))
        if media in CHARSET:
            media += "; charset=utf-8"
        return Response(body, headers={"Content-Type": media})  # no charset added to the rest

    def description(self, request: Request, accept: str | None) -> Response:
        """The SPARQL 1.1 Service Description of this endpoint (no query given)."""
        graph = negotiate(accept, GRAPH_TYPES, GRAPH_ALIASES)
        if graph is None:
            return _text(406, _not_acceptable(GRAPH_TYPES))
        sd = "http://www.w3.org/ns/sparql-service-description#"
        rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
        service = ox.BlankNode("service")
        url = str(request.url.replace(query="", fragment=""))
        triples = [
            ox.Triple(service, rdf_type, ox.NamedNode(f"{sd}Service")),
            ox.Triple(service, ox.NamedNode(f"{sd}endpoint"), ox.NamedNode(url)),
            ox.Triple(
                service, ox.NamedNode(f"{sd}supportedLanguage"), ox.NamedNode(f"{sd}SPARQL11Query")
            ),
        ]
        for t in SOLUTION_TYPES + GRAPH_TYPES:
            fmt = ox.QueryResultsFormat.from_media_type(t) or ox.RdfFormat.from_media_type(t)
            if fmt is not None:
                triples.append(
                    ox.Triple(service, ox.NamedNode(f"{sd}resultFormat"), ox.NamedNode(fmt.iri))
                )
        fmt = ox.RdfFormat.from_media_type(graph)
        assert fmt is not None
        return Response(ox.serialize(triples, format=fmt), headers={"Content-Type": graph})


def _not_acceptable(offered: Sequence[str]) -> str:
    return "The accept header does not provide any accepted format like " + " or ".join(offered[:2])
