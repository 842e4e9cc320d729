"""Laws the vocabulary does not know, recognised by the shape of their title.

Dutch acts ("Wet op de ondernemingsraden", "Woningwet", "wet van 14 juli 1919"), decrees and
regulations ("Besluit geldelijke steun volkshuisvesting", "Vuurwerkbesluit"), EU acts
("Verordening (EU) 2019/943", "93/37/EEG"), and the abbreviations the text defines for them
("… (Wbni)") and then uses. Such a law is keyed by its name ("law/woningwet"); a law the
vocabulary knows is found by the vocabulary, with its official id, and never here.

>>> from kggraph.lexicon import load_lexicon
>>> text = "De Wet beveiliging netwerk- en informatiesystemen (Wbni) en de Woningwet. De Wbni"
>>> [(m.concept, m.names) for m in find_law_titles(text, None, None, load_lexicon(), [])]
... # doctest: +NORMALIZE_WHITESPACE
[('law/wet-beveiliging-netwerk-en-informatiesystemen',
  ('Wet beveiliging netwerk- en informatiesystemen', 'Wbni')),
 ('law/woningwet', ('Woningwet',))]
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..iri import slug
from ..lexicon import Lexicon
from ..model import Mention, Span
from ..patterns import pattern
from .citations import law_article

SHAPES = ("law_eu_number", "law_title_wet", "law_title_named", "law_title_compound")
SINGLE_WORD_OK = ("law_eu_number", "law_title_compound")


def _trim(title: str) -> str:
    regex = pattern("law_title_trim")
    while True:
        shorter = regex.sub("", title)
        if shorter == title:
            return title
        title = shorter


def _titles(text: str, lexicon: Lexicon) -> list[tuple[int, int, str]]:
    """(start, end, title) of every law title by shape, longest first where they overlap;
    none the vocabulary knows."""
    found = []
    for name in SHAPES:
        for m in pattern(name).finditer(text):
            title = _trim(" ".join(m["title"].split()))
            if name not in SINGLE_WORD_OK and len(title.split()) < 2:
                continue
            if lexicon.lookup("laws", title):
                continue
            start = m.start("title")
            found.append((start, start + len(_trim(m["title"])), title))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    out: list[tuple[int, int, str]] = []
    for f in found:
        if not out or f[0] >= out[-1][1]:
            out.append(f)
    return out


def find_law_titles(
    text: str,
    span_of: Callable[[int, int], Span] | None,
    block_of: Callable[[int], str | None] | None,
    lexicon: Lexicon,
    known: list[Mention],
) -> list[Mention]:
    """Laws named in ``text`` by their title's shape (and their defined abbreviations),
    skipping text where the vocabulary already found a law (``known``)."""
    taken = [(m.span.start, m.span.end) for m in known if m.scheme == "laws"]

    def spans(a: int, b: int) -> Span:
        return span_of(a, b) if span_of else Span(a, b)

    hits: list[tuple[int, int, str, tuple[str, ...]]] = []
    for start, end, title in _titles(text, lexicon):
        names: tuple[str, ...] = (title,)
        if m := re.fullmatch(r"[Ww]et\s+([A-Z]{2,}[a-z]?)", title):  # "Wet VBAR" is the VBAR
            names = (title, m[1])
        abbr = pattern("law_abbreviation").match(text[end : end + 20])
        if abbr and not lexicon.lookup("laws", abbr["abbr"]):
            names = (title, abbr["abbr"])
            for use in re.finditer(rf"(?<![\w-]){re.escape(abbr['abbr'])}(?![\w-])", text):
                if use.start() > end:
                    hits.append((use.start(), use.end(), abbr["abbr"], names))
        hits.append((start, end, title, names))
    out = []
    seen = set()
    for start, end, written, names in sorted(hits):
        where = spans(start, end)
        if any(a < where.end and where.start < b for a, b in taken):
            continue
        key = "law/" + slug(names[0])
        article = law_article(text, start, end)
        block = block_of(start) if block_of else None
        if (key, article, block) in seen:
            continue
        seen.add((key, article, block))
        out.append(Mention(key, "laws", written, where, block, article, names))
    return out
