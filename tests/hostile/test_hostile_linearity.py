"""Thousands of headings or bare numbers cost time in proportion to their size (issue 13,
points 1 and 3; the one hang of the seeded fuzz run).

Before: a question heading repeated 100,000 times took the block step quadratic time (a
copy of the rest of the list per question: 800 KB, some 8 s against 1 s for real text),
and 39,000 lines "1 " (140 KB) became 39,000 self-check findings, 628,000 triples and a
20-second SHACL run before the triple limit could see them.
"""

from __future__ import annotations

import time
from functools import cache
from pathlib import Path

import pytest
from hostile import NORMAL, TEXT, ratio

from kggraph.extract.text import source_from_text
from kggraph.lexicon import load_lexicon
from kggraph.parse import parse_items
from kggraph.pipeline import MAX_FINDINGS, MAX_REFERENCES, DocumentTooLarge, process_items

N = 800_000
MAX_RATIO = 4.0


@cache
def plain() -> str:
    """``N`` characters of real documents (the text fixtures, repeated)."""
    real = "".join(p.read_text(encoding="utf-8") for p in sorted(TEXT.glob("*.txt")))
    return (real * (N // len(real) + 1))[:N]


def filled(lines: str) -> str:
    """The normal document with ``lines`` repeated in its middle, ``N`` characters long."""
    normal = NORMAL.read_text(encoding="utf-8")
    half = len(normal) // 2
    return normal[:half] + lines * ((N - len(normal)) // len(lines)) + normal[half:]


def cpu_seconds(text: str) -> float:
    """CPU seconds (other jobs on the machine do not count) to clean and parse ``text``,
    best of two."""
    lexicon = load_lexicon()
    best = float("inf")
    for _ in range(2):
        started = time.process_time()
        parse_items(source_from_text(text, path="x.txt"), fallback="x", lexicon=lexicon)
        best = min(best, time.process_time() - started)
    return best


CASES = {
    "a question heading repeated": "Vraag 2\n",
    "an answer heading repeated": "Antwoord 1\n",
    "a bare footnote number repeated": "1 \n",
    "question and answer headings alternating": "Vraag 2\nAntwoord 1\n",
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_parsing_is_linear_in_repeated_headings(case: str) -> None:
    base = cpu_seconds(plain())
    seconds = cpu_seconds(filled(CASES[case]))
    assert seconds / base <= MAX_RATIO, (
        f"{case}: {seconds:.2f} s on {N:,} characters is {seconds / base:.1f}× the "
        f"{base:.2f} s on real text (limit {MAX_RATIO:g}×)"
    )


def test_numbered_questions_and_answers_are_linear() -> None:
    normal = NORMAL.read_text(encoding="utf-8")
    pairs = "".join(f"Vraag {i}\nAntwoord {i}\n" for i in range(1, 30_000))
    text = normal + pairs
    assert cpu_seconds(text) / cpu_seconds(plain()[: len(text)]) <= MAX_RATIO


def refused_in_bounded_time(path: Path, reason: str) -> None:
    """``path`` ends in a :class:`DocumentTooLarge` whose message matches ``reason``, in at
    most 10 times the time of the normal document."""
    with pytest.raises(DocumentTooLarge, match=reason):
        process_items(path)
    refused = ratio(
        lambda: pytest.raises(DocumentTooLarge, process_items, path),
        lambda: process_items(NORMAL),
    )
    assert refused < 10


def test_thousands_of_findings_end_in_a_named_error_in_bounded_time(tmp_path: Path) -> None:
    path = tmp_path / "ah-tk-20242025-997.pdf.txt"
    path.write_text(filled("1 \n")[:140_000] + "\nAntwoord 25\nJa.\n", encoding="utf-8")
    refused_in_bounded_time(
        path, rf"too many self-check findings \(\d{{5}}; the limit is {MAX_FINDINGS}\)"
    )


def test_thousands_of_citations_end_in_a_named_error_in_bounded_time(tmp_path: Path) -> None:
    """Before: 20,000 lines citing a Kamerstuk and a motion (800 KB) were mapped to
    217,000 triples in 9 s before the triple limit could see them."""
    path = tmp_path / "ah-tk-20242025-996.pdf.txt"
    lines = "".join(f"Zie Kamerstuk 3{i}, nr. 3 en motie 2{i}.\n" for i in range(3_000))
    normal = NORMAL.read_text(encoding="utf-8")
    path.write_text(normal[: len(normal) // 2] + lines + normal[len(normal) // 2 :], "utf-8")
    refused_in_bounded_time(
        path,
        rf"too many citations, motions and mentions \(\d{{4}}; the limit is {MAX_REFERENCES}\)",
    )
