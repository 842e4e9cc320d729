"""Whole-corpus answers of queries that join documents with shared nodes, from triples each
document set aside when it was built.

03 and 06 read a few facts of each document (who asked, which law
a mention names, which sources and documents it cites …) and the description of the shared
nodes those name (people, posts, parties, laws, motions, sources). On the on-disk store
their joins read every term from RocksDB (7–20 µs a probe: 165 s for 06-laws over 80,000
documents).
Instead, when a document is built, its graph answers the query's *local* CONSTRUCT
(``queries/local/NAME.rq``: the triples of the document and of its own nodes that the
query can match), and the document's *view* of every shared node those name — its triples
about the node with a predicate the query names or ``rdf:type``, and so on for the nodes
these name — is set aside with them, packed, in the graph ``ROWS`` beside the document's
rows (:mod:`kggraph.corpus_rows`).

The corpus answer loads every document's local triples and views into an in-memory store
and runs the query itself, unchanged, there. A view stands for the node's description in
the store when the document is the only one that describes the node (the store's notes
record every document that says something about a shared node); for any other node named —
described by several documents (a party, a ministry, a law), or named by one and
described by another — the description is read from the store (its merge), in one
lookup per round. That is the query on the RDF merge as long as only a document describes
its own nodes, and what its local query reads of the document node itself (citing
documents name a document by the same identifier). tests/test_same_rows.py and
tests/test_corpus_local.py compare these answers with the merge. Local triples are filed
under a digest of the local query and the query: when either changes, or a document has
none, the answer comes from the store (an unchanged build computes them again).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from functools import cache

import pyoxigraph as ox

from .query_slice import PREFIX_LINE, RDF_TYPE, named_iris
from .store_layout import (
    BOOK,
    DESCRIBED_IN,
    SEVERAL,
    SEVERAL_MARKED,
    STORE,
    TRUE,
    note_value,
    pack,
    tsv_lines,
)

#: IRIs per lookup in the store (the query text stays a few hundred kB)
BATCH = 5_000
#: the line between a document's local triples and its views (an N-Triples comment)
VIEWS = "#views\n"
CHUNK = 8_000_000  # characters of N-Triples loaded at a time
_TYPE = ox.NamedNode(RDF_TYPE)


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


@cache
def _predicates(text: str) -> frozenset[str]:
    return frozenset(named_iris(text) | {RDF_TYPE})


def _views(st: ox.Store, local: list[ox.Triple], predicates: frozenset[str]) -> list[ox.Triple]:
    """The document's triples about the nodes ``local`` names but does not describe, with
    one of ``predicates``, and so on for the nodes those name."""
    described = {t.subject for t in local}
    named = {o for t in local if isinstance(o := t.object, ox.NamedNode) and t.predicate != _TYPE}
    named -= described
    out: list[ox.Triple] = []
    seen: set[ox.NamedNode] = set()
    while named:
        seen |= named
        more: set[ox.NamedNode] = set()
        for node in sorted(named, key=str):
            for q in st.quads_for_pattern(node, None, None, ox.DefaultGraph()):
                if q.predicate.value in predicates:
                    out.append(q.triple)
                    if isinstance(q.object, ox.NamedNode) and q.predicate != _TYPE:
                        more.add(q.object)
        named = more - seen - described
    return out


def local_quads(st: ox.Store, node: ox.NamedNode, texts: dict[str, str]) -> list[ox.Quad]:
    """The packed local triples and views of every local query, run on ``st`` (one
    document's graph as its default graph), as quads about ``node``; ``texts`` maps each
    bundled query's name to its text."""
    from .corpus_rows import ROWS

    quads = []
    for name, local in local_queries().items():
        if name not in texts:
            continue
        found = st.query(local)
        assert isinstance(found, ox.QueryTriples)
        triples = list(found)
        views = _views(st, triples, _predicates(texts[name]))
        data = _nt(triples) + VIEWS + _nt(views)
        pred = local_predicate(name, local, texts[name])
        quads += [ox.Quad(node, pred, part, ROWS) for part in pack(data)]
    return quads


def _nt(triples: Iterable[ox.Triple]) -> str:
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


def _iris(store: ox.Store, query: str) -> set[str]:
    found = store.query(query)
    assert isinstance(found, ox.QuerySolutions)
    return {s[0].value for s in found}


_UNDESCRIBED = f"""SELECT ?o WHERE {{
  {{ SELECT DISTINCT ?o WHERE {{ ?s ?p ?o . FILTER (isIRI(?o) && ?p != <{RDF_TYPE}>) }} }}
  FILTER NOT EXISTS {{ ?o ?q ?x }}
}}"""
_FOLLOW = re.compile(r"^#\s*follow:(.*)$", re.MULTILINE)


def follows(local: str) -> list[str] | None:
    r"""The predicates (full IRIs) that a local query's ``# follow:`` line names: the
    query reads the description of a node the store's description of a shared node names
    through one of these, and through no other (None: no such line, follow them all).

    >>> follows("PREFIX org: <http://www.w3.org/ns/org#>\n# follow: org:postIn\nASK {}")
    ['http://www.w3.org/ns/org#postIn']
    >>> follows("# follow: nothing\nASK {}"), follows("ASK {}")
    ([], None)
    """
    found = _FOLLOW.search(local)
    if found is None:
        return None
    return sorted(_iri(local, name) for name in found.group(1).split() if name != "nothing")


def _iri(local: str, name: str) -> str:
    """The full IRI of ``name`` (``<…>`` or a prefixed name declared in ``local``)."""
    if name.startswith("<"):
        return name[1:-1]
    prefixes = {p or "": iri for p, iri in PREFIX_LINE.findall(local)}
    prefix, _, rest = name.partition(":")
    return prefixes[prefix] + rest


def _undescribed(follow: list[str] | None) -> str:
    """Named nodes nothing in the store describes (through ``follow`` only, if given)."""
    if follow is None:
        return _UNDESCRIBED
    allowed = ", ".join(f"<{p}>" for p in follow) or "<urn:nothing>"
    return _UNDESCRIBED.replace("?s ?p ?o .", f"?s ?p ?o . FILTER (?p IN ({allowed}))", 1)


#: in a store whose notes are marked when a second document describes their node
MARKED = ox.Quad(BOOK, SEVERAL_MARKED, TRUE, BOOK)


def several(store: ox.Store) -> set[str] | None:
    """The notes of the shared nodes that more than one document describes; None for a
    store that does not mark them (built before the marks, until a build marks it)."""
    if MARKED not in store:
        return None
    found = tsv_lines(store, f"SELECT ?n WHERE {{ GRAPH {BOOK} {{ ?n {SEVERAL} ?x }} }}")
    return {line[1:-1] for line in found}


def described_by_several(store: ox.Store, nodes: set[str], marked: set[str] | None) -> set[str]:
    """Those of ``nodes`` that more than one document describes: by the store's marks
    (``several``), or, for a store without them (``marked`` None), by asking the notes."""
    if marked is None:
        return _described_by(store, nodes, 1)
    return {n for n in nodes if note_value(n) in marked}


def _described_by(store: ox.Store, nodes: set[str], more_than: int) -> set[str]:
    """Those of ``nodes`` that more than ``more_than`` documents describe."""
    out: set[str] = set()
    by_note = {note_value(n): n for n in nodes}
    todo = sorted(by_note)
    for i in range(0, len(todo), BATCH):
        values = " ".join(f"<{n}>" for n in todo[i : i + BATCH])
        out |= _iris(
            store,
            f"SELECT ?note WHERE {{ VALUES ?note {{ {values} }} "
            f"GRAPH {BOOK} {{ ?note {DESCRIBED_IN} ?d }} }} "
            f"GROUP BY ?note HAVING (COUNT(*) > {more_than})",
        )
    return {by_note[n] for n in out}


def _fetch(
    store: ox.Store,
    mem: ox.Store,
    nodes: set[str],
    predicates: frozenset[str],
    cache: dict[str, str] | None = None,
) -> None:
    """Add the store's description of ``nodes`` (``predicates`` only) to ``mem``;
    descriptions in ``cache`` (node → N-Triples) are not read again, and those read are
    kept there."""
    cache = {} if cache is None else cache
    # VALUES of the predicates too would make Oxigraph probe every pair (38 s for 2,000
    # nodes, against 0.24 s with a filter)
    allowed = ", ".join(f"<{p}>" for p in sorted(predicates))
    todo = sorted(n for n in nodes if n not in cache)
    for i in range(0, len(todo), BATCH):
        part = todo[i : i + BATCH]
        values = " ".join(f"<{n}>" for n in part)
        found = store.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} "
            f"?s ?p ?o FILTER (?p IN ({allowed})) }}",
            use_default_graph_as_union=True,
        )
        assert isinstance(found, ox.QueryTriples)
        lines: dict[str, list[str]] = {n: [] for n in part}
        for line in (found.serialize(format=ox.RdfFormat.N_TRIPLES) or b"").decode().split("\n"):
            if line:
                lines[line[1 : line.index(">")]].append(line + "\n")
        cache.update((n, "".join(described)) for n, described in lines.items())
    data = "".join(cache[n] for n in sorted(nodes))
    if data:
        mem.load(data.encode("utf-8"), ox.RdfFormat.N_TRIPLES)


def _load(mem: ox.Store, blobs: Iterable[str]) -> set[str]:
    """Load the documents' local triples and views into ``mem``, a few megabytes at a
    time (the texts of 80,000 documents at once took more than the query's 2 GiB); returns
    the nodes the views describe.

    Views repeat: every document that names a post, a party or a motion sets aside its
    own view of it (03-answerer at 80,000 documents: 940,420 view lines, 89 distinct).
    Each distinct line is parsed once — a set of triples is the same loaded once or many
    times, and parsing the repeats cost more than finding them. Oxigraph parses in a
    thread of its own while this one unpacks the next documents (it lets go of the GIL)."""
    views: dict[str, None] = {}  # distinct lines, in the order first seen
    sections: set[str] = set()
    chunk: list[str] = []
    size = 0
    with _Loader(mem) as loader:
        for blob in blobs:
            own, _, view = blob.partition(VIEWS)
            chunk.append(own)
            size += len(own)
            if view not in sections:  # many documents have the very same views
                sections.add(view)
                views.update(dict.fromkeys(view.split("\n")))
            if size > CHUNK:
                loader.load("".join(chunk))
                chunk, size = [], 0
        loader.load("".join(chunk))
        views.pop("", None)
        lines = list(views)
        step = max(1, CHUNK // 200)  # lines of about 200 characters
        for i in range(0, len(lines), step):
            loader.load("\n".join(lines[i : i + step]) + "\n")
    return {line[1 : line.index(">")] for line in lines}


class _Loader:
    """Loads N-Triples texts into a store in a thread of its own, in the order given; the
    first error is raised again when the ``with`` block ends."""

    def __init__(self, mem: ox.Store):
        import queue
        import threading

        self.mem = mem
        self.error: BaseException | None = None
        self.todo: queue.Queue[bytes | None] = queue.Queue(maxsize=2)
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> _Loader:
        self.thread.start()
        return self

    def load(self, text: str) -> None:
        if text:
            self.todo.put(text.encode("utf-8"))

    def _run(self) -> None:
        while (data := self.todo.get()) is not None:  # read to the end: put() never blocks
            if self.error is None:
                try:
                    self.mem.load(data, ox.RdfFormat.N_TRIPLES)
                except BaseException as exc:  # raised again in the caller's thread
                    self.error = exc

    def __exit__(self, *exc: object) -> None:
        self.todo.put(None)
        self.thread.join()
        if self.error is not None and exc[0] is None:
            raise self.error


def local_answer(
    store: ox.Store, text: str, blobs: Iterable[str], follow: list[str] | None = None
) -> ox.QuerySolutions:
    """Query ``text`` over the documents' local triples and views ``blobs``, with the
    store's description of every node a view cannot stand for, and of the nodes those
    name through ``follow`` (:func:`follows`)."""
    mem = ox.Store()
    _complete(store, mem, text, blobs, follow, several(store), {})
    result = mem.query(text)
    assert isinstance(result, ox.QuerySolutions)
    return result


def _complete(
    store: ox.Store,
    mem: ox.Store,
    text: str,
    blobs: Iterable[str],
    follow: list[str] | None,
    marked: set[str] | None,
    cache: dict[str, str],
) -> None:
    """Load ``blobs`` into ``mem`` and add the store's descriptions they need."""
    viewed = _load(mem, blobs)
    bare = _iris(mem, _UNDESCRIBED)  # named, described by no document's view
    predicates = _predicates(text)
    fetch = described_by_several(store, viewed, marked)
    known = bare & cache.keys()  # read for an earlier batch: no need to ask the notes
    fetch |= _described_by(store, bare - known, 0) | known
    done = viewed | bare
    while fetch:
        _fetch(store, mem, fetch, predicates, cache)
        done |= fetch
        fetch = _iris(mem, _undescribed(follow)) - done if follow != [] else set()
