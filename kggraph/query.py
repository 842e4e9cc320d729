"""SPARQL: the bundled queries of ``queries/`` and how to run them.

A query file starts with a comment header::

    # title: Who asked the questions, with their party
    # description: One row per asker …
    # param: doc  document  optional  The document (identifier or IRI)

Parameters are pre-bound variables in rdflib (``initBindings``) and constants written into
the query for Oxigraph and remote endpoints (``kggraph.sparql_text``), so a query works the
same with or without them. Queries see the union of all document graphs as their default
graph, in memory (rdflib) and in the store (Oxigraph) alike.
"""

from __future__ import annotations

import os
import re
import sys
from collections import namedtuple
from functools import cache

from . import DEFAULT_BASE
from .errors import QueryError
from .resources import resource_paths
from .sparql_text import inline_bindings, typed_term

TYPE_CHECKING = False  # typing.TYPE_CHECKING: `kggraph query` runs without typing (~2 ms)
if TYPE_CHECKING:  # rdflib is imported where it is used: `query --store` runs without it
    from collections.abc import Mapping, Sequence
    from pathlib import Path
    from typing import Any, Protocol

    from rdflib import Dataset
    from rdflib.term import Node

    from .results import Answer

HEADER = re.compile(r"^#\s*(?P<key>title|description|param)\s*:\s*(?P<value>.*)$")
PARAM_TYPES = ("document", "iri", "string", "date", "integer")
UPDATE_START = r"\s*(LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|INSERT|DELETE|WITH)\s"


# named tuples, not dataclasses or typing.NamedTuple: `kggraph query` starts without
# importing dataclasses (inspect, ast) or typing, milliseconds of every one-document query;
# the annotations type the fields for mypy
class Param(namedtuple("Param", "name type required description")):
    """A parameter a query declares in its header."""

    __slots__ = ()
    name: str
    type: str
    required: bool
    description: str


class NamedQuery(
    namedtuple("NamedQuery", "name title description params text path", defaults=[None])
):
    """A query with what its header says."""

    __slots__ = ()
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    path: str | None


def parse_query_text(text: str, name: str, path: str | None = None) -> NamedQuery:
    """Read the comment header of a query."""
    title, description, params = name, "", []
    for line in text.splitlines():
        m = HEADER.match(line.strip())
        if not m:
            if line.strip() and not line.strip().startswith("#"):
                break
            continue
        key, value = m["key"], m["value"].strip()
        if key == "title":
            title = value
        elif key == "description":
            description = f"{description} {value}".strip()
        else:
            fields = value.split(None, 3)
            if len(fields) < 3 or fields[1] not in PARAM_TYPES:
                raise QueryError(f"bad param line {value!r}", path=path)
            params.append(
                Param(
                    fields[0],
                    fields[1],
                    fields[2] == "required",
                    fields[3] if len(fields) > 3 else "",
                )
            )
    return NamedQuery(name, title, description, tuple(params), text, path)


@cache
def bundled_queries() -> dict[str, NamedQuery]:
    """The queries of ``queries/`` by name ("01-askers" and "askers" both work)."""
    out: dict[str, NamedQuery] = {}
    for path in resource_paths("queries", ".rq"):
        stem = os.path.splitext(os.path.basename(path))[0]
        with open(path, encoding="utf-8") as fh:
            q = parse_query_text(fh.read(), stem, path)
        out[stem] = q
        short = re.sub(r"^\d+[-_]", "", stem)
        out.setdefault(short, q)
    return out


def resolve_query(spec: str) -> NamedQuery:
    """A bundled query name, a path to a ``.rq`` file, or inline SPARQL."""
    queries = bundled_queries()
    if spec in queries:
        return queries[spec]
    form = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", spec, re.IGNORECASE)
    if form and ("{" in spec or form.group(1).upper() == "DESCRIBE"):
        return parse_query_text(spec, "inline")
    if re.match(UPDATE_START, spec, re.IGNORECASE):  # refused by the guard, by name
        return parse_query_text(spec, "inline")
    from pathlib import Path

    path = Path(spec)
    if path.suffix == ".rq" or path.is_file():
        if not path.is_file():
            raise QueryError("no such query file", path=spec)
        return parse_query_text(path.read_text(encoding="utf-8"), path.stem, str(path))
    known = ", ".join(sorted(k for k in queries if not re.match(r"^\d", k)))
    raise QueryError(f"unknown query {spec!r}; bundled queries: {known}")


def typed_params(
    query: NamedQuery, values: Mapping[str, str], base: str = DEFAULT_BASE
) -> dict[str, tuple[str, str]]:
    """``--param NAME=VALUE`` strings by the declared types: name → (type, value), the value
    normalised (a document identifier as its IRI, a date and an integer in their canonical
    form); missing required parameters refused."""
    declared = {p.name: p for p in query.params}
    out: dict[str, tuple[str, str]] = {}
    for name, raw in values.items():
        p = declared.get(name)
        if p is None and (query.params or not _mentions_variable(query.text, name)):
            takes = ", ".join(declared) or "none"
            raise QueryError(
                f"unknown parameter {name!r}: query {query.name} takes {takes}"
                if query.params
                else f"unknown parameter {name!r}: query {query.name} has no variable ?{name}"
            )
        kind = p.type if p else ("iri" if re.match(r"^https?://", raw) else "string")
        try:
            if kind == "document":
                value = raw if re.match(r"^https?://", raw) else f"{base}doc/{raw}"
            elif kind == "date":
                from datetime import date

                value = date.fromisoformat(raw).isoformat()
            elif kind == "integer":
                value = str(int(raw))
            else:
                value = raw
        except ValueError as exc:
            raise QueryError(f"parameter {name}: {exc}") from exc
        out[name] = (kind, value)
    missing = [p.name for p in query.params if p.required and p.name not in out]
    if missing:
        raise QueryError(f"missing required parameter(s): {', '.join(missing)}")
    return out


def _mentions_variable(text: str, name: str) -> bool:
    return re.search(rf"[?$]{re.escape(name)}\b", text) is not None


def bind_params(
    query: NamedQuery, values: Mapping[str, str], base: str = DEFAULT_BASE
) -> dict[str, Node]:
    """Turn ``--param NAME=VALUE`` strings into RDF terms by the declared types."""
    from rdflib import XSD, Literal, URIRef

    datatypes = {"date": XSD.date, "integer": XSD.integer}
    return {
        name: URIRef(value)
        if kind in ("document", "iri")
        else Literal(value, datatype=datatypes.get(kind))
        for name, (kind, value) in typed_params(query, values, base).items()
    }


def param_terms(
    query: NamedQuery, values: Mapping[str, str], base: str = DEFAULT_BASE
) -> dict[str, str]:
    """The parameters as escaped SPARQL terms, without rdflib (see ``sparql_text``)."""
    return {n: typed_term(k, v) for n, (k, v) in typed_params(query, values, base).items()}


class Rows(namedtuple("Rows", "variables rows")):
    """A SELECT answer's variables and rows, as lexical values."""

    __slots__ = ()
    variables: tuple[str, ...]
    rows: tuple[tuple[str | None, ...], ...]


if TYPE_CHECKING:

    class Backend(Protocol):
        def select(self, text: str, bindings: Mapping[str, Node]) -> Rows: ...

        def execute(self, text: str, bindings: Mapping[str, Node]) -> Answer: ...


def _lexical(term: Any) -> str | None:
    if term is None:
        return None
    rdflib = sys.modules.get("rdflib")  # an rdflib term comes only when rdflib is loaded
    if rdflib is not None and isinstance(term, rdflib.term.Identifier):
        return str(term)
    return str(getattr(term, "value", term))


def rows_of(answer: Answer) -> Rows:
    """The rows of a SELECT answer as lexical values (IRIs and literals alike)."""
    import pyoxigraph as ox

    if not isinstance(answer, ox.QuerySolutions):
        raise QueryError("only SELECT queries give rows")
    variables = tuple(v.value for v in answer.variables)
    return Rows(variables, tuple(tuple(_lexical(s[v]) for v in variables) for s in answer))


class RdflibBackend:
    """Queries an rdflib Dataset (union of its graphs as the default graph)."""

    def __init__(self, dataset: Dataset):
        dataset.default_union = True
        self.dataset = dataset

    def _query(self, text: str, bindings: Mapping[str, Node]) -> Any:
        from rdflib import Variable

        try:
            return self.dataset.query(
                text,
                initBindings={Variable(k): v for k, v in bindings.items()},  # type: ignore[misc]
            )
        except Exception as exc:  # noqa: BLE001 - rdflib raises many kinds for bad SPARQL
            raise QueryError(f"SPARQL error: {exc}") from exc

    def select(self, text: str, bindings: Mapping[str, Node]) -> Rows:
        result = self._query(text, bindings)
        if result.type != "SELECT":
            raise QueryError("only SELECT queries give rows")
        variables = tuple(str(v) for v in (result.vars or []))
        rows = tuple(tuple(_lexical(row[v]) for v in variables) for row in result)
        return Rows(variables, rows)

    def execute(self, text: str, bindings: Mapping[str, Node]) -> Answer:
        """Any query form, as pyoxigraph answers: rdflib's own result serializers
        (SPARQL JSON results, N-Triples) carry the terms across."""
        import pyoxigraph as ox

        from .results import graph_answer

        result = self._query(text, bindings)
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            assert result.graph is not None
            nt = result.graph.serialize(format="nt", encoding="utf-8")
            return graph_answer(ox.parse(nt, ox.RdfFormat.N_TRIPLES))
        data = result.serialize(format="json")
        assert data is not None
        return ox.parse_query_results(data, ox.QueryResultsFormat.JSON)


class OxigraphBackend:
    """Queries a pyoxigraph Store directly (no rdflib in between); the default graph is the
    union of the graphs unless ``union_default`` is off (graph files are loaded with their
    merge as the default graph, see ``files_backend``)."""

    def __init__(self, store: Any, union_default: bool = True):
        self.store = store
        self.union_default = union_default

    def select(self, text: str, bindings: Mapping[str, Node]) -> Rows:
        return rows_of(self.execute(text, bindings))

    def execute(self, text: str, bindings: Mapping[str, Node]) -> Answer:
        """Any query form: rows, a boolean or (CONSTRUCT/DESCRIBE) sorted triples."""
        import pyoxigraph as ox

        try:
            result = self.store.query(
                inline_bindings(text, bindings), use_default_graph_as_union=self.union_default
            )
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        if isinstance(result, ox.QueryTriples):
            from .results import graph_answer

            return graph_answer(result)
        return result


def files_backend(paths: Sequence[str | Path], *, allow_network: bool = False) -> OxigraphBackend:
    """Graph files in an in-memory Oxigraph store laid out as the corpus store is: one
    named graph per document (a Turtle or N-Triples file is one graph named by its file
    URI) and their RDF merge as the default graph, so files and ``--store`` give the same
    answers."""
    import pyoxigraph as ox

    from .graphio import read_dataset

    store = ox.Store()
    for p in paths:
        ds = read_dataset([p], allow_network=allow_network)
        data = ds.serialize(format="nquads", encoding="utf-8")
        quads = list(ox.parse(data, ox.RdfFormat.N_QUADS))
        store.bulk_extend(quads)
        store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    return OxigraphBackend(store, union_default=False)


def run_query(
    backend: Backend,
    query: NamedQuery,
    params: Mapping[str, str] | None = None,
    base: str = DEFAULT_BASE,
) -> Rows:
    """Run ``query`` with string parameters bound by their declared types."""
    return backend.select(query.text, bind_params(query, params or {}, base))


def format_table(
    header: Sequence[str], rows: Sequence[Sequence[str | None]], width: int = 60
) -> str:
    """A plain aligned text table; long cells are shortened with '…'."""

    def cell(v: str | None) -> str:
        s = "" if v is None else " ".join(str(v).split())
        return s if len(s) <= width else s[: width - 1] + "…"

    cells = [[cell(v) for v in r] for r in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(header)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    sep = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join([line.rstrip(), sep, *body, f"({len(rows)} rows)"])
