"""Output that cannot attack its reader: spreadsheet formulas and terminal control codes.

Document text and query results come from untrusted files. A CSV cell that starts with
``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) is run as a formula by
spreadsheet programs; an escape sequence or a bidi override printed to a terminal can
rewrite the screen or reorder what the reader sees.

>>> neutralise_csv(b'name,n\\r\\n=HYPERLINK("http://x"),-3\\r\\nAD,4\\r\\n')
b'name,n\\r\\n"\\'=HYPERLINK(""http://x"")",-3\\r\\nAD,4\\r\\n'
>>> terminal_safe("ok\\x1b[2J \\u202egnp.exe")
'ok\\\\x1b[2J \\\\u202egnp.exe'
"""

from __future__ import annotations

import csv
import io
import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
# C0 but tab and newline, DEL, C1, bidi embeddings/overrides/isolates and marks, line and
# paragraph separators, lone surrogates (a file name's bytes that are not UTF-8: printing
# them raw fails)
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff]"
)


def formula_like(cell: str) -> bool:
    """Whether a spreadsheet would read ``cell`` as a formula (a plain number is not)."""
    return cell.startswith(FORMULA_START) and not NUMBER.fullmatch(cell)


def neutralise_csv(data: bytes) -> bytes:
    """SPARQL CSV results with every formula-like cell prefixed by ``'`` (OWASP's advice);
    other cells, quoting and line ends stay as the standard writes them."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    if not any(formula_like(cell) for row in rows[1:] for cell in row):
        return data
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(rows[0] if rows else [])
    for row in rows[1:]:
        writer.writerow(["'" + c if formula_like(c) else c for c in row])
    return out.getvalue().encode("utf-8")


def terminal_safe(text: str) -> str:
    """``text`` with control characters and bidi controls written as escapes."""
    return _CONTROL.sub(lambda m: _escape(m.group()), text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


__all__ = ["formula_like", "neutralise_csv", "terminal_safe"]
