"""An Aanhangsel item cited in text, in each order its vergaderjaar and number are written
(the patterns ``aanhangsel*`` of kggraph/patterns/citations.toml)."""

from __future__ import annotations

import re

from ..patterns import pattern

# The orders in which an Aanhangsel item's vergaderjaar and number are written.
FORMS = ("aanhangsel", "aanhangsel_number_first", "aanhangsel_year_before", "aanhangsel_identifier")


def parts(m: re.Match[str]) -> tuple[str, int]:
    """The vergaderjaar ("20232024") and number of a match of one of ``FORMS``."""
    groups = {k: v for k, v in m.groupdict().items() if v is not None}
    a, b, nr = (groups.get(k) or groups[k + "2"] for k in ("a", "b", "nr"))
    return a + (b if len(b) == 4 else a[:2] + b), int(nr)


def matches(text: str) -> list[re.Match[str]]:
    """Every citation of an Aanhangsel item in ``text``, in text order, none overlapping."""
    found: list[re.Match[str]] = []
    for name in FORMS:
        for m in pattern(name).finditer(text):
            if not any(f.start() < m.end() and m.start() < f.end() for f in found):
                found.append(m)
    return sorted(found, key=lambda m: m.start())


def match_at(text: str, pos: int) -> re.Match[str] | None:
    """The citation of an Aanhangsel item that begins at ``pos``, if one does."""
    for name in FORMS:
        m = pattern(name).match(text, pos)
        if m:
            return m
    return None
