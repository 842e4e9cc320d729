"""Whole-corpus answers read from rows each document computed when it was built.

Some bundled queries look at one document at a time: their answer over the corpus is the
answers for each document, one after the other (``PER_DOCUMENT``). 04-dates, 05, 10 and 11
read only a document's own nodes and its header; the network queries match each fact
inside one document's graph. A worker runs these queries on the graph it has just built
(in a small in-memory Oxigraph store laid out as the old corpus store was: the document's
graph named and as the default graph) and the store keeps the rows, as SPARQL TSV, in the
graph ``ROWS`` beside the document, replaced and removed with it. The answer for the whole
corpus then reads one literal per document instead of joining across the corpus: the
documents in the order of their identifiers (every such query orders by the document's
identifier first), or, for ``network_targets`` (one row per cited thing, whatever document
cites it), every document's rows merged, each once, in the query's order.

Rows are filed under a digest of the query's text: when a query changes (or a document was
stored without rows), the answer is computed the same way, document by document, from the
documents' graphs as stored — correct, only slower — until the next build computes them
again from the stored graphs (``CorpusStore.refresh_rows``). The same graph holds each
document's local triples of the queries that join documents with shared nodes
(:mod:`kggraph.corpus_local`).
"""

from __future__ import annotations

import hashlib
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import IO, cast

import pyoxigraph as ox

from .corpus_local import (
    follows,
    local_answer,
    local_predicate,
    local_quads,
    local_queries,
)
from .corpus_split import split_answer, split_predicate, split_quads, split_queries
from .store_layout import BOOK, DOCUMENT, STORE, lexical, pack, tsv_lines, unpack_text

#: bundled queries whose corpus answer is the answers of each document on its own graph
PER_DOCUMENT = (
    "04-dates",
    "05-questions-answers",
    "10-referral-answers",
    "11-provenance",
    "network_documents",
    "network_targets",
)
#: … and, of these, the one that is not one block of rows per document but a merge
MERGED = {"network_targets": 2}  # its rows are ordered by their first two columns
CHUNK = 1 << 20  # characters of rows handed to the TSV parser at a time
ROWS = ox.NamedNode(STORE + "rows")


def rows_node(doc: str) -> ox.NamedNode:
    """The subject of a document's rows."""
    return ox.NamedNode(f"{STORE}rows-{hashlib.sha1(doc.encode()).hexdigest()}")


def _predicate(name: str, text: str) -> ox.NamedNode:
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
    return ox.NamedNode(f"{STORE}rows/{name}/{digest}")


def _queries(names: Iterable[str] = PER_DOCUMENT) -> dict[str, str]:
    from .query import bundled_queries

    queries = bundled_queries()
    return {name: queries[name].text for name in names if name in queries}


def current_predicates() -> list[ox.NamedNode]:
    """Where the rows and local triples of the bundled queries as they are now are filed:
    a document without one of them has rows of older query texts (or none)."""
    return list(current_records().values())


def current_records() -> dict[str, ox.NamedNode]:
    """Each bundled query with rows or local triples → where they are filed now."""
    texts = _queries()
    out = {name: _predicate(name, text) for name, text in texts.items()}
    shared = _queries(local_queries())
    out |= {n: local_predicate(n, local_queries()[n], t) for n, t in shared.items()}
    halves = split_queries()
    out |= {n: split_predicate(n, halves[n], t) for n, t in _queries(halves).items()}
    return out


def record_prefixes(name: str) -> tuple[str, str]:
    """The starts of the predicates under which query ``name``'s records of any text are
    filed (rows, local triples)."""
    return f"{STORE}rows/{name}/", f"{STORE}local/{name}/"


def _alone(triples: list[ox.Triple], doc: ox.NamedNode) -> ox.Store:
    """The document's graph alone, laid out as the corpus store was before (the graph
    named, and as the default graph)."""
    st = ox.Store()
    st.extend(ox.Quad(t.subject, t.predicate, t.object, doc) for t in triples)
    st.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return st


def _rows(
    triples: list[ox.Triple], doc: ox.NamedNode, texts: dict[str, str], st: ox.Store | None = None
) -> dict[str, str]:
    """Each query's rows (TSV) on the document's graph alone."""
    st = st or _alone(triples, doc)
    out = {}
    for name, text in texts.items():
        result = st.query(text)
        assert isinstance(result, ox.QuerySolutions)
        out[name] = (result.serialize(format=ox.QueryResultsFormat.TSV) or b"").decode()
    return out


def document_rows(
    triples: Iterable[ox.Triple], doc: ox.NamedNode, names: Iterable[str] | None = None
) -> bytes:
    """The rows of every ``PER_DOCUMENT`` query and the local triples of every query of
    :mod:`kggraph.corpus_local` for one document (of the queries ``names`` only, if
    given), as N-Quads to store."""
    triples = list(triples)
    wanted = None if names is None else set(names)
    texts = {n: t for n, t in _queries().items() if wanted is None or n in wanted}
    shared = {n: t for n, t in _queries(local_queries()).items() if wanted is None or n in wanted}
    halves = {n: t for n, t in _queries(split_queries()).items() if wanted is None or n in wanted}
    st = _alone(triples, doc)
    node = rows_node(doc.value)
    quads = [ox.Quad(node, DOCUMENT, ox.Literal(doc.value), ROWS)]
    for name, tsv in _rows(triples, doc, texts, st).items():
        pred = _predicate(name, texts[name])
        quads += [ox.Quad(node, pred, part, ROWS) for part in pack(tsv)]
    quads += local_quads(st, node, shared)
    quads += split_quads(st, node, halves)
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


def _built(store: ox.Store) -> int:
    """How many documents the store holds."""
    built = store.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH {BOOK} {{ ?r {DOCUMENT} ?d }} }}")
    assert isinstance(built, ox.QuerySolutions)
    return int(lexical(next(built)["n"]))


def packed(store: ox.Store, predicate: ox.NamedNode) -> list[list[str]] | None:
    """The packed texts filed under ``predicate`` for every built document (in no
    particular order; each as the values of its literals, for ``unpack_text``); None
    unless every document has one.

    Answered and written as TSV by Oxigraph (reading the records quad by quad made a
    Python object of every term: about 15 µs a quad, 3.6 s for 80,000 documents), in
    scans that read one column each: every part alone (nearly every record is one part),
    then, if any record has a second part, which subjects have several parts, whose parts
    are read with their subject. At 80,000 documents the scan that read both columns took
    2.2 s, these 0.75 + 0.19 s (the second not run when no record has a second part): each
    term of an answer is a lookup of its text in RocksDB, and two columns a row cost more
    than twice one."""
    count = _built(store)
    where = f"GRAPH {ROWS} {{ ?s {predicate} ?part }}"
    parts = tsv_lines(store, f"SELECT ?part {{ {where} }}")
    several = []
    if any(not part.startswith(('"b:', '"0:')) for part in parts):  # a record of several parts
        several = tsv_lines(store, f"SELECT ?s {{ {where} }} GROUP BY ?s HAVING (COUNT(*) > 1)")
    records: dict[str, list[str]] = {}
    if several:
        values = " ".join(several)
        for line in tsv_lines(store, f"SELECT ?s ?part {{ VALUES ?s {{ {values} }} {where} }}"):
            s, _, part = line.partition("\t")
            records.setdefault(s, []).append(part)
        drop = Counter(part for group in records.values() for part in group)
        alone = []
        for part in parts:  # the parts of the records of one part
            if drop[part]:
                drop[part] -= 1
            else:
                alone.append(part)
        parts = alone
    out = [*records.values(), *([p] for p in parts)]
    if not count or len(out) != count:
        return None
    return [[part[1:-1] for part in group] for group in out]  # "n:base64": nothing escaped


_ORDER_BY = re.compile(r"ORDER\s+BY\s+(?:ASC\s*\(\s*)?\?(\w+)", re.IGNORECASE)


def _in_order(blocks: list[str], text: str) -> list[str]:
    """Documents' rows in the order of the query's first ORDER BY variable (every
    ``PER_DOCUMENT`` query orders by the document's identifier first): each block by the
    value of that column in its first row."""
    found = _ORDER_BY.search(text)
    header = next((b.split("\n", 1)[0].split("\t") for b in blocks), [])
    if found is None or f"?{found.group(1)}" not in header:
        return blocks
    column = header.index(f"?{found.group(1)}")

    def key(block: str) -> tuple[str, str]:
        start = block.find("\n") + 1
        end = block.find("\n", start)
        first = block[start:end] if start and end > 0 else ""
        cells = first.split("\t")
        return (_value(cells[column]) if len(cells) > column else "", first)

    return sorted(blocks, key=key)


_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_ESCAPED = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f"}


def tsv_string(cell: str) -> str:
    r"""The value of a simple literal as SPARQL TSV writes it.

    >>> tsv_string('"ah-tk-20242025-1"'), tsv_string(r'"a\tb \"c\" \u00e9"')
    ('ah-tk-20242025-1', 'a\tb "c" é')
    """
    body = cell[1 : cell.rindex('"')] if cell.startswith('"') else cell
    if "\\" not in body:
        return body

    def one(m: re.Match[str]) -> str:
        e = m.group(1)
        return chr(int(e[1:], 16)) if e[0] in "uU" and len(e) > 1 else _ESCAPED.get(e, e)

    return _ESCAPE.sub(one, body)


class _Lines(io.RawIOBase):
    """A readable stream over chunks of bytes made on demand."""

    def __init__(self, chunks: Iterator[bytes]):
        super().__init__()
        self.chunks, self.left = chunks, memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self.left:
            chunk = next(self.chunks, None)
            if chunk is None:
                return 0
            self.left = memoryview(chunk)  # a view: what is left is not copied each read
        n = min(len(buffer), len(self.left))
        buffer[:n] = self.left[:n]
        self.left = self.left[n:]
        return n


Documents = Callable[[], Iterator[tuple[ox.NamedNode, list[ox.Triple]]]]


def corpus_answer(
    store: ox.Store, name: str, text: str, documents: Documents
) -> ox.QuerySolutions | None:
    """The answer of ``PER_DOCUMENT`` query ``name`` (of text ``text``) over the whole
    corpus, from the stored rows, or computed from each of ``documents``' graphs when the
    store has no rows for this text; None for another query."""
    if name not in PER_DOCUMENT:
        return None
    stored = packed(store, _predicate(name, text))
    if stored is not None:
        texts = [unpack_text(parts) for parts in stored]
    else:
        texts = [_rows(triples, doc, {name: text})[name] for doc, triples in documents()]
    if name in MERGED and texts:
        return _merged(texts, MERGED[name])
    blocks = [] if name in MERGED else _in_order(texts, text)

    def chunks() -> Iterator[bytes]:
        header = None
        bodies: list[str] = []
        size = 0
        for tsv in blocks:
            head, _, body = tsv.partition("\n")
            if header is None:
                header = head
                yield (header + "\n").encode()
            if body:
                bodies.append(body)
                size += len(body)
            if size > CHUNK:  # a megabyte at a time: not a read of the parser per document
                yield "".join(bodies).encode()
                bodies, size = [], 0
        if bodies:
            yield "".join(bodies).encode()
        if header is None:  # no document: the variables of the query on nothing
            empty = ox.Store().query(text)
            assert isinstance(empty, ox.QuerySolutions)
            yield empty.serialize(format=ox.QueryResultsFormat.TSV) or b""

    return _solutions(cast(IO[bytes], io.BufferedReader(_Lines(chunks()), 1 << 16)))


def _solutions(data: bytes | IO[bytes]) -> ox.QuerySolutions:
    parsed = ox.parse_query_results(data, ox.QueryResultsFormat.TSV)
    assert isinstance(parsed, ox.QuerySolutions)
    return parsed


def _merged(blocks: list[str], keys: int) -> ox.QuerySolutions:
    """Every document's rows, each once, ordered by the values of their first ``keys``
    columns (sorted as TSV lines: no term of them made a Python object), rows that tie in
    the order of their text (a set's order changed from one run to the next)."""
    header = next((tsv.split("\n", 1)[0] for tsv in blocks), "")
    lines = {line for tsv in blocks for line in tsv.split("\n")[1:] if line}

    def key(line: str) -> tuple[str, ...]:  # ties by the whole line: the same every run
        return (*(_value(cell) for cell in line.split("\t", keys)[:keys]), line)

    data = "\n".join([header, *sorted(lines, key=key)]) + "\n"
    return _solutions(data.encode())


def _value(cell: str) -> str:
    """The value of a term as SPARQL TSV writes it (an IRI's, a literal's lexical form)."""
    if cell.startswith("<"):
        return cell[1:-1]
    return tsv_string(cell) if cell.startswith('"') else cell


def joined_answer(store: ox.Store, name: str, text: str) -> ox.QuerySolutions | None:
    """The whole-corpus answer of query ``name`` (of text ``text``) from the documents'
    local triples (:mod:`kggraph.corpus_local`) or their rows of its halves
    (:mod:`kggraph.corpus_split`); None when it has neither or a document has none for
    these texts."""
    halves = split_queries().get(name)
    local = local_queries().get(name)
    if halves is not None:
        stored = packed(store, split_predicate(name, halves, text))
    elif local is not None:
        stored = packed(store, local_predicate(name, local, text))
    else:
        return None
    if stored is None:
        return None
    blobs = map(unpack_text, stored)
    if halves is not None:
        return split_answer(store, text, halves, blobs)
    assert local is not None
    return local_answer(store, text, blobs, follows(local))
