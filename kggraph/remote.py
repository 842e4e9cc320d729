"""Remote SPARQL 1.1 stores over the standard protocols, with the standard library only.

- Graph Store HTTP Protocol: ``PUT {gsp}?graph=<doc>`` sends one document's graph,
  ``DELETE`` removes it (Fuseki ``/ds/data``, Oxigraph ``/store``, GraphDB, Virtuoso, QLever).
- SPARQL 1.1 Protocol: ``POST {endpoint}`` with ``query=…`` returns JSON results.

Parameters are written into the query text (``kggraph.sparql_text``).
"""

from __future__ import annotations

import base64
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping

from rdflib.term import Node

from .errors import QueryError, StoreError, UnreachableError
from .query import Rows, rows_of
from .results import Answer, graph_answer
from .sparql_text import bind_values, inline_bindings, sparql_term

TIMEOUT = 120.0


class _Http:
    """A tiny urllib client: credentials from the URL (``http://user:pw@host/…``)."""

    def __init__(self, url: str, timeout: float = TIMEOUT):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise StoreError(f"not an http(s) endpoint: {url!r}")
        self.auth: str | None = None
        if parts.username is not None:
            user = urllib.parse.unquote(parts.username)
            pw = urllib.parse.unquote(parts.password or "")
            self.auth = "Basic " + base64.b64encode(f"{user}:{pw}".encode()).decode()
            netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
            parts = parts._replace(netloc=netloc)
        self.url = urllib.parse.urlunsplit(parts)
        self.timeout = timeout

    def request(
        self,
        method: str,
        url: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        ok_missing: bool = False,
    ) -> bytes:
        req = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
        if self.auth:
            req.add_header("Authorization", self.auth)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                data: bytes = resp.read()
                self.content_type = resp.headers.get_content_type()
                return data
        except urllib.error.HTTPError as exc:
            if ok_missing and exc.code == 404:
                return b""
            detail = exc.read().decode("utf-8", "replace").strip()[:500]
            raise StoreError(f"{method} {url}: HTTP {exc.code} {exc.reason}: {detail}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise UnreachableError(f"{method} {url}: cannot reach the endpoint: {exc}") from exc


class RemoteStore(_Http):
    """A Graph Store Protocol endpoint: one PUT per document graph."""

    def graph_url(self, graph: str) -> str:
        sep = "&" if "?" in self.url else "?"
        return f"{self.url}{sep}graph={urllib.parse.quote(graph, safe='')}"

    def put(self, graph: str, ntriples: bytes) -> None:
        """Replace the remote graph ``graph`` by ``ntriples``."""
        headers = {"Content-Type": "application/n-triples; charset=utf-8"}
        self.request("PUT", self.graph_url(graph), ntriples, headers)

    def put_default(self, path: str) -> None:
        """Replace the remote default graph by the N-Triples file ``path``
        (``PUT {endpoint}?default``), streamed from disk."""
        sep = "&" if "?" in self.url else "?"
        size = os.path.getsize(path)
        headers = {
            "Content-Type": "application/n-triples; charset=utf-8",
            "Content-Length": str(size),
        }
        with open(path, "rb") as body:
            self.request("PUT", f"{self.url}{sep}default", body, headers)  # type: ignore[arg-type]

    def delete(self, graph: str) -> None:
        """Remove the remote graph (a graph that is not there is fine)."""
        self.request("DELETE", self.graph_url(graph), ok_missing=True)


class RemoteBackend(_Http):
    """Queries a SPARQL 1.1 Protocol endpoint; same ``select`` as the local backends.

    The queries expect the union of the document graphs as the default graph: configure
    the server so (Oxigraph ``--union-default-graph``, Fuseki ``unionDefaultGraph``).
    """

    def select(self, text: str, bindings: Mapping[str, Node]) -> Rows:
        return rows_of(self.execute(text, bindings))

    def execute(self, text: str, bindings: Mapping[str, Node]) -> Answer:
        """Any query form; the server's SPARQL results or N-Triples read by pyoxigraph."""
        import pyoxigraph as ox

        body = urllib.parse.urlencode({"query": inline_bindings(text, bindings)}).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json, application/n-triples;q=0.9",
        }
        try:
            data = self.request("POST", self.url, body, headers)
        except StoreError as exc:
            if "HTTP 400" in str(exc):
                raise QueryError(f"SPARQL error from the endpoint: {exc.reason}") from exc
            raise
        kind = getattr(self, "content_type", "")
        try:
            if kind == "application/n-triples":
                return graph_answer(ox.parse(data, ox.RdfFormat.N_TRIPLES))
            fmt = ox.QueryResultsFormat.from_media_type(kind)
            if fmt is None:
                raise StoreError(f"the endpoint answered {kind or 'without a type'}")
            return ox.parse_query_results(data, fmt)
        except SyntaxError as exc:
            raise StoreError(f"cannot read the endpoint's {kind} answer: {exc}") from exc


__all__ = ["RemoteBackend", "RemoteStore", "bind_values", "sparql_term"]
