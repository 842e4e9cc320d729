"""Issue 3 on every official PDF: no page furniture or footnote text in any question or
answer, every footnote complete, one question per 'Vraag' number, graphs conform."""

from __future__ import annotations

import re

import pytest
from conftest import PDF

from kggraph.pipeline import DocumentResult, process_file

PDFS = sorted(PDF.glob("*.pdf"))
FURNITURE = re.compile(r"Tweede Kamer, vergaderjaar|ISSN 0921|’s-Gravenhage 20\d\d|(?:ah|kv)-tk-\d")


@pytest.fixture(scope="module", params=PDFS, ids=lambda p: p.stem)
def result(request: pytest.FixtureRequest) -> DocumentResult:
    return process_file(request.param)


def test_identifier_is_the_one_printed(result: DocumentResult) -> None:
    assert result.identifier == result.document.source.identifier == PDF_ID[result.path]


def test_no_furniture_or_footnote_text_in_blocks(result: DocumentResult) -> None:
    d = result.document
    blocks = [q.text for q in d.questions] + [a.text for a in d.answers]
    for text in blocks:
        assert not FURNITURE.search(text), text
    for f in d.footnotes:
        # no block holds a footnote's whole text (a text may name what its footnote cites,
        # "Nederlandse Cybersecuritystrategie 2022–2028", so a title alone proves nothing)
        if len(f.text) >= 30:
            assert not any(f.text in text for text in blocks), (f.number, f.text)


def test_one_question_per_heading_number(result: DocumentResult) -> None:
    d = result.document
    numbers = [n for q in d.questions for n in [q.number]]
    assert numbers == sorted(set(numbers))
    headings = re.findall(
        r"^Vraag (\d+(?:(?:, | en | t/m )\d+)*)$", d.clean.text, flags=re.MULTILINE
    )
    expected = {int(n) for h in headings for n in re.findall(r"\d+", h)}
    assert set(numbers) == expected


def test_footnotes_are_numbered_from_one_and_complete(result: DocumentResult) -> None:
    numbers = [f.number for f in result.document.footnotes]
    assert numbers == list(range(1, len(numbers) + 1))
    for f in result.document.footnotes:
        assert f.text and not f.text.endswith("-"), (f.number, f.text)
    for c in result.document.citations:
        if c.url:
            assert " " not in c.url and not c.url.endswith(("-", "/-")), c.url


def test_graph_conforms(result: DocumentResult) -> None:
    assert result.report is not None
    assert result.report.conforms, [f.render() for f in result.report.findings]


PDF_ID = {str(p): p.stem for p in PDFS}
