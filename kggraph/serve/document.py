"""A document page: its rows from the ``doc-*`` queries shaped for the template.

Questions and answers are many-to-many (grouped answers "Antwoord 6, 7, 9 en 11",
grouped questions, referrals "Zie het antwoord op vraag 2"): ``qa_groups`` puts each set
of questions with the answer blocks that answer them, in reading order, so the page can
show each question next to its answer.

>>> blocks = [Block("q1", "question", "Vraag 1", 1), Block("q2", "question", "Vraag 2", 2),
...           Block("a1", "answer", "Antwoord 1 en 2")]
>>> [(g.questions[0].label, [a.label for a in g.answers]) for g in
...  qa_groups(blocks, {"a1": ["q1", "q2"]})]
[('Vraag 1', ['Antwoord 1 en 2'])]
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..rdf import OFFICIAL

Row = Mapping[str, str | None]

#: The order and Dutch headings of the kinds of cited things on a document page.
CITED_KINDS: dict[str, str] = {
    "law": "Wetten",
    "motion": "Moties",
    "amendment": "Amendementen",
    "kamerstuk": "Kamerstukken",
    "aanhangsel": "Aanhangsel van de Handelingen",
    "staatscourant": "Staatscourant",
    "staatsblad": "Staatsblad",
    "court-decision": "Uitspraken",
    "news": "Nieuwsartikelen",
    "report": "Rapporten en publicaties",
    "webpage": "Webpagina's",
    "ministry": "Ministeries",
    "organisation": "Organisaties",
}
_OFFICIAL_HTML = re.compile(re.escape(OFFICIAL) + r"([A-Za-z0-9._-]+)\.html$")


def pdf_page_link(url: str | None, page: str | int | None) -> str | None:
    """The official PDF at ``page`` for an official HTML URL (zoek.officielebekendmakingen.nl
    serves each publication as .html and .pdf).

    >>> pdf_page_link("https://zoek.officielebekendmakingen.nl/ah-tk-20232024-1999.html", 2)
    'https://zoek.officielebekendmakingen.nl/ah-tk-20232024-1999.pdf#page=2'
    """
    m = _OFFICIAL_HTML.match(url or "")
    if not m:
        return None
    return f"{OFFICIAL}{m[1]}.pdf" + (f"#page={int(page)}" if page else "")


@dataclass
class Provenance:
    """Where a fact stands: page and character span of the extracted text."""

    iri: str
    page: str | None = None
    start: str | None = None
    end: str | None = None

    @property
    def label(self) -> str:
        parts = []
        if self.page:
            parts.append(f"p. {self.page}")
        if self.start is not None and self.end is not None:
            parts.append(f"tekens {self.start}–{self.end}")
        return ", ".join(parts) or "herkomst"


@dataclass
class Block:
    iri: str
    type: str  # "question" or "answer"
    label: str
    number: int | None = None
    text: str = ""
    referral: bool = False
    provenance: Provenance | None = None
    footnotes: list[str] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)
    refers_to: list[str] = field(default_factory=list)


@dataclass
class QAGroup:
    questions: list[Block]
    answers: list[Block]

    @property
    def anchor(self) -> str:
        first = self.questions[0] if self.questions else self.answers[0]
        return f"qa-{first.iri.rsplit('/', 1)[-1]}"


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def blocks_from(rows: Iterable[Row]) -> list[Block]:
    out: dict[str, Block] = {}
    for r in rows:
        iri = r["block"] or ""
        if iri in out:
            continue
        kind = r["type"] or "question"
        number = _int(r["number"])
        label = r["label"] or (f"Vraag {number}" if number is not None else kind)
        out[iri] = Block(
            iri,
            kind,
            label,
            number,
            r["text"] or "",
            (r["referral"] or "").lower() == "true",
            Provenance(iri, r["page"], r["start"], r["end"]),
        )
    return list(out.values())


def qa_groups(blocks: list[Block], answers_of: Mapping[str, list[str]]) -> list[QAGroup]:
    """Questions with the answer blocks answering them: connected sets in reading order;
    a question nobody answers is a group of its own, and so is an answer to nothing."""
    parent: dict[str, str] = {b.iri: b.iri for b in blocks}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for answer, questions in answers_of.items():
        for q in questions:
            if answer in parent and q in parent:
                parent[find(answer)] = find(q)
    groups: dict[str, QAGroup] = {}
    for b in blocks:
        g = groups.setdefault(find(b.iri), QAGroup([], []))
        (g.questions if b.type == "question" else g.answers).append(b)
    return list(groups.values())


def relations(rows: Iterable[Row]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """answer → questions it answers, answer → questions it refers to."""
    answers: dict[str, list[str]] = defaultdict(list)
    refers: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        target = answers if r["relation"] == "answers" else refers
        if r["answer"] and r["question"] and r["question"] not in target[r["answer"]]:
            target[r["answer"]].append(r["question"])
    return dict(answers), dict(refers)


@dataclass
class Footnote:
    iri: str
    number: str
    text: str
    provenance: Provenance
    blocks: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    cited: list[str] = field(default_factory=list)


def footnotes_from(rows: Iterable[Row]) -> list[Footnote]:
    out: dict[str, Footnote] = {}
    for r in rows:
        iri = r["footnote"] or ""
        fn = out.get(iri)
        if fn is None:
            fn = out[iri] = Footnote(
                iri,
                r["number"] or "",
                r["text"] or "",
                Provenance(iri, r["page"], r["start"], r["end"]),
            )
        for key, target in (("block", fn.blocks), ("url", fn.links), ("cited", fn.cited)):
            value = r[key]
            if value and value not in target:
                target.append(value)
    return list(out.values())


@dataclass
class Cited:
    iri: str
    kind: str
    label: str
    identifier: str | None = None
    url: str | None = None
    outlet: str | None = None
    outlet_label: str | None = None
    published: str | None = None
    law: str | None = None
    kinds: list[str] = field(default_factory=list)
    articles: list[Cited] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)


def cited_from(rows: Iterable[Row]) -> dict[str, list[Cited]]:
    """Cited things by kind (a thing of several kinds goes under the first of
    ``CITED_KINDS``: a motion is listed as a motion, not again as a Kamerstuk); law
    articles go under their law."""
    things: dict[str, Cited] = {}
    for r in rows:
        iri, kind = r["cited"] or "", r["kind"] or ""
        c = things.get(iri)
        if c is None:
            c = things[iri] = Cited(
                iri,
                kind,
                _label(r, iri),
                r["identifier"],
                r["url"],
                r["outlet"],
                r["outletLabel"],
                r["published"],
                r["law"],
            )
        c.kinds.append(kind)
    order = list(CITED_KINDS)
    grouped: dict[str, list[Cited]] = {k: [] for k in CITED_KINDS}
    for c in things.values():
        if "article" in c.kinds and c.law:
            continue
        known = [k for k in c.kinds if k in grouped]
        if known:
            c.kind = min(known, key=order.index)
            grouped[c.kind].append(c)
    for c in things.values():
        if "article" in c.kinds and c.law:
            law = things.get(c.law)
            if law is not None:
                law.articles.append(c)
            else:
                c.kind = "law"
                grouped["law"].append(c)
    return {k: sorted(v, key=lambda c: c.label.casefold()) for k, v in grouped.items() if v}


def _label(r: Row, iri: str) -> str:
    """A cited thing's name; a news article without a title is named by outlet and date."""
    if r["label"] or r["identifier"]:
        return str(r["label"] or r["identifier"])
    if r["outletLabel"]:
        return ", ".join(x for x in (r["outletLabel"], r["published"]) if x)
    return r["url"] or iri.rsplit("/", 1)[-1]


RELATIONS = {
    "sameZaak": "Zelfde zaak (vragen en antwoord)",
    "seeAlso": "Zie ook",
    "seenFrom": "Verwijst hierheen (zie ook)",
    "cites": "Citeert",
    "citedBy": "Geciteerd door",
}


def related_from(rows: Iterable[Row]) -> list[tuple[str, list[Row]]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        grouped[r["relation"] or ""].append(r)
    return [(RELATIONS[k], grouped[k]) for k in RELATIONS if grouped.get(k)]
