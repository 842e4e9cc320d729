"""Text that remembers, for every character, its offset in the source text.

Cleaning steps are regex rewrites over a :class:`Mapped`; whatever they delete or keep,
each remaining character still knows where it came from, so every extracted fact can
point back to the exact span of the file.

>>> m = Mapped.of("bedrijfsbe-\\nstuur")
>>> m2 = m.sub(re.compile(r"-\\n"), "")
>>> m2.text, m2.idx[10]
('bedrijfsbestuur', 12)
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable

from .model import Span

Replacement = str | Callable[[re.Match[str]], str]


class Mapped:
    """``text`` with ``idx[i]`` = source offset of ``text[i]``."""

    __slots__ = ("text", "idx")

    def __init__(self, text: str, idx: list[int]):
        if len(text) != len(idx):
            raise ValueError("text and index differ in length")
        self.text = text
        self.idx = idx

    @classmethod
    def of(cls, text: str, start: int = 0) -> Mapped:
        return cls(text, list(range(start, start + len(text))))

    def __len__(self) -> int:
        return len(self.text)

    def __repr__(self) -> str:
        return f"Mapped({self.text!r})"

    def slice(self, start: int, end: int) -> Mapped:
        return Mapped(self.text[start:end], self.idx[start:end])

    def source_span(self, start: int, end: int) -> Span:
        """The source span covered by ``text[start:end]`` (first to last character)."""
        if not self.idx:
            return Span(0, 0)
        start = min(max(start, 0), len(self.idx) - 1)
        last = min(max(end - 1, start), len(self.idx) - 1)
        return Span(self.idx[start], self.idx[last] + 1)

    def sub(self, regex: re.Pattern[str], repl: Replacement) -> Mapped:
        """Like ``regex.sub``; replacement characters map into the matched span."""
        out: list[str] = []
        idx: list[int] = []
        pos = 0
        for m in regex.finditer(self.text):
            out.append(self.text[pos : m.start()])
            idx.extend(self.idx[pos : m.start()])
            new = repl(m) if callable(repl) else m.expand(repl)
            if new:
                width = m.end() - m.start()
                if width:
                    idx.extend(self.idx[m.start() + min(i, width - 1)] for i in range(len(new)))
                else:
                    anchor = self._anchor(m.start())
                    idx.extend([anchor] * len(new))
                out.append(new)
            pos = m.end()
        out.append(self.text[pos:])
        idx.extend(self.idx[pos:])
        return Mapped("".join(out), idx)

    def _anchor(self, pos: int) -> int:
        if pos < len(self.idx):
            return self.idx[pos]
        return self.idx[-1] + 1 if self.idx else 0

    def delete(self, ranges: Iterable[tuple[int, int]]) -> Mapped:
        """Remove ``text[a:b]`` for each (a, b) range of *this* text's positions."""
        keep = [True] * len(self.text)
        for a, b in ranges:
            for i in range(max(a, 0), min(b, len(keep))):
                keep[i] = False
        return Mapped(
            "".join(ch for ch, k in zip(self.text, keep, strict=True) if k),
            [j for j, k in zip(self.idx, keep, strict=True) if k],
        )

    def delete_source(self, spans: Iterable[Span]) -> Mapped:
        """Remove every character whose source offset falls in one of ``spans``."""
        starts: list[int] = []
        ends: list[int] = []
        for span in sorted(spans):
            if starts and span.start <= ends[-1]:
                ends[-1] = max(ends[-1], span.end)
            else:
                starts.append(span.start)
                ends.append(span.end)
        if not starts:
            return self
        ranges: list[tuple[int, int]] = []
        for i, offset in enumerate(self.idx):
            k = bisect_right(starts, offset) - 1
            if k >= 0 and offset < ends[k]:
                if ranges and ranges[-1][1] == i:
                    ranges[-1] = (ranges[-1][0], i + 1)
                else:
                    ranges.append((i, i + 1))
        return self.delete(ranges)

    @staticmethod
    def concat(parts: Iterable[Mapped]) -> Mapped:
        text: list[str] = []
        idx: list[int] = []
        for p in parts:
            text.append(p.text)
            idx.extend(p.idx)
        return Mapped("".join(text), idx)
