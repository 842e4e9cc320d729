"""Dutch dates, names and roles, driven by ``kggraph/data/dutch.toml``.

>>> parse_date("24 juni 2022")
datetime.date(2022, 6, 24)
>>> split_name("Jasper van Dijk")
PersonName(written='Jasper van Dijk', family='van Dijk', given='Jasper', initials=None)
>>> split_name("Van der Burg").family, split_name("Faber – van de Klashorst").family
('Van der Burg', 'Faber – van de Klashorst')
>>> split_name("Bruins Slot", given_names=False).family
'Bruins Slot'
>>> split_name("Inge vanDijk").family, unglue_particles("VanMeenen"), unglue_particles("Vandaag")
('van Dijk', 'Van Meenen', 'Vandaag')
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from .model import PersonName

DATA = Path(__file__).resolve().parent / "data" / "dutch.toml"
OCR_DIGITS = str.maketrans("IlO", "110")  # OCR reads 1 as I or l, 0 as O ("II oktober")
INITIALS = re.compile(r"^(?:[A-Z][a-z]?\.)+(?:-[A-Z]\.)*$")


@cache
def dutch() -> dict[str, Any]:
    with DATA.open("rb") as fh:
        return tomllib.load(fh)


def parse_date(text: str | None) -> date | None:
    """ "11 mei 2022" → date(2022, 5, 11); None when it is not a full Dutch date. OCR's
    "16juni 1993" and "II oktober 1974" are read too.

    >>> parse_date("16juni 1993"), parse_date("II oktober 1974"), parse_date("26tebruari 1979")
    (datetime.date(1993, 6, 16), datetime.date(1974, 10, 11), datetime.date(1979, 2, 26))
    """
    if not text:
        return None
    m = re.fullmatch(r"\s*([\dIlO]{1,2})\s*([A-Za-z]+)\.?\s*([\dIlO]{4})\s*", text)
    if not m:
        return None
    month = month_number(m.group(2))
    if not month:
        return None
    day, year = (int(g.translate(OCR_DIGITS)) for g in (m.group(1), m.group(3)))
    try:
        return date(year, month, day)
    except ValueError:
        return None


def month_number(name: str) -> int | None:
    """A Dutch month's number; OCR's one-letter damage is forgiven on names of five letters
    or more ("tebruari" → 2), never on short ones ("mei", "juni")."""
    months: dict[str, int] = dutch()["months"]
    name = name.lower()
    if name in months:
        return months[name]
    if len(name) < 5:
        return None
    near = {n for m, n in months.items() if len(m) == len(name) and _one_off(m, name)}
    return near.pop() if len(near) == 1 else None


def _one_off(a: str, b: str) -> bool:
    return sum(x != y for x, y in zip(a, b, strict=True)) == 1


def unglue_particles(name: str) -> str:
    """Put back the space pypdf lost after a name particle: "VanMeenen" → "Van Meenen",
    "Inge vanDijk" → "Inge van Dijk"."""
    particles = "|".join(
        re.escape(p) for p in sorted(dutch()["particles"], key=len, reverse=True) if p.isalpha()
    )
    return re.sub(
        rf"(?<![\w-])((?i:{particles}))(?=[A-Z][a-zà-ÿ])",
        lambda m: m.group(1) + " ",
        name,
    )


def split_name(written: str, *, given_names: bool = True) -> PersonName:
    """Split a written name into given name / initials and family name (with particles).

    ``given_names=False`` where the text names people by surname only — "Minister Bruins
    Slot" is Ms Bruins Slot, not Slot with the first name Bruins; initials still split off.
    """
    written = unglue_particles(" ".join(written.split()))
    tokens = written.split(" ")
    particles = set(dutch()["particles"])
    given: list[str] = []
    initials: list[str] = []
    i = 0
    if any(tok in {"-", "–", "—"} for tok in tokens):  # "Faber – van de Klashorst"
        i = len(tokens)
    while i < len(tokens) - 1:
        tok = tokens[i]
        if "-" in tok.strip("-"):  # "Faber-van de Klashorst": a double family name
            break
        if not given_names and not INITIALS.match(tok):
            break
        if INITIALS.match(tok):
            initials.append(tok)
        elif tok[:1].isupper() and tok.lower() not in particles:
            given.append(tok)
        else:
            break
        i += 1
    family = " ".join(tokens[i:])
    if not family or i == len(tokens):
        family, given = written, []
    return PersonName(
        written=written,
        family=family,
        given=" ".join(given) or None,
        initials="".join(initials) or None,
    )


def normalise_role(role: str) -> str:
    """ "minister" → "Minister", "staatssecretarissen" → "Staatssecretaris"."""
    return str(dutch()["roles"].get(role.lower(), role[:1].upper() + role[1:]))
