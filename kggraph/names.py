"""One preferred name per person and post, the same in every document.

Documents spell a name in many ways ("Faber-Van de Klashorst", "Faber – van de
Klashorst"; "… en koninkrijksrelaties"). Each document graph says the preferred name of
a shared node, so it must not depend on the document: it is computed from what every
spelling shares (the vocabulary concept of a post, a normal form of a surname). The
spelling a document used goes into ``skos:altLabel``.

>>> preferred_family("Faber – van de Klashorst")
'Faber-Van de Klashorst'
>>> preferred_family("van  Nispen")
'Van Nispen'
"""

from __future__ import annotations

import re

from .lexicon import Concept

_DASH = re.compile(r"\s*[-‐‑‒–—]\s*")


def tidy(text: str) -> str:
    """Runs of white space as one space; dashes between words without spaces."""
    return _DASH.sub("-", " ".join(text.split()))


def preferred_family(family: str) -> str:
    """A surname as it stands on its own: each part of a double name capitalised
    (a particle too: "Van Dijk", "Faber-Van de Klashorst")."""
    return "-".join(part[:1].upper() + part[1:] for part in tidy(family).split("-"))


def preferred_post(
    role: str, ministry: Concept | None, portfolio: Concept | None, parent: Concept | None
) -> str | None:
    """The name of a post held under a known ministry or portfolio, from the vocabulary:
    "Minister van Binnenlandse Zaken en Koninkrijksrelaties", "Minister voor
    Rechtsbescherming", "Staatssecretaris van Financiën – Fiscaliteit en Belastingdienst"."""
    if ministry is not None:
        return f"{role} van {ministry.label.removeprefix('Ministerie van ')}"
    if portfolio is None:
        return None
    if role == "Minister":
        return f"Minister voor {portfolio.label}"
    if parent is not None:
        return f"{role} van {parent.label.removeprefix('Ministerie van ')} – {portfolio.label}"
    return f"{role} van {portfolio.label}"


_SMALL = {"van", "voor", "en", "de", "het", "der", "den", "in", "op", "of", "te", "met"}


def preferred_label(label: str) -> str:
    """A name no vocabulary knows, in one form whatever the capitals: each word
    capitalised but the small words ("Minister van Sociale Zaken")."""
    words = tidy(label).split(" ")
    return " ".join(
        w if i and w.lower() in _SMALL else w[:1].upper() + w[1:] for i, w in enumerate(words)
    )
