"""Aanhangsel items: one document per item, also when a page holds several.

A page of the archive (1974–1995) often prints one item after another, each opened by its
Aanhangsel number alone on a line and its "Vragen van …" header. Every item becomes a
document of its own, named by the page's chamber and session and its own number.

>>> page = ("Tweede Kamer der Staten-Generaal\\n2\\nZitting 1984-1985\\nAanhangsel\\n221\\n"
...         "Vragen van het lid Van Es (P.S.P.) over X.\\n1 Ja?\\n222\\n"
...         "Vragen van het lid Ter Veld (P.v.d.A.) over Y.\\n1 Nee?\\n")
>>> [(i.number, page[i.start:i.end].split("\\n")[-3][:26]) for i in find_items(page)]
[(221, 'Vragen van het lid Van Es '), (222, 'Vragen van het lid Ter Vel')]
>>> item_identifier(page, 222), item_identifier(page.replace("1984-1985", "1977"), 81)
('ah-tk-19841985-222', 'ah-tk-19771977-81')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..patterns import pattern


@dataclass(frozen=True)
class Item:
    """One item of a source text: ``text[start:end]``, with its printed ``number``."""

    number: int | None
    start: int
    end: int


def find_items(text: str) -> list[Item]:
    """The items of ``text`` in order; the first also holds the page's masthead. A text
    with fewer than two numbered item starts is one item."""
    starts = list(pattern("item_start").finditer(text))
    if len(starts) < 2:
        return [Item(_number(starts[0]) if starts else None, 0, len(text))]
    items = []
    for i, m in enumerate(starts):
        start = 0 if i == 0 else m.start()
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        items.append(Item(_number(m), start, end))
    return items


def _number(m: re.Match[str]) -> int:
    """The item's number: "221", or OCR's "3 6 2." of 1923."""
    return int((m["nr"] or m["old"]).replace(" ", "").replace("\t", ""))


def item_identifier(text: str, number: int | None) -> str | None:
    """ "ah-tk-19841985-222" from the masthead's chamber and session and the item's number;
    None when either is missing."""
    m = pattern("masthead_session").search(text[:2000])
    if m is None and number is not None:  # the pages of 1919–1923 say it in a footer
        old = pattern("handelingen_footer").search(text)
        if old and int(old["b"]) == int(old["a"]) + 1:
            chamber = "ek" if old["chamber"] == "I" else "tk"
            return f"ah-{chamber}-{old['a']}{old['b']}-{number}"
    if m is None or number is None:
        return None
    second = m["b"] or m["a"]  # "Zitting 1977": a session of one year is written 19771977
    if int(second) not in (int(m["a"]), int(m["a"]) + 1):
        return None
    chamber = "tk" if m["chamber"] == "Tweede" else "ek"
    return f"ah-{chamber}-{m['a']}{second}-{number}"
