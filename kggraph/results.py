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

import pyoxigraph as ox

from .errors import QueryError
from .formats import BY_EXTENSION, FORMATS, GRAPH_FOR, ROW_FORMATS, output_format
from .formats import GRAPH_FORMATS as GRAPH_NAMES
from .prefixes import PREFIXES  # noqa: F401 - also the graph writers' prefixes here

__all__ = ["BY_EXTENSION", "FORMATS", "GRAPH_FORMATS", "RESULT_FORMATS", "output_format", "render"]

# a runtime alias without typing's Union: importing typing costs a one-document query's
# child 3 ms
Answer = ox.QuerySolutions | ox.QueryBoolean | list[ox.Triple]

RESULT_FORMATS = {name: getattr(ox.QueryResultsFormat, w) for name, w in ROW_FORMATS.items()}
GRAPH_FORMATS = {name: getattr(ox.RdfFormat, w) for name, w in GRAPH_NAMES.items()}


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
