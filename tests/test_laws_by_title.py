"""Laws outside the vocabulary, found by the shape of their title (issue 14)."""

from __future__ import annotations

from pathlib import Path

from rdflib import RDF, Literal, URIRef
from rdflib.namespace import SKOS

from kggraph.pipeline import process_file, process_items
from kggraph.rdf import ELI, SCHEMA

FIXTURES = Path(__file__).parent / "fixtures"
BASE = "https://w3id.org/kggraph/id/"


def by_title(path: Path) -> list[tuple[str, str | None, str | None, str]]:
    doc = process_items(path)[0].document
    return [(m.concept, m.article, m.block, m.surface) for m in doc.mentions if m.names]


def test_an_act_and_a_decree_of_1974_with_their_articles() -> None:
    # ah-tk-19741975-124: "artikel 72 van de Woningwet", "artikel 15 van het Besluit
    # geldelijke steun volkshuisvesting"
    assert by_title(FIXTURES / "ocr" / "sgd0000199230.ocr.txt") == [
        ("law/woningwet", None, "question:2", "Woningwet"),
        (
            "law/besluit-geldelijke-steun-volkshuisvesting",
            "15",
            "question:3",
            "Besluit geldelijke steun volkshuisvesting",
        ),
        ("law/woningwet", "72", "question:3", "Woningwet"),
        ("law/woningwet", "72", "answer:2", "Woningwet"),
        (
            "law/besluit-geldelijke-steun-volkshuisvesting",
            "15",
            "answer:3",
            "Besluit geldelijke steun volkshuisvesting",
        ),
    ]


def test_a_law_by_title_is_a_law_in_the_graph() -> None:
    result = process_items(FIXTURES / "ocr" / "sgd0000199230.ocr.txt")[0]
    law = URIRef(BASE + "law/woningwet")
    assert {ELI.LegalResource, SCHEMA.Legislation} <= set(result.graph.objects(law, RDF.type))
    assert list(result.graph.objects(law, SKOS.prefLabel)) == [Literal("Woningwet", lang="nl")]
    assert result.report is not None and result.report.conforms


def test_a_compound_title_in_a_word_text() -> None:
    assert by_title(FIXTURES / "text" / "ah-tk-20242025-612.docx.txt") == [
        ("law/gasketelwet", None, f"question:{n}", "Gasketelwet") for n in (1, 2, 4, 5)
    ]


def test_a_law_in_the_vocabulary_keeps_its_official_id() -> None:
    doc = process_file(
        FIXTURES / "text" / "kamervragen-2022-ind-erkend-referenten.txt",
        identifier="kamervragen-2022-ind-erkend-referenten",
    ).document
    laws = {m.concept for m in doc.mentions if m.scheme == "laws"}
    assert "law/BWBR0045754" in laws  # Wet open overheid
    assert not any(m.names for m in doc.mentions)
