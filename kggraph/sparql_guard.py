"""Refuse SPARQL that writes or reaches outside the data, before it runs.

kggraph only reads. A query may not update (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``,
``DROP`` …) and, unless the caller opts in with ``allow_network=True``, it may not reach
out: ``SERVICE`` makes the engine call another server (rdflib and Oxigraph both do), and
``FROM``/``FROM NAMED`` makes rdflib load the named file or URL into the dataset.

The query is parsed with rdflib's SPARQL 1.1 parser and its parse tree walked, so a
keyword inside a string, an IRI or a comment is not mistaken for the construct:

>>> check_query('SELECT ?s WHERE { ?s ?p "SERVICE <http://x/>" }')
'SELECT'
>>> check_query('ASK { SERVICE <http://example.org/sparql> { ?s ?p ?o } }')  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
kggraph.sparql_guard.QueryRefused: SERVICE <http://example.org/sparql> refused: a query may ...
>>> check_query('LOAD <file:///etc/passwd>')
Traceback (most recent call last):
...
kggraph.sparql_guard.QueryRefused: LOAD refused: SPARQL updates are not run; kggraph only reads

Codepoint escapes (``\\u0022``) are refused wherever they stand: SPARQL decodes them before
parsing, but Oxigraph only inside strings and IRIs, so one text could mean two queries.
Parsing costs time (rdflib's parser reads a few KB to a few tens of KB per second), so
texts longer than ``MAX_QUERY_CHARS`` are refused; run the check under the same time limit
as the query (``kggraph.query_limits`` does).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .errors import QueryError, Refused

MAX_QUERY_CHARS = 50_000
FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}
UPDATES = {
    "Load": "LOAD",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
    "InsertData": "INSERT DATA",
    "DeleteData": "DELETE DATA",
    "DeleteWhere": "DELETE WHERE",
    "Modify": "DELETE/INSERT",
}
_ESCAPE = re.compile(r"\\[uU]")


class QueryRefused(QueryError, Refused):
    """The query was not run because of what it would do; ``construct`` names it
    ("SERVICE", "FROM", "FROM NAMED", "LOAD", "INSERT DATA", …)."""

    def __init__(self, reason: str, *, construct: str = "", path: str | None = None):
        super().__init__(reason, path=path)
        self.construct = construct


def _nodes(tree: Any) -> Iterator[Any]:
    """Every node of an rdflib parse tree (CompValue, ParseResults, lists), depth first."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if hasattr(node, "name") and isinstance(node, dict):  # CompValue
            yield node
            stack.extend(node.values())
        elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
            stack.extend(node)


def _term(value: Any) -> str:
    return f"<{value}>" if value.__class__.__name__ == "URIRef" else f"?{value}"


def _parse(text: str) -> Any:
    """rdflib's parse tree of a query, or QueryRefused for an update, or QueryError."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        return parseQuery(text)[1]
    except ParseBaseException as exc:
        query_error: Exception = exc
    except RecursionError:
        raise QueryError("SPARQL query nests too deeply for the parser") from None
    try:
        update = parseUpdate(text)
    except (ParseBaseException, RecursionError):
        raise QueryError(f"SPARQL syntax error: {query_error}") from None
    ops = [UPDATES.get(op.name, op.name) for op in update.request]
    raise QueryRefused(
        f"{ops[0] if ops else 'update'} refused: SPARQL updates are not run; kggraph only reads",
        construct=ops[0] if ops else "update",
    )


def check_query(text: str, *, allow_network: bool = False) -> str:
    """The form of ``text`` ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") if it may run;
    :class:`QueryRefused` naming the construct if not, :class:`QueryError` if it is not
    SPARQL. Updates are always refused; ``SERVICE``, ``FROM`` and ``FROM NAMED`` unless
    ``allow_network``."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"SPARQL query too long ({len(text)} characters; the limit is {MAX_QUERY_CHARS})"
        )
    if _ESCAPE.search(text):
        raise QueryRefused(
            "\\u/\\U escapes refused: engines decode them in different places, so the "
            "text could mean another query to the engine; write the characters themselves",
            construct="\\u escape",
        )
    tree = _parse(text)
    form = FORMS.get(tree.name)
    if form is None:
        raise QueryError(f"not a SPARQL query form: {tree.name}")
    if allow_network:
        return form
    # CompValue.get returns the key itself for a missing key: read it as a plain dict
    for clause in dict.get(tree, "datasetClause") or ():
        named = dict.get(clause, "named")
        construct, iri = (
            ("FROM NAMED", named) if named is not None else ("FROM", dict.get(clause, "default"))
        )
        raise QueryRefused(
            f"{construct} <{iri}> refused: a dataset clause may load a file or URL "
            "(query graphs with GRAPH <…> { … }, or allow it with --allow-network)",
            construct=construct,
        )
    for node in _nodes(tree):
        if node.name == "ServiceGraphPattern":
            raise QueryRefused(
                f"SERVICE {_term(dict.get(node, 'term'))} refused: a query may not call another "
                "server (allow it with --allow-network)",
                construct="SERVICE",
            )
    return form


__all__ = ["MAX_QUERY_CHARS", "QueryRefused", "check_query"]
