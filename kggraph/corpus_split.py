"""Whole-corpus answers of a query split in two halves, each answered per node when a
document is built: citation_edges, 01-askers, 02-addressees, 07-motions,
08-external-sources and 09-parliamentary-documents (``queries/split/``).

citation_edges has a row for every edge from a document to a thing it cites; the row is
the document's identifier and date, and the thing's label and kind (09: a cited
Kamerstuk, Aanhangsel item, Staatscourant or Staatsblad, its identifier and URL; 07: a
cited motion, its identifier, dossier and URL, and the submitters the citing document
names). Each half is a query of its own whose rows are keyed by the node in their first
column and read that node's own facts: ``NAME.documents.rq`` (the citing document, its
identifier, date and every thing it cites) and ``NAME.nodes.rq`` (a cited thing, its
label and kind). 07's documents half also reads the document's own mentions of a motion
and the kind the document gives what it cites; it says ``# again: store`` (below).
Their join on the variable they share, its columns placed and its rows ordered as the
query places and orders them, is the query's answer (tests/test_corpus_local.py and
tests/test_same_rows.py compare it with the query on the store and on the RDF merge of
the graphs).

A worker answers both halves on the graph it has just built; the store keeps the rows,
packed, in the graph ``ROWS`` beside the document's other records. A row keyed by a node
that one document alone describes is the row the merged store would give: it stands as
stored. For a node that several documents describe (the store's marks: a ministry, a law
cited by thousands, a document another one describes when it points to it), or whose
rows came from several documents (or twice from one), the half is answered again on the
store's merged description of the node — or, for a half that says ``# again: store``, on
the store itself, the nodes given as the VALUES of its first variable. A nodes half that
says ``# rows: store`` is kept by no document: its rows read shared nodes' facts (01: an
asker's party's label; 02: a post's ministry's), so every node the documents half names
is answered on the store that way (a few thousand people, a few hundred posts). 08 reads
a chain of shared nodes: a source (its own facts, kept by the documents) and its
publisher's name, a third part (``NAME.nodes-2.rq``, always ``# rows: store``) keyed by a
column of the nodes half and joined to it as OPTIONAL joins. The answer then
joins rows in memory and sorts them: at 80,000 documents 4.3–5.0 s for citation_edges,
where evaluating the query over every document's local triples
(:func:`kggraph.corpus_local.local_answer`, a few thousand documents at a time) took
12.7 s.

That is the query's answer on the RDF merge as long as a node's row, where the merge
gives one, is given by a document that states all the facts the half matches about it
(kggraph's documents do: a document states its own kind, identifier, dates and
citations, and a cited thing's kind with it; a node only another document describes has
that one's row). The join orders IRIs, blank nodes, strings (plain or tagged) and
``xsd:anyURI`` literals as Oxigraph does; a column it orders by that holds another
literal or one value as two different literals, or a blank node to be read from the
merge, makes the answer come from the store instead.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cache

import pyoxigraph as ox

from .corpus_local import (
    BATCH,
    _fetch,
    _predicates,
    described_by_several,
    local_predicate,
    several,
)
from .store_layout import pack, tsv_of

#: the line between a document's rows of the two halves
NODES = "#nodes\n"


@cache
def split_queries() -> dict[str, tuple[str, ...]]:
    """Bundled query name → the texts of its halves (documents, nodes), and of the part
    keyed by a column of the nodes half (``NAME.nodes-2.rq``, answered on the store) where
    the query reads a chain of shared nodes."""
    from .resources import resource_dir

    folder = resource_dir("queries") / "split"
    out = {}
    for path in sorted(folder.glob("*.documents.rq")):
        name = path.name.removesuffix(".documents.rq")
        parts = [path, folder / f"{name}.nodes.rq", folder / f"{name}.nodes-2.rq"]
        texts = tuple(p.read_text(encoding="utf-8") for p in parts if p.exists())
        if len(texts) > 2 and not _FROM_STORE.search(texts[2]):
            raise ValueError(f"{parts[2]}: a third part is answered on the store (# rows: store)")
        out[name] = texts
    return out


def split_predicate(name: str, halves: tuple[str, ...], text: str) -> ox.NamedNode:
    """Where a document's rows of both halves of query ``name`` (of text ``text``) are
    filed (beside the local triples of other queries, under the same prefix)."""
    return local_predicate(name, "\n".join(halves), text)


def split_quads(st: ox.Store, node: ox.NamedNode, texts: dict[str, str]) -> list[ox.Quad]:
    """The packed rows of both halves of every split query, answered on ``st`` (one
    document's graph as its default graph), as quads about ``node``; ``texts`` maps each
    bundled query's name to its text."""
    from .corpus_rows import ROWS

    quads = []
    for name, halves in split_queries().items():
        if name in texts:
            nodes = "" if _FROM_STORE.search(halves[1]) else tsv_of(st, halves[1])
            data = tsv_of(st, halves[0]) + NODES + nodes
            pred = split_predicate(name, halves, texts[name])
            quads += [ox.Quad(node, pred, part, ROWS) for part in pack(data)]
    return quads


class _Keyed:
    """One half's rows of every document, by the node in their first column (a TSV cell,
    its rows as lines of text), and the nodes whose rows came from more than one document.

    At 80,000 documents citation_edges' halves are 0.9 million lines in 160,000 blocks, too
    many for a Python step each: a document's block whose lines are all one node's (the
    citing document's own) is one entry; the lines of the other blocks are pooled and cut
    into entries in one go, and a node with more than one entry counts as several (also
    when its lines came from one document: answered again from the merge, as correct)."""

    def __init__(self) -> None:
        self.header = ""
        self.keys: list[str] = []  # one entry a node's block …
        self.texts: list[str] = []  # … and its lines
        self.pool: list[str] = []  # blocks of several nodes
        self.rows: dict[str, str] = {}
        self.several: set[str] = set()

    def add(self, tsv: str) -> None:
        """Gather one document's rows of the half (TSV)."""
        header, _, body = tsv.partition("\n")
        self.header = self.header or header
        body = body.rstrip("\n")
        if not body:
            return
        first = body[: body.find("\t")] if "\t" in body else body.partition("\n")[0]
        if body.count(f"\n{first}\t") == body.count("\n") and body.startswith(first + "\t"):
            self.keys.append(first)
            self.texts.append(body)
        else:
            self.pool.append(body)

    def done(self) -> None:
        """Index the entries: a node with more than one is one of ``several``, the others'
        rows are ``rows``."""
        pooled = "\n".join(self.pool)
        if pooled:
            lines = pooled.split("\n")
            self.keys += [line.partition("\t")[0] for line in lines]
            self.texts += lines
        counts = Counter(self.keys)
        self.several = {key for key, n in counts.items() if n > 1}
        self.rows = dict(zip(self.keys, self.texts, strict=True))
        self.keys, self.texts, self.pool = [], [], []
        for key in self.several:
            del self.rows[key]

    def again(self, store: ox.Store, half: str, keys: set[str]) -> None:
        """Answer the half again for the nodes ``keys`` on the store's merged description
        of them, or, for a half that says ``# again: store`` (it reads other nodes' facts
        too) or ``# rows: store`` (no document keeps its rows), on the store itself with
        the keys as its first variable's VALUES."""
        for key in keys:
            self.rows.pop(key, None)
        if _ON_STORE.search(half) or _FROM_STORE.search(half):
            lines = _on_store(store, half, sorted(keys))
        else:
            mem = ox.Store()
            _fetch(store, mem, {k[1:-1] for k in keys}, _predicates(half))
            lines = tsv_of(mem, half).split("\n")
        header, body = lines[0], lines[1:]
        if self.header and header != self.header:
            raise ValueError(f"the half's variables changed: {header}")
        self.header = self.header or header
        again: dict[str, list[str]] = {}
        for line in body:
            if line and (key := line.partition("\t")[0]) in keys:
                again.setdefault(key, []).append(line)
        self.rows.update((key, "\n".join(lines)) for key, lines in again.items())

    def keyed_by(self, part: str) -> tuple[int, set[str]] | None:
        """The column of these rows that ``part`` is keyed by (its first variable) and the
        cells in it ("" where unbound); None if that is no column here, or a cell holds a
        blank node or a literal (the store has no name for it)."""
        first = _FIRST.search(part)
        columns = self.header.split("\t")
        if first is None or first.group(1) not in columns:
            return None
        at = columns.index(first.group(1))
        keys = {line.split("\t")[at] for rows in self.rows.values() for line in rows.split("\n")}
        if any(key and not key.startswith("<") for key in keys):
            return None
        return at, keys

    def extend(self, store: ox.Store, part: str) -> bool:
        """Append to every row the rows of ``part`` (answered on the store, keyed by its
        first variable, one of this half's columns) for the node in that column, as
        OPTIONAL does: a row whose cell is unbound, or whose node has no rows there, gets
        unbound cells. False if that variable is no column here or holds something other
        than IRIs (the store has no name for a blank node)."""
        found = self.keyed_by(part)
        if found is None:
            return False
        at, keys = found
        keys.discard("")
        header, *body = _on_store(store, part, sorted(keys))
        added: dict[str, list[str]] = {}
        for line in body:
            if line:
                key = line.partition("\t")[0]
                added.setdefault(key, []).append(line[len(key) :])
        unbound = ["\t" * header.count("\t")]
        for node, rows in self.rows.items():
            lines = rows.split("\n")
            self.rows[node] = "\n".join(
                line + rest for line in lines for rest in added.get(line.split("\t")[at], unbound)
            )
        self.header += header[len(header.partition("\t")[0]) :]
        return True


_ON_STORE = re.compile(r"^#\s*again:\s*store\s*$", re.MULTILINE)
#: a nodes half whose rows no document keeps: every node the documents half names is
#: answered on the store (a node's row reads shared nodes' facts, a person's party's name)
_FROM_STORE = re.compile(r"^#\s*rows:\s*store\s*$", re.MULTILINE)
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_FIRST = re.compile(r"\bSELECT\s+(?:DISTINCT\s+)?(\?\w+)", re.IGNORECASE)


def _on_store(store: ox.Store, half: str, keys: list[str]) -> list[str]:
    """The half's TSV lines (its header first) on the store, for the nodes ``keys`` (IRIs
    as TSV cells) given as the VALUES of its first variable, ``BATCH`` at a time."""
    first = _FIRST.search(half)
    where = _WHERE.search(half)
    if first is None or where is None:
        raise ValueError("a half answered on the store selects its key first, in a WHERE")
    lines: list[str] = []
    for i in range(0, max(len(keys), 1), BATCH):  # no keys: the header alone
        values = f" VALUES {first.group(1)} {{ {' '.join(keys[i : i + BATCH])} }}"
        text = half[: where.end()] + values + half[where.end() :]
        found = store.query(text, use_default_graph_as_union=True)
        assert isinstance(found, ox.QuerySolutions)
        tsv = (found.serialize(format=ox.QueryResultsFormat.TSV) or b"").decode("utf-8")
        part = tsv.split("\n")
        lines += part if not lines else part[1:]
    return lines


def _shared(store: ox.Store, halves: Iterable[_Keyed]) -> set[str]:
    """The keys (IRI cells) of nodes that several documents describe."""
    nodes = {k[1:-1] for half in halves for k in half.rows if k.startswith("<")}
    return {f"<{n}>" for n in described_by_several(store, nodes, several(store))}


def split_answer(
    store: ox.Store, text: str, halves: tuple[str, ...], blobs: Iterable[str]
) -> ox.QuerySolutions | None:
    """Query ``text``'s answer from its halves' rows ``blobs`` (one per document); None
    (the query is then evaluated on the store) when the join cannot follow it: its columns
    are not those of the parts (the key of each once; in any order), its ORDER BY is not
    a list of variables, a column it orders by holds a literal other than a string or a
    URI literal (SPARQL orders numbers and dates by value) or one value as two different
    literals, or a node to answer again from the store is a blank node (the store has no
    name for it)."""
    order = order_variables(text)
    if order is None:
        return None
    left, right = _Keyed(), _Keyed()
    for blob in blobs:
        first, _, second = blob.partition(NODES)
        left.add(first)
        right.add(second)
    left.done()
    right.done()
    from_store = bool(_FROM_STORE.search(halves[1]))
    answered = [(left, halves[0])] + ([] if from_store else [(right, halves[1])])
    shared = _shared(store, [keyed for keyed, _ in answered])
    for keyed, half in answered:
        again = keyed.several | (shared & keyed.rows.keys())
        if any(not key.startswith("<") for key in again):
            return None
        if again:
            keyed.again(store, half, again)
    if from_store:  # every node the documents name, answered on the store
        found = left.keyed_by(halves[1]) if left.rows else (0, set())
        if found is None or "" in found[1]:
            return None
        if found[1]:
            right.again(store, halves[1], found[1])
    if len(halves) > 2 and not right.extend(store, halves[2]):
        return None
    variables = _variables(text)
    lv, rv = ([v.lstrip("?") for v in k.header.split("\t")] for k in (left, right))
    both = lv + rv[1:]
    if sorted(variables) != sorted(both) or len(set(both)) != len(both):
        return None  # the query's columns are not the halves' (the key once)
    placed = None if variables == both else [both.index(v) for v in variables]
    try:
        return _joined(left, right, (lv, rv), order, placed)
    except _Unordered:
        return None


_ORDER = re.compile(r"\bORDER\s+BY\s+((?:\?\w+\s*)+)$", re.IGNORECASE)


def order_variables(text: str) -> list[str] | None:
    """The variables of a query's ORDER BY, if it orders by variables alone (ascending)
    and ends there (the join applies no LIMIT or OFFSET).

    >>> order_variables("SELECT * WHERE { ?s ?p ?o } ORDER BY ?p ?s\\n")
    ['p', 's']
    >>> order_variables("SELECT * WHERE { ?s ?p ?o } ORDER BY DESC(?p)") is None
    True
    >>> order_variables("SELECT * WHERE { ?s ?p ?o } ORDER BY ?p LIMIT 10") is None
    True
    """
    lines = [line.partition("#")[0] for line in text.splitlines()]
    found = _ORDER.search("\n".join(lines).strip())
    return None if found is None else [v[1:] for v in found.group(1).split()]


def _variables(text: str) -> list[str]:
    """The query's variables, in the order of its answer's columns."""
    found = ox.Store().query(text)
    assert isinstance(found, ox.QuerySolutions)
    return [v.value for v in found.variables]


class _Unordered(Exception):
    """A cell the join cannot place in SPARQL's order."""


class _Places(dict[str, str]):
    """Each TSV cell's place in SPARQL's order, found once, as a string that sorts so:
    unbound, blank nodes, IRIs, then strings (plain or with a language tag) and
    ``xsd:anyURI`` literals by their value, each after a character that says which. Any
    other literal raises :class:`_Unordered` (SPARQL orders numbers and dates by value),
    and so does one value written as two different literals (plain and tagged, two tags,
    a string and a URI), whose order SPARQL leaves to the engine."""

    def __init__(self, unquote: Callable[[str], str]):
        super().__init__()
        self.unquote = unquote  # a literal's cell → its lexical form
        self.strings: dict[str, str] = {}  # a string's value → its cell

    def __missing__(self, cell: str) -> str:
        if cell.startswith("<"):
            place = "2" + cell[1:-1]
        elif cell.startswith('"') and (
            cell.endswith('"') and len(cell) > 1 or _TAGGED.match(cell) or cell.endswith(_ANY_URI)
        ):
            value = self.unquote(cell)
            if self.strings.setdefault(value, cell) != cell:
                raise _Unordered(cell)
            place = "3" + value
        elif cell.startswith("_:"):
            place = "1" + cell[2:]
        elif not cell:
            place = "0"
        else:
            raise _Unordered(cell)
        self[cell] = place
        return place


_ANY_URI = '"^^<http://www.w3.org/2001/XMLSchema#anyURI>'  # ordered as strings are
_TAGGED = re.compile(r'".*"@[A-Za-z]+(?:-[A-Za-z0-9]+)*\Z', re.DOTALL)


def _joined(
    left: _Keyed,
    right: _Keyed,
    names: tuple[list[str], list[str]],
    order: list[str],
    placed: list[int] | None = None,
) -> ox.QuerySolutions:
    """The join of the two halves on the variable they share (a row: the left half's line,
    then the rest of the right half's, ``names`` the halves' columns; the query's columns
    are these, or these taken in the order of ``placed``), in the query's ORDER BY (rows
    that tie there in the order of their text as joined). Each cell's place in the order is
    found once (at 80,000 documents, 1.4 million cells are 0.3 million values)."""
    from operator import itemgetter

    from .corpus_rows import _solutions, tsv_string

    lv, rv = names
    at = lv.index(rv[0])
    mine = [lv.index(v) for v in order if v in lv]  # ordered columns of each half
    theirs = [rv.index(v) for v in order if v not in lv]
    slots = [
        mine.index(lv.index(v)) if v in lv else len(mine) + theirs.index(rv.index(v)) for v in order
    ]
    ordered = itemgetter(*slots, len(mine) + len(theirs))  # the places in order, the row
    places = _Places(tsv_string)

    place = places.__getitem__
    pick = itemgetter(*mine) if len(mine) > 1 else lambda cells: (cells[mine[0]],)
    nodes: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    rows: list[tuple[str, ...]] = []
    add = rows.append
    for text in left.rows.values():
        for line in text.split("\n"):
            cells = line.split("\t")
            joined = nodes.get(cells[at])
            if joined is None:  # the node's rows: places in the order, rest of the line
                joined = nodes[cells[at]] = [
                    (tuple(map(place, [c[i] for i in theirs])), other[len(c[0]) :])
                    for other in right.rows.get(cells[at], "").split("\n")
                    if other
                    if (c := other.split("\t"))
                ]
            if not joined:
                continue
            first = tuple(map(place, pick(cells))) if mine else ()
            for other_places, rest in joined:
                add(ordered((*first, *other_places, line + rest)))
    rows.sort()
    columns = lv + rv[1:]
    lines: Iterable[str] = map(itemgetter(-1), rows)
    if placed is not None:
        columns = [columns[i] for i in placed]
        place_cells = itemgetter(*placed)
        lines = ("\t".join(place_cells(line.split("\t"))) for line in lines)
    data = "\n".join(["\t".join(f"?{v}" for v in columns), *lines, ""])
    return _solutions(data.encode("utf-8"))
