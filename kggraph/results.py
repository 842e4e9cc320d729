"""Query answers in standard formats, written by pyoxigraph's serializers (never by hand).

An answer is what a backend's ``execute`` returns for any of the four query forms:
``ox.QuerySolutions`` (SELECT), ``ox.QueryBoolean`` (ASK) or a sorted list of
``ox.Triple`` (CONSTRUCT, DESCRIBE). Rows go out as SPARQL 1.1 Query Results JSON, XML,
CSV or TSV, or as an aligned table; a graph as Turtle, N-Triples, RDF/XML or JSON-LD; a
boolean as JSON, XML, CSV/TSV (``true``) or a table.

>>> import pyoxigraph as ox
>>> s, x = ox.Store(), ox.NamedNode("https://x.org/a")
>>> s.add(ox.Quad(x, x, ox.Literal("7")))
>>> render(s.query("SELECT ?o WHERE { ?s ?p ?o }"), "csv")
b'o\\r\\n7\\r\\n'
>>> render(s.query("ASK { ?s ?p 7 }"), "json")
b'{"head":{},"boolean":false}'
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Union

import pyoxigraph as ox

from .errors import QueryError
from .prefixes import PREFIXES  # noqa: F401 - also the graph writers' prefixes here

Answer = Union[ox.QuerySolutions, ox.QueryBoolean, list[ox.Triple]]  # noqa: UP007 - runtime alias

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}
#: what ``-o FILE`` means when no ``--format`` is given
BY_EXTENSION = {
    ".srj": "json",
    ".json": "json",
    ".srx": "xml",
    ".xml": "xml",
    ".csv": "csv",
    ".tsv": "tsv",
    ".txt": "table",
    ".ttl": "turtle",
    ".nt": "ntriples",
    ".rdf": "rdfxml",
    ".jsonld": "jsonld",
}
FORMATS = ("table", *RESULT_FORMATS, *GRAPH_FORMATS)
#: a graph asked for in a rows format: the nearest graph format
GRAPH_FOR = {"table": "turtle", "json": "jsonld", "xml": "rdfxml"}


def output_format(fmt: str | None, path: str | None) -> str:
    """The format asked for: ``--format``, else the extension of ``-o``, else a table."""
    if fmt:
        return fmt
    if path:
        suffix = Path(path).suffix.lower()
        if suffix not in BY_EXTENSION:
            known = " ".join(BY_EXTENSION)
            raise QueryError(f"cannot tell the format of {path!r}: give --format or use {known}")
        return BY_EXTENSION[suffix]
    return "table"


def graph_answer(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """CONSTRUCT/DESCRIBE triples, each once, in a stable order (N-Triples order)."""
    return sorted(set(triples), key=str)


def render(answer: Answer, fmt: str, base: str | None = None) -> bytes:
    """``answer`` in ``fmt`` (one of :data:`FORMATS`)."""
    if isinstance(answer, list):
        name = GRAPH_FOR.get(fmt, fmt)
        if name not in GRAPH_FORMATS:
            raise QueryError(
                f"a graph (CONSTRUCT/DESCRIBE) is written as {', '.join(GRAPH_FORMATS)}"
            )
        if name == "jsonld":
            return _jsonld(answer)
        out = ox.serialize(answer, format=GRAPH_FORMATS[name], prefixes=PREFIXES)
        return out or b""
    if fmt in GRAPH_FORMATS:
        raise QueryError(f"{fmt} is for CONSTRUCT/DESCRIBE; rows are table, csv, tsv, json or xml")
    if isinstance(answer, ox.QueryBoolean):
        if fmt == "table":
            return b"true\n" if bool(answer) else b"false\n"
        return answer.serialize(format=RESULT_FORMATS[fmt]) or b""
    if fmt == "table":
        from .query import format_table

        variables = [v.value for v in answer.variables]
        rows = [[_short(sol[v], base) for v in variables] for sol in answer]
        return (format_table(variables, rows) + "\n").encode("utf-8")
    return answer.serialize(format=RESULT_FORMATS[fmt]) or b""


def _jsonld(triples: list[ox.Triple]) -> bytes:
    """Triples as JSON-LD compacted with kggraph's published context (``kggraph.jsonld``)."""
    from rdflib import Dataset

    from .jsonld import dumps

    ds = Dataset()
    ds.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", format="nt")
    return dumps(ds)


def _short(term: object, base: str | None) -> str | None:
    """A table cell: the lexical value; kggraph's own IRIs as their path ("doc/ah-tk-…")."""
    if term is None:
        return None
    value = str(getattr(term, "value", term))
    if base and isinstance(term, ox.NamedNode) and value.startswith(base):
        return value[len(base) :]
    return value
