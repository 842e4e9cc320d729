"""Cleaning: a :class:`SourceText` → :class:`CleanText` (body, footnotes, markers).

Named steps, each a small function over :class:`Mapped` text so that every character
keeps its source offset:

- ``normalise_characters``: Unicode spaces folded, control characters, spaced accents
  ("Kostic´" → "Kostić"), NFC;
- ``furniture_spans``: running footers, id/ISSN lines, the masthead;
- ``footnote_zones`` and ``split_footnotes``: footnote blocks at the foot of a page,
  taken out of the running text (which is rejoined) and kept as footnotes;
- ``tidy_whitespace``, ``repair_hyphenation``, ``rejoin_urls``;
- ``find_markers``: footnote reference markers fused to the text ("referenten»?1 2",
  "c.s.3", "202112" = year 2021 + marker 12), found with the footnote numbering.

>>> repair_hyphenation(Mapped.of("het bedrijfsbe-\\nstuur en Dekker-\\nAbdulaziz")).text
'het bedrijfsbestuur en Dekker-Abdulaziz'
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable

from . import archive as archive_footnotes
from .archive import is_archive_page as archive_page
from .archive import repair_inline_hyphens
from .mapped import Mapped
from .model import CleanText, FootnoteText, Marker, SourceText, Span
from .patterns import pattern

HEADING_LINE = re.compile(r"^[ \t]*(?:Vraag|Vragen|Antwoord|Mededeling)\b", re.MULTILINE)
MARKER_FUSED_BEFORE = set(")»”\"’'?!.,:;%")
YEAR_PREFIX = re.compile(r"(?:19|20)\d\d$")


# --- character and whitespace steps ---------------------------------------------------


def normalise_characters(m: Mapped) -> Mapped:
    """Fold Unicode spaces and line separators, drop control characters, compose spaced
    accents, normalise to NFC.

    >>> normalise_characters(Mapped.of("Zo\\u2003nee,\\u3000\\u3000waarom\\u2029")).text
    'Zo nee,  waarom\\n'
    """
    m = m.sub(pattern("unicode_line_break"), "\n")  # before control_chars takes U+0085
    m = m.sub(pattern("unicode_space"), " ")
    m = m.sub(pattern("control_chars"), "")

    def compose(match: re.Match[str]) -> str:
        accent = {
            "´": "\u0301",
            "ˊ": "\u0301",
            "ˋ": "\u0300",
            "`": "\u0300",
            "¨": "\u0308",
            "ˆ": "\u0302",
            "˜": "\u0303",
            "¸": "\u0327",
            "ˇ": "\u030c",
        }
        combined = unicodedata.normalize("NFC", match["letter"] + accent[match["accent"]])
        return combined if len(combined) == 1 else match[0]

    m = m.sub(pattern("spaced_acute"), compose)
    if unicodedata.is_normalized("NFC", m.text):
        return m
    return m.sub(re.compile(r"[^\x00-\x7f]\W*"), lambda x: unicodedata.normalize("NFC", x[0]))


def tidy_whitespace(m: Mapped) -> Mapped:
    """Strip spaces at line edges, fold runs of spaces and of blank lines."""
    m = m.sub(pattern("line_edge_space"), "")
    m = m.sub(pattern("inner_space_run"), " ")
    return m.sub(pattern("blank_lines"), "\n\n")


def unglue_function_words(m: Mapped) -> Mapped:
    """Put back the space pypdf lost after a short word: "deWet" → "de Wet"."""
    return m.sub(pattern("glued_function_word"), lambda x: x["w"] + " ")


def repair_hyphenation(m: Mapped) -> Mapped:
    """Rejoin words hyphenated at a line end; keep the hyphen where it belongs to the word."""
    m = m.sub(pattern("hyphen_break"), "")
    return m.sub(pattern("hyphen_keep"), lambda x: x[0].replace("\n", ""))


def rejoin_urls(m: Mapped) -> Mapped:
    """Join URLs broken over lines (or over a blank line)."""
    regex = pattern("url_open_end")
    while True:
        joined = m.sub(regex, lambda x: x["url"])
        if joined.text == m.text:
            return m
        m = joined


def one_line(m: Mapped) -> Mapped:
    """Newlines → spaces (1:1, offsets unchanged), then fold double spaces."""
    flat = Mapped(m.text.replace("\n", " "), m.idx)
    return flat.sub(re.compile(r" {2,}"), " ").sub(re.compile(r"^ +| +$"), "")


# --- page furniture -------------------------------------------------------------------


def furniture_spans(src: SourceText) -> list[Span]:
    """Running footers, id and ISSN lines, masthead lines and the masthead number."""
    if src.furniture:
        return list(src.furniture)
    text = src.text
    spans = [
        Span(m.start(), m.end())
        for name in (
            "running_footer",
            "id_line",
            "issn",
            "masthead_line",
            "archive_footer",
            "archive_printer",
        )
        for m in pattern(name).finditer(text)
    ]
    header = re.search(r"^[ \t]*Vragen? van", text, re.MULTILINE)
    limit = header.start() if header else min(len(text), 400)
    has_masthead = any(True for _ in pattern("masthead_line").finditer(text, 0, limit))
    numbers = list(pattern("number_line").finditer(text, 0, limit)) if has_masthead else []
    if numbers:
        number = numbers[-1]
        spans.append(Span(number.start(), number.end()))
    return sorted(spans)


def _overlaps(a: int, b: int, spans: Iterable[Span]) -> bool:
    return any(s.start < b and a < s.end for s in spans)


# --- footnote markers -----------------------------------------------------------------


def _marker_at(text: str, p: int, q: int, previous_end: int | None) -> bool:
    """Is ``text[p:q]`` (a footnote number) a reference marker where it stands?"""
    after = text[q] if q < len(text) else "\n"
    if after.isalnum():
        return False
    before = text[p - 1] if p > 0 else "\n"
    if before.isdigit():  # "14 december 202112": the year 2021, then marker 12
        return bool(YEAR_PREFIX.search(text[max(0, p - 4) : p])) and (
            p - 5 < 0 or not text[p - 5].isdigit()
        )
    if before.isalpha():
        return not re.match(r" ?\d{3}\b", text[q : q + 5])  # "Kamerstuk36 600"
    if before in MARKER_FUSED_BEFORE:
        return not (before in ".," and p > 1 and text[p - 2].isdigit())
    if before == " " and previous_end is not None and previous_end == p - 1:
        return True  # "?15 16 17"
    if before == " " and after == ")" and text[p - 2 : p - 1] != "(":
        return True  # Word texts: "… afgenomen? 1)"
    if before in " \n":
        line_start = text.rfind("\n", 0, p) + 1
        line_end = text.find("\n", q)
        line = text[line_start : line_end if line_end != -1 else len(text)]
        if pattern("marker_line").fullmatch(line):
            return True
        # pypdf puts a superscript after a line-final date on the next line:
        # "… van 9 augustus\n2 is al aangegeven"
        # (or before a comma: "Tajikistan\n3, Algerije4")
        if before == "\n" and re.match(r" [a-zà-ÿ]|, \S", text[q : q + 3]):
            return True
        # … and a superscript after a closing quote or a sentence end opens the next line:
        # "restitutiepolis verdwijnt\n1» en", "onder vuur»?\n1 Herkent u"
        closing = after in '»”’")'
        # "\n3. Hiermee": the marker before the sentence's full stop; but "\n2.\n" alone on
        # its line is a numbered item (Word texts)
        alone = text[q + 1 : q + 2] in ("\n", "")
        open_sentence = p > 1 and text[p - 2] not in ".?!:;\n"  # "… praktijken\n2.\n"
        ended = after in ".,;:?!" and (not alone or open_sentence)
        if before == "\n" and (closing or ended):
            return True
        stop = re.search(r"[?!.»”]\s*$", text[max(0, p - 3) : p - 1])
        capital = re.match(r" [A-ZÀ-Þ]", text[q : q + 2])
        return before == "\n" and stop is not None and capital is not None
    return False


def marker_candidates(
    text: str, number: int, start: int = 0, *, ocr: bool = False
) -> Iterable[tuple[int, int]]:
    """Positions where footnote ``number`` could be referenced, from ``start`` on; on OCR
    pages (``ocr``) also the quote marks that stand for a superscript 1, in text order."""
    digits = str(number)
    quotes = ocr_one_markers(text, start) if ocr and number == 1 else []
    pos = text.find(digits, start)
    while pos != -1:
        while quotes and quotes[0] < pos:  # in text order, lazily: callers stop early
            q = quotes.pop(0)
            yield q, q + 1
        yield pos, pos + len(digits)
        pos = text.find(digits, pos + 1)
    for q in quotes:
        yield q, q + 1


def ocr_one_markers(text: str, start: int = 0) -> list[int]:
    """Where a quote mark stands for a superscript 1 (``archive_one_marker``), leaving out
    closing quotes: a quote opened earlier on the same line, within 80 characters."""
    out = []
    for m in pattern("archive_one_marker").finditer(text, start):
        p = m.start()
        line_start = text.rfind("\n", 0, p) + 1
        if not OPENING_QUOTE.search(text, max(line_start, p - 80), p):
            out.append(p)
    return out


OPENING_QUOTE = re.compile(r"(?:^|(?<=[\s(]))['‘’][^\W\d_]", re.MULTILINE)


def is_marker(text: str, p: int, q: int, previous_end: int | None) -> bool:
    """A marker candidate of ``marker_candidates`` that is a marker where it stands (a quote
    mark it yields for OCR's 1 already is)."""
    return text[p:q] in ("'", "’") or _marker_at(text, p, q, previous_end)


def find_markers(
    text: str, numbers: Iterable[int], *, ocr: bool = False
) -> list[tuple[int, int, int]]:
    """(number, start, end) of each footnote marker, found in numbering order."""
    found: list[tuple[int, int, int]] = []
    cursor = 0
    previous_end: int | None = None
    for n in sorted(numbers):
        for p, q in marker_candidates(text, n, cursor, ocr=ocr):
            if is_marker(text, p, q, previous_end):
                if text[q : q + 1] == ")" and text[p - 1 : p] == " ":
                    q += 1  # "1)" style: the bracket belongs to the marker
                found.append((n, p, q))
                cursor, previous_end = q, q
                break
    return found


# --- footnote zones -------------------------------------------------------------------


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl == -1 else nl
        out.append((pos, stop))
        pos = stop + 1
    return out


def footnote_zones(src: SourceText, furniture: list[Span]) -> list[Span]:
    """The footnote blocks at the foot of each page, found with the footnote numbering."""
    if src.footnotes:
        return list(src.footnotes)
    text = src.text
    start_re = FootnoteStart()
    expected = 1
    zones: list[Span] = []
    for page in src.pages:
        lines = [
            (a, b)
            for a, b in _lines(text, page.start, page.end)
            if text[a:b].strip() and not _overlaps(a, b, furniture)
        ]
        for i, (a, _b) in enumerate(lines):
            m = start_re.match(text, a, lines[i][1])
            if not m or int(m["n"]) != expected:
                continue
            if any(HEADING_LINE.match(text, c, d) for c, d in lines[i + 1 :]):
                continue
            body_before = _strip_spans(text, 0, a, [*furniture, *zones])
            if not any(
                _marker_at(body_before, p, q, None)
                for p, q in marker_candidates(body_before, expected)
            ):
                continue
            zones.append(Span(a, lines[-1][1]))
            for c, d in lines[i:]:
                nxt = start_re.match(text, c, d)
                if nxt and int(nxt["n"]) == expected:
                    expected += 1
            break
    return zones


def _strip_spans(text: str, start: int, end: int, spans: list[Span]) -> str:
    """``text[start:end]`` with the spans blanked out (kept length: offsets stay valid)."""
    chars = list(text[start:end])
    for s in spans:
        for i in range(max(s.start, start), min(s.end, end)):
            chars[i - start] = " "
    return "".join(chars)


class FootnoteStart:
    """The first line of a footnote: ``footnote_start`` ("1 NOS, …", "1Kinderrechten.nl"),
    or a number glued to a zaak or document number ("32024Z15585/2024D37938" is footnote 3)."""

    def match(self, text: str, start: int, end: int) -> re.Match[str] | None:
        return pattern("footnote_start").match(text, start, end) or pattern(
            "footnote_start_zaak"
        ).match(text, start, end)


def split_footnotes(src: SourceText, zones: list[Span]) -> list[tuple[int, Mapped]]:
    """Each footnote's number and raw (mapped) text, in order."""
    start_re = FootnoteStart()
    out: list[tuple[int, Mapped]] = []
    expected = None
    for zone in zones:
        for a, b in _lines(src.text, zone.start, zone.end):
            m = start_re.match(src.text, a, b)
            if m and (expected is None or int(m["n"]) == expected):
                n = int(m["n"])
                out.append((n, Mapped.of(src.text[m.start("rest") : b], m.start("rest"))))
                expected = n + 1
            elif out:
                line = Mapped.of(src.text[a:b], a)
                prev_n, prev = out[-1]
                out[-1] = (prev_n, Mapped.concat([prev, Mapped("\n", [a - 1]), line]))
    return out


def clean_footnote(m: Mapped) -> Mapped:
    """A footnote's text on one line: blank lines dropped, URLs and words rejoined."""
    m = normalise_characters(m)
    m = m.sub(re.compile(r"[ \t]*\n[ \t]*(?:\n[ \t]*)*"), "\n")
    m = rejoin_urls(m)
    m = repair_hyphenation(m)
    return one_line(m)


# --- the whole step -------------------------------------------------------------------


def clean(src: SourceText) -> CleanText:
    """Clean ``src``: body text with offsets, footnotes, markers."""
    furniture = furniture_spans(src)
    archive = not src.footnotes and archive_page(src.text)
    if archive:
        zones = archive_footnotes.footnote_zones(src.text, furniture)
        raw_notes = archive_footnotes.split_footnotes(src.text, zones)
        footnotes = [(n, repair_inline_hyphens(clean_footnote(m))) for n, m in raw_notes]
    else:
        zones = footnote_zones(src, furniture)
        footnotes = [(n, clean_footnote(m)) for n, m in split_footnotes(src, zones)]

    body = Mapped.of(src.text).delete_source(
        [_with_blank_lines_before(src.text, z) for z in [*furniture, *zones]]
    )
    body = normalise_characters(body)
    body = tidy_whitespace(body)
    body = repair_hyphenation(body)
    # OCR keeps the columns' hyphens inside words; pypdf loses spaces after short words
    repair = repair_inline_hyphens if archive_page(src.text) else unglue_function_words
    body = repair(body)
    body = tidy_whitespace(body)

    numbers = [n for n, _ in footnotes]
    if src.markers:
        spans = sorted(src.markers)
        raw = [
            (n, i, j)
            for n, s in zip(numbers, spans, strict=False)
            for i, j in [_positions_of(body, s)]
            if i < j
        ]
    else:
        raw = find_markers(body.text, numbers, ocr=archive)
    placed, ranges = _marker_removal(body.text, raw)
    markers = [Marker(n, body.source_span(p, q), pos) for n, p, q, pos in placed]
    body = body.delete(ranges)
    return CleanText(
        text=body.text,
        offsets=tuple(body.idx),
        footnotes=tuple(
            FootnoteText(n, m.text, m.source_span(0, len(m.text)), tuple(m.idx))
            for n, m in footnotes
        ),
        markers=tuple(markers),
    )


def _with_blank_lines_before(text: str, span: Span) -> Span:
    """``span`` grown backwards over the white space before it, keeping one newline, so
    that the running text it interrupted joins up again ("geven\n\n[footnote] aan")."""
    start = span.start
    while start > 0 and text[start - 1] in " \t\n\u00a0":
        start -= 1
    if start < span.start and text[start] == "\n":
        start += 1
    return Span(start, span.end)


def _marker_removal(
    text: str, raw: list[tuple[int, int, int]]
) -> tuple[list[tuple[int, int, int, int]], list[tuple[int, int]]]:
    """Ranges to delete for the markers, and each marker's position in the result.

    A line holding nothing but markers ("2, 3 en 4") goes as a whole.
    """
    ranges: list[tuple[int, int]] = []
    anchors: list[int] = []
    for _n, p, q in raw:
        line_start = text.rfind("\n", 0, p) + 1
        line_end = text.find("\n", q)
        line_end = len(text) if line_end == -1 else line_end
        if pattern("marker_line").fullmatch(text, line_start, line_end):
            # A marker line belongs to the text before it: place the marker at the end of
            # the previous line, not at the start of the next heading.
            rng = (line_start, min(line_end + 1, len(text)))
            anchor = max(line_start - 1, 0)
        elif p == line_start and p > 0:
            # "…Tajikistan\n3, Algerije": the marker opened the line; the line break
            # before it goes too, so the sentence joins up ("Tajikistan, Algerije").
            rng = (p - 1, q)
            anchor = p - 1
        else:
            rng = (p, q)
            anchor = p
        if not ranges or ranges[-1] != rng:
            ranges.append(rng)
        anchors.append(anchor)
    out = []
    for (n, p, q), anchor in zip(raw, anchors, strict=True):
        removed = sum(min(b, anchor) - a for a, b in ranges if a < anchor)
        out.append((n, p, q, anchor - removed))
    return out, ranges


def _positions_of(body: Mapped, span: Span) -> tuple[int, int]:
    """The body range whose source offsets fall in ``span`` (empty when gone); the offsets
    of a Mapped text only ever increase, so two bisections find it."""
    start = bisect_left(body.idx, span.start)
    end = bisect_left(body.idx, span.end, lo=start)
    return (start, end) if start < end else (0, 0)
