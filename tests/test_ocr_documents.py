"""Every OCR page of the archive in tests/fixtures/ocr (1919–1994) builds, each item a
document with its own identifier, and conforms (issue 14): a page nobody annotated never
fails — what the parser could not read shows as self-check warnings instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from kggraph.pipeline import process_items

OCR = Path(__file__).parent / "fixtures" / "ocr"
PAGES = sorted(OCR.glob("*.ocr.txt"))


def test_the_fixture_pages_are_all_here() -> None:
    listed = {line.split("\t")[0] for line in (OCR / "INDEX.tsv").read_text().splitlines()[1:]}
    assert {p.name for p in PAGES} == listed
    assert len(PAGES) == 47


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_every_page_builds_and_conforms(page: Path) -> None:
    results = process_items(page)
    assert results
    assert all(r.identifier for r in results)  # the masthead's, else from the content hash
    assert len({r.identifier for r in results}) == len(results)
    assert all(r.report is not None and r.report.conforms for r in results)


def test_numbered_questions_before_the_answer_are_no_footnotes() -> None:
    # sgd0000166166 (ah-tk-19791980-1): "1 Is de bewindsman …?" and "2 Zo ja, …?" stand
    # right before the Antwoord heading like footnotes, and the masthead's "2" and "1"
    # looked like their markers: they were taken out as footnotes and the reader crashed
    [result] = process_items(OCR / "sgd0000166166.ocr.txt")
    d = result.document
    assert (result.identifier, d.kind) == ("ah-tk-19791980-1", "answer")
    assert [q.number for q in d.questions] == [1, 2]
    assert [a.numbers for a in d.answers] == [(1, 2)]
    assert d.footnotes == () and d.findings == ()
