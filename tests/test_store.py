"""The on-disk store: one transaction per document, hashes and sources, export, locking."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.term import Node

from kggraph import store_layout as layout
from kggraph.corpus_rows import ROWS
from kggraph.errors import InputError, StoreError
from kggraph.pipeline import DocumentResult, content_hash, process_file
from kggraph.store import CorpusStore, StoreBackend, resolve_doc

TEXT = Path(__file__).parent / "fixtures" / "text"
DOCS = ("ah-tk-20242025-564.pdf.txt", "ah-tk-20242025-610.docx.txt")  # share a Kamerstuk


@pytest.fixture(scope="module")
def results() -> list[DocumentResult]:
    return [process_file(TEXT / name) for name in DOCS]


@pytest.fixture()
def store(tmp_path: Path, results: list[DocumentResult]) -> CorpusStore:
    st = CorpusStore.open(tmp_path / "store")
    for r in results:
        st.replace(str(r.graph.identifier), r.graph.serialize(format="nt", encoding="utf-8"))
    return st


def test_graphs_hashes_and_sources_come_back_whole(
    store: CorpusStore, results: list[DocumentResult]
) -> None:
    iris = [str(r.graph.identifier) for r in results]
    assert store.documents() == sorted(iris)
    assert iris == [
        "https://w3id.org/kggraph/id/doc/ah-tk-20242025-564",
        "https://w3id.org/kggraph/id/doc/ah-tk-20242025-610",
    ]
    assert store.hashes() == {
        iri: content_hash(TEXT / n) for iri, n in zip(iris, DOCS, strict=True)
    }
    assert store.sources() == dict(zip(iris, DOCS, strict=True))
    for r in results:
        assert isomorphic(store.graph(str(r.graph.identifier)), r.graph)
    union = set(results[0].graph) | set(results[1].graph)
    assert store.triple_count() == len(union) < sum(len(r.graph) for r in results)


def test_replace_is_one_transaction(store: CorpusStore, results: list[DocumentResult]) -> None:
    """A replacement that fails half-way (bad data after good triples) changes nothing."""
    doc = str(results[0].graph.identifier)
    good = results[0].graph.serialize(format="nt", encoding="utf-8")
    before = store.triple_count()
    with pytest.raises(StoreError, match="cannot store"):
        store.replace(doc, good + b"<https://x.org/s> <https://x.org/p> this is not RDF .\n")
    assert store.triple_count() == before
    assert isomorphic(store.graph(doc), results[0].graph)


def test_replace_and_remove_touch_one_graph_only(
    store: CorpusStore, results: list[DocumentResult]
) -> None:
    a, b = (str(r.graph.identifier) for r in results)
    kept = set(store.quads(b))
    nt = f'<{a}> <https://w3id.org/kggraph/ontology#contentHash> "{"0" * 64}" .\n'
    store.replace(a, nt.encode())
    assert store.hashes() == {a: "0" * 64, b: content_hash(TEXT / DOCS[1])}
    assert set(store.quads(b)) == kept
    store.remove(a)
    assert store.documents() == [b]
    assert set(store.quads(b)) == kept


def test_export_nquads_of_one_document(
    store: CorpusStore, results: list[DocumentResult], tmp_path: Path
) -> None:
    out = tmp_path / "one.nq"
    assert store.export(out, ["ah-tk-20242025-610"]) == 1
    ds = Dataset()
    ds.parse(out, format="nquads")
    graphs = [g for g in ds.graphs() if len(g)]
    assert [str(g.identifier) for g in graphs] == [str(results[1].graph.identifier)]
    assert isomorphic(graphs[0], results[1].graph)


def test_export_trig_of_everything(
    store: CorpusStore, results: list[DocumentResult], tmp_path: Path
) -> None:
    out = tmp_path / "all.trig"
    assert store.export(out) == 2
    ds = Dataset()
    ds.parse(out, format="trig")
    by_name = {str(g.identifier): g for g in ds.graphs() if len(g)}
    assert set(by_name) == {str(r.graph.identifier) for r in results}
    for r in results:
        assert isomorphic(by_name[str(r.graph.identifier)], r.graph)


def test_export_refuses_unknown_documents_and_formats_without_writing(
    store: CorpusStore, tmp_path: Path
) -> None:
    out = tmp_path / "x.nq"
    with pytest.raises(InputError, match="not in the store: .*doc/ah-tk-20242025-999"):
        store.export(out, ["ah-tk-20242025-999"])
    with pytest.raises(InputError, match="export writes .nq or .trig"):
        store.export(tmp_path / "x.ttl")
    assert list(tmp_path.glob("x*")) == [] and list(tmp_path.glob(".x*")) == []


def test_read_only_open_and_the_writer_lock(store: CorpusStore, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="lock"):
        CorpusStore.open(tmp_path / "store")
    ro = CorpusStore.open(tmp_path / "store", read_only=True)
    assert ro.documents() == store.documents()
    with pytest.raises(InputError, match="no store here"):
        CorpusStore.open(tmp_path / "missing", read_only=True)


def test_resolve_doc_and_bad_iris() -> None:
    assert resolve_doc("ah-tk-20242025-560") == "https://w3id.org/kggraph/id/doc/ah-tk-20242025-560"
    assert resolve_doc("https://e.org/doc/x") == "https://e.org/doc/x"
    st = CorpusStore(ox.Store())
    with pytest.raises(StoreError, match="not an IRI"):
        st.remove("not an iri")


def merged(store: CorpusStore) -> set[tuple[Node, Node, Node]]:
    """What queries read: the union of the store's graphs (its records left out), as rdflib
    triples."""
    q = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } FILTER (?g NOT IN (<%s>, <%s>)) }"
    result = store.store.query(q % (layout.BOOK.value, ROWS.value))
    assert isinstance(result, ox.QueryTriples)
    data = ox.serialize(result, format=ox.RdfFormat.N_TRIPLES)
    return set(Graph().parse(data=data or b"", format="nt"))


def merge_of_graphs(store: CorpusStore) -> set[tuple[Node, Node, Node]]:
    return {t for d in store.documents() for t in store.graph(d)}


def data_quads(store: CorpusStore) -> int:
    return sum(1 for q in store.store if q.graph_name not in (layout.BOOK, ROWS))


def test_the_union_of_the_graphs_is_the_merge_of_the_documents_each_triple_once(
    store: CorpusStore, results: list[DocumentResult]
) -> None:
    a, b = (str(r.graph.identifier) for r in results)
    ga, gb = set(results[0].graph), set(results[1].graph)
    assert ga & gb and ga - gb  # shared triples (ministries, parties …) and a's own
    assert merged(store) == ga | gb == merge_of_graphs(store)
    assert data_quads(store) == store.triple_count() == len(ga | gb)  # no triple in two graphs
    # a node in both documents: its triples count once, as in rdflib's merge, and no record
    # of the store's comes with them
    node = sorted(str(t[0]) for t in ga & gb)[0]
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ <{node}> ?p ?o }}"
    n = sum(1 for t in ga | gb if str(t[0]) == node)
    assert StoreBackend(store).select(q, {}).rows == ((str(n),),)
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p <{node}> }}"
    n = sum(1 for t in ga | gb if str(t[2]) == node)
    assert StoreBackend(store).select(q, {}).rows == ((str(n),),)

    store.remove(a)  # the shared triples stay, a's own go
    assert merged(store) == gb == merge_of_graphs(store)
    assert data_quads(store) == len(gb)
    store.replace(a, results[0].graph.serialize(format="nt", encoding="utf-8"))
    assert merged(store) == ga | gb
    store.remove(a)
    store.remove(b)
    assert merged(store) == set() and store.documents() == []
    # only the layout's version, and that the store marks shared nodes' notes
    assert {q.predicate for q in store.store} == {layout.LAYOUT, layout.SEVERAL_MARKED}
    assert {q.subject for q in store.store} == {layout.BOOK}


def test_a_shared_triple_stays_while_any_document_says_it(
    store: CorpusStore, results: list[DocumentResult]
) -> None:
    """A name only one document gives goes with that document; one both give stays."""
    a, b = (str(r.graph.identifier) for r in results)
    ga, gb = set(results[0].graph), set(results[1].graph)
    both = sorted(ga & gb, key=str)[0]
    nt = results[0].graph.serialize(format="nt", encoding="utf-8")
    extra = f'<{both[0]}> <https://schema.org/alternateName> "{a}" .\n'.encode()
    store.replace(a, nt + extra)
    assert (both[0], URIRef("https://schema.org/alternateName"), Literal(a)) in merged(store)
    store.replace(a, nt)  # a no longer says it, nobody else does: gone
    assert merged(store) == ga | gb
    store.remove(b)  # b's own go, the triples a says too stay
    assert merged(store) == ga


def test_an_older_store_is_refused(tmp_path: Path) -> None:
    old = ox.Store(str(tmp_path / "old"))
    doc = ox.NamedNode("https://w3id.org/kggraph/id/doc/ah-tk-20242025-1")
    old.add(
        ox.Quad(
            doc, ox.NamedNode("https://w3id.org/kggraph/ontology#contentHash"), ox.Literal("ab")
        )
    )
    del old
    with pytest.raises(StoreError, match="older kggraph"):
        CorpusStore.open(tmp_path / "old", read_only=True)


def test_a_new_store_may_stand_in_a_folder_not_made_yet(tmp_path: Path) -> None:
    """`kggraph build DIR --store out/store` on a fresh checkout, where out/ is not there."""
    store = CorpusStore.open(tmp_path / "out" / "new" / "store")
    assert (tmp_path / "out" / "new" / "store").is_dir()
    assert store.documents() == []
