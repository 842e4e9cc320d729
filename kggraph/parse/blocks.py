"""Question and answer blocks of the body.

Two layouts: headings ("Vraag 4 en 5" / "Antwoord 6, 7, 9 en 11" / "Antwoord op vraag 1"),
and the ministries' Word texts with numbered items ("1. Kunt u …" followed by
"Antwoord:"). A "Mededeling" heading opens the postponement paragraph.

>>> expand_numbers("6, 7, 9 en 11"), expand_numbers("2 t/m 4"), expand_numbers("2-3")
((6, 7, 9, 11), (2, 3, 4), (2, 3))
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from ..patterns import pattern

RawBlock = tuple[str, tuple[int, ...], str, int, int]  # kind, numbers, label, start, body

RANGE = re.compile(r"(\d{1,3})\s*(?:t/m|tot\s+en\s+met|-|–)\s*(\d{1,3})")


@dataclass(frozen=True)
class Block:
    """A block of the clean body: ``kind`` question/answer/mededeling."""

    kind: str
    numbers: tuple[int, ...]
    label: str
    start: int  # heading start
    body_start: int  # text start
    end: int

    @property
    def key(self) -> str:
        if self.kind == "mededeling":
            return "mededeling"
        if self.kind == "answerline":  # the older layout's answer line, after the questions
            return "header"
        return f"{self.kind}:{','.join(map(str, self.numbers))}"


def expand_numbers(text: str) -> tuple[int, ...]:
    """ "6, 7, 9 en 11" → (6, 7, 9, 11); ranges "2 t/m 6", "2-3" expanded."""
    numbers: list[int] = []
    pos = 0
    for m in RANGE.finditer(text):
        numbers += [int(n) for n in re.findall(r"\d{1,3}", text[pos : m.start()])]
        a, b = int(m.group(1)), int(m.group(2))
        numbers += list(range(a, b + 1)) if 0 < b - a < 100 else [a, b]
        pos = m.end()
    numbers += [int(n) for n in re.findall(r"\d{1,3}", text[pos:])]
    return tuple(dict.fromkeys(numbers))


def _heading_blocks(text: str) -> list[tuple[str, tuple[int, ...], str, int, int]]:
    found = []
    for m in pattern("block_heading").finditer(text):
        kind = "question" if m["kind"].startswith("Vra") else "answer"
        body_start = m.start("rest") if m["rest"] else m.end()
        label = f"{m['kind']} {m['nums']}" if kind == "question" else m.group(0).strip()
        label = label.split(":")[0].strip()
        found.append((kind, expand_numbers(m["nums"]), label, m.start(), body_start))
    return found


def _numbered_blocks(text: str) -> list[tuple[str, tuple[int, ...], str, int, int]]:
    """Numbered items 1, 2, 3 … in sequence, each optionally followed by "Antwoord"."""
    found: list[tuple[str, tuple[int, ...], str, int, int]] = []
    expected = 1
    items = list(pattern("numbered_item").finditer(text))
    for m in items:
        if int(m["n"]) == expected:
            found.append(("question", (expected,), f"Vraag {expected}", m.start(), m.end()))
            expected += 1
    if len(found) < 2:
        return []
    return sorted(found + _bare_answers(text, found), key=lambda b: b[3])


def _bare_answers(
    text: str, questions: list[tuple[str, tuple[int, ...], str, int, int]]
) -> list[tuple[str, tuple[int, ...], str, int, int]]:
    """A bare "Antwoord" (or "Antwoord:") line answers the question block before it."""
    out: list[tuple[str, tuple[int, ...], str, int, int]] = []
    for a in pattern("bare_answer_heading").finditer(text):
        owner = [q for q in questions if q[0] == "question" and q[3] < a.start()]
        if owner:
            n = owner[-1][1]
            start = a.start("rest") if a["rest"] else a.end()
            label = "Antwoord " + ", ".join(map(str, n))
            out.append(("answer", n, label, a.start(), start))
    return out


def _paragraph_blocks(text: str) -> list[tuple[str, tuple[int, ...], str, int, int]]:
    """Unnumbered Word texts: each paragraph with a question mark after the "Vragen van …"
    paragraph is the next question."""
    start = pattern("question_paragraph_start").search(text)
    if start is None:
        return []
    first = re.compile(r"\n[ \t]*\n").search(text, start.end())
    if first is None:
        return []
    found: list[tuple[str, tuple[int, ...], str, int, int]] = []
    for m in re.finditer(
        r"(?:^|\n[ \t]*\n)(?P<para>[^\n].*?)(?=\n[ \t]*\n|\Z)", text[first.start() :], re.DOTALL
    ):
        para = m["para"]
        if "?" in para:
            at = first.start() + m.start("para")
            n = len(found) + 1
            found.append(("question", (n,), f"Vraag {n}", at, at))
    return found


def older_layout(text: str) -> bool:
    """Questions first, then the answer line ("Vragen van … (Ingezonden …) 1 … Antwoord van
    Minister … (Ontvangen …) 1 …"): the layout before about 2009."""
    q = pattern("question_header").search(text)
    a = pattern("answer_header").search(text)
    return q is not None and a is not None and a.start() > q.end()


def find_blocks(text: str, *, archive: bool = False) -> list[Block]:
    """The blocks of ``text`` in order; the header is everything before the first.
    ``archive``: an OCR page of the archive (1974–1995), read in the older layout."""
    from .inline import inline_blocks

    raw = _heading_blocks(text)
    if any(kind == "question" for kind, *_ in raw) and not any(k == "answer" for k, *_ in raw):
        raw += _bare_answers(text, raw)  # "Vraag 1" … then a bare "Antwoord" line
    inline = False
    if not any(kind == "question" for kind, *_ in raw) and (archive or older_layout(text)):
        found = inline_blocks(text)
        raw, inline = (found, True) if found else (raw, False)
    if not inline and not any(kind == "question" for kind, *_ in raw):
        answers = [b for b in raw if b[0] == "answer"]
        numbered = _numbered_blocks(text)
        if numbered and answers:  # "1. Kunt u …" items answered under "Antwoord vraag 1:"
            numbered = [b for b in numbered if b[0] == "question"] + answers
        raw = numbered or _paragraph_blocks(text) + answers or raw
    if not any(kind == "mededeling" for kind, *_ in raw):
        for m in pattern("mededeling_heading").finditer(text):
            raw.append(("mededeling", (), "Mededeling", m.start(), m.end()))
    raw.sort(key=lambda b: b[3])
    raw = _repair_repeated_numbers(raw)
    blocks = []
    for i, (kind, numbers, label, start, body_start) in enumerate(raw):
        end = raw[i + 1][3] if i + 1 < len(raw) else len(text)
        blocks.append(Block(kind, numbers, label, start, body_start, end))
    return blocks


def _repair_repeated_numbers(
    raw: list[tuple[str, tuple[int, ...], str, int, int]],
) -> list[tuple[str, tuple[int, ...], str, int, int]]:
    """A question heading that repeats the previous number ("Vraag 7", "Vraag 7",
    "Antwoord 8") is the next question when its answer says so and nothing else has
    that number — a typo in the published document (ah-tk-20242025-597)."""
    numbers = {n for kind, nums, *_ in raw if kind == "question" for n in nums}
    out = list(raw)
    # the next question or answer after each block, found in one backward pass (a slice
    # per question made this quadratic in the number of headings); only the block at i is
    # ever changed, so what follows it is as in ``raw``
    following_at: list[RawBlock | None] = [None] * len(raw)
    for i in range(len(raw) - 2, -1, -1):
        after = raw[i + 1]
        following_at[i] = after if after[0] in ("question", "answer") else following_at[i + 1]
    previous: tuple[int, ...] = ()
    for i, (kind, nums, _label, start, body) in enumerate(out):
        if kind != "question":
            continue
        following = following_at[i]
        if nums == previous and following and following[0] == "answer":
            wanted = (max(nums) + 1,)
            if following[1] == wanted and wanted[0] not in numbers:
                out[i] = (kind, wanted, f"Vraag {wanted[0]}", start, body)
                numbers.add(wanted[0])
                nums = wanted
        previous = nums
    return out


def block_at(blocks: list[Block], position: int) -> str | None:
    """The key of the block holding ``position``: "header" before the first block."""
    if not blocks or position < blocks[0].start:
        return "header"
    # blocks are contiguous and sorted: the last that starts at or before ``position``
    # (a binary search; a scan per call was quadratic in hostile inputs)
    return blocks[bisect_right(blocks, position, key=lambda b: b.start) - 1].key
