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


def test_each_item_of_a_page_keeps_its_own_footnotes() -> None:
    # sgd0000158604 prints two items: the footnote of the second one's question 1 stands
    # before its own "Brief" heading, not before the page's first heading
    first, second = process_items(OCR / "sgd0000158604.ocr.txt")
    assert (first.identifier, second.identifier) == ("ah-tk-19801981-189", "ah-tk-19801981-190")
    [note] = second.document.footnotes
    assert (note.number, note.text, note.block) == (
        1,
        "«de Volkskrant» van 14 december 1978.",
        "question:1",
    )


@pytest.mark.parametrize(
    ("page", "identifier", "text"),
    [
        # "… tegen afbraakprijzen?' 2 Acht u" and the footnote "' Cobouwdd. 10oktoberjl."
        ("sgd0000149633.ocr.txt", "ah-tk-19811982-180", "Cobouwdd. 10oktoberjl."),
        # "… door het kabinet zullen worden geformuleerd '? 2 Zo neen"
        (
            "sgd0000188472.ocr.txt",
            "ah-tk-19761977-553",
            "Zie Handelingen dezer Kamer, zitting 1976-1977, blz. 1834, eerste kolom.",
        ),
    ],
)
def test_a_superscript_one_read_as_a_quote_mark_is_a_marker(
    page: str, identifier: str, text: str
) -> None:
    result = next(r for r in process_items(OCR / page) if r.identifier == identifier)
    [note] = result.document.footnotes
    assert (note.number, note.text, note.block) == (1, text, "question:1")
    assert "'" not in result.document.questions[0].text[-3:]  # the marker left the text


def test_answers_that_point_elsewhere() -> None:
    # ah-tk-19761977-553: "1 en 2 Voor beantwoording van deze vragen kan verwezen worden naar
    # het antwoord op de vragen van de heren Jansen en Van der Hek (zie Aanhangsel …, nr. 554)"
    result = next(
        r for r in process_items(OCR / "sgd0000188472.ocr.txt") if r.identifier.endswith("-553")
    )
    [answer] = result.document.answers
    assert (answer.numbers, answer.refers_to, answer.referral_only) == ((1, 2), (), True)
    # ah-tk-19861987-864: "4 Het antwoord op vraag 1 geldt mutaties mutandis van deze vraag.
    # Zie voorts het antwoord op vraag 6." — and "vraag 6." is no answer's number
    [result] = process_items(OCR / "sgd0000107672.ocr.txt")
    by_number = {a.numbers: a for a in result.document.answers}
    assert by_number[(4,)].refers_to == (1, 6)
    assert by_number[(4,)].text.endswith("Zie voorts het antwoord op vraag 6.")
