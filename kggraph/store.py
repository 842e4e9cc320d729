"""The on-disk corpus store: an Oxigraph database laid out so that every triple is stored
once (see :mod:`kggraph.store_layout`): each document's own nodes in the graph named by
the document IRI, what documents say about shared nodes in the graph named by the node,
and the store's records (which document was built from which file, what it said about
shared nodes) in a bookkeeping graph. Queries read the union of the graphs.

New documents are written with Oxigraph's bulk loader, many at a time (``add``): one
batch is one atomic ingestion, so a reader, or the next run after a crash, sees a document
whole or not at all. Replacing or removing a document is one SPARQL update (one
transaction) that also removes the shared triples no other document still says.

>>> store = CorpusStore.memory()
>>> doc = "https://w3id.org/kggraph/id/doc/ah-tk-20242025-1"
>>> nt = f'<{doc}> <https://w3id.org/kggraph/ontology#contentHash> "ab12" .\\n'
>>> store.replace(doc, nt.encode())
>>> store.hashes()
{'https://w3id.org/kggraph/id/doc/ah-tk-20242025-1': 'ab12'}
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import IO, TYPE_CHECKING

import pyoxigraph as ox

from . import DEFAULT_BASE
from . import store_layout as layout
from .atomic import atomic_stream
from .corpus_local import MARKED as _MARKED
from .corpus_local import local_queries
from .corpus_rows import (
    PER_DOCUMENT,
    ROWS,
    corpus_answer,
    current_predicates,
    current_records,
    document_rows,
    joined_answer,
    record_prefixes,
    rows_node,
)
from .corpus_split import split_queries
from .errors import InputError, StoreError
from .prefixes import PREFIXES
from .query import OxigraphBackend
from .query_slice import SLICED, sliced

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

    from .results import Answer

KGO = "https://w3id.org/kggraph/ontology#"
#: said by every failed store write (a full disk): one transaction per write, nothing half
KEPT = "; the store keeps what it had before"
EXPORT_FORMATS = {".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}


def _iri(value: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(value)
    except ValueError as exc:
        raise StoreError(f"not an IRI: {value!r}") from exc


class CorpusStore:
    """One Oxigraph store; open it read-only wherever you only read (no lock taken)."""

    def __init__(self, store: ox.Store, path: str | None = None, read_only: bool = False):
        self.store = store
        self.path = path
        self.read_only = read_only
        # shared nodes this object knows to be marked as described by several documents
        # (its own loads marked them; one entry for each such node); a replacement or removal
        # forgets them. It assumes that the store is written through this object alone,
        # as the build does (the store's lock keeps other processes out)
        self._several: set[str] = set()

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, read_only: bool = False) -> CorpusStore:
        """Open (or, for writing, create) the store at ``path``."""
        p = Path(path)
        if read_only and not p.is_dir():
            raise InputError(
                "no store here (build one with `kggraph build … --store`)", path=str(p)
            )
        try:
            if not read_only:  # `--store out/store` where out/ does not exist yet
                p.parent.mkdir(parents=True, exist_ok=True)
            st = ox.Store.read_only(str(p)) if read_only else ox.Store(str(p))
        except OSError as exc:
            hint = " (is another kggraph process writing it?)" if "lock" in str(exc) else ""
            raise StoreError(f"cannot open store {p}: {exc}{hint}") from exc
        store = cls(st, str(p), read_only)
        store._check_layout()
        return store

    @classmethod
    def memory(cls) -> CorpusStore:
        store = cls(ox.Store())
        store._check_layout()
        return store

    def _check_layout(self) -> None:
        """Refuse a store written in another layout: its answers would be wrong here."""
        if next(iter(self.store.quads_for_pattern(None, None, None)), None) is None:
            if not self.read_only:
                self.store.add(ox.Quad(layout.BOOK, layout.LAYOUT, layout.VERSION, layout.BOOK))
                self.store.add(_MARKED)
            return
        if ox.Quad(layout.BOOK, layout.LAYOUT, layout.VERSION, layout.BOOK) not in self.store:
            raise StoreError(
                f"the store {self.path or '(in memory)'} was written by an older kggraph "
                "(complete document graphs and their merge in the default graph): build it "
                "again into a new directory"
            )

    # --- reading ---------------------------------------------------------------------

    def documents(self) -> list[str]:
        """IRIs of the documents built into the store, sorted."""
        return sorted(self.built())

    def hashes(self) -> dict[str, str]:
        """Document IRI → content hash of the file it was built from."""
        return {d: h for d, h in self.built().items() if h}

    def built(self) -> dict[str, str]:
        """Every document built into the store → the content hash of its file ("" for a
        graph stored without one): its documents and hashes in one read."""
        return self._records(layout.BUILT)

    def builds(self) -> dict[str, str]:
        """Document IRI → what built its graph (``kgo:builtWith``, see kggraph.buildinfo)."""
        built = ox.NamedNode(KGO + "builtWith")
        found = self._table(f"SELECT ?d ?w WHERE {{ GRAPH ?d {{ ?d {built} ?w }} }}")
        return {d: w for d, w in found}

    def sources(self) -> dict[str, str]:
        """Document IRI → file name it was built from."""
        return self._records(layout.SOURCE)

    def _records(self, predicate: ox.NamedNode) -> dict[str, str]:
        """Document IRI → the value of ``predicate`` in its record.

        Two scans joined here: Oxigraph's join of the two patterns probes the index once
        a record (3.7 s for 88,000 documents, against 2.4 s for the two scans)."""
        book = layout.BOOK
        mine = self._table(f"SELECT ?r ?d WHERE {{ GRAPH {book} {{ ?r {layout.DOCUMENT} ?d }} }}")
        docs = {r: d for r, d in mine}
        found = self._table(f"SELECT ?r ?v WHERE {{ GRAPH {book} {{ ?r {predicate} ?v }} }}")
        return {docs[r]: v for r, v in found if r in docs}

    def _table(self, query: str) -> list[list[str]]:
        """The rows of a SELECT, each term by its value, read from the CSV that Oxigraph
        writes rather than as a Python object a term."""
        found = self.store.query(query)
        assert isinstance(found, ox.QuerySolutions)
        data = found.serialize(format=ox.QueryResultsFormat.CSV) or b""
        rows = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
        next(rows, None)  # the header
        return list(rows)

    def _has(self, doc: ox.NamedNode) -> bool:
        rec = layout.record(doc.value)
        return (
            next(iter(self.store.quads_for_pattern(rec, layout.BUILT, None, layout.BOOK)), None)
            is not None
        )

    def _shared_of(self, doc: ox.NamedNode) -> bytes:
        """What ``doc`` said about shared nodes, as it was built (sorted N-Triples)."""
        rec = layout.record(doc.value)
        parts = self.store.quads_for_pattern(rec, layout.ASSERTS, None, layout.BOOK)
        return layout.unpack(q.object for q in parts).encode("utf-8")

    def _own(self, doc: ox.NamedNode) -> Iterator[ox.Quad]:
        for q in self.store.quads_for_pattern(None, None, None, doc):
            if q.subject != doc:
                yield q

    def quads(self, doc: str) -> Iterator[ox.Quad]:
        """The graph of ``doc`` exactly as it was built, in the graph named by ``doc``."""
        name = _iri(doc)
        yield from self._own(name)
        for t in ox.parse(self._shared_of(name), ox.RdfFormat.N_TRIPLES):
            yield ox.Quad(t.subject, t.predicate, t.object, name)

    def ntriples(self, doc: str) -> bytes:
        """One document's graph as N-Triples (sorted)."""
        return layout.ntriples(q.triple for q in self.quads(doc))

    def write_merged(self, fh: IO[bytes]) -> None:
        """Write the RDF merge of the document graphs as N-Triples to ``fh``, streamed: the
        store's data graphs hold it, each triple once."""
        ox.serialize((q.triple for q in self._data()), fh, ox.RdfFormat.N_TRIPLES)

    def _data(self) -> Iterator[ox.Quad]:
        """Every quad of the documents' data (not the store's records and rows)."""
        for q in self.store.quads_for_pattern(None, None, None):
            if q.graph_name != layout.BOOK and q.graph_name != ROWS:
                yield q

    def graph(self, doc: str) -> Graph:
        """One document's graph as an rdflib Graph named by the document IRI."""
        from rdflib import Graph, URIRef

        g = Graph(identifier=URIRef(doc))
        g.parse(data=self.ntriples(doc), format="nt")
        return g

    def triple_count(self) -> int:
        """Triples of the documents' data, each once (the size of their RDF merge).

        Counted by Oxigraph: one Python object a quad took 50 s for 10,000 documents,
        the count 2 s."""
        return self._count(
            f"{{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} "
            f"FILTER (?g != {layout.BOOK} && ?g != {ROWS}) }}"
        )

    def _count(self, where: str) -> int:
        """How many solutions ``where`` has, counted by Oxigraph."""
        found = self.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
        assert isinstance(found, ox.QuerySolutions)
        return int(next(found)["n"].value)

    # --- writing ---------------------------------------------------------------------

    def mark_several(self) -> None:
        """Mark every note that more than one document describes, once for a store built
        before the marks: afterwards the writer keeps them."""
        if _MARKED in self.store:
            return
        book, described = layout.BOOK, layout.DESCRIBED_IN
        self.store.update(
            f"INSERT {{ GRAPH {book} {{ ?n {layout.SEVERAL} {layout.TRUE} }} }} WHERE {{ "
            f"{{ SELECT ?n WHERE {{ GRAPH {book} {{ ?n {described} ?d }} }} "
            f"GROUP BY ?n HAVING (COUNT(*) > 1) }} }} ;\n"
            f"INSERT DATA {{ GRAPH {book} {{ {_MARKED.triple} }} }}"
        )

    def _several_marks(self, layouts: list[layout.Layout]) -> set[str]:
        """The marks that storing ``layouts`` adds: a node they describe that another
        document describes already, or two of them."""
        marks: set[str] = set()
        by: dict[str, str] = {}
        for lay in layouts:
            for n in lay.described:
                if by.setdefault(n, lay.doc) != lay.doc or n in self._several:
                    marks.add(n)
        marks.update(self._described_elsewhere({n: by[n] for n in sorted(set(by) - marks)}))
        return marks

    def _described_elsewhere(self, nodes: dict[str, str]) -> set[str]:
        """Those of ``nodes`` (node → a document) that a document in the store other than
        the one given describes: one query for 1,000 nodes (a probe from Python cost
        130 µs a node in a store of 80,000 documents)."""
        found: set[str] = set()
        items = list(nodes.items())
        for i in range(0, len(items), 1000):
            notes = {layout.note_value(n): (n, doc) for n, doc in items[i : i + 1000]}
            pairs = " ".join(f"(<{k}> {ox.Literal(doc)})" for k, (_, doc) in notes.items())
            rows = self._table(  # EXISTS stops at the first other describer: a join with
                # a filter read every describer of a node (14 s for 1,000 nodes at 100k)
                f"SELECT ?n WHERE {{ VALUES (?n ?doc) {{ {pairs} }} FILTER EXISTS {{ "
                f"GRAPH {layout.BOOK} {{ ?n {layout.DESCRIBED_IN} ?d }} FILTER (?d != ?doc) }} }}"
            )
            found.update(notes[k][0] for (k,) in rows)
        return found

    def add(self, layouts: Iterable[layout.Layout]) -> None:
        """Write documents that are not in the store yet, all in one atomic bulk load."""
        layouts = list(layouts)
        data = b"".join(lay.nquads for lay in layouts)
        if not data:
            return
        marks = self._several_marks(layouts)
        try:
            self.store.bulk_load(data + _marked(marks), ox.RdfFormat.N_QUADS)
        except (SyntaxError, OSError, ValueError) as exc:
            raise StoreError(f"cannot store the documents: {exc}{KEPT}") from exc
        self._several |= marks

    def replace(self, doc: str, ntriples: bytes, base: str = DEFAULT_BASE) -> None:
        """Store the graph of ``doc`` given as N-Triples, replacing what the store held for
        it, in one transaction."""
        name = _iri(doc)
        try:
            triples = list(ox.parse(ntriples, ox.RdfFormat.N_TRIPLES))
        except SyntaxError as exc:
            raise StoreError(f"cannot store {doc}: {exc}") from exc
        self.put(layout.lay_out(triples, name, base).with_rows(document_rows(triples, name)))

    def put(self, lay: layout.Layout) -> None:
        """Store one laid-out document, replacing what the store held for it, in one
        transaction (a new document: one atomic load)."""
        name = _iri(lay.doc)
        marks = self._several_marks([lay])
        if not self._has(name):
            try:
                self.store.load(lay.nquads + _marked(marks), ox.RdfFormat.N_QUADS)
            except (SyntaxError, OSError, ValueError) as exc:
                raise StoreError(f"cannot store {lay.doc}: {exc}{KEPT}") from exc
            self._several |= marks
            return
        keep = set(ox.parse(lay.shared, ox.RdfFormat.N_TRIPLES))
        self._update(name, keep, lay.nquads + _marked(marks))

    def remove(self, doc: str) -> None:
        """Remove ``doc`` and the shared triples no other document says (one transaction)."""
        self._update(_iri(doc), set(), b"")

    def _update(self, doc: ox.NamedNode, keep: set[ox.Triple], nquads: bytes) -> None:
        """Take ``doc`` out — its own nodes, its records, and what it said about shared
        nodes unless it says it again (``keep``) or another document says it too — and put
        ``nquads`` in, in one SPARQL update."""
        self._several.clear()  # the update may leave a marked node with one describer
        said = set(ox.parse(self._shared_of(doc), ox.RdfFormat.N_TRIPLES)) - keep
        others: dict[ox.NamedNode, set[ox.Triple]] = {}
        gone = [t for t in sorted(said, key=str) if not self._said_elsewhere(t, doc, others)]
        find, name = self.store.quads_for_pattern, ox.Literal(doc.value)
        records = list(find(layout.record(doc.value), None, None, layout.BOOK))
        described = {
            layout.lexical(t.subject)
            for t in ox.parse(self._shared_of(doc), ox.RdfFormat.N_TRIPLES)
        }
        records += [
            ox.Quad(layout.note(n), layout.DESCRIBED_IN, name, layout.BOOK)
            for n in sorted(described)
        ]
        delete = [f"GRAPH {t.subject} {{ {t.subject} {t.predicate} {t.object} }}" for t in gone]
        delete += [f"GRAPH {q.graph_name} {{ {q.triple} }}" for q in records]
        rows = rows_node(doc.value)
        steps = [
            f"DELETE {{ GRAPH {doc} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {doc} {{ ?s ?p ?o }} "
            f"FILTER (?s != {doc}) }}",
            f"DELETE WHERE {{ GRAPH {ROWS} {{ {rows} ?p ?o }} }}",
        ]
        if delete:
            steps.append("DELETE DATA {\n" + "\n".join(delete) + "\n}")
        if nquads:
            inserts = [
                f"GRAPH {q.graph_name} {{ {q.triple} }}"
                for q in ox.parse(nquads, ox.RdfFormat.N_QUADS)
            ]
            steps.append("INSERT DATA {\n" + "\n".join(inserts) + "\n}")
        if described:  # a node that one document describes no longer is not marked
            book, notes = layout.BOOK, " ".join(str(layout.note(n)) for n in sorted(described))
            steps.append(
                f"DELETE {{ GRAPH {book} {{ ?n {layout.SEVERAL} ?x }} }} WHERE {{ "
                f"VALUES ?n {{ {notes} }} GRAPH {book} {{ ?n {layout.SEVERAL} ?x }} "
                f"FILTER NOT EXISTS {{ GRAPH {book} {{ ?n {layout.DESCRIBED_IN} ?a , ?b "
                "FILTER (?a != ?b) } } }"
            )
        try:
            self.store.update(" ;\n".join(steps))
        except (SyntaxError, OSError) as exc:
            raise StoreError(
                f"cannot store {doc.value}: {exc} (the transaction was not applied: the store "
                "holds the documents stored before, each whole)"
            ) from exc

    def _said_elsewhere(
        self, t: ox.Triple, doc: ox.NamedNode, others: dict[ox.NamedNode, set[ox.Triple]]
    ) -> bool:
        """Whether a document other than ``doc`` says ``t`` (their records read once)."""
        note = layout.note(layout.lexical(t.subject))
        for q in self.store.quads_for_pattern(note, layout.DESCRIBED_IN, None, layout.BOOK):
            other = ox.NamedNode(layout.lexical(q.object))
            if other == doc:
                continue
            if other not in others:
                others[other] = set(ox.parse(self._shared_of(other), ox.RdfFormat.N_TRIPLES))
            if t in others[other]:
                return True
        return False

    def stale_rows(self) -> list[str]:
        """Documents whose precomputed rows (:mod:`kggraph.corpus_rows`) are missing or
        were computed for other texts of the bundled queries."""
        return list(self.stale_records())

    def stale_records(self) -> dict[str, list[str]]:
        """Each document that lacks the rows or local triples of a bundled query as its
        text is now → those queries (documents that lack none are left out)."""
        records = current_records()
        if self._all_current(list(records.values())):
            return {}
        present = self._current_records()
        out = {}
        for doc in self.documents():
            have = present.get(rows_node(doc).value, set())
            missing = sorted(name for name, p in records.items() if p.value not in have)
            if missing:
                out[doc] = missing
        return out

    def _all_current(self, predicates: list[ox.NamedNode]) -> bool:
        """Whether every document has the records of every bundled query as it is now,
        known from three counts that read no term (1.7 s for 88,000 documents, where
        reading which document has which records takes 9.4 s): as many documents as
        subjects of rows, and each of these subjects with every current record. A
        document's records are written and removed with it in one transaction, so no
        subject of rows outlives its document."""
        values = " ".join(str(p) for p in predicates)
        docs = self._count(f"GRAPH {layout.BOOK} {{ ?r {layout.DOCUMENT} ?d }}")
        subjects = self._count(f"SELECT DISTINCT ?s WHERE {{ GRAPH {ROWS} {{ ?s ?p ?o }} }}")
        complete = self._count(
            f"SELECT ?s WHERE {{ GRAPH {ROWS} {{ ?s ?p ?x VALUES ?p {{ {values} }} }} }} "
            f"GROUP BY ?s HAVING (COUNT(DISTINCT ?p) = {len(predicates)})"
        )
        return docs == subjects == complete

    def _current_records(self) -> dict[str, set[str]]:
        """The subject of each document's rows → where its current records are filed.

        One query read as Oxigraph's CSV (0.7 s for 10,000 documents; a count per batch
        of documents took 60 s)."""
        values = " ".join(str(p) for p in current_predicates())
        out: dict[str, set[str]] = {}
        found = self._table(
            f"SELECT DISTINCT ?s ?p WHERE {{ GRAPH {ROWS} {{ ?s ?p ?x "
            f"VALUES ?p {{ {values} }} }} }}"
        )
        for s, p in found:
            out.setdefault(s, set()).add(p)
        return out

    def refresh_rows(
        self, docs: Iterable[str], batch: int = 500, names: Iterable[str] | None = None
    ) -> int:
        """Compute the rows of ``docs`` again from their graphs as stored (no parsing), a
        batch of documents per write; returns how many. Only the records of the queries
        ``names`` are computed (all, if None): after one bundled query has changed, every
        document computes that one again, not all fourteen. Rows are derived data: a
        document whose new rows did not reach the store is answered from its graph
        meanwhile."""
        # a document no longer in the store gets no rows: every subject of rows is a
        # document's, which the check for outdated rows counts on (``_all_current``)
        todo, done = [d for d in docs if self._has(_iri(d))], 0
        names = None if names is None else sorted(names)
        if names == []:  # no query's records to compute
            return 0
        if names is None:
            keep = ""
        else:
            starts = [s for n in names for s in record_prefixes(n)]
            keep = " || ".join(f'STRSTARTS(STR(?p), "{s}")' for s in starts)
            keep = f"FILTER ({keep})"
        for i in range(0, len(todo), batch):
            part = todo[i : i + batch]
            data = b"".join(
                document_rows([q.triple for q in self.quads(d)], _iri(d), names) for d in part
            )
            drop = " ;\n".join(
                f"DELETE {{ GRAPH {ROWS} {{ {rows_node(d)} ?p ?o }} }} "
                f"WHERE {{ GRAPH {ROWS} {{ {rows_node(d)} ?p ?o }} {keep} }}"
                for d in part
            )
            try:
                self.store.update(drop)
                self.store.bulk_load(data, ox.RdfFormat.N_QUADS)
            except (SyntaxError, OSError, ValueError) as exc:
                raise StoreError(f"cannot store the documents' rows: {exc}") from exc
            done += len(part)
        return done

    def flush(self) -> None:
        if not self.read_only and self.path:
            try:
                self.store.flush()
            except OSError as exc:  # a full disk: a named error, not a traceback
                raise StoreError(
                    f"cannot write the store {self.path}: {exc}{KEPT}; documents of this "
                    "run that did not reach it are built again by the next run"
                ) from exc

    def close(self) -> None:
        """Flush and close the database now (RocksDB stops its background work): a
        read-only open of the same store, even in this process, then sees a quiet store —
        a bulk load's compaction may otherwise delete files under a reader's feet."""
        import gc

        try:
            self.flush()
        finally:
            self.store = ox.Store()  # the database's last reference goes with the old store
            gc.collect()

    # --- export ----------------------------------------------------------------------

    def export(
        self,
        out: str | os.PathLike[str],
        docs: Iterable[str] | None = None,
        base: str = DEFAULT_BASE,
    ) -> int:
        """Write all (or the chosen) document graphs to ``out`` (.nq or .trig), streamed.

        Returns the number of graphs written. The file appears whole or not at all.
        """
        target = Path(out)
        fmt = EXPORT_FORMATS.get(target.suffix.lower())
        if fmt is None:
            raise InputError(f"export writes {' or '.join(EXPORT_FORMATS)}", path=str(target))
        chosen = self.documents() if docs is None else [resolve_doc(d, base) for d in docs]
        known = set(self.documents()) if docs is not None else set(chosen)
        missing = [d for d in chosen if d not in known]
        if missing:
            raise InputError(f"not in the store: {', '.join(missing)}", path=self.path)
        prefixes = {**PREFIXES, "id": base}
        with atomic_stream(target) as fh:
            if fmt == ox.RdfFormat.N_QUADS:
                for doc in chosen:
                    ox.serialize(self.quads(doc), fh, fmt)
            else:
                # one serializer for the whole file, fed graph after graph: still streamed
                ox.serialize(_chain(self.quads(d) for d in chosen), fh, fmt, prefixes=prefixes)
        return len(chosen)


class StoreBackend(OxigraphBackend):
    """Runs SPARQL on the union of the store's graphs: the RDF merge of the documents; a
    bundled query that looks at one document at a time, asked of the whole corpus, reads the
    rows its documents computed when they were built (:mod:`kggraph.corpus_rows`)."""

    def __init__(self, store: CorpusStore | ox.Store):
        self.corpus = store if isinstance(store, CorpusStore) else CorpusStore(store)
        super().__init__(self.corpus.store, True)

    def _documents(self) -> Iterator[tuple[ox.NamedNode, list[ox.Triple]]]:
        for doc in self.corpus.documents():
            yield ox.NamedNode(doc), [q.triple for q in self.corpus.quads(doc)]

    def execute(self, text: str, bindings: Mapping[str, Node]) -> Answer:
        if not bindings:
            answer = self.shortcut(text)
            if answer is not None:
                return answer
        return super().execute(text, bindings)

    def shortcut(self, text: str) -> ox.QuerySolutions | None:
        """The corpus answer of a bundled query that is not evaluated on the store as it
        stands: rows its documents computed (a query that looks at one document at a time,
        matching facts inside one document's graph), or the query on an in-memory slice of
        the store; None for any other query text."""
        name = _bundled(PER_DOCUMENT).get(text)
        answer = corpus_answer(self.store, name, text, self._documents) if name else None
        if answer is not None:
            return answer
        name = _bundled((*local_queries(), *split_queries())).get(text)
        answer = joined_answer(self.store, name, text) if name else None
        if answer is not None:
            return answer
        if text in _bundled(SLICED):
            result = sliced(self.store, text).query(text)
            assert isinstance(result, ox.QuerySolutions)
            return result
        return None


@cache
def _bundled(names: tuple[str, ...]) -> dict[str, str]:
    """Text → name of these bundled queries."""
    from .query import bundled_queries

    queries = bundled_queries()
    return {queries[n].text: n for n in names if n in queries}


def _marked(nodes: Iterable[str]) -> bytes:
    """The marks of ``nodes`` as described by several documents, as N-Quads."""
    quads = [ox.Quad(layout.note(n), layout.SEVERAL, layout.TRUE, layout.BOOK) for n in nodes]
    return ox.serialize(sorted(quads, key=str), format=ox.RdfFormat.N_QUADS) or b""


def _chain(parts: Iterable[Iterator[ox.Quad]]) -> Iterator[ox.Quad]:
    for part in parts:
        yield from part


def resolve_doc(doc: str, base: str = DEFAULT_BASE) -> str:
    """A document identifier (``ah-tk-20242025-545``) or IRI → the document IRI."""
    return doc if doc.startswith(("http://", "https://")) else f"{base}doc/{doc}"


__all__ = ["CorpusStore", "StoreBackend", "StoreError", "resolve_doc"]
