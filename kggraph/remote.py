"""Remote SPARQL 1.1 stores over the standard protocols, through urllib3.

- Graph Store HTTP Protocol: ``PUT {gsp}?graph=<doc>`` sends one document's graph,
  ``DELETE`` removes it (Fuseki ``/ds/data``, Oxigraph ``/store``, GraphDB, Virtuoso, QLever).
- SPARQL 1.1 Protocol: ``POST {endpoint}`` with ``query=…`` returns JSON results.

Parameters are written into the query text (``kggraph.sparql_text``).

An endpoint is not trusted: a response is read in chunks and stopped past
``max_bytes`` (:class:`ResponseTooLarge`) or past the time limit (:class:`EndpointTimeout`),
and urllib3 follows at most ``MAX_REDIRECTS`` redirects, dropping the ``Authorization``
header (the credentials of ``http://user:pw@host/…``) on a redirect to another origin.
"""

from __future__ import annotations

import base64
import os
import time
import urllib.parse
from collections.abc import Mapping
from typing import Any

import urllib3
from rdflib.term import Node

from .errors import LimitExceeded, QueryError, StoreError, UnreachableError
from .query import Rows, rows_of
from .results import Answer, graph_answer
from .sparql_text import bind_values, inline_bindings, sparql_term

TIMEOUT = 120.0
MAX_RESPONSE_BYTES = 256 * 2**20
MAX_REDIRECTS = 5


class ResponseTooLarge(StoreError, LimitExceeded):
    """The endpoint sent more than the byte limit; the rest was not read."""


class EndpointTimeout(StoreError, LimitExceeded):
    """The endpoint did not answer in time (a slow or stalling server)."""


class _Http:
    """An HTTP client for one endpoint: credentials from the URL, timeouts, a byte cap."""

    def __init__(self, url: str, timeout: float = TIMEOUT, max_bytes: int = MAX_RESPONSE_BYTES):
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
        self.max_bytes = max_bytes
        self.content_type = ""
        # urllib3 drops Authorization (and cookies) when a redirect leaves the origin
        retries = urllib3.Retry(
            total=MAX_REDIRECTS, connect=0, read=0, status=0, redirect=MAX_REDIRECTS
        )
        self.pool = urllib3.PoolManager(
            retries=retries, timeout=urllib3.Timeout(connect=min(timeout, 30.0), read=timeout)
        )

    def request(
        self,
        method: str,
        url: str,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        ok_missing: bool = False,
    ) -> bytes:
        """The response body; HTTP errors, unreachable servers, oversized or slow
        responses become :class:`StoreError` subclasses naming the request."""
        sent = dict(headers or {})
        if self.auth:
            sent["Authorization"] = self.auth
        deadline = time.monotonic() + self.timeout
        try:
            resp = self.pool.request(
                method, url, body=body, headers=sent, preload_content=False, redirect=True
            )
        except urllib3.exceptions.MaxRetryError as exc:
            if isinstance(exc.reason, urllib3.exceptions.ResponseError):
                raise StoreError(f"{method} {url}: too many redirects") from exc
            raise self._unreachable(method, url, exc.reason or exc) from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise self._unreachable(method, url, exc) from exc
        try:
            data = self._read(resp, method, url, deadline)
        finally:
            resp.release_conn()
        if resp.status >= 400:
            if ok_missing and resp.status == 404:
                return b""
            detail = data.decode("utf-8", "replace").strip()[:500]
            raise StoreError(f"{method} {url}: HTTP {resp.status} {resp.reason}: {detail}")
        self.content_type = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
        return data

    def _unreachable(self, method: str, url: str, exc: object) -> StoreError:
        if isinstance(exc, urllib3.exceptions.TimeoutError) and not isinstance(
            exc,
            urllib3.exceptions.NewConnectionError,  # a refused connection, not a timeout
        ):
            return EndpointTimeout(f"{method} {url}: no answer within {self.timeout:g} s")
        return UnreachableError(f"{method} {url}: cannot reach the endpoint: {exc}")

    def _read(self, resp: Any, method: str, url: str, deadline: float) -> bytes:
        """The body in chunks, never more than ``max_bytes`` nor past the deadline."""
        too_large = ResponseTooLarge(
            f"{method} {url}: the response is larger than {self.max_bytes:,} bytes; stopped"
        )
        declared = resp.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise too_large
        chunks, size = [], 0
        try:
            while chunk := resp.read1(1 << 16):  # whatever has arrived, up to 64 KiB
                size += len(chunk)
                if size > self.max_bytes:
                    raise too_large
                if time.monotonic() > deadline:
                    raise EndpointTimeout(
                        f"{method} {url}: the response took longer than {self.timeout:g} s; stopped"
                    )
                chunks.append(chunk)
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise self._unreachable(method, url, exc) from exc
        return b"".join(chunks)


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
            self.request("PUT", f"{self.url}{sep}default", body, headers)

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


__all__ = [
    "EndpointTimeout",
    "RemoteBackend",
    "RemoteStore",
    "ResponseTooLarge",
    "bind_values",
    "sparql_term",
]
