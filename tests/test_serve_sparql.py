"""``/sparql`` of ``kggraph serve``: the same answers as ``kggraph query --store`` for every
bundled query, the SPARQL 1.1 Protocol as the Oxigraph server speaks it over the same
store, and hostile queries refused or stopped while the server keeps answering.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from kg_serve import Answer, Served, fetch
from oxserver import running

from kggraph.cli import main
from kggraph.query import bind_params, bundled_queries
from kggraph.sparql_text import inline_bindings

DOC = "ah-tk-20232024-1314"
QUERIES = sorted({q.path: q for q in bundled_queries().values()}.values(), key=lambda q: q.name)
SOLUTIONS = ("json", "xml", "csv", "tsv")
MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(["query", *args]) == 0
    return capsys.readouterr().out


def bound_text(name: str, params: dict[str, str]) -> str:
    q = bundled_queries()[name]
    return inline_bindings(q.text, bind_params(q, params))


def takes_doc(query) -> bool:  # type: ignore[no-untyped-def]
    return any(p.name == "doc" for p in query.params)


def solutions(body: bytes, media_type: str) -> list[str]:
    """The solutions of a SPARQL results document, sorted (pyoxigraph's parser): for the
    queries whose ORDER BY leaves ties, any order of the tied rows is right."""
    fmt = ox.QueryResultsFormat.from_media_type(media_type.split(";")[0])
    assert fmt is not None, media_type
    if fmt == ox.QueryResultsFormat.CSV:  # lossy, so pyoxigraph reads no CSV: its lines
        header, *lines = body.decode().splitlines()
        return [header, *sorted(lines)]
    parsed = ox.parse_query_results(body, fmt)
    if isinstance(parsed, ox.QueryBoolean):
        return [str(bool(parsed))]
    return sorted(str(sorted((v.value, str(s[v])) for v in parsed.variables if s[v] is not None))
                  for s in parsed)  # fmt: skip


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_every_bundled_query_equals_kggraph_query(
    served: Served, fixture_store: Path, capsys: pytest.CaptureFixture[str], query
) -> None:  # type: ignore[no-untyped-def]
    params = {"doc": DOC} if takes_doc(query) else {}
    for p in [{}, params] if params else [{}]:
        text = bound_text(query.name, p)
        extra = [f"--param={k}={v}" for k, v in p.items()]
        for fmt in SOLUTIONS:
            expected = cli(capsys, query.name, "--store", str(fixture_store), "--format", fmt,
                           *extra)  # fmt: skip
            got = served.sparql(text, MEDIA[fmt])
            assert got.status == 200, got.text
            assert solutions(got.body, MEDIA[fmt]) == solutions(expected.encode(), MEDIA[fmt])
            if got.text.rstrip("\n") != expected.rstrip("\n"):  # only tied rows may move
                assert "network_" in query.name, (query.name, fmt)
            if not p:  # every bundled query has answers in the fixture store
                assert len(solutions(got.body, MEDIA[fmt])) > 0


# --- the Oxigraph server over the same store ----------------------------------------------


@pytest.fixture(scope="module")
def oxigraph(fixture_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``oxigraph serve-read-only --union-default-graph`` over the fixture store: the union of
    the store's graphs is the RDF merge of the documents, as for ``kggraph serve``."""
    with running(tmp_path_factory.mktemp("oxigraph"), union=True, store=fixture_store) as s:
        yield f"{s.url}/query"


def _same(ours: Answer, theirs: Answer, body: bool = True) -> None:
    assert (ours.status, ours.media_type) == (theirs.status, theirs.media_type), ours.text
    if body and ours.body != theirs.body:  # the same solutions, tied rows in another order
        assert solutions(ours.body, ours.media_type) == solutions(theirs.body, theirs.media_type)


ACCEPTS = [None, "application/sparql-results+json", "application/sparql-results+xml",
           "text/csv", "text/tab-separated-values", "application/json", "*/*", "text/plain",
           "text/csv;q=0.5, application/sparql-results+xml",
           "application/sparql-results+json;q=0, text/tab-separated-values"]  # fmt: skip


# the network's queries match a node's facts inside one document's graph: kggraph answers
# them from rows each document computed when it was built (kggraph.corpus_rows); the store
# keeps a shared node's facts once, in the node's graph, so a plain server cannot
@pytest.mark.parametrize(
    "query", [q for q in QUERIES if not q.name.startswith("network_")], ids=lambda q: q.name
)
def test_results_equal_the_oxigraph_server(served: Served, oxigraph: str, query) -> None:  # type: ignore[no-untyped-def]
    text = bound_text(query.name, {"doc": DOC} if takes_doc(query) else {})
    for accept in ACCEPTS:
        for method in ("GET", "POST"):
            _same(served.sparql(text, accept, method), _oxigraph(oxigraph, text, accept, method))


def _oxigraph(url: str, query: str, accept: str | None, method: str = "POST",
              extra: list[tuple[str, str]] | None = None) -> Answer:  # fmt: skip
    import urllib.parse

    fields = urllib.parse.urlencode([("query", query), *(extra or [])])
    headers = {"Accept": accept} if accept else {}
    if method == "GET":
        return fetch(f"{url}?{fields}", headers=headers)
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return fetch(url, fields.encode(), headers)


def _triples(answer: Answer) -> set[str]:
    fmt = ox.RdfFormat.from_media_type(answer.media_type.split(";")[0])
    assert fmt is not None, answer.media_type
    return {str(q.triple) for q in ox.parse(answer.body, format=fmt)}


GRAPH_QUERIES = [
    f"DESCRIBE <https://w3id.org/kggraph/id/doc/{DOC}>",
    "PREFIX schema: <https://schema.org/> PREFIX dcterms: <http://purl.org/dc/terms/> "
    "CONSTRUCT { ?q schema:text ?t } WHERE { ?q dcterms:isPartOf "
    f"<https://w3id.org/kggraph/id/doc/{DOC}> ; schema:text ?t }}",
]


@pytest.mark.parametrize("query", GRAPH_QUERIES, ids=["describe", "construct"])
def test_graphs_equal_the_oxigraph_server(
    served: Served,
    oxigraph: str,
    query: str,
    fixture_store: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for accept in ("text/turtle", "application/n-triples", "application/ld+json",
                   "application/json", "application/rdf+xml", "application/n-quads"):  # fmt: skip
        ours, theirs = served.sparql(query, accept), _oxigraph(oxigraph, query, accept)
        _same(ours, theirs, body=False)
        assert _triples(ours) == _triples(theirs) != set()
    # Turtle as `kggraph query --format turtle` writes it
    (Path(tmp_path) / "q.rq").write_text(query)
    assert served.sparql(query, "text/turtle").text == cli(
        capsys, str(tmp_path / "q.rq"), "--store", str(fixture_store), "--format", "turtle"
    )
    # without Accept, Oxigraph answers N-Quads; kggraph answers Turtle (the same triples)
    ours, theirs = served.sparql(query), _oxigraph(oxigraph, query, None)
    assert (ours.media_type, theirs.media_type) == ("text/turtle", "application/n-quads")
    assert _triples(ours) == _triples(theirs)
    assert ours.text.startswith("@prefix")


def test_protocol_edges_as_the_oxigraph_server(served: Served, oxigraph: str) -> None:
    ask = "ASK { ?s ?p ?o }"
    for accept in (None, "application/sparql-results+xml", "text/csv", "text/tab-separated-values"):
        _same(served.sparql(ask, accept), _oxigraph(oxigraph, ask, accept))
    select = "SELECT ?d WHERE { ?d <http://purl.org/dc/terms/title> ?t } ORDER BY ?d"
    cases = [
        ("syntax error", "SELECT ?x WHERE { ?x }", None, []),
        ("HTML is not a result format", select, "text/html", []),
        ("no result format for a graph", GRAPH_QUERIES[0], "application/sparql-results+json", []),
        ("the query twice", select, None, [("query", select)]),
        ("a default graph", select, None,
         [("default-graph-uri", f"https://w3id.org/kggraph/id/doc/{DOC}")]),
        ("named graphs", "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
         None, [("named-graph-uri", f"https://w3id.org/kggraph/id/doc/{DOC}")]),
    ]  # fmt: skip
    for what, query, accept, extra in cases:
        for method in ("GET", "POST"):
            ours = served.sparql(query, accept, method, extra)
            theirs = _oxigraph(oxigraph, query, accept, method, extra)
            assert (ours.status, ours.media_type) == (theirs.status, theirs.media_type), what
            if ours.status == 200:
                assert ours.body == theirs.body, what
    # the body may be the query itself, or a form without a query
    body = select.encode()
    q_headers = {"Content-Type": "application/sparql-query"}
    _same(fetch(served.url + "/sparql", body, q_headers), fetch(oxigraph, body, q_headers))
    for kind in ("text/plain", "application/x-www-form-urlencoded"):
        h = {"Content-Type": kind}
        ours, theirs = fetch(served.url + "/sparql", b"x=1", h), fetch(oxigraph, b"x=1", h)
        assert (ours.status, theirs.status) == ((415, 415) if kind == "text/plain" else (400, 400))


# --- hostile queries ----------------------------------------------------------------------


def test_service_is_refused_and_nothing_is_contacted(served: Served) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    try:
        r = served.sparql(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> "
                          "{ ?s ?p ?o } }")  # fmt: skip
        assert r.status == 400
        assert r.text == (
            f"SERVICE <http://127.0.0.1:{port}/sparql> refused: a query may not call another server"
        )
        with pytest.raises(TimeoutError):
            listener.accept()
    finally:
        listener.close()


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", 400,
         "FROM <file:///etc/passwd> refused: a dataset clause may load a file or URL"),
        ("SELECT * FROM NAMED <http://127.0.0.1:9/x> WHERE { GRAPH ?g { ?s ?p ?o } }", 400,
         "FROM NAMED <http://127.0.0.1:9/x> refused"),
        ("LOAD <file:///etc/passwd>", 400, "LOAD refused: SPARQL updates are not run"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", 400, "INSERT DATA refused"),
    ],
)  # fmt: skip
def test_hostile_queries_are_refused(served: Served, query: str, status: int, message: str) -> None:
    r = served.sparql(query)
    assert (r.status, r.media_type) == (status, "text/plain; charset=utf-8")
    assert r.text.startswith(message), r.text


def test_updates_are_refused(served: Served) -> None:
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    form = fetch(served.url + "/sparql", f"update={update}".encode(),
                 {"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    raw = fetch(served.url + "/sparql", update.encode(),
                {"Content-Type": "application/sparql-update"})  # fmt: skip
    for r in (form, raw):
        assert r.status == 403
        assert r.text == "this endpoint is read-only: SPARQL updates are refused"
    assert served.sparql("ASK { <urn:a> <urn:b> <urn:c> }").text == '{"head":{},"boolean":false}'


def test_a_query_that_runs_forever_is_stopped_while_the_server_answers(served: Served) -> None:
    forever = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    done: dict[str, object] = {}

    def run() -> None:
        done["answer"] = served.sparql(forever, timeout=120)
        done["at"] = time.monotonic()

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.5)  # the query is running in its worker now
    answered = []
    for path in ("/", f"/doc/{DOC}", "/person/dijkgraaf", "/insights/laws"):
        r = served.get(path)
        answered.append((path, r.status, time.monotonic()))
    ask = served.sparql("ASK { ?s ?p ?o }")
    answered.append(("ask", ask.status, time.monotonic()))
    thread.join(timeout=120)
    answer = done["answer"]
    assert isinstance(answer, Answer)
    assert answer.status == 503
    assert answer.text == ("the query ran longer than the time limit of 4 s and was stopped")
    # every other request was answered while the endless query still ran
    assert [(p, s) for p, s, _ in answered] == [
        ("/", 200), (f"/doc/{DOC}", 200), ("/person/dijkgraaf", 200), ("/insights/laws", 200),
        ("ask", 200),
    ]  # fmt: skip
    assert all(at < float(done["at"]) for _, _, at in answered)  # type: ignore[arg-type]
    # and the endpoint works again afterwards (the stopped worker was replaced)
    again = served.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://schema.org/Question> }")
    assert again.status == 200
    assert json.loads(again.body)["results"]["bindings"][0]["n"]["value"] != "0"


# --- kggraph serve --endpoint -------------------------------------------------------------


def test_serving_an_endpoint_gives_the_same_pages(
    served: Served, oxigraph: str, tmp_path: Path
) -> None:
    remote = Served(["--endpoint", oxigraph], tmp_path / "remote.log")
    try:
        for path in (f"/doc/{DOC}", "/person/dijkgraaf", "/party/sp", "/law/BWBR0001840",
                     "/insights/reply-times/per-ministry.csv"):  # fmt: skip
            a, b = served.get(path), remote.get(path)
            assert (a.status, a.body) == (b.status, b.body), path
        text = bound_text("askers", {"doc": DOC})
        assert remote.sparql(text).body == served.sparql(text).body
        refused = remote.sparql("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
        assert (refused.status, refused.text.split(" refused")[0]) == (
            400, "SERVICE <http://127.0.0.1:9/>"
        )  # fmt: skip
    finally:
        remote.close()
