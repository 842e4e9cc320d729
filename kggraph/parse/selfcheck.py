"""The parser checks its own result, so that a loss shows on documents nobody annotated.

Each check looks at what was parsed against what the text promises: question numbers run
1..N, every question of an answer document is answered, footnote markers and bodies pair
up 1..N, the header fields that the kind implies are there, no text is left over, and no
heading hides inside a block. A finding is data (:class:`kggraph.model.SelfCheck`); the RDF
mapping records it and the shapes in ``shapes/kggraph-selfcheck.ttl`` report it as a
SHACL warning.

>>> numbering_gaps([1, 2, 4, 4])
([3], [4])
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence

from ..model import Answer, CleanText, Footnote, Header, Marker, Question, SelfCheck, Span
from ..patterns import pattern
from .blocks import Block

# Every check's code; each has a finding class in ontology/kggraph.ttl and a warning shape in
# shapes/kggraph-selfcheck.ttl (tests/test_selfcheck.py holds the three together).
CODES = (
    "question-numbering",
    "answer-numbering",
    "no-questions",
    "unanswered-question",
    "footnote-numbering",
    "footnote-unmatched",
    "header-missing",
    "kind-unclear",
    "unassigned-text",
    "heading-in-block",
)

# Lines of the header region that are page furniture, not fields.
HEADER_FURNITURE = ("masthead_line", "number_line", "id_line", "docx_preamble")


def numbering_gaps(numbers: Sequence[int]) -> tuple[list[int], list[int]]:
    """The numbers missing from 1..max and those given more than once."""
    counts = Counter(numbers)
    missing = [n for n in range(1, max(numbers, default=0) + 1) if n not in counts]
    return missing, sorted(n for n, c in counts.items() if c > 1)


def _list(numbers: Iterable[int]) -> str:
    return ", ".join(map(str, numbers))


def check_numbering(
    blocks: Sequence[Block], questions: Sequence[Question], answers: Sequence[Answer], ct: CleanText
) -> list[SelfCheck]:
    """Question headings 1..N without gaps or repeats; answer numbers among the questions."""
    out = []
    headings = [n for b in blocks if b.kind == "question" for n in b.numbers]
    missing, repeated = numbering_gaps(headings)
    first = next((b for b in blocks if b.kind == "question"), None)
    span = ct.source_span(first.start, first.end) if first else None
    if missing:
        out.append(
            SelfCheck(
                "question-numbering",
                f"question numbers skip {_list(missing)} (found {_list(sorted(set(headings)))})",
                span,
            )
        )
    if repeated:
        out.append(SelfCheck("question-numbering", f"question {_list(repeated)} given twice", span))
    asked = {q.number for q in questions}
    if answers and not asked:
        out.append(
            SelfCheck(
                "answer-numbering",
                "the answers' questions are not printed in this item (left out of the graph)",
                answers[0].span,
            )
        )
    for a in answers:
        stray = [n for n in a.numbers if n not in asked]
        if stray and asked:
            out.append(
                SelfCheck(
                    "answer-numbering",
                    f"{a.label} answers question {_list(stray)}, which the document does not ask",
                    a.span,
                )
            )
    return out


def check_answered(
    kind: str, questions: Sequence[Question], answers: Sequence[Answer], body: str
) -> list[SelfCheck]:
    """Questions were found where the text has more than a header, and in an answer
    document every question is answered by a block or a referral."""
    if not questions and (kind == "answer" or len(body.split()) > 20):
        return [SelfCheck("no-questions", f"no question was found in this {kind} document")]
    if kind != "answer":
        return []
    answered = {n for a in answers for n in (*a.numbers, *a.refers_to)}
    if not answers:
        return [SelfCheck("unanswered-question", "no answer block was found", questions[0].span)]
    open_ = [q for q in questions if q.number not in answered]
    if not open_:
        return []
    message = f"question {_list(q.number for q in open_)} has no answer block or referral"
    cut = not re.search(r"[.?!»”)]\s*$", body) and all(q.number > max(answered) for q in open_)
    if cut:  # the archive keeps the first page of an item only
        message += "; the text stops mid-sentence before their answers (a page cut off)"
    return [SelfCheck("unanswered-question", message, open_[0].span)]


def check_footnotes(footnotes: Sequence[Footnote], markers: Sequence[Marker]) -> list[SelfCheck]:
    """Footnote bodies numbered 1..N, each with one marker in the text, and no marker
    without a body."""
    out = []
    numbers = [f.number for f in footnotes]
    missing, repeated = numbering_gaps(numbers)
    if missing:
        out.append(
            SelfCheck(
                "footnote-numbering",
                f"footnote bodies skip {_list(missing)} (found {_list(numbers)})",
                footnotes[0].span,
            )
        )
    if repeated:
        out.append(
            SelfCheck("footnote-numbering", f"footnote {_list(repeated)} printed twice", None)
        )
    marked = {m.number for m in markers}
    for f in footnotes:
        if f.number not in marked:
            out.append(
                SelfCheck(
                    "footnote-unmatched",
                    f"footnote {f.number} has no reference marker in the text",
                    f.span,
                )
            )
    bodies = set(numbers)
    for m in markers:
        if m.number not in bodies:
            out.append(
                SelfCheck("footnote-unmatched", f"marker {m.number} has no footnote body", m.span)
            )
    return out


REQUIRED = {
    "answer": ("askers", "submitted", "answerer", "received"),
    "postponement": ("answerer", "received"),
}


ANSWER_SIGN = re.compile(r"\b(?:Antwoord|ANTWOORD|Mededeling)\s+van\b|^[ \t]*Antwoord[ \t]*$", re.M)


def check_header(kind: str, header: Header, text: str) -> list[SelfCheck]:
    """The header fields that the document's kind implies; an answer line in the text of
    a document read as questions only."""
    if kind == "questions" and (sign := ANSWER_SIGN.search(text)):
        return [
            SelfCheck(
                "kind-unclear",
                f"read as questions only, but the text has «{sign.group(0).strip()}»",
            )
        ]
    present = {
        "askers": bool(header.askers),
        "submitted": header.submitted is not None,
        "answerer": header.answerer is not None or header.answerer_post is not None,
        "received": header.received is not None,
    }
    missing = [f for f in REQUIRED.get(kind, ()) if not present[f]]
    if not missing:
        return []
    where = header.answer_span or header.question_span
    return [SelfCheck("header-missing", f"{kind} without {', '.join(missing)}", where)]


def _clean_range(ct: CleanText, span: Span) -> tuple[int, int]:
    a = bisect_left(ct.offsets, span.start)
    return a, max(a, bisect_left(ct.offsets, span.end, lo=a))


def unassigned_ranges(ct: CleanText, header_end: int, header: Header) -> list[tuple[int, int]]:
    """Runs of text before the first block that belong to no header field and are no page
    furniture (masthead, numbers, id lines)."""
    text = ct.text[:header_end]
    covered = [False] * len(text)
    spans = [
        s
        for s in (header.question_span, header.answer_span, header.submitted_span)
        if s is not None
    ]
    spans += [r.span for r in header.see_also]
    for s in spans:
        a, b = _clean_range(ct, s)
        covered[a : min(b, len(text))] = [True] * (min(b, len(text)) - a)
    for name in HEADER_FURNITURE:
        for m in pattern(name).finditer(text):
            covered[m.start() : m.end()] = [True] * (m.end() - m.start())
    runs: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if covered[i] or ch.isspace() or ch in ".,;:()":
            continue
        if runs and runs[-1][1] >= i - 1 or runs and not text[runs[-1][1] : i].strip(" .,;:()"):
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    return runs


def check_unassigned(ct: CleanText, header_end: int, header: Header) -> tuple[int, list[SelfCheck]]:
    """The unassigned remainder of the header region, measured in characters."""
    runs = unassigned_ranges(ct, header_end, header)
    total = sum(b - a for a, b in runs)
    out = []
    for a, b in runs:
        if b - a >= 3:
            snippet = " ".join(ct.text[a:b].split())[:60]
            out.append(
                SelfCheck(
                    "unassigned-text",
                    f"{b - a} characters belong to no field: «{snippet}»",
                    ct.source_span(a, b),
                )
            )
    return total, out


def check_gaps(ct: CleanText, blocks: Sequence[Block]) -> tuple[int, list[SelfCheck]]:
    """Text after the older layout's answer line and before its first numbered answer ("Na
    ampel beraad …") belongs to no question or answer: its words would be lost from the
    graph. Returns the characters and a finding per such run."""
    total, out = 0, []
    ordered = sorted(blocks, key=lambda b: b.start)
    for i, block in enumerate(ordered):
        after = ordered[i + 1] if i + 1 < len(ordered) else None
        if block.kind != "answerline":
            continue
        gap = ct.text[block.body_start : block.end]
        words = len(gap) - sum(1 for ch in gap if ch.isspace() or ch in ".,;:()")
        if words < 3:
            continue
        total += words
        snippet = " ".join(gap.split())[:60]
        where = f"before {after.label or after.key}" if after else "at the end"
        out.append(
            SelfCheck(
                "unassigned-text",
                f"{words} characters after the answer line, {where}, belong to no answer: "
                f"«{snippet}»",
                ct.source_span(block.body_start, block.end),
            )
        )
    return total, out


HEADING_LIKE = re.compile(
    r"^[ \t]*(?:(?:Vraag|Vragen|Antwoord|Antwoorden)(?:[ \t]+(?:op[ \t]+)?(?:vraag[ \t]+)?\d{1,3}"
    r"(?:[ \t]*(?:,|en|t/m|-|–)[ \t]*\d{1,3})*)?[ \t]*:?|\d{1,3}[.)]?)[ \t]*$",
    re.MULTILINE,
)


def check_headings_in_blocks(ct: CleanText, blocks: Sequence[Block]) -> list[SelfCheck]:
    """A heading-like line ("Vraag 12", "Antwoord", a bare number) inside a block's text
    means a heading the block finder did not take."""
    out = []
    for b in blocks:
        for m in HEADING_LIKE.finditer(ct.text, b.body_start, b.end):
            line = m.group(0).strip()
            if not line:
                continue
            out.append(
                SelfCheck(
                    "heading-in-block",
                    f"«{line}» stands on a line of its own inside {b.label or b.key}",
                    ct.source_span(m.start(), m.end()),
                )
            )
    return out
