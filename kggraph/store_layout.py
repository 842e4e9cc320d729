"""How a document's triples are laid out in the corpus store: each triple in exactly one
graph, so that the union of the graphs is the RDF merge of the documents and no triple is
stored twice.

- A document's **own nodes** — its questions, answers, footnotes, mentions, selectors,
  motions named by the document, findings: every IRI the store mints as
  ``{base}{kind}/{document identifier}-…`` (and blank nodes) — are described by that
  document alone: their triples go into the document's graph, named by the document IRI.
- Every other triple is about a node that several documents may describe (the document
  itself, which citing documents name too; a person, a post, a law, a Kamerstuk, a web
  page): it goes into the graph named by its subject, which thus holds what the whole
  corpus says about that node, each triple once however many documents say it.

Queries read the union of the graphs (``use_default_graph_as_union``), which here is the
RDF merge: Oxigraph 0.5 counts a triple once per graph that holds it, and no triple is in
two graphs. What each document said about shared nodes is kept as one N-Triples literal in
the bookkeeping graph (``BOOK``), and each node it describes notes the document: that is
what exports a document's graph exactly as it was built and, when a document is replaced or
removed, keeps a shared triple as long as another document still says it. Records are
about store-internal IRIs and name documents and nodes by literals only, so that no
pattern on a document's or a node's IRI (``<doc> ?p ?o``, ``?s ?p <node>``) meets them.

>>> import pyoxigraph as ox
>>> doc = ox.NamedNode("https://w3id.org/kggraph/id/doc/ah-tk-20242025-1")
>>> q = ox.NamedNode("https://w3id.org/kggraph/id/question/ah-tk-20242025-1-1")
>>> p = ox.NamedNode("https://w3id.org/kggraph/id/party/sp")
>>> label = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
>>> part = ox.NamedNode("http://purl.org/dc/terms/isPartOf")
>>> own, shared = split([ox.Triple(q, part, doc), ox.Triple(p, label, ox.Literal("SP"))], doc)
>>> [str(t.subject) for t in own], [str(t.subject) for t in shared]
(['<https://w3id.org/kggraph/id/question/ah-tk-20242025-1-1>'], ['<https://w3id.org/kggraph/id/party/sp>'])
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from . import DEFAULT_BASE

KGO = "https://w3id.org/kggraph/ontology#"
DCTERMS = "http://purl.org/dc/terms/"
STORE = "https://w3id.org/kggraph/store#"
#: the graph of the store's own records (not document data; part of the union all the same)
BOOK = ox.NamedNode(STORE + "bookkeeping")
LAYOUT = ox.NamedNode(STORE + "layout")  # BOOK → this layout's version
VERSION = ox.Literal("2")  # 1: complete document graphs and their merge in the default graph
# a document's record (``record``): its IRI, the content hash of its file ("" when the graph
# has none), the file name, and what it said about shared nodes as N-Triples
DOCUMENT = ox.NamedNode(STORE + "document")
BUILT = ox.NamedNode(STORE + "built")
SOURCE = ox.NamedNode(STORE + "source")
ASSERTS = ox.NamedNode(STORE + "asserts")
# a shared node's note (``note``): the IRI of each document that describes it
DESCRIBED_IN = ox.NamedNode(STORE + "describedIn")
# … and a mark while more than one document describes it; BOOK → SEVERAL_MARKED: the
# store keeps these marks (a store built before them has none)
SEVERAL = ox.NamedNode(STORE + "describedBySeveral")
SEVERAL_MARKED = ox.NamedNode(STORE + "severalMarked")
TRUE = ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))


def _key(kind: str, iri: str) -> ox.NamedNode:
    return ox.NamedNode(_key_value(kind, iri))


def _key_value(kind: str, iri: str) -> str:
    return f"{STORE}{kind}-{hashlib.sha1(iri.encode()).hexdigest()}"


def record(doc: str) -> ox.NamedNode:
    """The subject of a document's record."""
    return _key("record", doc)


def note(node: str) -> ox.NamedNode:
    """The subject of the note of the documents that describe a shared node."""
    return _key("node", node)


def note_value(node: str) -> str:
    """The IRI of ``note(node)``, without making a term of it."""
    return _key_value("node", node)


CHUNK = 60_000  # characters of a packed literal: well under the field limits of CSV readers
#: bytes of UTF-8 up to which a record is stored uncompressed ("b:…"): most records are one
#: document's few rows, which zlib makes little smaller while undoing it costs 2.9 µs a
#: record against 0.6 µs for base64 alone (0.23 against 0.05 s for 04-dates' 80,000)
SMALL = 512


def pack(text: str) -> list[ox.Literal]:
    """A record's text as literals of at most ``CHUNK`` characters: base64, of the text
    itself if it is small ("b:…"), else compressed and numbered ("0:…", "1:…"). Records
    are the store's own and may be long (a document's rows), while they stand in the
    union every ``?s ?p ?o`` query reads: base64 keeps their words out of its text
    searches, and their cells free of what SPARQL TSV escapes."""
    raw = text.encode("utf-8")
    if len(raw) <= SMALL:
        return [ox.Literal("b:" + base64.b64encode(raw).decode("ascii"))]
    data = base64.b64encode(zlib.compress(raw, 6)).decode("ascii")
    parts = [data[i : i + CHUNK] for i in range(0, len(data), CHUNK)]
    return [ox.Literal(f"{n}:{part}") for n, part in enumerate(parts)]


def unpack(literals: Iterator[object]) -> str:
    """The text of ``pack``'s literals (in any order)."""
    return unpack_text([lexical(x) for x in literals])


def unpack_text(values: list[str]) -> str:
    """The text of ``pack``'s literals given by their values ("b:…", or "0:…", "1:…" in
    any order).

    >>> text = " ".join(hashlib.sha1(b"%d" % i).hexdigest() for i in range(5_000))
    >>> parts = [v.value for v in pack(text)]
    >>> len(parts), unpack_text(parts[::-1]) == text, unpack_text(["0:"]) == ""
    (3, True, True)
    >>> [v.value for v in pack("Kamer é")], unpack_text(["b:S2FtZXIgw6k="]), unpack_text(["b:"])
    (['b:S2FtZXIgw6k='], 'Kamer é', '')
    """
    one = values[0] if len(values) == 1 else ""  # one part, as nearly every record
    if one.startswith("b:"):
        return binascii.a2b_base64(one[2:]).decode("utf-8")
    if one.startswith("0:"):
        data = one[2:]  # (a third faster at 80,000 than the sort below)
    else:
        parts = sorted((int(n), part) for n, _, part in (v.partition(":") for v in values))
        data = "".join(part for _, part in parts)
    return zlib.decompress(binascii.a2b_base64(data)).decode("utf-8") if data else ""


def tsv_of(store: ox.Store, query: str) -> str:
    """A SELECT's answer as SPARQL TSV (a header line, then a line a row)."""
    found = store.query(query)
    assert isinstance(found, ox.QuerySolutions)
    return (found.serialize(format=ox.QueryResultsFormat.TSV) or b"").decode("utf-8")


def tsv_lines(store: ox.Store, query: str) -> list[str]:
    """The rows of a SELECT as lines of TSV (parsed here faster than CSV by the csv
    module: 0.07 against 0.26 s for the parts of 80,000 documents)."""
    return [line for line in tsv_of(store, query).split("\n")[1:] if line]


def lexical(term: object) -> str:
    """The value of an IRI, blank node or literal (a quoted triple has none: "")."""
    return str(getattr(term, "value", ""))


def _own_prefix(doc: ox.NamedNode, base: str) -> tuple[str, str] | None:
    """(base, "/{identifier}-"): an own node's IRI is base + kind + this suffix + …"""
    iri = doc.value
    if not iri.startswith(base + "doc/"):
        return None
    return base, "/" + iri[len(base) + 4 :] + "-"


def is_own(node: object, doc: ox.NamedNode, base: str = DEFAULT_BASE) -> bool:
    """Whether ``node`` is one of the nodes only ``doc`` describes."""
    if isinstance(node, ox.BlankNode):
        return True
    if not isinstance(node, ox.NamedNode):
        return False
    prefix = _own_prefix(doc, base)
    if prefix is None or not node.value.startswith(prefix[0]):
        return False
    rest = node.value[len(prefix[0]) :]
    kind, slash, _ = rest.partition("/")
    return bool(slash) and kind != "doc" and rest[len(kind) :].startswith(prefix[1])


def split(
    triples: Iterable[ox.Triple], doc: ox.NamedNode, base: str = DEFAULT_BASE
) -> tuple[list[ox.Triple], list[ox.Triple]]:
    """A document's triples: (about its own nodes, about shared nodes)."""
    own: list[ox.Triple] = []
    shared: list[ox.Triple] = []
    verdict: dict[object, bool] = {}
    for t in triples:
        s = t.subject
        mine = verdict.get(s)
        if mine is None:
            mine = verdict[s] = is_own(s, doc, base)
        (own if mine else shared).append(t)
    return own, shared


def ntriples(triples: Iterable[ox.Triple]) -> bytes:
    """Triples as sorted N-Triples (the same triples always give the same bytes)."""
    return ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.N_TRIPLES) or b""


@dataclass(frozen=True)
class Layout:
    """One document laid out for the store: every quad to add (its own graph, the graphs of
    the shared nodes it describes, its records), as N-Quads, and what it said about shared
    nodes (sorted N-Triples), which a replacement or removal compares against."""

    doc: str
    nquads: bytes
    shared: bytes
    described: tuple[str, ...]

    def with_rows(self, rows: bytes) -> Layout:
        """The same, with the document's precomputed rows (:mod:`kggraph.corpus_rows`)."""
        return Layout(self.doc, self.nquads + rows, self.shared, self.described)


_HASH = ox.NamedNode(KGO + "contentHash")
_SOURCE = ox.NamedNode(DCTERMS + "source")


def lay_out(triples: Iterable[ox.Triple], doc: ox.NamedNode, base: str = DEFAULT_BASE) -> Layout:
    """The quads that store ``doc``'s graph (its ``kgo:contentHash`` and ``dcterms:source``
    become its records too)."""
    own, shared = split(triples, doc, base)
    content_hash = source = None
    for t in shared:
        if t.subject == doc and t.predicate == _HASH:
            content_hash = lexical(t.object)
        elif t.subject == doc and t.predicate == _SOURCE:
            source = lexical(t.object)
    shared_nt = ntriples(shared)
    described = sorted({t.subject for t in shared}, key=str)
    quads = [ox.Quad(t.subject, t.predicate, t.object, doc) for t in own]
    quads += [ox.Quad(t.subject, t.predicate, t.object, t.subject) for t in shared]  # type: ignore[arg-type]
    name = ox.Literal(doc.value)
    quads += [ox.Quad(note(lexical(n)), DESCRIBED_IN, name, BOOK) for n in described]
    rec = record(doc.value)
    quads.append(ox.Quad(rec, DOCUMENT, name, BOOK))
    quads += [ox.Quad(rec, ASSERTS, part, BOOK) for part in pack(shared_nt.decode("utf-8"))]
    if source is not None:
        quads.append(ox.Quad(rec, SOURCE, ox.Literal(source), BOOK))
    quads.append(ox.Quad(rec, BUILT, ox.Literal(content_hash or ""), BOOK))
    data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    return Layout(doc.value, data, shared_nt, tuple(n.value for n in described))  # type: ignore[union-attr]
