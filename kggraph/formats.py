"""The names of the answer formats, and which one ``-o FILE`` asks for, without pyoxigraph:
the command line needs them before anything runs (``kggraph --help``, and a query's
process, which leaves pyoxigraph to the child that answers). :mod:`kggraph.results`
writes them.

>>> output_format(None, "out/askers.CSV"), output_format("json", "x.csv")
('csv', 'json')
"""

from __future__ import annotations

import os

from .errors import QueryError

#: rows (and booleans): SPARQL 1.1 results formats, by the name of pyoxigraph's writer
ROW_FORMATS = {"json": "JSON", "xml": "XML", "csv": "CSV", "tsv": "TSV"}
#: graphs (CONSTRUCT, DESCRIBE), by the name of pyoxigraph's writer
GRAPH_FORMATS = {
    "turtle": "TURTLE",
    "ntriples": "N_TRIPLES",
    "rdfxml": "RDF_XML",
    "jsonld": "JSON_LD",
}
FORMATS = ("table", *ROW_FORMATS, *GRAPH_FORMATS)
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
#: a graph asked for in a rows format: the nearest graph format
GRAPH_FOR = {"table": "turtle", "json": "jsonld", "xml": "rdfxml"}


def output_format(fmt: str | None, path: str | None) -> str:
    """The format asked for: ``--format``, else the extension of ``-o``, else a table."""
    if fmt:
        return fmt
    if path:
        # Path(path).suffix, without importing pathlib on the way to a one-document answer
        name = os.path.basename(path.rstrip(os.sep))
        dot = name.rfind(".")
        suffix = name[dot:].lower() if 0 < dot < len(name) - 1 else ""
        if suffix not in BY_EXTENSION:
            known = " ".join(BY_EXTENSION)
            raise QueryError(f"cannot tell the format of {path!r}: give --format or use {known}")
        return BY_EXTENSION[suffix]
    return "table"
