"""The archive's OCR pages (1974–1995): what cleaning must do differently for them.

The pages were printed in two columns and linearised by OCR: the hyphens of the columns'
line breaks stay inside words, and the footnotes of the questions stand together on the
line(s) just before the "Antwoord" heading, several to a line ("1 Volkskrant, 4 september
1991 2 Brief van 19 juni jl."), the first number often read as a quote mark ("' Landelijke
Huisartsen Vereniging."). The footnote zone is found by that place and by the numbering
restarting at 1, and kept only when the questions hold a marker for each of its numbers.

>>> page = ("Vragen van het lid A (CDA) over B. (Ingezonden 1 mei 1990)\\n1 Kent u de SER1 "
...         "nota?\\n2 Hoe?\\n1 Brief van 19 juni jl.\\nAntwoord\\nAntwoord van Minister C (D). "
...         "(Ontvangen 2 juni 1990)\\n1 Ja.")
>>> [page[z.start:z.end] for z in footnote_zones(page, [])]
['1 Brief van 19 juni jl.']
>>> [(n, m.text) for n, m in split_footnotes(page, footnote_zones(page, []))]
[(1, 'Brief van 19 juni jl.')]
"""

from __future__ import annotations

import re

from .mapped import Mapped
from .model import Span
from .patterns import pattern

ONE = "'’‘Il"  # how OCR reads a superscript 1


def is_archive_page(text: str) -> bool:
    """A page of the archive (1974–1995 and earlier), by its masthead."""
    return pattern("archive_masthead").match(text) is not None


def repair_inline_hyphens(m: Mapped) -> Mapped:
    """Rejoin words whose line-break hyphen stayed inside them ("be-perking" →
    "beperking"), keeping double names ("Muller-van Ast")."""
    return m.sub(pattern("hyphen_inline"), "")


def _numbered(text: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """(number, start of the number, start of its text) of footnotes 1, 2, 3 … in order
    within ``text[start:end]``, the first at ``start``."""
    out: list[tuple[int, int, int]] = []
    expected = 1
    regex = pattern("archive_footnote_number")
    pos = start
    while pos < end:
        m = regex.match(text, pos, end) if not out else regex.search(text, pos, end)
        if m is None:
            break
        written = m["n"]
        n = 1 if written in ONE else int(written)
        if n == expected:
            out.append((n, m.start("n"), m.end()))
            expected += 1
        elif not out:
            break
        pos = m.end()
    return out


def footnote_zones(text: str, furniture: list[Span]) -> list[Span]:
    """The footnotes of the questions of each item on the page: the line(s) right before
    its answer heading (or at the end of the item without one) that number 1, 2, … — kept
    when the item's questions have a marker for each number."""
    headers = list(pattern("question_header").finditer(text))
    if not headers:
        date = pattern("submitted_date").search(text)
        zone = _zone(text, furniture, date.end() if date else 0, len(text))
        return [zone] if zone else []
    zones = []
    for i, header in enumerate(headers):
        stop = headers[i + 1].start() if i + 1 < len(headers) else len(text)
        date = pattern("submitted_date").search(text, header.start(), header.end() + 1)
        zone = _zone(text, furniture, date.end() if date else header.end(), stop)
        if zone:
            zones.append(zone)
    return zones


def _zone(text: str, furniture: list[Span], questions_from: int, stop: int) -> Span | None:
    """The footnote zone of the item whose questions begin at ``questions_from`` and which
    ends at ``stop``, or None."""
    from .clean import is_marker, marker_candidates

    heading = pattern("answer_heading_inline").search(text, questions_from, stop)
    end = heading.start() if heading else stop
    lines = [
        m
        for m in re.finditer(r"(?m)^.*$", text[:end])
        if m.group(0).strip() and m.start() >= questions_from
    ]
    lines = [m for m in lines if not any(s.start <= m.start() < s.end for s in furniture)]
    for first in range(max(0, len(lines) - 3), len(lines)):
        start = lines[first].start()
        found = _numbered(text, start, end)
        if not found or start <= questions_from:
            continue
        bounds = [f[1] for f in found[1:]] + [lines[-1].end()]
        if any(text[f[2] : b].rstrip().endswith("?") for f, b in zip(found, bounds, strict=True)):
            continue  # a question, not a footnote
        before = text[questions_from:start]
        if all(
            any(is_marker(before, p, q, None) for p, q in marker_candidates(before, n, ocr=True))
            for n, *_ in found
        ):
            return Span(start, lines[-1].end())
    return None


def split_footnotes(text: str, zones: list[Span]) -> list[tuple[int, Mapped]]:
    """Each footnote's number and text, several of them to a line."""
    out: list[tuple[int, Mapped]] = []
    for zone in zones:
        found = _numbered(text, zone.start, zone.end)
        bounds = [f[1] for f in found[1:]] + [zone.end]
        for (n, _at, body), stop in zip(found, bounds, strict=True):
            piece = text[body:stop].rstrip()
            out.append((n, Mapped.of(piece, body)))
    return out
