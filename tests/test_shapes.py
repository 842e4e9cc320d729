"""SHACL shapes: conforming fixtures pass, each violating fixture fails exactly as declared.

A violating fixture declares what it breaks in comment lines
``# expect: <focus node or sh:resultPath> <substring of the message>``; every validation
result must match one of them and every line must match a result.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyshacl
import pytest
from rdflib import RDF, Dataset, Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

ROOT = Path(__file__).resolve().parent.parent
SHAPES = ROOT / "shapes" / "kggraph-shapes.ttl"
FIXTURES = Path(__file__).resolve().parent / "shapes"
EXAMPLE = Path(__file__).resolve().parent / "fixtures" / "graphs" / "ind-erkend.trig"
EXPECT = re.compile(r"^# expect: (<[^>]+>|\S+) (.+)$", re.MULTILINE)

CONFORMING = sorted((FIXTURES / "conforming").glob("*.ttl"))
VIOLATING = sorted((FIXTURES / "violating").glob("*.ttl"))


@pytest.fixture(scope="session")
def shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


def validate(data: Graph, shapes: Graph) -> tuple[bool, Graph]:
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    assert isinstance(report, Graph)
    return bool(conforms), report


def results(report: Graph) -> list[tuple[Node | None, Node | None, str]]:
    return [
        (
            report.value(r, SH.focusNode),
            report.value(r, SH.resultPath),
            str(report.value(r, SH.resultMessage)),
        )
        for r in report.subjects(RDF.type, SH.ValidationResult)
    ]


def expectations(path: Path, graph: Graph) -> list[tuple[URIRef, str]]:
    out = []
    for token, message in EXPECT.findall(path.read_text(encoding="utf-8")):
        term = (
            URIRef(token[1:-1])
            if token.startswith("<")
            else graph.namespace_manager.expand_curie(token)
        )
        out.append((term, message.strip()))
    return out


@pytest.mark.parametrize("path", CONFORMING, ids=lambda p: p.stem)
def test_conforming_fixture(path: Path, shapes: Graph) -> None:
    conforms, report = validate(Graph().parse(path, format="turtle"), shapes)
    assert conforms, results(report)


def test_example_graph_conforms_per_document(shapes: Graph) -> None:
    ds = Dataset()
    ds.parse(EXAMPLE, format="trig")
    graphs = [g for g in ds.graphs() if len(g)]
    assert [str(g.identifier) for g in graphs] == [
        "https://w3id.org/kggraph/id/doc/kamervragen-2022-ind-erkend-referenten"
    ]
    for graph in graphs:
        conforms, report = validate(graph, shapes)
        assert conforms, results(report)


@pytest.mark.parametrize("path", VIOLATING, ids=lambda p: p.stem)
def test_violating_fixture(path: Path, shapes: Graph) -> None:
    data = Graph().parse(path, format="turtle")
    expected = expectations(path, data)
    assert expected, f"{path.name} declares no '# expect:' line"
    conforms, report = validate(data, shapes)
    found = results(report)
    assert not conforms and found

    def matches(result: tuple[Node | None, Node | None, str], exp: tuple[URIRef, str]) -> bool:
        focus, rpath, message = result
        return exp[0] in (focus, rpath) and exp[1] in message

    for result in found:
        assert any(matches(result, e) for e in expected), f"unexpected result {result}"
    for exp in expected:
        assert any(matches(r, exp) for r in found), f"missing result {exp}; got {found}"


def test_required_fixtures_present() -> None:
    names = {p.stem for p in VIOLATING}
    assert {
        "question-without-number",
        "answer-other-document",
        "date-plain-string",
        "kamerstuk-without-dossier",
        "iri-with-space",
        "footnote-without-text",
    } <= names


def test_every_constraint_has_message_and_severity(shapes: Graph) -> None:
    params = (SH.pattern, SH.nodeKind, SH.node, SH["class"], SH["or"], SH.datatype, SH.path)
    targets = (SH.targetClass, SH.targetSubjectsOf)
    constrained = set(shapes.objects(None, SH.property)) | {
        s
        for kind in (SH.NodeShape, SH.PropertyShape)
        for s in shapes.subjects(RDF.type, kind)
        if any((s, t, None) in shapes for t in targets)
        and any((s, p, None) in shapes for p in params)
    }
    assert len(constrained) > 80
    for shape in constrained:
        assert shapes.value(shape, SH.message) is not None, shape
        assert shapes.value(shape, SH.severity) in (SH.Violation, SH.Warning), shape


def test_shapes_are_flat(shapes: Graph) -> None:
    """Every constraint is a top-level shape with its own target: pyshacl evaluates a nested
    sh:property or sh:node shape once per focus node, a targeted one once per graph."""
    assert not list(shapes.triples((None, SH.property, None)))
    assert not list(shapes.triples((None, SH.node, None)))
    for shape in shapes.subjects(RDF.type, SH.PropertyShape):
        assert any((shape, t, None) in shapes for t in (SH.targetClass, SH.targetSubjectsOf)), shape


def test_core_only(shapes: Graph) -> None:
    assert not list(shapes.triples((None, SH.sparql, None)))
    assert not list(shapes.triples((None, SH.target, None)))


def test_every_shape_has_a_violating_fixture(shapes: Graph) -> None:
    """Each shape's message is expected by at least one violating fixture: a shape that no
    fixture breaks could stop finding its violations unnoticed (flattening, pyshacl)."""
    expected = [m for p in VIOLATING for _, m in EXPECT.findall(p.read_text(encoding="utf-8"))]
    unbroken = [
        str(shape)
        for kind in (SH.NodeShape, SH.PropertyShape)
        for shape in shapes.subjects(RDF.type, kind)
        if (message := shapes.value(shape, SH.message)) is not None
        and not any(m.strip() in str(message) for m in expected)
    ]
    assert not unbroken
