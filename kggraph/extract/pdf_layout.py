"""From positioned runs to lines, zones and text: the layout half of the PDF extractor.

- :func:`build_lines` groups a page's runs into physical lines: runs on one baseline, in the
  same column (the masthead's left margin column is kept apart from the body column), plus
  raised small digits just above a baseline (footnote markers and footnote numbers);
- :func:`render_line` joins a line's runs, putting a space where the glyph positions show a
  gap and composing an accent drawn over the previous letter ("Kostic" + "´" → "Kostić");
- :func:`classify` marks each line as masthead/footer furniture, footnote or body, from
  font size and position.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from .pdf_runs import Run

# A gap wider than this fraction of the font size between two runs is a word space.
SPACE_GAP = 0.15
# Runs whose baselines differ by less than this fraction of the size share a line.
BASELINE_TOLERANCE = 0.25
# A superscript: at most this fraction of its line's size, raised at most RAISE_MAX × size.
SUPERSCRIPT_SIZE = 0.85
RAISE_MIN = 0.12
RAISE_MAX = 0.65
# A vertical gap larger than this multiple of the usual line distance ends a paragraph.
PARAGRAPH_GAP = 1.3
# Footnote text is set smaller than the body text.
FOOTNOTE_SIZE = 0.92
# The running footer sits in the bottom margin: this fraction of the page height.
FOOTER_ZONE = 0.105

SUPERSCRIPT_TEXT = re.compile(r"[\d\s,*)]+")
DIGITS = re.compile(r"\d+")
CONTROL = dict.fromkeys([*range(0x00, 0x20), *range(0x7F, 0xA0), 0x200B, 0xFEFF])
SPACING_ACCENTS = {
    "´": "\u0301",
    "ˊ": "\u0301",
    "`": "\u0300",
    "ˋ": "\u0300",
    "¨": "\u0308",
    "ˆ": "\u0302",
    "^": "\u0302",
    "˜": "\u0303",
    "¸": "\u0327",
    "ˇ": "\u030c",
    "˘": "\u0306",
    "˚": "\u030a",
}


@dataclass
class Line:
    """A physical line: its runs (left to right), baseline, main size and column."""

    y: float
    size: float
    column: int
    runs: list[Run] = field(default_factory=list)
    supers: set[int] = field(default_factory=set)  # ids of runs set as superscripts
    kind: str = "body"  # body | furniture | footnote

    @property
    def x0(self) -> float:
        return min(r.x0 for r in self.runs)

    @property
    def x1(self) -> float:
        return max(r.x1 for r in self.runs)


def _main_size(runs: list[Run]) -> float:
    """The size that most characters are set in (rounded to 0.1 pt)."""
    sizes: Counter[float] = Counter()
    for r in runs:
        sizes[round(r.size, 1)] += len(r.text.strip())
    return sizes.most_common(1)[0][0] if sizes else 0.0


def body_geometry(pages: list[list[Run]]) -> tuple[float, float]:
    """The body text size and the body column's left edge, over the whole document."""
    runs = [r for page in pages for r in page]
    size = _main_size(runs)
    lefts: Counter[float] = Counter(
        round(r.x0) for r in runs if abs(r.size - size) < 0.05 * size and r.text.strip()
    )
    return size, (lefts.most_common(1)[0][0] if lefts else 0.0)


def build_lines(runs: list[Run], body_left: float) -> list[Line]:
    """Group runs into lines, top to bottom; the left margin column first on a baseline."""
    lines: list[Line] = []
    last: Line | None = None
    runs = [r for r in runs if r.text.strip()]
    for r in sorted(runs, key=lambda r: (-round(r.size, 1), -r.y, r.x0)):
        home: Line | None = None
        superscript = False
        # runs come sorted by size and height: most belong to the line of the run before
        if last is not None and abs(r.y - last.y) <= BASELINE_TOLERANCE * min(r.size, last.size):
            home = last
        else:
            for line in lines:
                if abs(r.y - line.y) <= BASELINE_TOLERANCE * min(r.size, line.size):
                    home = line
                    break
                raise_ = r.y - line.y
                if (
                    r.size <= SUPERSCRIPT_SIZE * line.size
                    and RAISE_MIN * line.size <= raise_ <= RAISE_MAX * line.size
                    and line.x0 - 2 * line.size <= r.x0 <= line.x1 + line.size
                    and SUPERSCRIPT_TEXT.fullmatch(r.text)
                ):
                    home, superscript = line, True
                    break
        if home is None:
            home = Line(r.y, r.size, 1)
            lines.append(home)
        home.runs.append(r)
        last = home
        if superscript:
            home.supers.add(id(r))
    lines = [part for line in lines for part in _split_margin(line, body_left)]
    lines.sort(key=lambda ln: (-ln.y, ln.column))
    return lines


def _split_margin(line: Line, body_left: float) -> list[Line]:
    """Sort a line's runs; split off what stands in the left margin column, if anything."""
    line.runs.sort(key=lambda r: r.x0)
    for i in range(1, len(line.runs)):
        before, after = line.runs[i - 1], line.runs[i]
        if before.x1 <= body_left - 5 and after.x0 >= body_left - 1:
            left = Line(line.y, max(r.size for r in line.runs[:i]), 0, line.runs[:i], line.supers)
            right = Line(line.y, line.size, 1, line.runs[i:], line.supers)
            return [left, right]
    if line.runs[-1].x1 <= body_left - 5:
        line.column = 0
    return [line]


def clean_run_text(text: str) -> str:
    """Drop control characters, normalise to NFC, fold runs of spaces."""
    text = unicodedata.normalize("NFC", text.translate(CONTROL))
    return re.sub(r"[ \t\u00a0]{2,}", " ", text) if "  " in text else text


def render_line(line: Line) -> tuple[str, list[tuple[int, int]]]:
    """The line's text and the (start, end) of its superscript numbers within it."""
    out = ""
    supers: list[tuple[int, int]] = []
    prev: Run | None = None
    for r in line.runs:
        text = clean_run_text(r.text)
        if not text:
            continue
        is_super = id(r) in line.supers
        if prev is not None and out:
            first = text[0]
            overlap = r.x0 < prev.x1 - 0.05 * line.size
            combining = SPACING_ACCENTS.get(first) if overlap else None
            if unicodedata.combining(first):
                combining = first
            if combining and out[-1].isalpha():
                composed = unicodedata.normalize("NFC", out[-1] + combining)
                if len(composed) == 1:
                    out = out[:-1] + composed
                    text = text[1:]
                    prev = r
                    if not text:
                        continue
            gap = r.x0 - prev.x1
            if (
                not is_super
                and gap > SPACE_GAP * min(r.size, line.size)
                and not out.endswith(" ")
                and not text.startswith(" ")
            ):
                out += " "
        if out.endswith(" ") and text.startswith(" "):
            text = text.lstrip(" ")
        if is_super:
            out = out.rstrip(" ") if prev is not None and id(prev) not in line.supers else out
            for m in DIGITS.finditer(text):
                supers.append((len(out) + m.start(), len(out) + m.end()))
        out += text
        prev = r
    stripped = out.rstrip()
    lead = len(out) - len(out.lstrip())
    return stripped.lstrip(), [(a - lead, b - lead) for a, b in supers if b <= len(stripped)]
