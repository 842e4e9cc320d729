"""Text runs with their positions: a small PDF content-stream interpreter over pypdf.

pypdf parses the content stream (``ContentStream``) and the fonts (encoding, ToUnicode map,
glyph widths); this module keeps the text state (PDF 32000-1 §9.3–9.4) so that every shown
string becomes a :class:`Run` with its start and end x, its baseline and its size in page
space. pypdf's own ``extract_text(visitor_text=…)`` reports one position per *chunk* of
text, and a chunk can hold a word, a raised footnote marker and the next word; the runs
here are one per shown string, which is what spacing and marker detection need.

Only upright text (no rotation) is kept: Kamervragen PDFs have none other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pypdf import PageObject, PdfReader
from pypdf.generic import ContentStream, DictionaryObject, IndirectObject, NameObject
from pypdf.generic._font import Font  # pypdf's font model: encoding, ToUnicode, widths

MAX_FORM_DEPTH = 6
MAX_OPERATIONS = 2_000_000

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


class ContentLimitError(Exception):
    """A page's content exceeds the interpreter's limits (hostile or broken file)."""


@dataclass(slots=True)
class Run:
    """One shown string: ``text`` from ``x0`` to ``x1`` on baseline ``y`` at ``size`` pt."""

    text: str
    x0: float
    x1: float
    y: float
    size: float
    font: str


def mult(m: Matrix, n: Matrix) -> Matrix:
    """The matrix product ``m × n`` (PDF row-vector convention)."""
    return (
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    )


def _num(value: Any, default: float = 0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


class _FontInfo:
    """A font with per-code decoding and width caches.

    For a simple (one-byte) font, the text and the width of each of the 256 codes are
    tabulated once, so a string decodes with two C-level ``map`` calls.
    """

    __slots__ = ("name", "font", "simple", "chars", "widths", "cache")

    def __init__(self, resource: DictionaryObject):
        self.font = Font.from_font_resource(resource)
        self.name = self.font.name
        self.simple = isinstance(self.font.encoding, dict)
        self.cache: dict[bytes, tuple[str, float, int]] = {}
        self.chars: list[str] = []
        self.widths: list[float] = []
        if self.simple:
            font = self.font
            enc = font.encoding
            assert isinstance(enc, dict)
            table = font.character_widths
            default = table.get("default", 500)
            for code in range(256):
                char = enc.get(code, chr(code))
                self.chars.append(font.character_map.get(char, char))
                self.widths.append(float(table.get(chr(code), default)))

    def decode(self, data: bytes) -> tuple[str, float, int]:
        """(unicode text, sum of glyph widths in 1/1000 em, count of single-byte spaces)."""
        if self.simple:
            return (
                "".join(map(self.chars.__getitem__, data)),
                sum(map(self.widths.__getitem__, data)),
                data.count(32),
            )
        hit = self.cache.get(data)
        if hit is not None:
            return hit
        font = self.font
        assert isinstance(font.encoding, str)
        try:
            decoded = data.decode(font.encoding, "surrogatepass")
        except UnicodeDecodeError:
            decoded = data.decode(font.encoding, "replace")
        widths = font.character_widths
        default = widths.get("default", 500)
        width = sum(widths.get(c, default) for c in decoded)
        cmap = font.character_map
        result = ("".join(cmap.get(c, c) for c in decoded), float(width), 0)
        if len(self.cache) < 20_000:
            self.cache[data] = result
        return result


@dataclass(slots=True)
class _State:
    ctm: Matrix = IDENTITY
    font: _FontInfo | None = None
    size: float = 12.0
    tc: float = 0.0
    tw: float = 0.0
    th: float = 1.0
    tl: float = 0.0
    rise: float = 0.0

    def copy(self) -> _State:
        return _State(self.ctm, self.font, self.size, self.tc, self.tw, self.th, self.tl, self.rise)


class PageInterpreter:
    """Collect the :class:`Run` s of one page."""

    def __init__(self, reader: PdfReader, fonts: dict[int, _FontInfo]):
        self.reader = reader
        self.fonts = fonts  # shared across pages, keyed by the font object's id
        self.runs: list[Run] = []
        self.operations = 0

    def page_runs(self, page: PageObject) -> list[Run]:
        contents = page.get_contents()
        if contents is None:
            return []
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else DictionaryObject()
        self._execute(ContentStream(contents, self.reader, "bytes"), resources, _State(), set(), 0)
        return self.runs

    def _font(self, resources: DictionaryObject, name: Any) -> _FontInfo | None:
        try:
            table: Any = resources["/Font"].get_object()
            ref: Any = table.raw_get(name)
        except (KeyError, TypeError, AttributeError):
            return None
        key = ref.idnum if isinstance(ref, IndirectObject) else id(ref)
        info = self.fonts.get(key)
        if info is None:
            try:
                info = _FontInfo(ref.get_object())
            except Exception:  # noqa: BLE001 - an unreadable font shows no text
                return None
            self.fonts[key] = info
        return info

    def _execute(
        self,
        content: ContentStream,
        resources: DictionaryObject,
        gs: _State,
        seen: set[int],
        depth: int,
    ) -> None:
        stack: list[_State] = []
        tm: Matrix = IDENTITY
        tlm: Matrix = IDENTITY
        for operands, op in content.operations:
            self.operations += 1
            if self.operations > MAX_OPERATIONS:
                raise ContentLimitError(f"more than {MAX_OPERATIONS} content operations")
            if op == b"Tj" or op == b"'" or op == b'"':
                if op != b"Tj":
                    if op == b'"' and len(operands) >= 3:
                        gs.tw, gs.tc = _num(operands[0]), _num(operands[1])
                        operands = operands[2:]
                    tlm = (
                        tlm[0],
                        tlm[1],
                        tlm[2],
                        tlm[3],
                        tlm[4] - gs.tl * tlm[2],
                        tlm[5] - gs.tl * tlm[3],
                    )
                    tm = tlm
                if operands and isinstance(operands[0], bytes):
                    tm = self._show(operands[0], tm, gs)
            elif op == b"TJ":
                if operands and isinstance(operands[0], list):
                    for item in operands[0]:
                        if isinstance(item, bytes) and not isinstance(item, NameObject):
                            tm = self._show(item, tm, gs)
                        elif isinstance(item, (int, float)):
                            dx = -float(item) / 1000.0 * gs.size * gs.th
                            tm = (
                                tm[0],
                                tm[1],
                                tm[2],
                                tm[3],
                                tm[4] + dx * tm[0],
                                tm[5] + dx * tm[1],
                            )
            elif op == b"Td" or op == b"TD":
                if len(operands) >= 2:
                    tx, ty = _num(operands[0]), _num(operands[1])
                    if op == b"TD":
                        gs.tl = -ty
                    tlm = (
                        tlm[0],
                        tlm[1],
                        tlm[2],
                        tlm[3],
                        tx * tlm[0] + ty * tlm[2] + tlm[4],
                        tx * tlm[1] + ty * tlm[3] + tlm[5],
                    )
                    tm = tlm
            elif op == b"T*":
                tlm = (
                    tlm[0],
                    tlm[1],
                    tlm[2],
                    tlm[3],
                    tlm[4] - gs.tl * tlm[2],
                    tlm[5] - gs.tl * tlm[3],
                )
                tm = tlm
            elif op == b"Tm":
                if len(operands) >= 6:
                    tm = tlm = (
                        _num(operands[0], 1),
                        _num(operands[1]),
                        _num(operands[2]),
                        _num(operands[3], 1),
                        _num(operands[4]),
                        _num(operands[5]),
                    )
            elif op == b"Tf":
                if len(operands) >= 2:
                    gs.font = self._font(resources, operands[0])
                    gs.size = _num(operands[1], gs.size)
            elif op == b"BT":
                tm = tlm = IDENTITY
            elif op == b"Tc":
                gs.tc = _num(operands[0]) if operands else 0.0
            elif op == b"Tw":
                gs.tw = _num(operands[0]) if operands else 0.0
            elif op == b"Tz":
                gs.th = _num(operands[0], 100.0) / 100.0 if operands else 1.0
            elif op == b"TL":
                gs.tl = _num(operands[0]) if operands else 0.0
            elif op == b"Ts":
                gs.rise = _num(operands[0]) if operands else 0.0
            elif op == b"q":
                if len(stack) < 256:
                    stack.append(gs.copy())
            elif op == b"Q":
                if stack:
                    gs = stack.pop()
            elif op == b"cm":
                if len(operands) >= 6:
                    m = tuple(_num(v) for v in operands[:6])
                    gs.ctm = mult(m, gs.ctm)  # type: ignore[arg-type]
            elif op == b"Do" and operands:
                self._form(resources, operands[0], gs, seen, depth)

    def _form(
        self, resources: DictionaryObject, name: Any, gs: _State, seen: set[int], depth: int
    ) -> None:
        if depth >= MAX_FORM_DEPTH:
            return
        try:
            table: Any = resources["/XObject"].get_object()
            ref: Any = table.raw_get(name)
            xobj = ref.get_object()
        except (KeyError, TypeError, AttributeError):
            return
        if xobj.get("/Subtype") != "/Form":
            return
        key = ref.idnum if isinstance(ref, IndirectObject) else id(xobj)
        if key in seen:
            return
        inner = gs.copy()
        if "/Matrix" in xobj:
            m = tuple(_num(v) for v in xobj["/Matrix"][:6])
            if len(m) == 6:
                inner.ctm = mult(m, gs.ctm)
        res = xobj.get("/Resources")
        res = res.get_object() if res is not None else resources
        self._execute(
            ContentStream(xobj, self.reader, "bytes"), res, inner, seen | {key}, depth + 1
        )

    def _show(self, data: bytes, tm: Matrix, gs: _State) -> Matrix:
        font = gs.font
        if font is None:
            return tm
        text, width, spaces = font.decode(data)
        n = len(data) if font.simple else len(text)
        advance = (width / 1000.0 * gs.size + gs.tc * n + gs.tw * spaces) * gs.th
        m = mult(tm, gs.ctm)
        if m[0] > 0 and abs(m[1]) < 1e-3 * abs(m[0]) and abs(m[2]) < 1e-3 * abs(m[3]):
            x0 = m[4]
            self.runs.append(
                Run(
                    text,
                    x0,
                    x0 + advance * m[0],
                    m[5] + gs.rise * m[3],
                    gs.size * abs(m[3]),
                    font.name,
                )
            )
        return (tm[0], tm[1], tm[2], tm[3], tm[4] + advance * tm[0], tm[5] + advance * tm[1])
