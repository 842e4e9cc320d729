"""Cleaning steps, table-driven, on text taken from the real documents."""

from __future__ import annotations

import pytest
from conftest import IND, TEXT

from kggraph.clean import (
    clean,
    find_markers,
    normalise_characters,
    rejoin_urls,
    repair_hyphenation,
    tidy_whitespace,
)
from kggraph.extract.text import extract_text_file
from kggraph.mapped import Mapped


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Mutluer (GroenLinks-PvdA) en Kostic´ (PvdD)",
            "Mutluer (GroenLinks-PvdA) en Kostić (PvdD)",
        ),
        ("Wob\x81verzoek", "Wobverzoek"),
        ("Yes¸ilgöz", "Yeşilgöz"),
    ],
)
def test_normalise_characters(raw: str, expected: str) -> None:
    assert normalise_characters(Mapped.of(raw)).text == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("het bedrijfsbe-\nstuur", "het bedrijfsbestuur"),
        ("het onrechtma-\ntig gebruik", "het onrechtmatig gebruik"),
        (
            "motie Bouchallikh en Dekker-\nAbdulaziz c.s.",
            "motie Bouchallikh en Dekker-Abdulaziz c.s.",
        ),
        ("aanscherping van AVG-\nvereisten", "aanscherping van AVG-vereisten"),
        ("het lid (GroenLinks-\nPvdA)", "het lid (GroenLinks-PvdA)"),
        ("risicomodellen/-\nprofielen te allen tijde", "risicomodellen/-profielen te allen tijde"),
        ("gezondheids-\nen welzijnszorg", "gezondheids-\nen welzijnszorg"),
    ],
)
def test_repair_hyphenation(raw: str, expected: str) -> None:
    assert repair_hyphenation(Mapped.of(raw)).text == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "https://www.vpro.nl/\nargos/lees/onderwerpen/artikelen/2022/x.html",
            "https://www.vpro.nl/argos/lees/onderwerpen/artikelen/2022/x.html",
        ),
        (
            "https://www.rijksoverheid.nl/documenten/rapporten/2021/06/10/handreiking-non-discriminatie-"
            "\n\nby-design",
            "https://www.rijksoverheid.nl/documenten/rapporten/2021/06/10/handreiking-non-discriminatie-"
            "by-design",
        ),
        (
            "«Aandacht», https://\n\nwww.rekenkamer.nl/publicaties",
            "«Aandacht», https://www.rekenkamer.nl/publicaties",
        ),
    ],
)
def test_rejoin_urls(raw: str, expected: str) -> None:
    assert rejoin_urls(Mapped.of(raw)).text == expected


def test_tidy_whitespace_keeps_offsets() -> None:
    m = tidy_whitespace(Mapped.of("geven \n aan dit advies"))
    assert m.text == "geven\naan dit advies"
    assert m.idx[m.text.index("aan")] == 8


@pytest.mark.parametrize(
    ("text", "numbers", "expected"),
    [
        ("bij «erkend referenten»?1 2 \n", [1, 2], [(1, "1"), (2, "2")]),
        ("moties Marijnissen c.s. en Klaver c.s.3 (hierna", [3], [(3, "3")]),
        ("Bij brief van 14 december 202112 bent u", [12], [(12, "12")]),
        (
            "Minister voor Rechtsbescherming?15 16 17 \n",
            [15, 16, 17],
            [(15, "15"), (16, "16"), (17, "17")],
        ),
        ("artikel 5.4 van de wet\nonacceptabel»?\n1\nVraag 2", [1, 4], [(1, "1")]),
        ("Kamervragen van 9 augustus\n2 is al aangegeven", [2], [(2, "2")]),
        ("is afgenomen? 1)\n", [1], [(1, "1)")]),
        ("in 2021 en nr. 3 van 2022", [3, 21], []),
    ],
)
def test_find_markers(text: str, numbers: list[int], expected: list[tuple[int, str]]) -> None:
    found = find_markers(text, numbers)
    assert [(n, text[p:q]) for n, p, q in found] == expected


def test_ind_erkend_footnotes_leave_the_body() -> None:
    src = extract_text_file(IND)
    ct = clean(src)
    assert [f.number for f in ct.footnotes] == list(range(1, 18))
    assert ct.footnotes[0].text == (
        "Argos, 7 mei 2022, «IND registreerde afkomst voor risicoprofilering», "
        "https://www.vpro.nl/argos/lees/onderwerpen/artikelen/2022/"
        "ind-registreerde-afkomst-voor-risicoprofilering.html"
    )
    assert ct.footnotes[16].text == (
        "Kamerstuknummer 26 643, nr. 570, Kamerstuk 26 643, nr. 570 | Overheid.nl > "
        "Officiële bekendmakingen (officielebekendmakingen.nl)"
    )
    assert "Argos, 7 mei 2022" not in ct.text
    assert "Besluit op Wob-verzoek Wob besluit" not in ct.text
    assert "uitvoering te geven\naan dit advies, omdat er in praktijk" in ct.text
    assert "bedrijfsbestuur" in ct.text and "bedrijfsbe-" not in ct.text


def test_offsets_point_back_into_the_source() -> None:
    src = extract_text_file(IND)
    ct = clean(src)
    at = ct.text.index("Van der Burg")
    span = ct.source_span(at, at + len("Van der Burg"))
    assert src.text[span.start : span.end] == "Van der Burg"
    for marker in ct.markers:
        assert src.text[marker.span.start : marker.span.end] == str(marker.number)
    for footnote in ct.footnotes:
        assert src.text[footnote.span.start : footnote.span.end].startswith(footnote.text[:10])


def test_page_furniture_removed_from_limburg_text() -> None:
    ct = clean(extract_text_file(TEXT / "ah-tk-20242025-545.pdf.txt"))
    assert "ISSN" not in ct.text
    assert "Tweede Kamer, vergaderjaar" not in ct.text
    assert "ah-tk-20242025-545" not in ct.text
    assert [f.number for f in ct.footnotes] == [1, 2, 3, 4, 5]
    assert ct.footnotes[4].text == "Eerste Kamer, 36 373, H"
