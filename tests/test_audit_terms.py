"""Every class and predicate that kggraph emits for the fixture corpora is declared, documented
and covered by a shape (issue 10: "every emitted term documented in docs/graph-model.md and
covered by a shape").

The terms are collected from the exports of the session fixture ``exports``
(tests/conftest.py, shared with tests/test_exports.py): the document graphs of the text, PDF
and OCR fixtures and the description that ``kggraph describe`` writes of each store.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import CORPORA
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    SDO,
    SH,
    SKOS,
    VOID,
    XSD,
    DefinedNamespace,
)

from kggraph.prefixes import PREFIXES
from kggraph.validate import shapes_graph

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = URIRef("https://w3id.org/kggraph/ontology")
KGO = PREFIXES["kgo"]
#: standard vocabularies whose terms rdflib lists: an emitted term must be one of them
LISTED: dict[str, type[DefinedNamespace]] = {
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "schema": SDO,
    "org": ORG,
    "prov": PROV,
    "void": VOID,
    "dcat": DCAT,
    "foaf": FOAF,
}
#: standard vocabularies rdflib does not list (Web Annotation, CiTO, ELI, SPDX)
UNLISTED = ("oa", "cito", "eli", "spdx")
#: schema.org terms newer than rdflib's copy of schema.org (PoliticalParty: schema.org 14.0)
NEWER_SCHEMA = {"https://schema.org/PoliticalParty"}
NAMESPACES = {**PREFIXES, "rdf": str(RDF)}


def curie(term: str) -> str:
    for prefix, ns in NAMESPACES.items():
        if term.startswith(ns) and term != ns:
            return f"{prefix}:{term[len(ns) :]}"
    return f"<{term}>"


@pytest.fixture(scope="module")
def emitted(exports: tuple[Path, Path]) -> tuple[set[str], set[str]]:
    """(classes, predicates) in every document graph and description of the fixtures."""
    classes: set[str] = set()
    predicates: set[str] = set()
    files = [(f"{c}.nq", ox.RdfFormat.N_QUADS) for c in CORPORA]
    files += [(f"{c}.void.ttl", ox.RdfFormat.TURTLE) for c in CORPORA]
    for name, fmt in files:
        for q in ox.parse(path=str(exports[0] / name), format=fmt):
            predicates.add(q.predicate.value)
            if q.predicate.value == str(RDF.type):
                classes.add(q.object.value)
    return classes, predicates


def test_the_audit_sees_every_kind_of_output(emitted: tuple[set[str], set[str]]) -> None:
    """The fixtures give the audit something to audit: the documents' terms, the vocabulary
    concepts copied into them, self-check findings and the description of a build."""
    classes, predicates = map(lambda terms: {curie(t) for t in terms}, emitted)
    assert {
        "kgo:AanhangselItem",
        "kgo:Amendment",
        "kgo:UnassignedTextFinding",
        "skos:Concept",
        "schema:NewsMediaOrganization",
        "dcat:Dataset",
        "spdx:Checksum",
    } <= classes
    assert {
        "kgo:postpones",
        "kgo:sameQuestionsAs",
        "kgo:portfolioOf",
        "kgo:amends",
        "dcterms:isReplacedBy",
        "skos:hiddenLabel",
        "oa:exact",
        "void:inDataset",
    } <= predicates
    assert len(classes) > 40 and len(predicates) > 90


@cache
def ontology() -> Graph:
    return Graph().parse(ROOT / "ontology" / "kggraph.ttl", format="turtle")


def declared(term: str) -> bool:
    """A kggraph term is declared (typed, rdfs:isDefinedBy the ontology) in
    ontology/kggraph.ttl; a standard one is a term of its vocabulary."""
    name = curie(term)
    prefix = name.split(":", 1)[0]
    if prefix == "kgo":
        g, t = ontology(), URIRef(term)
        return (t, RDF.type, None) in g and (t, RDFS.isDefinedBy, ONTOLOGY) in g
    if prefix in LISTED:
        return URIRef(term) in LISTED[prefix] or term in NEWER_SCHEMA
    return prefix in UNLISTED


def documented(term: str, text: str) -> bool:
    """Named as a CURIE in docs/graph-model.md (`kgo:Document` is not `kgo:DocumentKinds`)."""
    return re.search(rf"(?<![\w:]){re.escape(curie(term))}(?![\w-])", text) is not None


def shaped(shapes: Graph) -> tuple[set[str], set[str]]:
    """(targeted classes, properties on some sh:path) of the shapes in shapes/."""
    targets = {str(o) for o in shapes.objects(None, SH.targetClass)}
    paths: set[str] = set()
    for path in shapes.objects(None, SH.path):
        steps = Collection(shapes, path) if (path, RDF.first, None) in shapes else [path]
        paths |= {str(s) for s in steps if isinstance(s, URIRef)}
    return targets, paths


def test_every_emitted_term_is_declared(emitted: tuple[set[str], set[str]]) -> None:
    classes, predicates = emitted
    assert not sorted(curie(t) for t in classes | predicates if not declared(t))


def test_every_emitted_term_is_documented_in_the_graph_model(
    emitted: tuple[set[str], set[str]],
) -> None:
    text = (ROOT / "docs" / "graph-model.md").read_text(encoding="utf-8")
    classes, predicates = emitted
    assert not sorted(curie(t) for t in classes | predicates if not documented(t, text))


def test_every_emitted_term_is_covered_by_a_shape(emitted: tuple[set[str], set[str]]) -> None:
    targets, paths = shaped(shapes_graph())
    classes, predicates = emitted
    assert not sorted(curie(t) for t in classes - targets), "classes no shape targets"
    assert not sorted(curie(t) for t in predicates - paths), "properties on no sh:path"


def test_the_audit_finds_an_undeclared_undocumented_unshaped_term() -> None:
    """The checks can fail: a term kggraph does not define, a term the model does not name,
    a property no shape constrains."""
    assert not declared(KGO + "notATerm")
    assert not declared(str(SDO) + "acceptedAnswers")
    assert not declared("http://example.org/vocab#thing")
    assert declared(KGO + "postpones") and declared(str(SKOS.hiddenLabel))
    assert not documented(KGO + "Document", "`kgo:DocumentKinds`")
    assert documented(KGO + "Document", "typed `kgo:Document`;")
    targets, paths = shaped(shapes_graph())
    assert str(OWL.versionInfo) not in paths and str(KGO) + "Footnote" in targets
    # a sequence path counts its steps (kgo:answers / dcterms:isPartOf)
    assert KGO + "answers" in paths
