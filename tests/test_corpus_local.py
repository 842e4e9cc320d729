"""Whole-corpus answers of 03 and 06 from the documents' local triples and the merged
descriptions of the nodes they name (kggraph/corpus_local.py), and of citation_edges, 01,
02, 07, 08 and 09 from the rows of their two halves (kggraph/corpus_split.py): the same rows
as the query on the store, stale rows found and computed again without parsing."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from kggraph.corpus import CorpusBuild
from kggraph.corpus_local import local_queries
from kggraph.corpus_rows import ROWS, current_records, joined_answer, rows_node
from kggraph.corpus_split import split_queries
from kggraph.query import bundled_queries
from kggraph.store import CorpusStore, StoreBackend
from kggraph.store_layout import lexical

TEXT = Path(__file__).parent / "fixtures" / "text"
PDF = TEXT.parent / "pdf"
#: rows of each query over the 64 text and 16 PDF fixtures (as the store's own evaluation)
ROWS_OF = {
    "01-askers": 107,
    "02-addressees": 87,
    "03-answerer": 53,
    "06-laws": 117,
    "07-motions": 33,
    "08-external-sources": 88,
    "09-parliamentary-documents": 82,
    "citation_edges": 452,
}
DOC = "https://w3id.org/kggraph/id/doc/ah-tk-20242025-564"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("local") / "store"
    store = CorpusStore.open(path)
    CorpusBuild(store, jobs=1).run([TEXT, PDF])
    store.close()
    return path


def _tsv(answer: ox.QuerySolutions | None) -> list[str]:
    assert answer is not None
    return (answer.serialize(format=ox.QueryResultsFormat.TSV) or b"").decode().splitlines()


def test_local_answers_are_the_stores_own(built: Path) -> None:
    store = CorpusStore.open(built, read_only=True)
    assert sorted([*local_queries(), *split_queries()]) == sorted(ROWS_OF)
    for name, rows in ROWS_OF.items():
        text = bundled_queries()[name].text
        local = _tsv(joined_answer(store.store, name, text))
        own = _tsv(store.store.query(text, use_default_graph_as_union=True))  # type: ignore[arg-type]
        assert local == own, name
        assert len(local) - 1 == rows, name
    # a row of 06-laws as the document says it: article 3.17 of the Wft, answers 9-14 of -609
    laws = _tsv(joined_answer(store.store, "06-laws", bundled_queries()["06-laws"].text))
    id_ = "https://w3id.org/kggraph/id/"
    assert (
        f'<{id_}doc/ah-tk-20242025-609>\t"ah-tk-20242025-609"\t<{id_}law/BWBR0020368>\t'
        f'"Wet op het financieel toezicht"@nl\t"BWBR0020368"\t<{id_}article/BWBR0020368-3-17>'
        f'\t"3.17"\t<{id_}answer/ah-tk-20242025-609-6>\t"Antwoord vraag 9-14"@nl\t'
        '"Wet financieel toezicht"'
    ) in laws


def test_citation_edges_from_its_halves_where_several_documents_describe_a_node(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """citation_edges joins the rows each document gave of its two halves. A row keyed by
    a node that several documents describe is answered again on the store's merged
    description: here a document points to another built document ("Zie ook") and
    describes it (its kind, its identifier), so that the cited document's own rows, and
    its rows as a cited thing, come from the merge; the ministries and laws are described
    by many documents. The same answer when the store has no marks (the notes are asked),
    and when rows for one node come from two documents without a mark."""
    import shutil

    import kggraph.corpus_split as cs

    copy = tmp_path / "store"
    shutil.copytree(built, copy)
    store = CorpusStore.open(copy)
    other = "https://w3id.org/kggraph/id/doc/ah-tk-20142015-698"
    kgo = "https://w3id.org/kggraph/ontology#"
    seen = (
        f"<{DOC}> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <{other}> .\n"
        f"<{other}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{kgo}AanhangselItem> .\n"
        f'<{other}> <http://purl.org/dc/terms/identifier> "ah-tk-20142015-698" .\n'
    )
    store.replace(DOC, store.ntriples(DOC) + seen.encode())
    text = bundled_queries()["citation_edges"].text
    id_ = "https://w3id.org/kggraph/id/"
    own = _tsv(store.store.query(text, use_default_graph_as_union=True))  # type: ignore[arg-type]
    assert len(own) - 1 == 452 + 1
    # 09 from its halves on the same store: the document pointed to is an Aanhangsel item
    text09 = bundled_queries()["09-parliamentary-documents"].text
    own09 = _tsv(store.store.query(text09, use_default_graph_as_union=True))  # type: ignore[arg-type]
    assert _tsv(joined_answer(store.store, "09-parliamentary-documents", text09)) == own09
    assert len(own09) - 1 == 82 + 1
    assert [row for row in own09 if row.split("\t")[2] == f"<{other}>"] == [
        f'<{DOC}>\t"ah-tk-20242025-564"\t<{other}>\t"aanhangsel"\t"ah-tk-20142015-698"\t'
        '"https://zoek.officielebekendmakingen.nl/ah-tk-20142015-698.html"'
        "^^<http://www.w3.org/2001/XMLSchema#anyURI>"
    ]  # its URL from its own graph: the merge
    # 07 from its halves: the document pointed to cites a motion, its submitters named in
    # its own mentions; described by another document too, its rows come from the store
    text07 = bundled_queries()["07-motions"].text
    own07 = _tsv(store.store.query(text07, use_default_graph_as_union=True))  # type: ignore[arg-type]
    assert [row.split("\t")[5] for row in own07 if row.startswith(f"<{other}>")] == [
        '"Bruins Slot"',
        '"Pia Dijkstra"',
    ]
    answered = []
    again = cs._Keyed.again

    def spy(self: cs._Keyed, st: ox.Store, half: str, keys: set[str]) -> None:
        answered.append(keys)
        again(self, st, half, keys)

    monkeypatch.setattr(cs._Keyed, "again", spy)
    assert _tsv(joined_answer(store.store, "citation_edges", text)) == own
    documents, nodes = answered
    assert f"<{other}>" in documents and f"<{other}>" in nodes
    assert f"<{DOC}>" not in documents  # described by itself alone
    assert "<https://w3id.org/kggraph/id/ministry/financien>" in nodes
    assert len(nodes) == 49
    # the questions of 2024Z18792 and their answer's document both describe the former
    assert documents == {f"<{other}>", f"<{id_}doc/kv-tk-2024Z18792>"}
    # a row: the 2015 document cites motion 28828-66 (a Kamerstuk first named as a motion)
    assert (
        f'<{id_}doc/ah-tk-20142015-698>\t"ah-tk-20142015-698"\t'
        '"2014-11-26"^^<http://www.w3.org/2001/XMLSchema#date>\t'
        f'<{id_}kamerstuk/kst-28828-66>\t"kst-28828-66"\t"motion"'
    ) in own
    assert (
        f'<{DOC}>\t"ah-tk-20242025-564"\t"2024-11-18"^^<http://www.w3.org/2001/XMLSchema#date>'
        f'\t<{other}>\t"ah-tk-20142015-698"\t"aanhangsel"'
    ) in own
    answered.clear()
    assert _tsv(joined_answer(store.store, "07-motions", text07)) == own07
    assert len(own07) - 1 == 33
    assert f"<{other}>" in answered[0]  # on the store, keyed by its VALUES
    assert "<https://w3id.org/kggraph/id/kamerstuk/kst-28828-66>" not in answered[1]
    answered.clear()
    # without the marks, the notes say which nodes several documents describe
    monkeypatch.setattr(cs, "several", lambda st: None)
    answered.clear()
    assert _tsv(joined_answer(store.store, "citation_edges", text)) == own
    assert [len(keys) for keys in answered] == [2, 49]
    # rows of one node from several documents are answered again without the marks too:
    # here every cited node the marks found (each describer gives it a kind), but neither
    # document (one describer alone gives it a kind and an identifier)
    monkeypatch.setattr(cs, "_shared", lambda st, halves: set())
    answered.clear()
    assert _tsv(joined_answer(store.store, "citation_edges", text)) == own
    assert answered == [nodes]


#: the classes a document gives every node it cites, by the start of the node's IRI
#: (kggraph/rdf.py), which the local query of 06-laws and the documents halves of 07 and 08
#: rest on
ID = "https://w3id.org/kggraph/id/"
FAMILIES = {
    f"{ID}law/": {"http://data.europa.eu/eli/ontology#LegalResource"},
    f"{ID}kamerstuk/": {"https://w3id.org/kggraph/ontology#Kamerstuk"},
    f"{ID}web/": {f"https://schema.org/{c}" for c in ("NewsArticle", "Report", "WebPage")},
    f"{ID}doc/ah-": {"https://w3id.org/kggraph/ontology#AanhangselItem"},
    f"{ID}publication/": {
        f"https://w3id.org/kggraph/ontology#{c}" for c in ("Staatscourant", "Staatsblad")
    },
}


def test_every_document_types_what_it_cites_by_the_start_of_its_iri(built: Path) -> None:
    store = CorpusStore.open(built, read_only=True)
    cites = {
        ox.NamedNode("http://purl.org/dc/terms/references"),
        ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso"),
        ox.NamedNode("https://w3id.org/kggraph/ontology#mentions"),
    }
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    seen = dict.fromkeys(FAMILIES, 0)
    for doc in store.documents():
        triples = [q.triple for q in store.quads(doc)]
        types: dict[str, set[str]] = {}
        for t in triples:
            if t.predicate == rdf_type:
                types.setdefault(t.subject.value, set()).add(t.object.value)
        for t in triples:
            if t.predicate in cites and isinstance(t.object, ox.NamedNode):
                for start, classes in FAMILIES.items():
                    if t.object.value.startswith(start):
                        assert types.get(t.object.value, set()) & classes, (doc, t.object)
                        seen[start] += 1
    assert min(seen.values()) >= 3, seen


def test_stale_rows_are_found_and_computed_again_from_the_stored_graphs(
    built: Path, tmp_path: Path
) -> None:
    store = CorpusStore.open(built, read_only=True)
    text = bundled_queries()["06-laws"].text
    before = _tsv(joined_answer(store.store, "06-laws", text))
    store.close()
    copy = tmp_path / "store"
    import shutil

    shutil.copytree(built, copy)
    store = CorpusStore.open(copy)
    assert store.stale_rows() == []
    node = rows_node(DOC)
    store.store.update(f"DELETE WHERE {{ GRAPH {ROWS} {{ {node} ?p ?o }} }}")
    assert store.stale_rows() == [DOC]
    # no local triples for one document: answered from the store, the same rows
    assert joined_answer(store.store, "06-laws", text) is None
    assert _tsv(StoreBackend(store).execute(text, {})) == before  # type: ignore[arg-type]
    # an unchanged build computes them again from the stored graph, parsing nothing
    build = CorpusBuild(store, jobs=1)
    progress = build.run([TEXT, PDF])
    assert (build.refreshed, progress.built_count, len(build.todo)) == (1, 0, 0)
    assert store.stale_rows() == []
    assert _tsv(joined_answer(store.store, "06-laws", text)) == before
    # one query's records gone from one document: as many documents as subjects of rows,
    # one of them incomplete
    store.store.update(
        f"DELETE WHERE {{ GRAPH {ROWS} {{ {node} {current_records()['06-laws']} ?o }} }}"
    )
    assert store.stale_records() == {DOC: ["06-laws"]}
    # rows only for documents in the store: no subject of rows without its document
    assert store.refresh_rows([f"{ID}doc/ah-tk-20242025-999999"]) == 0


def _several_by_count(store: CorpusStore) -> set[str]:
    from kggraph.store_layout import BOOK, DESCRIBED_IN

    found = store.store.query(
        f"SELECT ?n WHERE {{ GRAPH {BOOK} {{ ?n {DESCRIBED_IN} ?d }} }} "
        "GROUP BY ?n HAVING (COUNT(*) > 1)"
    )
    assert isinstance(found, ox.QuerySolutions)
    return {s["n"].value for s in found}  # type: ignore[union-attr]


def test_the_writer_marks_every_node_that_several_documents_describe(
    built: Path, tmp_path: Path
) -> None:
    from kggraph.corpus_local import MARKED, several
    from kggraph.store_layout import note

    store = CorpusStore.open(built, read_only=True)
    marked = several(store.store)
    assert marked == _several_by_count(store)
    # the motion that -564 and -610 both cite, and the SP, which many documents name
    assert {note(f"{ID}kamerstuk/kst-33529-1219").value, note(f"{ID}party/sp").value} <= marked
    store.close()
    copy = tmp_path / "store"
    import shutil

    shutil.copytree(built, copy)
    store = CorpusStore.open(copy)
    text = bundled_queries()["01-askers"].text
    before = _tsv(joined_answer(store.store, "01-askers", text))
    # a store built before the marks: answered by counting the documents in the notes
    store.store.update(
        "DELETE WHERE { GRAPH ?g { ?n <https://w3id.org/kggraph/store#describedBySeveral> ?x } }"
    )
    store.store.remove(MARKED)
    assert several(store.store) is None
    assert _tsv(joined_answer(store.store, "01-askers", text)) == before
    store.mark_several()
    assert several(store.store) == marked
    # a document goes (or is replaced): the nodes it alone shared with one other lose their mark
    store.remove(DOC)
    after = several(store.store)
    assert after == _several_by_count(store) and after < marked


def test_a_mark_the_writer_remembers_is_forgotten_when_a_document_goes() -> None:
    """The writer remembers which nodes it marked, to probe the store no more for them; a
    removal may leave such a node with one describer or none, and then it is not marked."""
    from kggraph.corpus_local import several
    from kggraph.store_layout import Layout, lay_out, note

    store = CorpusStore.memory()
    sp = ox.NamedNode(f"{ID}party/sp")
    label = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")

    def laid(n: int) -> Layout:
        doc = ox.NamedNode(f"{ID}doc/ah-tk-20242025-{n}")
        return lay_out(
            [ox.Triple(sp, label, ox.Literal("SP")), ox.Triple(doc, label, ox.Literal(str(n)))], doc
        )

    store.add([laid(1)])
    assert several(store.store) == set()
    store.add([laid(2)])  # found in the store: -1 describes it
    assert several(store.store) == {note(sp.value).value}
    store.add([laid(3)])  # remembered: no probe, still marked
    assert several(store.store) == {note(sp.value).value}
    store.remove(f"{ID}doc/ah-tk-20242025-1")
    store.remove(f"{ID}doc/ah-tk-20242025-2")
    assert several(store.store) == set()  # -3 alone describes it
    store.remove(f"{ID}doc/ah-tk-20242025-3")
    store.add([laid(4)])  # nobody else describes it: no mark, whatever was remembered
    assert several(store.store) == set()
    store.put(laid(4))  # replaced by itself: still its only describer
    store.add([laid(4)])  # added again, the same quads: its own note is not another's
    assert several(store.store) == set()
    store.put(laid(5))
    assert several(store.store) == {note(sp.value).value}


def _records(store: CorpusStore) -> dict[tuple[str, str], str]:
    """Every packed record of the rows graph, unpacked: rows as text, local triples and
    views as their sorted lines (the order of a set of triples means nothing)."""
    from kggraph.store_layout import STORE, unpack

    STORE_LOCAL = STORE + "local/"  # noqa: N806

    parts: dict[tuple[str, str], list[ox.Term]] = {}
    for q in store.store.quads_for_pattern(None, None, None, ROWS):
        parts.setdefault((q.subject.value, q.predicate.value), []).append(q.object)  # type: ignore[union-attr]
    out = {}
    for (s, p), values in parts.items():
        if not p.startswith(("https://w3id.org/kggraph/store#rows/", STORE_LOCAL)):
            out[s, p] = " ".join(sorted(str(v) for v in values))
            continue
        text = unpack(iter(values))
        if p.startswith(STORE_LOCAL):
            local, _, views = text.partition("#views\n")
            text = "\n".join([*sorted(local.splitlines()), "#views", *sorted(views.splitlines())])
        out[s, p] = text
    return out


def test_rows_computed_again_from_the_stored_graphs_are_the_workers_own(
    built: Path, tmp_path: Path
) -> None:
    """A refreshed store answers with the same bytes as a freshly built one: every
    document's rows, computed again from its stored graph, equal what the worker stored —
    the order of rows that tie on a query's ORDER BY included."""
    import shutil

    copy = tmp_path / "store"
    shutil.copytree(built, copy)
    store = CorpusStore.open(copy)
    before = _records(store)
    docs = store.documents()
    assert len(docs) == 80
    assert store.refresh_rows(docs, batch=7) == 80
    after = _records(store)
    assert len(before) == 80 * (1 + 6 + 8)  # the document, six queries' rows, eight local
    differ = set()
    for (node, pred), text in before.items():
        again = after[node, pred]
        if "/network_targets/" in pred:  # merged and sorted when answered (MERGED)
            text, again = sorted(text.splitlines()), sorted(again.splitlines())
        if again != text:
            differ.add(pred.rsplit("/", 2)[-2])
    assert sorted(differ) == []


def test_views_loaded_once_or_many_times_give_the_same_store_bad_text_fails(built: Path) -> None:
    from kggraph.corpus_local import _load, local_predicate
    from kggraph.corpus_rows import packed
    from kggraph.store_layout import unpack_text

    store = CorpusStore.open(built, read_only=True)
    text = bundled_queries()["03-answerer"].text
    pred = local_predicate("03-answerer", local_queries()["03-answerer"], text)
    blobs = [unpack_text(parts) for parts in packed(store.store, pred) or []]
    assert len(blobs) == 80
    once, twice = ox.Store(), ox.Store()
    viewed = _load(once, blobs)
    assert _load(twice, blobs + blobs[::-1]) == viewed
    assert set(twice) == set(once)
    assert len(viewed) == 66  # the posts and ministries the 80 documents' views describe
    with pytest.raises(SyntaxError):
        _load(ox.Store(), [*blobs, "<http://x> <http://y> broken .\n"])


def test_after_one_query_changed_only_its_records_are_computed_again(
    built: Path, tmp_path: Path
) -> None:
    import shutil

    from kggraph.store_layout import STORE

    copy = tmp_path / "store"
    shutil.copytree(built, copy)
    store = CorpusStore.open(copy)
    text = bundled_queries()["06-laws"].text
    before = _tsv(joined_answer(store.store, "06-laws", text))
    records = current_records()
    assert len(records) == 6 + 8
    # 06-laws as if its text had changed: its records are filed under another digest
    old = ox.NamedNode(f"{STORE}local/06-laws/0000000000000000")
    store.store.update(
        f"DELETE {{ GRAPH {ROWS} {{ ?s {records['06-laws']} ?o }} }} "
        f"INSERT {{ GRAPH {ROWS} {{ ?s {old} ?o }} }} "
        f"WHERE {{ GRAPH {ROWS} {{ ?s {records['06-laws']} ?o }} }}"
    )
    # and one document's 04-dates rows marked, to show that they are not computed again
    node, dates = rows_node(DOC), records["04-dates"]
    store.store.update(
        f"DELETE WHERE {{ GRAPH {ROWS} {{ {node} {dates} ?o }} }} ;"
        f'INSERT DATA {{ GRAPH {ROWS} {{ {node} {dates} "0:kept" }} }}'
    )
    assert len(store.stale_rows()) == 80
    assert set(map(tuple, store.stale_records().values())) == {("06-laws",)}
    build = CorpusBuild(store, jobs=1)
    build.run([TEXT, PDF])
    assert build.refreshed == 80
    assert (store.stale_rows(), store.stale_records()) == ([], {})
    assert _tsv(joined_answer(store.store, "06-laws", text)) == before
    left = store.store.query(f"ASK {{ GRAPH {ROWS} {{ ?s {old} ?o }} }}")
    kept = store.store.query(f'ASK {{ GRAPH {ROWS} {{ {node} {dates} "0:kept" }} }}')
    assert (bool(left), bool(kept)) == (False, True)


def test_packed_records_of_several_parts_and_equal_parts() -> None:
    """``packed`` reads the parts alone, then the parts of records with several, with
    their subject: a record of one part equal to a part of another record's stays, once
    for each time it is stored; and a document without a record makes the answer None."""
    from kggraph.corpus_rows import packed
    from kggraph.store_layout import BOOK, DOCUMENT

    st = ox.Store()
    pred = ox.NamedNode("https://example.org/rows/q")
    records = {"a": ["0:x"], "b": ["0:x", "1:y"], "c": ["0:x"], "d": ["1:w", "0:z", "2:v"]}
    for doc, parts in records.items():
        st.add(ox.Quad(rows_node(doc), DOCUMENT, ox.Literal(doc), BOOK))
        st.extend(ox.Quad(rows_node(doc), pred, ox.Literal(p), ROWS) for p in parts)
    found = packed(st, pred)
    assert found is not None
    assert sorted(sorted(group) for group in found) == [
        ["0:x"],
        ["0:x"],
        ["0:x", "1:y"],
        ["0:z", "1:w", "2:v"],
    ]
    st.add(ox.Quad(rows_node("e"), DOCUMENT, ox.Literal("e"), BOOK))
    assert packed(st, pred) is None
    # every record of one part: the subjects are not asked for (no record has a "1:")
    one = ox.NamedNode("https://example.org/rows/one")
    for doc, part in {"a": "0:x", "b": "0:x", "c": "0:y", "d": "0:z", "e": "0:w"}.items():
        st.add(ox.Quad(rows_node(doc), one, ox.Literal(part), ROWS))
    assert sorted(packed(st, one) or []) == [["0:w"], ["0:x"], ["0:x"], ["0:y"], ["0:z"]]
    st.add(ox.Quad(rows_node("e"), one, ox.Literal("0:v"), ROWS))  # two first parts: broken
    assert packed(st, one) is None
    # small records are stored whole ("b:", base64 of the text), beside compressed ones
    small = ox.NamedNode("https://example.org/rows/small")
    for doc, part in {"a": "b:YQ==", "b": "0:x", "c": "b:", "d": "b:YQ==", "e": "0:y"}.items():
        st.add(ox.Quad(rows_node(doc), small, ox.Literal(part), ROWS))
    st.add(ox.Quad(rows_node("b"), small, ox.Literal("1:z"), ROWS))
    assert sorted(map(sorted, packed(st, small) or [])) == [
        ["0:x", "1:z"],
        ["0:y"],
        ["b:"],
        ["b:YQ=="],
        ["b:YQ=="],
    ]


def test_records_in_the_older_compressed_form_answer_the_same(built: Path, tmp_path: Path) -> None:
    """A store built before small records were kept uncompressed has every record as
    "0:…": its answers are the same as from the records a build writes now."""
    import base64
    import shutil
    import zlib

    from kggraph.corpus_rows import packed
    from kggraph.store_layout import unpack_text

    copy = tmp_path / "store"
    shutil.copytree(built, copy)
    store = CorpusStore.open(copy)
    backend = StoreBackend(store)
    records = current_records()
    texts = {name: bundled_queries()[name].text for name in records}

    def answers() -> dict[str, object]:
        """Each query's answer, and its records as read (None if the store's were not)."""
        found: dict[str, object] = {}
        for name, text in texts.items():
            stored = packed(store.store, records[name])
            found[name] = _tsv(backend.shortcut(text))
            found[name + " records"] = stored and sorted(map(unpack_text, stored))
        return found

    def forms() -> dict[str, int]:
        quads = store.store.quads_for_pattern(None, None, None, ROWS)
        found = Counter(lexical(q.object)[:2] for q in quads if isinstance(q.object, ox.Literal))
        return {form: found[form] for form in ("b:", "0:")}

    before = answers()
    assert all(before[name + " records"] for name in texts)
    assert forms() == {"b:": 554, "0:": 566}
    small = [
        q
        for q in store.store.quads_for_pattern(None, None, None, ROWS)
        if isinstance(q.object, ox.Literal) and q.object.value.startswith("b:")
    ]
    for q in small:
        text = base64.b64decode(lexical(q.object)[2:])
        older = "0:" + base64.b64encode(zlib.compress(text, 6)).decode("ascii")
        store.store.remove(q)
        store.store.add(ox.Quad(q.subject, q.predicate, ox.Literal(older), q.graph_name))
    assert forms() == {"b:": 0, "0:": 1120}
    assert answers() == before


def test_the_join_orders_as_sparql_or_leaves_the_answer_to_the_store() -> None:
    """Two documents cite one thing that the first describes: joined on it and ordered by
    the documents' names, plain or tagged strings. A column ordered by that holds a
    number (SPARQL orders it by value), one value as a plain and a tagged string (their
    order is the engine's), a blank node to read from the merge (the store has no name for
    it), or columns other than the halves' leave the answer to the store (None); the
    halves' columns in another order are placed as the query places them."""
    from kggraph.corpus_split import NODES, split_answer

    text = (
        "SELECT ?doc ?n ?target ?kind WHERE { ?doc <urn:p:name> ?n ; <urn:p:cites> ?target . "
        "?target <urn:p:kind> ?kind } ORDER BY ?n ?target"
    )
    halves = ("SELECT * {}", "SELECT * {}")  # answered again for no node here
    docs, nodes = "?doc\t?n\t?target\n", "?target\t?kind\n"

    def blob(doc: str, name: str, node_rows: str = "", target: str = "<urn:t1>") -> str:
        return f"{docs}<{doc}>\t{name}\t{target}\n{NODES}{nodes}{node_rows}"

    blobs = [blob("urn:d1", '"b"', '<urn:t1>\t"law"\n'), blob("urn:d2", '"a\\tz"')]
    answer = split_answer(ox.Store(), text, halves, blobs)
    assert _tsv(answer) == [
        "?doc\t?n\t?target\t?kind",
        '<urn:d2>\t"a\\tz"\t<urn:t1>\t"law"',
        '<urn:d1>\t"b"\t<urn:t1>\t"law"',
    ]
    tagged = [blob("urn:d1", '"b"@nl', '<urn:t1>\t"law"\n'), blob("urn:d2", '"a b"@en')]
    assert _tsv(split_answer(ox.Store(), text, halves, tagged)) == [
        "?doc\t?n\t?target\t?kind",
        '<urn:d2>\t"a b"@en\t<urn:t1>\t"law"',
        '<urn:d1>\t"b"@nl\t<urn:t1>\t"law"',
    ]
    twice = [blob("urn:d1", '"a"@nl', '<urn:t1>\t"law"\n'), blob("urn:d2", '"a"')]
    assert split_answer(ox.Store(), text, halves, twice) is None  # "a"@nl or "a" first?
    numbers = [blob("urn:d1", "10", '<urn:t1>\t"law"\n'), blob("urn:d2", "9")]
    assert split_answer(ox.Store(), text, halves, numbers) is None
    blank = [blob("urn:d1", '"b"', '_:x\t"law"\n', "_:x"), blob("urn:d2", '"a"', '_:x\t"law"\n')]
    assert split_answer(ox.Store(), text, halves, blank) is None
    assert split_answer(ox.Store(), text + " LIMIT 1", halves, blobs) is None
    swapped = text.replace("SELECT ?doc ?n ?target ?kind", "SELECT ?kind ?n ?doc ?target")
    assert _tsv(split_answer(ox.Store(), swapped, halves, blobs)) == [
        "?kind\t?n\t?doc\t?target",
        '"law"\t"a\\tz"\t<urn:d2>\t<urn:t1>',
        '"law"\t"b"\t<urn:d1>\t<urn:t1>',
    ]
    fewer = text.replace("SELECT ?doc ?n ?target ?kind", "SELECT ?doc ?target ?kind")
    assert split_answer(ox.Store(), fewer, halves, blobs) is None  # not the halves' columns


def test_no_document_keeps_rows_of_a_half_answered_on_the_store(built: Path) -> None:
    """01's and 02's second halves say ``# rows: store``: the documents keep their first
    half's rows alone, and the people and posts they name are answered on the store."""
    from kggraph.corpus_rows import packed
    from kggraph.corpus_split import NODES, split_predicate
    from kggraph.store_layout import unpack_text

    store = CorpusStore.open(built, read_only=True)
    for name, first in (
        ("01-askers", "?doc\t?docId\t?asker"),
        ("02-addressees", "?doc\t?docId\t?post"),
    ):
        halves = split_queries()[name]
        assert "\n# rows: store\n" in halves[1] and "# rows: store" not in halves[0]
        records = packed(store.store, split_predicate(name, halves, bundled_queries()[name].text))
        assert records is not None and len(records) == 80
        texts = [unpack_text(parts) for parts in records]
        assert {text.partition(NODES)[2] for text in texts} == {""}
        assert {text.partition("\n")[0] for text in texts} == {first}


def test_a_third_part_joins_as_optional_does() -> None:
    """08's publishers' names: each source row gets its publisher's rows from the store; a
    source without a publisher, or a publisher without a name, gets unbound cells, one with
    two names two rows; a blank publisher leaves the answer to the store."""
    from kggraph.corpus_split import _Keyed

    store = ox.Store()
    label = "http://www.w3.org/2004/02/skos/core#prefLabel"
    store.load(
        (
            f'<urn:nos> <{label}> "NOS"@nl .\n<urn:nrc> <{label}> "NRC"@nl .\n'
            f'<urn:nrc> <{label}> "NRC Handelsblad"@nl .\n<urn:x> <urn:other> "x" .\n'
        ).encode(),
        ox.RdfFormat.N_TRIPLES,
    )
    part = split_queries()["08-external-sources"][2]
    sources = _Keyed()
    sources.add(
        '?source\t?kind\t?outlet\n<urn:a>\t"news"\t<urn:nos>\n<urn:b>\t"news"\t<urn:nrc>\n'
        '<urn:c>\t"report"\t\n<urn:d>\t"webpage"\t<urn:x>\n'
    )
    sources.done()
    assert sources.extend(store, part)
    assert sources.header == "?source\t?kind\t?outlet\t?outletLabel"
    assert sorted(line for rows in sources.rows.values() for line in rows.split("\n")) == [
        '<urn:a>\t"news"\t<urn:nos>\t"NOS"@nl',
        '<urn:b>\t"news"\t<urn:nrc>\t"NRC Handelsblad"@nl',
        '<urn:b>\t"news"\t<urn:nrc>\t"NRC"@nl',
        '<urn:c>\t"report"\t\t',
        '<urn:d>\t"webpage"\t<urn:x>\t',
    ]
    blank = _Keyed()
    blank.add('?source\t?kind\t?outlet\n<urn:a>\t"news"\t_:b0\n')
    blank.done()
    assert not blank.extend(store, part)
