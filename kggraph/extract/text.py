"""Read a plain-text document (e.g. what pypdf's ``extract_text`` gave for an official PDF).

Pages are split at form feeds when the text has them; otherwise a page ends after each
running footer ("Tweede Kamer, vergaderjaar 2024–2025, Aanhangsel 2") and a new page
starts where pypdf put its leading space (" Antwoord 2").

>>> src = source_from_text("Vraag 1\\nTekst\\n Antwoord 1\\nJa.", path="x.txt")
>>> [(p.number, src.text[p.start:p.end]) for p in src.pages]
[(1, 'Vraag 1\\nTekst\\n'), (2, ' Antwoord 1\\nJa.')]
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from ..errors import InputError
from ..model import PageSpan, SelfCheck, SourceText
from ..patterns import pattern
from .characters import decode_utf8

MAX_TEXT_BYTES = 20_000_000


def decode(data: bytes, path: str) -> tuple[str, tuple[SelfCheck, ...]]:
    """Bytes → text: UTF-8 (with or without BOM), a byte that is not UTF-8 repaired on its
    own with a finding (:func:`~kggraph.extract.characters.decode_utf8`); NUL bytes are
    refused."""
    if b"\x00" in data[:65536]:
        raise InputError("binary data, not a text document", path=path)
    return decode_utf8(data)


def page_breaks(text: str) -> list[int]:
    """Offsets where a new page starts (not including 0)."""
    if "\f" in text:
        return [i + 1 for i, ch in enumerate(text) if ch == "\f" and i + 1 < len(text)]
    breaks = set()
    for m in pattern("running_footer").finditer(text):
        nl = text.find("\n", m.end())
        if nl != -1 and nl + 1 < len(text):
            breaks.add(nl + 1)
    masthead = pattern("masthead_line")
    for m in pattern("page_start_space").finditer(text):
        previous_line = text[text.rfind("\n", 0, m.start()) + 1 : m.start()]
        if not masthead.fullmatch(previous_line):
            breaks.add(m.start() + 1)
    return sorted(b for b in breaks if 0 < b < len(text))


def source_from_text(text: str, *, path: str | None = None) -> SourceText:
    """A SourceText with pages found from the text's own page marks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bounds = [0, *page_breaks(text), len(text)]
    pages = tuple(
        PageSpan(i + 1, a, b) for i, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False))
    )
    return SourceText(path=path, text=text, pages=pages, origin="text")


def extract_text_file(path: str | os.PathLike[str]) -> SourceText:
    """Read ``path`` as a plain-text document."""
    p = Path(path)
    name = str(path)
    try:
        size = p.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise InputError(f"text file too large ({size} bytes)", path=name)
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", path=name) from exc
    text, findings = decode(data, name)
    if not text.strip():
        raise InputError("empty document", path=name)
    return replace(source_from_text(text, path=name), findings=findings)
