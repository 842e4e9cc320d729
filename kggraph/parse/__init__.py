"""Parsing: clean text → :class:`kggraph.model.Document`. Never imports rdflib.

>>> from kggraph.extract.text import source_from_text
>>> doc = parse(source_from_text(
...     "Vragen van het lid Podt (D66) aan de Minister van Asiel en Migratie over X "
...     "(ingezonden 24 oktober 2024).\\nVraag 1\\nKunt u dit toelichten?\\n"),
...     identifier="kv-tk-2024Z1")
>>> doc.kind, [q.number for q in doc.questions], doc.header.askers[0].party
('questions', [1], 'D66')
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from ..archive import is_archive_page
from ..clean import clean
from ..dutch import dutch, parse_date
from ..errors import NotKamervragenError
from ..lexicon import Lexicon, load_lexicon
from ..model import (
    Answer,
    Citation,
    CleanText,
    Document,
    Footnote,
    Header,
    Marker,
    Question,
    SelfCheck,
    SourceText,
    Span,
)
from ..patterns import pattern
from .blocks import Block, block_at, expand_numbers, find_blocks
from .citations import find_mentions, find_motions, footnote_citations, text_citations
from .header import header_kind, parse_askers, parse_header
from .items import find_items, item_identifier
from .laws import find_law_titles
from .selfcheck import (
    check_answered,
    check_footnotes,
    check_gaps,
    check_header,
    check_headings_in_blocks,
    check_numbering,
    check_unassigned,
)

IDENTIFIER = re.compile(
    r"(?P<id>ah-[te]k-(?P<vj>\d{8})-(?P<nr>\d+)|kv-tk-(?P<zaak>\d{4}Z\d{5}|\d{8}-KVR\d+))"
)


def _flat(text: str) -> str:
    """Newlines → spaces, runs of spaces folded (for stored texts)."""
    return " ".join(text.split())


QUESTION_BREAK = re.compile(r"\?[ \t]*\n\s*(?=[A-ZÀ-Þ])(?!Zo\b)|\?(?=[A-ZÀ-Þ])(?!Zo\b)")


def split_group(text: str, count: int) -> list[tuple[int, int]] | None:
    """The ranges of the ``count`` questions of a grouped heading ("Vraag 3, 4 en 5"):
    split where a question ends and the next begins on a new line ("…nog?\nDeelt u") or
    glued by the extraction ("…onwenselijk?In het licht"); None unless that gives exactly
    ``count`` parts."""
    cuts = [m.start() + 1 for m in QUESTION_BREAK.finditer(text.rstrip())]
    if len(cuts) != count - 1:
        return None
    bounds = [0, *cuts, len(text)]
    return list(zip(bounds, bounds[1:], strict=False))


def _questions(clean_text: CleanText, blocks: list[Block]) -> tuple[Question, ...]:
    seen: set[int] = set()
    out = []
    for b in blocks:
        if b.kind != "question":
            continue
        body = clean_text.text[b.body_start : b.end]
        parts = split_group(body, len(b.numbers)) if len(b.numbers) > 1 else None
        for i, n in enumerate(b.numbers):
            if n in seen:
                continue
            seen.add(n)
            if parts:
                a, z = parts[i]
                start = b.start if i == 0 else b.body_start + a
                text = _flat(body[a:z])
                span = clean_text.source_span(start, b.body_start + z)
            else:
                text, span = _flat(body), clean_text.source_span(b.start, b.end)
            out.append(Question(n, text, span, b.numbers))
    return tuple(out)


def _answers(clean_text: CleanText, blocks: list[Block]) -> tuple[Answer, ...]:
    out: list[Answer] = []
    for b in blocks:
        if b.kind != "answer":
            continue
        text = _flat(clean_text.text[b.body_start : b.end])
        refers: list[int] = []
        rest = text
        for m in pattern("referral").finditer(text):
            refers += [n for n in expand_numbers(m["nums"]) if n not in refers]
            rest = rest.replace(m.group(0), " ")
        for m in pattern("referral_ordinal").finditer(text):
            n = dutch()["ordinals"].get(m["ordinal"])
            if n and n not in refers:
                refers.append(n)
                rest = rest.replace(m.group(0), " ")
        external = False
        for m in pattern("referral_external").finditer(rest):
            external = True
            rest = rest.replace(m.group(0), " ")
        only = (bool(refers) or external) and bool(pattern("referral_filler").fullmatch(rest))
        out.append(
            Answer(
                index=len(out) + 1,
                numbers=b.numbers,
                label=b.label,
                text=text,
                span=clean_text.source_span(b.start, b.end),
                refers_to=tuple(refers),
                referral_only=only,
            )
        )
    return tuple(out)


def identify(source: SourceText, explicit: str | None = None) -> str | None:
    """The document's identifier: explicit option, printed id, file name, masthead and
    item number ("Zitting 1982-1983" … "183") — or None."""
    if explicit:
        return explicit
    if source.identifier:
        return source.identifier
    m = pattern("id_line").search(source.text)
    if m:
        return m["id"]
    if source.path:
        name = re.search(IDENTIFIER, source.path.rsplit("/", 1)[-1])
        if name:
            return name["id"]
    return item_identifier(source.text, find_items(source.text)[0].number)


def parse_items(
    source: SourceText,
    *,
    identifier: str | None = None,
    fallback: str | None = None,
    lexicon: Lexicon | None = None,
) -> list[Document]:
    """Every Aanhangsel item of ``source`` parsed as a document of its own.

    A text with one item is :func:`parse` of the whole text, named ``identifier`` (or what
    :func:`identify` finds, else ``fallback``). On a page of several items each is named by
    the masthead and its own number; ``identifier``/``fallback`` with "-<n>" appended where
    the number is not legible.
    """
    lexicon = lexicon or load_lexicon()
    ct = clean(source)
    items = find_items(source.text)
    if len(items) == 1:
        doc_id = identify(source, identifier) or fallback
        return [parse(source, identifier=doc_id, lexicon=lexicon, clean_text=ct)]
    docs = []
    for n, item in enumerate(items, 1):
        own = None if identifier else item_identifier(source.text, item.number)
        base = identifier or fallback
        doc_id = own or (f"{base}-{n}" if base else None)
        part = ct.window(item.start, item.end)
        docs.append(parse(source, identifier=doc_id, lexicon=lexicon, clean_text=part))
    return docs


def parse(
    source: SourceText,
    *,
    identifier: str | None = None,
    lexicon: Lexicon | None = None,
    clean_text: CleanText | None = None,
) -> Document:
    """Parse ``source``; raise NotKamervragenError when it is no written-questions text."""
    lexicon = lexicon or load_lexicon()
    ct = clean_text or clean(source)
    text = ct.text
    blocks = find_blocks(text, archive=is_archive_page(source.text))
    header_end = blocks[0].start if blocks else len(text)
    header_text = text[:header_end]

    def span_of(a: int, b: int) -> Span:
        return ct.source_span(a, b)

    header = parse_header(header_text, 0, lexicon, span_of)
    notice = next((b for b in blocks if b.kind == "mededeling"), None)
    if notice is not None and not header.askers:
        header = _with_notice_askers(header, text, notice, span_of)
    line = next((b for b in blocks if b.kind == "answerline"), None)
    if line is not None:  # the older layout: the answer line follows the questions
        header = _with_answer_line(header, text, line, lexicon, span_of)
        header_text = f"{header_text}\n{text[line.start : line.end]}"
    archive = is_archive_page(source.text)  # its masthead says what it is: never refused
    if not blocks and header.question_span is None and header.answer_span is None and not archive:
        raise NotKamervragenError(
            "no 'Vragen van …' header and no 'Vraag N' blocks: not a Kamervragen document",
            path=source.path,
        )
    kind = header_kind(header_text)
    if kind == "questions" and any(b.kind == "answer" for b in blocks):
        kind = "answer"  # answer blocks but no legible "Antwoord van …" line
    if (
        kind == "answer"
        and not any(b.kind == "answer" for b in blocks)
        and any(b.kind == "mededeling" for b in blocks)
    ):
        kind = "postponement"

    def block_of(pos: int) -> str | None:
        return block_at(blocks, pos)

    markers = list(ct.markers)
    marker_block = {m.number: block_of(m.position) for m in markers}
    footnotes = tuple(
        Footnote(
            f.number,
            f.text,
            f.span,
            marker_block.get(f.number),
            next((m.span for m in markers if m.number == f.number), None),
        )
        for f in ct.footnotes
    )
    citations: list[Citation] = []
    for f in ct.footnotes:
        citations += footnote_citations(
            f.number, f.text, f.source_span, marker_block.get(f.number), lexicon
        )
    see_also = {r.span for r in header.see_also}
    citations += [
        c
        for c in text_citations(text, span_of, None)
        if c.span not in see_also and not any(s.start <= c.span.start < s.end for s in see_also)
    ]
    citations = _unique(citations)
    citations = [
        replace(c, block=c.block or block_of(_clean_pos(ct, c.span))) if c.footnote is None else c
        for c in citations
    ]
    footnote_texts = {f.number: f.text for f in ct.footnotes}
    motions = find_motions(text, span_of, block_of, markers, footnote_texts)
    mentions = find_mentions(text, span_of, block_of, lexicon)
    mentions += find_law_titles(text, span_of, block_of, lexicon, mentions)
    for f in ct.footnotes:
        mentions += find_mentions(
            f.text,
            f.source_span,
            _constant(f"footnote:{f.number}"),
            lexicon,
            schemes=("laws",),
        )
    questions = _questions(ct, blocks)
    answers = _answers(ct, blocks)
    unassigned, findings = self_check(
        ct, blocks, header, kind, questions, answers, footnotes, markers, header_end
    )
    m = IDENTIFIER.fullmatch(identifier or "")
    vergaderjaar = number = zaak = None
    if m and m["vj"]:
        vergaderjaar, number = f"{m['vj'][:4]}-{m['vj'][4:]}", int(m["nr"])
    elif m and m["zaak"]:
        zaak = m["zaak"]
    docx = pattern("docx_preamble").match(source.text)
    if docx and docx["zaak"]:
        zaak = zaak or docx["zaak"]
    return Document(
        identifier=identifier or "",
        kind=kind,
        source=source,
        clean=ct,
        header=header,
        vergaderjaar=vergaderjaar,
        number=number,
        zaaknummer=zaak,
        questions=questions,
        answers=answers,
        footnotes=footnotes,
        citations=tuple(citations),
        motions=tuple(motions),
        mentions=tuple(mentions),
        findings=tuple(findings),
        unassigned=unassigned,
    )


def _with_notice_askers(
    header: Header, text: str, notice: Block, span_of: Callable[[int, int], Span]
) -> Header:
    """A notice (Mededeling) that names the askers, and the date of their questions, only
    in its text: "Op 2 maart jl. hebben de leden X en Y (beiden Z) vragen gesteld …"."""
    body = text[notice.start : notice.end]
    m = pattern("postponement_body").search(body)
    if m is None:
        m = pattern("postponement_askers").search(body)
        if m is None:
            return header
        return replace(
            header, askers=parse_askers(m["askers"], notice.start + m.start("askers"), span_of)
        )
    askers = parse_askers(m["askers"], notice.start + m.start("askers"), span_of)
    submitted = header.submitted
    if submitted is None:
        year = int(m["year"]) if m["year"] else header.received.year if header.received else None
        asked = parse_date(f"{m['day']} {m['month']} {year}") if year else None
        if asked and not m["year"] and header.received and asked > header.received:
            asked = asked.replace(year=asked.year - 1)  # "jl." in January of a date in December
        submitted = asked
    return replace(header, askers=askers, submitted=submitted)


def _with_answer_line(
    header: Header, text: str, line: Block, lexicon: Lexicon, span_of: Callable[[int, int], Span]
) -> Header:
    """The header completed with the answer line that the older layout prints after the
    questions."""
    more = parse_header(text[line.start : line.end], line.start, lexicon, span_of)
    return replace(
        header,
        answerer=more.answerer,
        answerer_post=more.answerer_post,
        co_answerers=more.co_answerers,
        on_behalf_of=more.on_behalf_of,
        received=more.received,
        answer_span=more.answer_span,
        see_also=header.see_also + more.see_also,
    )


def self_check(
    ct: CleanText,
    blocks: list[Block],
    header: Header,
    kind: str,
    questions: tuple[Question, ...],
    answers: tuple[Answer, ...],
    footnotes: tuple[Footnote, ...],
    markers: list[Marker],
    header_end: int,
) -> tuple[int, list[SelfCheck]]:
    """Every completeness check of :mod:`.selfcheck`; the unassigned characters and the
    findings."""
    unassigned, leftover = check_unassigned(ct, header_end, header)
    between, gaps = check_gaps(ct, blocks)
    findings = [
        *check_numbering(blocks, questions, answers, ct),
        *check_answered(kind, questions, answers, ct.text[header_end:] or ct.text),
        *check_footnotes(footnotes, markers),
        *check_header(kind, header, ct.text),
        *leftover,
        *check_headings_in_blocks(ct, blocks),
        *gaps,
    ]
    return unassigned + between, findings


def _constant(where: str) -> Callable[[int], str | None]:
    """A block finder for text that stands wholly in one place (a footnote)."""
    return lambda _position: where


def _unique(citations: list[Citation]) -> list[Citation]:
    """One citation per (kind, key, footnote) — a footnote may name the same paper twice."""
    seen: set[tuple[str, str, int | None, int | None]] = set()
    out = []
    for c in citations:
        key = (c.kind, c.key, c.footnote, None if c.footnote else c.span.start)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _clean_pos(ct: CleanText, span: Span) -> int:
    """The clean-text position of a source offset (first character at or after it)."""
    from bisect import bisect_left

    return bisect_left(ct.offsets, span.start)
