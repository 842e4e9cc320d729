"""The older layout: questions numbered in the running text, one answer line, numbered
answer paragraphs.

From the 1970s to about 2009 the Aanhangsel printed no "Vraag N" headings: the header
("Vragen van … (Ingezonden …)") is followed by questions numbered "1", "2", … — often glued
to the text on OCR pages ("1Kent u", "?3Wat") — then the answer line ("Antwoord van Minister
X (…). (Ontvangen …)") and the answers as paragraphs numbered "1", "2en4", "3 t/m 6". OCR
loses numbers and scrambles paragraphs, so the numbers are read as a *sequence*: of every
place where a number could open a question, the chain that runs 1, 2, 3 … best (few gaps,
sentence starts preferred) wins; a number lost from the chain is put back where a question
ends and the next begins.

>>> text = ("Vragen van het lid A (CDA) over B. (Ingezonden 1 mei 1990) 1 Kent u X? "
...         "2Is dat zo?\\nWaarom niet?\\nAntwoord\\nAntwoord van Minister C (Justitie). "
...         "(Ontvangen 2 juni 1990)\\n1 Ja. 2 en 3 Nee.")
>>> [(kind[0], nums) for kind, nums, *_ in inline_blocks(text)]
[('q', (1,)), ('q', (2,)), ('q', (3,)), ('a', ()), ('a', (1,)), ('a', (2, 3))]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..patterns import pattern
from .blocks import RawBlock, expand_numbers


@dataclass(frozen=True)
class Start:
    """A place where a numbered paragraph may begin: ``numbers`` at ``pos`` (the number),
    its text at ``body``; ``strong`` when a line or sentence ends right before it."""

    pos: int
    body: int
    numbers: tuple[int, ...]
    strong: bool


def starts(text: str, begin: int, end: int, *, groups: bool) -> list[Start]:
    """Every place in ``text[begin:end]`` where a numbered question (or, with ``groups``,
    an answer to "2 en 4") could begin."""
    name = "inline_answer_start" if groups else "inline_question_start"
    out = []
    for m in pattern(name).finditer(text, begin, end):
        numbers = expand_numbers(m["nums"]) if groups else (int(m["nums"]),)
        if not numbers or min(numbers) < 1 or max(numbers) > 99:
            continue
        out.append(Start(m.start("nums"), m.end(), numbers, m["strong"] is not None))
    return out


def best_chain(found: list[Start]) -> list[Start]:
    """The chain of question numbers that runs 1, 2, 3 … best: each step adds 1 (a gap of
    up to three lost numbers costs), sentence starts count more, a chain should start at 1.
    """
    if not found:
        return []
    score: list[float] = []
    back: list[int] = []
    for i, s in enumerate(found):
        n = s.numbers[0]
        own = 1.0 + (0.5 if s.strong else 0.0)
        best, arg = own - 0.9 * (n - 1), -1
        for j in range(i):
            step = n - found[j].numbers[0]
            if 1 <= step <= 4 and score[j] + own - 0.9 * (step - 1) > best:
                best, arg = score[j] + own - 0.9 * (step - 1), j
        score.append(best)
        back.append(arg)
    i = max(range(len(found)), key=lambda k: (score[k], -k))
    chain = []
    while i != -1:
        chain.append(found[i])
        i = back[i]
    return chain[::-1]


def _answer_chain(found: list[Start], asked: set[int]) -> list[Start]:
    """Answer paragraphs in order: each answers questions not answered yet, all of them
    asked (when the questions are known), the first numbers rising."""
    out: list[Start] = []
    done: set[int] = set()
    for s in found:
        if asked and not set(s.numbers) <= asked:
            continue
        if set(s.numbers) & done or (out and s.numbers[0] <= out[-1].numbers[0]):
            continue
        out.append(s)
        done |= set(s.numbers)
    return out


def _splits(text: str, begin: int, end: int, count: int) -> list[int] | None:
    """Where ``count`` questions that lost their numbers begin inside ``text[begin:end]``:
    the last ``count`` places where a question ends and the next begins (on a new line
    first, else within the line); None when there are too few."""
    for name in ("question_end_line", "question_end_inline"):
        cuts = [m.end() for m in pattern(name).finditer(text, begin, end)]
        cuts = [c for c in cuts if begin < c < end]
        if len(cuts) >= count:
            return cuts[-count:]
    return None


def _question_blocks(text: str, begin: int, end: int) -> list[RawBlock]:
    chain = best_chain(starts(text, begin, end, groups=False))
    blocks: list[RawBlock] = []
    if not chain:
        if text[begin:end].strip():  # one unnumbered question
            blocks.append(("question", (1,), "Vraag 1", _first_char(text, begin, end), begin))
        return blocks
    expected = 1
    for s in chain:
        n = s.numbers[0]
        lost = n - expected
        if lost > 0:
            prior = blocks[-1][4] if blocks else begin
            cut_end = s.pos
            cuts = _splits(text, prior, cut_end, lost) if blocks else None
            if not blocks and text[begin : s.pos].strip() and lost == 1:
                # "(Ingezonden …) Waarom …? 2 Hoe …": the first question's number is lost
                blocks.append(("question", (1,), "Vraag 1", _first_char(text, begin, s.pos), begin))
            elif cuts:
                for k, cut in enumerate(cuts):
                    m = expected + k
                    blocks.append(("question", (m,), f"Vraag {m}", cut, cut))
        blocks.append(("question", (n,), f"Vraag {n}", s.pos, s.body))
        expected = n + 1
    return sorted(blocks, key=lambda b: b[3])


def _first_char(text: str, begin: int, end: int) -> int:
    m = re.search(r"\S", text[begin:end])
    return begin + m.start() if m else begin


def _answer_blocks(text: str, begin: int, end: int, asked: set[int]) -> list[RawBlock]:
    chain = _answer_chain(starts(text, begin, end, groups=True), asked)
    blocks: list[RawBlock] = [
        ("answer", s.numbers, "Antwoord " + ", ".join(map(str, s.numbers)), s.pos, s.body)
        for s in chain
    ]
    return blocks


def _lost_answers(
    text: str, begin: int, end: int, blocks: list[RawBlock], asked: set[int]
) -> list[RawBlock]:
    """Answers whose number OCR lost: a run of unanswered questions right after an answer
    block takes the paragraphs that block ends with (new line, capital), one each — at the
    end of the answers only when the paragraphs fit the run exactly."""
    answered = {n for b in blocks for n in b[1]}
    out: list[RawBlock] = []
    bounds = [(b[4], b[1]) for b in blocks]
    nexts = [b[3] for b in blocks[1:]] + [end]
    if not blocks:
        bounds, nexts = [(begin, (0,))], [end]
    for (body, numbers), stop in zip(bounds, nexts, strict=True):
        run = []
        n = max(numbers) + 1
        while n in asked and n not in answered:
            run.append(n)
            n += 1
        if not run:
            continue
        cuts = [m.end() for m in pattern("paragraph_start").finditer(text, body, stop)]
        if not blocks:
            cuts = [_first_char(text, begin, end), *cuts]
        last = stop == end
        if len(cuts) < len(run) or (last and len(cuts) != len(run)):
            continue
        for m, cut in zip(run, cuts[len(cuts) - len(run) :], strict=True):
            out.append(("answer", (m,), f"Antwoord {m}", cut, cut))
    return out


def answer_line(text: str, begin: int) -> tuple[int, int] | None:
    """The answer line after the questions ("Antwoord [Antwoord van …] (Ontvangen …)"),
    from its heading to its end; None when the text has none."""
    line = pattern("answer_header").search(text, begin)
    heading = pattern("answer_heading_inline").search(text, begin)
    if line is None and heading is None:
        return None
    start = min(m.start() for m in (line, heading) if m is not None)
    if line is not None and (heading is None or line.start() - heading.end() < 40):
        stop = line.end()
        trailer = pattern("see_also_trailer").match(text, stop)
        return start, trailer.end() if trailer else stop
    assert heading is not None
    return start, heading.end()


def inline_blocks(text: str) -> list[RawBlock]:
    """The blocks of the older layout: questions, the answer line (kind "answerline"), the
    answers; [] when the text has no "Vragen van …" header."""
    header = pattern("question_header").search(text)
    if header is None:
        return _answer_only(text)
    date = pattern("submitted_date").search(text, header.start(), header.end() + 1)
    q_begin = date.end() if date else header.end()
    line = answer_line(text, q_begin)
    q_end = line[0] if line else len(text)
    questions = _question_blocks(text, q_begin, q_end)
    if line is None:
        return questions
    notice = pattern("answer_header").search(text, line[0], line[1] + 1)
    heading: RawBlock = ("answerline", (), "Antwoord", line[0], line[1])
    if notice is not None and notice["kind"] == "Mededeling":
        return [*questions, heading, ("mededeling", (), "Mededeling", line[1], line[1])]
    asked = {n for _, nums, *_ in questions for n in nums}
    answers = _answer_blocks(text, line[1], len(text), _with_lost_last(asked))
    beyond = sorted({n for _, nums, *_ in answers for n in nums} - asked)
    if beyond and asked:
        cuts = None
        if beyond == list(range(max(asked) + 1, beyond[-1] + 1)):
            cuts = _splits(text, questions[-1][4], q_end, len(beyond))
        if cuts:  # the answers name questions whose numbers the page lost at the end
            questions += [
                ("question", (n,), f"Vraag {n}", c, c) for n, c in zip(beyond, cuts, strict=True)
            ]
        else:
            answers = _answer_blocks(text, line[1], len(text), asked)
    asked = {n for _, nums, *_ in questions for n in nums}
    if answers or asked != {1}:
        answers += _lost_answers(text, line[1], len(text), answers, asked)
    elif text[line[1] :].strip():  # one unnumbered answer to one question
        answers = [("answer", (1,), "Antwoord 1", _first_char(text, line[1], len(text)), line[1])]
    if asked:
        answers = [a for a in answers if set(a[1]) <= asked]  # only questions it asks
    return [*questions, heading, *sorted(answers, key=lambda b: b[3])]


def _with_lost_last(asked: set[int]) -> set[int]:
    """The question numbers an answer may name: those asked, and up to two more after the
    last (a number the page lost at the end, put back only if the text splits there)."""
    return asked | {max(asked, default=0) + 1, max(asked, default=0) + 2} if asked else asked


def _answer_only(text: str) -> list[RawBlock]:
    """An item of 1919–1923 that prints only the answer ("ANTWOORD van den heer X, Minister
    van Y (ingezonden …), op de vragen van den heer Z …"), its questions printed elsewhere:
    the answer's numbered paragraphs, or one answer."""
    line = pattern("answer_header_1920").search(text)
    if line is None:
        return []
    trailer = pattern("page_reference_trailer").search(text, line.end(), line.end() + 400)
    end = trailer.end() if trailer else line.end()
    heading: RawBlock = ("answerline", (), "ANTWOORD", line.start(), end)
    found = starts(text, end, len(text), groups=False)
    restart = next(
        (k for k in range(1, len(found)) if found[k].numbers[0] <= found[k - 1].numbers[0]), None
    )
    if restart is not None and found[0].numbers[0] == 1:  # the questions reprinted, then
        questions = _question_blocks(text, end, found[restart].pos)  # the answers
        asked = {n for _, nums, *_ in questions for n in nums}
        answers = _answer_blocks(text, questions[-1][4], len(text), asked)
        answers = [a for a in answers if a[3] >= found[restart].pos or a[1][0] == 1]
        answers += _lost_answers(text, found[restart].pos, len(text), answers, asked)
        return [heading, *questions, *sorted(answers, key=lambda b: b[3])]
    answers = _answer_blocks(text, end, len(text), set())
    if not answers and text[end:].strip():
        answers = [("answer", (1,), "Antwoord 1", _first_char(text, end, len(text)), end)]
    return [heading, *answers]
