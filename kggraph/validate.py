"""SHACL validation (pyshacl, Core shapes of ``shapes/``), one document graph at a time.

Findings are results, not exceptions: each names the focus node, the path, the message
and — when the focus node was extracted from text — the document, page and characters.

The shapes are flat (every constraint a targeted shape, see shapes/kggraph-shapes.ttl) and
pyshacl harvests them once per process (``harvested_shapes``), not once per document: with both,
validating a document costs about a third of what nested shapes harvested per call did.
Validating many documents in one pyshacl run was measured too: keeping each document's
verdict its own needs a copy of every graph with the shared nodes renamed, and that copy
costs more than the run saves (see benchmarks/README.md).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import PROV, SH

from .resources import resource_files

if TYPE_CHECKING:  # pyshacl (and rdflib's SPARQL engine under it) only where validation runs
    from pyshacl import ShapesGraph

KGO = Namespace("https://w3id.org/kggraph/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")


@dataclass(frozen=True)
class Finding:
    severity: str  # "Violation", "Warning", "Info"
    focus: str
    path: str | None
    message: str
    value: str | None = None
    location: str | None = None  # "ah-tk-…: page 2, characters 120–180"

    def render(self) -> str:
        parts = [f"{self.severity}: {self.message}", f"  focus: {self.focus}"]
        if self.path:
            parts.append(f"  path: {self.path}")
        if self.value:
            parts.append(f"  value: {self.value}")
        if self.location:
            parts.append(f"  source: {self.location}")
        return "\n".join(parts)


@dataclass(frozen=True)
class ValidationReport:
    graph: str
    conforms: bool
    findings: tuple[Finding, ...]


@cache
def shapes_graph() -> Graph:
    """All shapes of ``shapes/``, parsed once."""
    g = Graph()
    for path in resource_files("shapes", ".ttl"):
        g.parse(path, format="turtle")
    return g


@cache
def harvested_shapes() -> ShapesGraph:
    """The shapes as pyshacl's ShapesGraph, harvested once per process."""
    from pyshacl import ShapesGraph

    logging.getLogger("pyshacl").setLevel(logging.ERROR)
    shapes = ShapesGraph(shapes_graph())
    shapes.shapes  # noqa: B018 - the property harvests the shapes into the cache
    return shapes


def _location(data: Graph, focus: URIRef) -> str | None:
    selector = data.value(focus, KGO.textSelector)
    doc = data.value(focus, PROV.wasDerivedFrom)
    if selector is None:
        return None
    start, end = data.value(selector, OA.start), data.value(selector, OA.end)
    page = data.value(focus, KGO.page)
    doc_id = str(doc).rsplit("/", 1)[-1] if doc else "?"
    where = f"page {page}, " if page is not None else ""
    return f"{doc_id}: {where}characters {start}–{end}"


def _short(graph: Graph, term: object, report: Graph | None = None) -> str:
    if isinstance(term, BNode) and report is not None and (term, RDF.first, None) in report:
        # a sequence path ("kgo:answers/dcterms:isPartOf"): its blank node's id is random
        return "/".join(_short(graph, t) for t in Collection(report, term))
    if isinstance(term, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(term)
        except Exception:  # noqa: BLE001 - fall back to the full IRI
            return str(term)
    return str(term)


def validate_graph(data: Graph, *, name: str | None = None) -> ValidationReport:
    """Validate one document graph against the bundled shapes (inference off)."""
    from pyshacl import Validator
    from pyshacl.graph_abstraction import DataGraph

    shapes = harvested_shapes()
    validator = Validator(
        DataGraph.from_rdflib(data),
        shacl_graph=shapes.graph,
        options={"inference": "none", "allow_warnings": True, "abort_on_first": False},
    )
    validator.shacl_graph = shapes  # the harvested shapes instead of a fresh harvest
    conforms, results, _text = validator.run()
    findings = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        severity = results.value(result, SH.resultSeverity)
        value = results.value(result, SH.value)
        findings.append(
            Finding(
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                focus=_short(data, focus),
                path=_short(data, path, results) if path is not None else None,
                message=str(message) if message else "constraint violated",
                value=_short(data, value) if isinstance(value, URIRef | Literal) else None,
                location=_location(data, focus) if isinstance(focus, URIRef) else None,
            )
        )
    findings.sort(key=lambda f: (f.severity, f.focus, f.path or "", f.message))
    return ValidationReport(
        graph=name or str(data.identifier), conforms=bool(conforms), findings=tuple(findings)
    )
