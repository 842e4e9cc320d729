"""Characters that UTF-8 cannot carry, repaired one by one, each with a named finding.

A byte that is not UTF-8 in a text file is read as the Windows-1252 character it would
be (U+FFFD for the five bytes Windows-1252 leaves undefined); the rest of the file stays
UTF-8. A file with no UTF-8 sequence at all is a Windows-1252 file and read as one. A lone
surrogate (from a PDF font's ToUnicode map) becomes U+FFFD; so does a byte of a file name
that is not UTF-8 (Python hands it over as a lone surrogate). Each repair is one
character for one, so offsets into the text stay valid, and each is a
``character-repaired`` self-check finding: it reaches the graph and the SHACL report,
instead of a crash of ``.nt`` output or a silent "?".

>>> text, found = decode_utf8(b"financi\\xeble \\xe2\\x80\\x93 ok")
>>> text
'financiële – ok'
>>> [f.message for f in found]
['byte 0xEB is not UTF-8: read as Windows-1252 «ë»']
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..model import SelfCheck, SourceText, Span

CODE = "character-repaired"
#: findings named one by one; past this, one finding counts the rest
MAX_NAMED = 20
#: a byte of invalid UTF-8, as ``surrogateescape`` hands it over (U+DC80–U+DCFF)
_ESCAPED = re.compile("[\udc80-\udcff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
#: a character that only valid UTF-8 (a sequence of two or more bytes) gives
_UTF8_ONLY = re.compile("[^\x00-\x7f\udc80-\udcff]")


def _windows_1252(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return "\ufffd"


def _bounded(found: list[SelfCheck], total: int, what: str) -> tuple[SelfCheck, ...]:
    if total > MAX_NAMED:
        found = found[:MAX_NAMED]
        found.append(SelfCheck(CODE, f"{total - MAX_NAMED} more {what} repaired likewise"))
    return tuple(found)


def decode_utf8(data: bytes) -> tuple[str, tuple[SelfCheck, ...]]:
    """``data`` as UTF-8 (a BOM dropped), each byte that is not UTF-8 read as its
    Windows-1252 character, with a finding per byte; a file without any UTF-8 sequence
    is read as Windows-1252 whole, with one finding."""
    text = data.decode("utf-8-sig", "surrogateescape")
    bad = [m.start() for m in _ESCAPED.finditer(text)]
    if not bad:
        return text, ()
    repaired = _ESCAPED.sub(lambda m: _windows_1252(ord(m.group()) - 0xDC00), text)
    if not _UTF8_ONLY.search(text):
        note = f"the file is not UTF-8: its {len(bad)} non-ASCII byte(s) read as Windows-1252"
        return repaired, (SelfCheck(CODE, note),)
    found = [
        SelfCheck(
            CODE,
            f"byte 0x{ord(text[i]) - 0xDC00:02X} is not UTF-8: read as Windows-1252"
            f" «{repaired[i]}»",
            Span(i, i + 1),
        )
        for i in bad[: MAX_NAMED + 1]
    ]
    return repaired, _bounded(found, len(bad), "bytes that are not UTF-8")


def repair_surrogates(text: str) -> tuple[str, tuple[SelfCheck, ...]]:
    """``text`` (a document's text) with every lone surrogate replaced by U+FFFD, a
    finding with its offset for each."""
    hits = [m.start() for m in _SURROGATE.finditer(text)]
    found = [
        SelfCheck(CODE, f"lone surrogate U+{ord(text[i]):04X} replaced by U+FFFD", Span(i, i + 1))
        for i in hits[: MAX_NAMED + 1]
    ]
    return _SURROGATE.sub("\ufffd", text), _bounded(found, len(hits), "lone surrogates")


def repair_file_name(path: str) -> tuple[str, tuple[SelfCheck, ...]]:
    """``path`` with each byte that is not UTF-8 (a surrogate, as Python hands it over)
    replaced by U+FFFD, a finding for each."""
    found = [
        SelfCheck(
            CODE,
            f"file name: byte 0x{ord(m.group()) - 0xDC00:02X} is not UTF-8: replaced by U+FFFD"
            if _ESCAPED.fullmatch(m.group())
            else f"file name: lone surrogate U+{ord(m.group()):04X} replaced by U+FFFD",
        )
        for m in _SURROGATE.finditer(path)
    ]
    if not found:
        return path, ()
    return _SURROGATE.sub("\ufffd", path), _bounded(found, len(found), "file-name bytes")


def repaired(source: SourceText) -> SourceText:
    """``source`` with the lone surrogates of its text and its file name repaired, the
    findings added to its own."""
    text, in_text = repair_surrogates(source.text)
    path, in_name = repair_file_name(source.path) if source.path else (source.path, ())
    if not in_text and not in_name:
        return source
    return replace(source, text=text, path=path, findings=(*source.findings, *in_text, *in_name))


__all__ = [
    "CODE",
    "MAX_NAMED",
    "decode_utf8",
    "repair_file_name",
    "repair_surrogates",
    "repaired",
]
