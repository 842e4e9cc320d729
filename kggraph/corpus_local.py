"""Whole-corpus answers of queries that join documents with shared nodes, from triples each
document set aside when it was built.

01-askers, 02-addressees, 03-answerer and 06-laws read a few facts of each document (who
asked, which law a mention names …) and the merged description of a few shared nodes
(people, posts, ministries, parties, laws, articles: hundreds, however large the corpus). On
the on-disk store their joins read every term from RocksDB (7–20 µs a probe, 165 s for
06-laws over 80,000 documents). Instead, at build time each document runs the query's
*local* CONSTRUCT (``queries/local/NAME.rq``) on its own graph — the triples of the document
and of its own nodes that the query can match — and the store keeps them, packed, in the
graph ``ROWS`` beside the document's rows (:mod:`kggraph.corpus_rows`). The corpus answer
loads every document's local triples into an in-memory store, adds the merged description
(the predicates the query names, and ``rdf:type``) of every node they name but do not
describe, and of the nodes those name, read from the store in one lookup per round, and
runs the query itself, unchanged, there.

That is the query on the RDF merge as long as (1) only a document describes its own nodes
and what its local query reads of the document node itself (citing documents name a
document by its identifier, the same one), and (2) a document describes every node it
references (the local query of 06-laws keeps a law the document types as a law).
tests/test_same_rows.py compares these answers with the merge for the fixtures and 1,000
synthetic documents. Local triples are filed under a digest of the local query and the
query: when either changes, or a document has none, the answer comes from the store.
"""

from __future__ import annotations

import hashlib
from functools import cache

import pyoxigraph as ox

from .query_slice import RDF_TYPE, named_iris
from .store_layout import STORE, pack

#: IRIs per lookup of shared nodes' descriptions (the query text stays a few hundred kB)
BATCH = 5_000


@cache
def local_queries() -> dict[str, str]:
    """Bundled query name → the text of its local CONSTRUCT."""
    from .resources import resource_dir

    folder = resource_dir("queries") / "local"
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.rq"))}


def local_predicate(name: str, local: str, text: str) -> ox.NamedNode:
    """Where a document's local triples for query ``name`` (of text ``text``) are filed."""
    digest = hashlib.sha1(f"{local}\n{text}".encode()).hexdigest()[:16]
    return ox.NamedNode(f"{STORE}local/{name}/{digest}")


def local_quads(st: ox.Store, node: ox.NamedNode, texts: dict[str, str]) -> list[ox.Quad]:
    """The packed local triples of every local query, run on ``st`` (one document's graph
    as its default graph), as quads about ``node`` in ``graph``; ``texts`` maps each
    bundled query's name to its text."""
    from .corpus_rows import ROWS

    quads = []
    for name, local in local_queries().items():
        if name not in texts:
            continue
        found = st.query(local)
        assert isinstance(found, ox.QueryTriples)
        data = (found.serialize(format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
        pred = local_predicate(name, local, texts[name])
        quads += [ox.Quad(node, pred, part, ROWS) for part in pack(data)]
    return quads


_SHARED = """SELECT DISTINCT ?o WHERE {{
  ?s ?p ?o . FILTER (isIRI(?o) && ?p != <{type}>) FILTER NOT EXISTS {{ ?o ?q ?x }}
}}"""


def _named(mem: ox.Store) -> set[str]:
    """The IRIs that triples in ``mem`` name (not as a class) and none describes."""
    found = mem.query(_SHARED.format(type=RDF_TYPE))
    assert isinstance(found, ox.QuerySolutions)
    return {s["o"].value for s in found}


def local_answer(store: ox.Store, text: str, blobs: list[str]) -> ox.QuerySolutions:
    """Query ``text`` over the documents' local triples ``blobs`` (N-Triples) and the
    merged descriptions in ``store`` of the nodes they name."""
    mem = ox.Store()
    mem.load("".join(blobs).encode("utf-8"), ox.RdfFormat.N_TRIPLES)
    predicates = " ".join(f"<{p}>" for p in sorted(named_iris(text) | {RDF_TYPE}))
    seen: set[str] = set()
    frontier = _named(mem)
    while frontier:
        seen |= frontier
        todo = sorted(frontier)
        for i in range(0, len(todo), BATCH):
            nodes = " ".join(f"<{n}>" for n in todo[i : i + BATCH])
            found = store.query(
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {nodes} }} "
                f"VALUES ?p {{ {predicates} }} ?s ?p ?o }}",
                use_default_graph_as_union=True,
            )
            assert isinstance(found, ox.QueryTriples)
            data = found.serialize(format=ox.RdfFormat.N_TRIPLES)
            if data:
                mem.load(data, ox.RdfFormat.N_TRIPLES)
        frontier = _named(mem) - seen
    result = mem.query(text)
    assert isinstance(result, ox.QuerySolutions)
    return result
