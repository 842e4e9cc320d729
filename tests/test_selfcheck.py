"""The parser checks itself (issue 14): a block, footnote or header field lost on a real
document shows as a SHACL warning, and a complete document has none."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, Graph
from rdflib.namespace import SH

from kggraph.cli import main
from kggraph.extract.text import source_from_text
from kggraph.parse import parse
from kggraph.parse.selfcheck import CODES
from kggraph.rdf import KGO, finding_class, to_graph
from kggraph.resources import resource_dir
from kggraph.validate import validate_graph

TEXT = Path(__file__).parent / "fixtures" / "text"
IND = (TEXT / "kamervragen-2022-ind-erkend-referenten.txt").read_text(encoding="utf-8")
IND_ID = "kamervragen-2022-ind-erkend-referenten"


def findings(text: str, ident: str = IND_ID) -> list[tuple[str, str]]:
    doc = parse(source_from_text(text, path=f"{ident}.txt"), identifier=ident)
    return [(f.code, f.message) for f in doc.findings]


def test_the_complete_ind_document_has_no_findings() -> None:
    assert findings(IND) == []


def test_a_lost_question_heading_is_found() -> None:
    lost = IND.replace("\nVraag 5\n", "\n", 1)
    assert findings(lost) == [
        (
            "question-numbering",
            "question numbers skip 5 (found 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13)",
        ),
        ("answer-numbering", "Antwoord 5 answers question 5, which the document does not ask"),
    ]


def test_a_lost_answer_heading_is_found() -> None:
    lost = IND.replace("\nAntwoord 5\n", "\n", 1)
    assert findings(lost) == [
        ("unanswered-question", "question 5 has no answer block or referral"),
    ]


def test_a_lost_answer_line_leaves_the_header_incomplete() -> None:
    start = IND.index("Antwoord van Staatssecretaris")
    end = IND.index("2942 \n") + len("2942 \n")
    assert findings(IND[:start] + IND[end:]) == [
        ("header-missing", "answer without answerer, received"),
    ]


def test_text_between_the_answer_line_and_the_first_answer_is_reported() -> None:
    # ah-tk-19901991-525 (OCR, 1991): the answer is one unnumbered text, but "Aarts.1 Daarin"
    # (a footnote marker after a full stop) reads as answer 1, so the answer's first
    # paragraph belongs to no block: the self-check says so instead of losing it silently
    from kggraph.pipeline import process_items

    page = Path(__file__).parent / "fixtures" / "ocr" / "sgd0000027798.ocr.txt"
    [result] = process_items(page)
    assert [(f.code, f.message) for f in result.document.findings] == [
        (
            "unassigned-text",
            "251 characters after the answer line, before Antwoord 1, belong to no answer: "
            "«Na ampel beraad is het kabinet tot de conclusie gekomen dat »",
        )
    ]
    # the answer line itself was read: "minister president Lubbers (algemene zaken)"
    post = result.document.header.answerer_post
    assert (result.document.header.answerer.family, post.role, post.portfolio) == (
        "Lubbers",
        "Minister-President",
        "Algemene Zaken",
    )


def test_every_check_has_a_class_and_a_warning_shape() -> None:
    ontology = Graph().parse(resource_dir("ontology") / "kggraph.ttl")
    shapes = Graph().parse(resource_dir("shapes") / "kggraph-selfcheck.ttl")
    for code in CODES:
        cls = finding_class(code)
        assert (cls, RDF.type, None) in ontology, code
        shape = next(shapes.subjects(SH.targetClass, cls))
        prop = shapes.value(shape, SH.property)
        assert shapes.value(prop, SH.severity) == SH.Warning, code


def test_findings_are_shacl_warnings_with_message_and_location() -> None:
    lost = IND.replace("\nAntwoord 5\n", "\n", 1)
    doc = parse(source_from_text(lost, path=f"{IND_ID}.txt"), identifier=IND_ID)
    graph = to_graph(doc)
    assert len(list(graph.subjects(RDF.type, KGO.UnansweredQuestionFinding))) == 1
    report = validate_graph(graph)
    assert report.conforms
    [warning] = [f for f in report.findings if f.severity == "Warning"]
    assert warning.message.startswith("In an answer document a question has no answer block")
    assert warning.value == "question 5 has no answer block or referral"
    assert warning.location == f"{IND_ID}: page 2, characters 5143–6521"  # Vraag 5…


def test_build_says_conforms_with_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / f"{IND_ID}.txt"
    source.write_text(IND.replace("\nAntwoord 5\n", "\n", 1), encoding="utf-8")
    assert main(["build", str(source), "--id", IND_ID, "-o", str(tmp_path / "out.ttl")]) == 0
    out, err = capsys.readouterr()
    assert "13 questions, 12 answers" in out and "— conforms, 1 warning(s)" in out
    assert f"{IND_ID}: Warning: In an answer document a question has no answer block" in err
    assert "value: question 5 has no answer block or referral" in err
    assert f"source: {IND_ID}: page 2, characters 5143–6521" in err
