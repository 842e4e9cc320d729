"""Reading and writing graph files; writes are atomic (temp file + rename).

Formats by extension: ``.ttl`` (Turtle, the union of all documents), ``.trig`` and
``.nq`` (one named graph per document), ``.nt``, ``.jsonld`` (JSON-LD with graphs).
Turtle, TriG, N-Triples and N-Quads are written by pyoxigraph (about 9× faster than
rdflib's writers) from the triples sorted by their N-Quads form, so the same graphs always
give the same bytes, whatever the run or ``PYTHONHASHSEED``; JSON-LD by rdflib.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD

from .atomic import atomic_stream, atomic_write  # noqa: F401 - re-exported
from .errors import InputError
from .lexicon import DEFAULT_BASE
from .prefixes import PREFIXES
from .rdf import bind_prefixes

if TYPE_CHECKING:
    import pyoxigraph as ox

FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads", ".jsonld": "json-ld"}
QUAD_FORMATS = {"trig", "nquads", "json-ld"}


def format_for(path: str | os.PathLike[str]) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(
            f"unknown graph format {suffix or '(none)'}; use one of {', '.join(FORMATS)}",
            path=str(path),
        )
    return FORMATS[suffix]


def oxigraph_term(term: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as the same pyoxigraph term (literals keep their lexical form).

    >>> str(oxigraph_term(Literal(3))), str(oxigraph_term(Literal("SP", lang="nl")))
    ('"3"^^<http://www.w3.org/2001/XMLSchema#integer>', '"SP"@nl')
    """
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def oxigraph_quads(
    graph: Graph, name: ox.NamedNode | ox.DefaultGraph | None = None
) -> list[ox.Quad]:
    """The triples of an rdflib graph as pyoxigraph quads in graph ``name`` (default: the
    graph named by its identifier)."""
    import pyoxigraph as ox

    cache: dict[object, ox.NamedNode | ox.BlankNode | ox.Literal] = {}

    def term(t: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        out = cache.get(t)
        if out is None:
            out = cache[t] = oxigraph_term(t)
        return out

    g = name if name is not None else ox.NamedNode(str(graph.identifier))
    return [ox.Quad(term(s), term(p), term(o), g) for s, p, o in graph]  # type: ignore[arg-type]


def serialize(graphs: Iterable[Graph], fmt: str, base: str = DEFAULT_BASE) -> bytes:
    """The document graphs in ``fmt``; triple formats get their union (each triple once)."""
    import pyoxigraph as ox

    graphs = sorted(graphs, key=lambda g: str(g.identifier))
    if fmt == "json-ld":
        ds = bind_prefixes(Dataset(), base)
        for g in graphs:
            target = ds.graph(g.identifier)
            for t in g:
                target.add(t)
        from .jsonld import dumps

        return dumps(ds)
    quad_format = fmt in QUAD_FORMATS
    default = None if quad_format else ox.DefaultGraph()
    quads = sorted(
        {q for g in graphs for q in oxigraph_quads(g, default)},
        key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)),
    )
    out_format = {
        "trig": ox.RdfFormat.TRIG,
        "nquads": ox.RdfFormat.N_QUADS,
        "turtle": ox.RdfFormat.TURTLE,
        "nt": ox.RdfFormat.N_TRIPLES,
    }[fmt]
    if out_format in (ox.RdfFormat.N_QUADS, ox.RdfFormat.N_TRIPLES):
        return (
            ox.serialize(quads if quad_format else [q.triple for q in quads], format=out_format)
            or b""
        )
    prefixes = {k: str(v) for k, v in sorted(PREFIXES.items())}
    data = quads if quad_format else [q.triple for q in quads]
    return ox.serialize(data, format=out_format, prefixes=prefixes) or b""


def write_graphs(
    graphs: Iterable[Graph], path: str | os.PathLike[str], base: str = DEFAULT_BASE
) -> None:
    atomic_write(path, serialize(graphs, format_for(path), base))


def read_dataset(
    paths: Iterable[str | os.PathLike[str]], *, allow_network: bool = False
) -> Dataset:
    """Load graph files into one Dataset (a Turtle file becomes one named graph).

    Offline unless ``allow_network``: a JSON-LD file whose ``@context`` names a URL or
    another file is refused (:class:`~kggraph.offline.NetworkRefused`), and rdflib is
    stopped should it try to fetch anything else (:mod:`kggraph.offline`)."""
    from contextlib import nullcontext

    from .offline import NetworkRefused, offline

    ds = Dataset(default_union=True)
    for p in paths:
        path = Path(p)
        fmt = format_for(path)
        if not path.is_file():
            raise InputError("no such file", path=str(path))
        data = _local_jsonld(path) if fmt == "json-ld" else None
        if data is not None and not allow_network:
            _refuse_remote_contexts(data, path)
        try:
            with nullcontext() if allow_network else offline():
                if data is not None:  # kggraph's own context read from the package
                    ds.parse(data=data, format=fmt)
                elif fmt in QUAD_FORMATS:
                    ds.parse(path, format=fmt)
                else:
                    ds.graph(path.resolve().as_uri()).parse(path, format=fmt)
        except NetworkRefused as exc:
            raise NetworkRefused(exc.reason, path=str(path)) from exc
        except Exception as exc:  # noqa: BLE001 - parser errors come in many kinds
            raise InputError(f"cannot parse {fmt}: {exc}", path=str(path)) from exc
    return ds


def _local_jsonld(path: Path) -> str:
    """The JSON-LD file with kggraph's published context IRI replaced by the shipped copy."""
    from .jsonld import with_local_context

    try:
        return with_local_context(path.read_bytes())
    except (ValueError, RecursionError) as exc:
        raise InputError(f"cannot parse json-ld: {exc}", path=str(path)) from exc


def _refuse_remote_contexts(data: str, path: Path) -> None:
    import json

    from .offline import NetworkRefused, remote_contexts

    contexts = remote_contexts(json.loads(data))
    if contexts:
        raise NetworkRefused(
            f"JSON-LD @context {contexts[0]!r} refused: kggraph does not fetch contexts "
            "(inline the context, or allow it with --allow-network)",
            path=str(path),
        )


def document_graphs(ds: Dataset) -> list[Graph]:
    """The non-empty named graphs of ``ds`` (the default graph too, when it holds triples)."""
    return sorted((g for g in ds.graphs() if len(g)), key=lambda g: str(g.identifier))
