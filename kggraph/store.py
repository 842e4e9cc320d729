"""The on-disk corpus store: an Oxigraph database with one named graph per document.

Each document's graph is named by the document IRI and holds ``<doc> kgo:contentHash``,
so the store itself remembers what it was built from. Replacing a document is one SPARQL
update, which Oxigraph applies as one transaction: a reader, or the next run after a
crash, sees the old graph or the whole new one, never half of it.

The default graph holds the RDF merge of all document graphs (each triple once), kept up to
date by the same transaction, and queries run on it (``StoreBackend``). Oxigraph 0.5's
``use_default_graph_as_union`` counts a triple once per graph that holds it (oxigraph issue
#1919), so a shared node (a party named in 10,000 documents) would multiply every join
through it; the merged graph keeps query cost independent of how often a node is shared.

>>> store = CorpusStore.memory()
>>> doc = "https://w3id.org/kggraph/id/doc/ah-tk-20242025-1"
>>> nt = f'<{doc}> <https://w3id.org/kggraph/ontology#contentHash> "ab12" .\\n'
>>> store.replace(doc, nt.encode())
>>> store.hashes()
{'https://w3id.org/kggraph/id/doc/ah-tk-20242025-1': 'ab12'}
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

import pyoxigraph as ox

from . import DEFAULT_BASE
from .atomic import atomic_stream
from .errors import InputError, StoreError
from .query import OxigraphBackend

if TYPE_CHECKING:
    from rdflib import Graph

KGO = "https://w3id.org/kggraph/ontology#"
DCTERMS = "http://purl.org/dc/terms/"
EXPORT_FORMATS = {".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}
PREFIXES = {
    "kgo": KGO,
    "dcterms": DCTERMS,
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "cito": "http://purl.org/spar/cito/",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

_HASHES = f"""SELECT ?g ?h WHERE {{ GRAPH ?g {{ ?g <{KGO}contentHash> ?h }} }}"""
_BUILDS = f"""SELECT ?g ?b WHERE {{ GRAPH ?g {{ ?g <{KGO}builtWith> ?b }} }}"""
_SOURCES = f"""SELECT ?g ?s WHERE {{ GRAPH ?g {{ ?g <{DCTERMS}source> ?s }} }}"""


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
        return cls(st, str(p), read_only)

    @classmethod
    def memory(cls) -> CorpusStore:
        return cls(ox.Store())

    # --- reading ---------------------------------------------------------------------

    def documents(self) -> list[str]:
        """IRIs of the document graphs, sorted."""
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def hashes(self) -> dict[str, str]:
        """Document IRI → content hash of the file it was built from."""
        return {s["g"].value: s["h"].value for s in self._select(_HASHES)}

    def builds(self) -> dict[str, str]:
        """Document IRI → what built its graph (``kgo:builtWith``, see kggraph.buildinfo)."""
        return {s["g"].value: s["b"].value for s in self._select(_BUILDS)}

    def sources(self) -> dict[str, str]:
        """Document IRI → file name it was built from."""
        return {s["g"].value: s["s"].value for s in self._select(_SOURCES)}

    def _select(self, text: str) -> ox.QuerySolutions:
        result = self.store.query(text)
        assert isinstance(result, ox.QuerySolutions)
        return result

    def quads(self, doc: str) -> Iterator[ox.Quad]:
        return iter(self.store.quads_for_pattern(None, None, None, _iri(doc)))

    def ntriples(self, doc: str) -> bytes:
        """One document's graph as N-Triples."""
        out = self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=_iri(doc))
        return out or b""

    def write_merged(self, fh: IO[bytes]) -> None:
        """Write the RDF merge of the document graphs as N-Triples to ``fh``, streamed
        (a triple that several graphs hold may come more than once; a graph has it once),
        whatever the store keeps in its default graph."""
        merged = self.store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert isinstance(merged, ox.QueryTriples)
        merged.serialize(fh, format=ox.RdfFormat.N_TRIPLES)

    def graph(self, doc: str) -> Graph:
        """One document's graph as an rdflib Graph named by the document IRI."""
        from rdflib import Graph, URIRef

        g = Graph(identifier=URIRef(doc))
        g.parse(data=self.ntriples(doc), format="nt")
        return g

    def triple_count(self) -> int:
        """Triples in the document graphs (a triple in two graphs counts twice)."""
        merged = sum(1 for _ in self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        return len(self.store) - merged

    def merged_count(self) -> int:
        """Triples in the merged default graph."""
        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))

    # --- writing ---------------------------------------------------------------------

    def replace(self, doc: str, ntriples: bytes) -> None:
        """Replace the graph of ``doc`` by ``ntriples`` in one transaction (merge included)."""
        name = _iri(doc)
        body = ntriples.decode("utf-8")
        steps = [
            f"DROP SILENT GRAPH {name}",
            f"INSERT DATA {{ GRAPH {name} {{\n{body}\n}} }}",
            f"INSERT DATA {{\n{body}\n}}",
            *self._unmerge(name),
        ]
        try:
            self.store.update(" ;\n".join(steps))
        except (SyntaxError, OSError) as exc:
            raise StoreError(
                f"cannot store {doc}: {exc} (the transaction was not applied: the store holds "
                "the documents stored before, each whole)"
            ) from exc

    def remove(self, doc: str) -> None:
        """Remove the graph of ``doc`` and its triples no other graph holds (one transaction)."""
        name = _iri(doc)
        self.store.update(" ;\n".join([f"DROP SILENT GRAPH {name}", *self._unmerge(name)]))

    def _unmerge(self, name: ox.NamedNode) -> list[str]:
        """The update step that takes the old triples of ``name`` out of the merged default
        graph unless a named graph still holds them (run after the graph was replaced)."""
        rows = [
            f"({q.subject} {q.predicate} {q.object})"
            for q in self.store.quads_for_pattern(None, None, None, name)
        ]
        if not rows:
            return []
        values = "\n".join(rows)
        return [
            "DELETE { ?s ?p ?o } WHERE { VALUES (?s ?p ?o) {\n"
            + values
            + "\n} FILTER NOT EXISTS { GRAPH ?h { ?s ?p ?o } } }"
        ]

    def flush(self) -> None:
        if not self.read_only and self.path:
            self.store.flush()

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
    """Runs SPARQL on the store's merged default graph."""

    def __init__(self, store: CorpusStore | ox.Store):
        super().__init__(store.store if isinstance(store, CorpusStore) else store, False)


def _chain(parts: Iterable[Iterator[ox.Quad]]) -> Iterator[ox.Quad]:
    for part in parts:
        yield from part


def resolve_doc(doc: str, base: str = DEFAULT_BASE) -> str:
    """A document identifier (``ah-tk-20242025-545``) or IRI → the document IRI."""
    return doc if doc.startswith(("http://", "https://")) else f"{base}doc/{doc}"


__all__ = ["CorpusStore", "StoreBackend", "StoreError", "resolve_doc"]
