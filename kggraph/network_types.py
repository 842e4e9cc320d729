"""The kinds of citation network and of nodes, named without importing networkx (the
command line lists them in its help)."""

from __future__ import annotations

NETWORK_KINDS = ("citations", "coupling", "cocitation", "sources")
WEB_KINDS = frozenset({"news", "report", "webpage"})

#: Kinds of nodes, in legend order, with a readable name and a colour (Okabe–Ito based).
NODE_TYPES: dict[str, tuple[str, str]] = {
    "document": ("Document (Kamervragen / antwoord)", "#0072B2"),
    "motion": ("Motie", "#D55E00"),
    "amendment": ("Amendement", "#E69F00"),
    "kamerstuk": ("Kamerstuk", "#CC79A7"),
    "aanhangsel": ("Aanhangsel item", "#56B4E9"),
    "law": ("Wet", "#009E73"),
    "staatscourant": ("Staatscourant", "#8C6D31"),
    "staatsblad": ("Staatsblad", "#B5942F"),
    "court-decision": ("Uitspraak", "#7F3C8D"),
    "news": ("Nieuwsartikel", "#F0E442"),
    "report": ("Rapport / publicatie", "#999933"),
    "webpage": ("Webpagina", "#888888"),
    "ministry": ("Ministerie", "#332288"),
    "organisation": ("Organisatie", "#44AA99"),
    "outlet": ("Uitgever / domein", "#AA4499"),
}
