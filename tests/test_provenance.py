"""Provenance others can re-anchor (issue 10): a Web Annotation text quote on every
extracted fact, and IRIs of blocks, mentions and selectors that stay when an unrelated
part of the text is extracted differently."""

from __future__ import annotations

from pathlib import Path

from conftest import IND, IND_ID
from rdflib import RDF, Graph, Literal, URIRef

from kggraph.pipeline import process_file
from kggraph.rdf import KGO, OA

ID = "https://w3id.org/kggraph/id/"


def quote(g: Graph, node: URIRef) -> tuple[str, str, str]:
    sel = g.value(node, KGO.quoteSelector)
    assert sel is not None and (sel, RDF.type, OA.TextQuoteSelector) in g, node
    return tuple(str(g.value(sel, p) or "") for p in (OA.prefix, OA.exact, OA.suffix))  # type: ignore[return-value]


def test_every_fact_has_a_text_quote_taken_from_the_document(ind_result) -> None:  # type: ignore[no-untyped-def]
    g, text = ind_result.graph, IND.read_text(encoding="utf-8")
    facts = set(g.subjects(KGO.textSelector, None))
    assert len(facts) > 100
    for node in facts:
        prefix, exact, suffix = quote(g, node)
        assert prefix + exact + suffix in text, node
    # "ming (AVG), alsook de Wet Politiegegevens (Wpg), de Wet justitiële en" (line 175)
    wpg = [
        m
        for m in g.subjects(KGO.mentions, URIRef(ID + "law/BWBR0022463"))
        if g.value(m, KGO.surface) == Literal("Wet Politiegegevens")
    ]
    assert wpg
    prefix, exact, suffix = quote(g, wpg[0])
    assert exact == "Wet Politiegegevens"
    assert prefix.endswith("(AVG), alsook de ") and suffix.startswith(" (Wpg), de Wet")


def test_iris_stay_when_an_unrelated_part_of_the_text_changes(ind_result, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = IND.read_text(encoding="utf-8")
    # question 1 extracted with more text: every offset after it moves
    changed = text.replace(
        "Kunt u aangeven waarom geen ruchtbaarheid",
        "Kunt u, zo vragen wij, aangeven waarom geen ruchtbaarheid",
        1,
    )
    assert changed != text
    other = tmp_path / IND.name
    other.write_text(changed, encoding="utf-8")
    before = ind_result.graph
    after = process_file(other, identifier=IND_ID).graph

    def iris(g: Graph) -> set[str]:
        return {str(s) for s in set(g.subjects()) if isinstance(s, URIRef)}

    moved = iris(before) ^ iris(after)
    assert iris(before) and not moved, sorted(moved)[:5]
    # the offsets did move
    a5 = URIRef(ID + f"answer/{IND_ID}-5")
    start = lambda g: g.value(g.value(a5, KGO.textSelector), OA.start)  # noqa: E731
    assert int(start(after)) == int(start(before)) + len(", zo vragen wij,")
