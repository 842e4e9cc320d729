"""Whole-corpus answers of some bundled queries from a slice of the store held in memory.

A whole-corpus answer of 01-askers or citation_edges joins every document with the shared
nodes it names (people, posts, parties, cited things), whose facts come from all documents:
it cannot be precomputed per document (:mod:`kggraph.corpus_rows`). On the on-disk store
every join step reads its terms from RocksDB (10–40 µs a row); instead, the triples of every
predicate the query names (and the ``rdf:type`` triples of every class it names) are copied
once into an in-memory Oxigraph store — each copy one index scan, serialised and parsed in
Rust — and the query runs there, unchanged, on exactly the triples it can match.

That holds for queries whose every triple pattern has a constant predicate, or ``rdf:type``
with a class the query names (``?x a ?class`` joined with ``VALUES ?class``): ``SLICED``
lists the bundled queries checked so (tests/test_same_rows.py compares their answers with
the RDF merge of the documents).
"""

from __future__ import annotations

import re

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SLICED = (
    "01-askers",
    "02-addressees",
    "03-answerer",
    "08-external-sources",
    "09-parliamentary-documents",
    "citation_edges",
)
PREFIX_LINE = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_IRI = re.compile(r"<([^<>\"{}|^`\\\s]+)>")
_NAME = re.compile(r"(?<![\w?$])([A-Za-z][\w.-]*)?:([A-Za-z_][\w-]*)")


def named_iris(text: str) -> set[str]:
    """Every IRI the query names, in full or by a prefixed name (comment lines skipped).

    >>> q = "PREFIX s: <https://schema.org/>\\nSELECT * { ?x s:name ?n ; a <https://x.org/C> }"
    >>> sorted(named_iris(q))
    ['https://schema.org/', 'https://schema.org/name', 'https://x.org/C']
    """
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    prefixes = {p or "": iri for p, iri in PREFIX_LINE.findall(body)}
    out = set(_IRI.findall(body))
    for prefix, local in _NAME.findall(body):
        if (prefix or "") in prefixes:
            out.add(prefixes[prefix or ""] + local)
    return out


def sliced(store: ox.Store, text: str) -> ox.Store:
    """An in-memory store holding the triples of ``store`` (the union of its graphs) that
    the query can match: those of each predicate it names, and the type triples of each
    class it names."""
    mem = ox.Store()
    for iri in sorted(named_iris(text)):
        node = f"<{iri}>"
        for pattern in (f"?s {node} ?o", f"?s <{RDF_TYPE}> {node}"):
            found = store.query(
                f"CONSTRUCT {{ {pattern} }} WHERE {{ {pattern} }}", use_default_graph_as_union=True
            )
            assert isinstance(found, ox.QueryTriples)
            data = found.serialize(format=ox.RdfFormat.N_TRIPLES)
            if data:
                mem.load(data, ox.RdfFormat.N_TRIPLES)
    return mem
