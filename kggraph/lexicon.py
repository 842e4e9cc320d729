"""The vocabularies of ``ontology/`` (SKOS) as a lookup table for the parser.

The same Turtle files teach the parser its aliases and go into the output graph: a
concept's ``skos:prefLabel``, ``skos:altLabel`` and ``skos:hiddenLabel`` are the names it
is found by. Short labels and abbreviations ("AVG", "Wpg", "BZK") match case-exactly,
longer names case-insensitively, with any run of white space between words.

>>> lex = load_lexicon()
>>> lex.lookup("laws", "Grondwet").key
'law/BWBR0001840'
>>> [lex.lookup("parties", p).key for p in ("P.v.d.A.", "D'66", "Groen Links", "K.V.P.")]
['party/pvda', 'party/d66', 'party/groenlinks', 'party/kvp']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import SKOS

from . import DEFAULT_BASE
from .resources import resource_files

KGO = Namespace("https://w3id.org/kggraph/ontology#")
CASE_EXACT_MAX = 5


@dataclass(frozen=True)
class Concept:
    key: str  # IRI path under the base: "law/BWBR0001840"
    scheme: str  # "laws", "ministries", "portfolios", "parties", "organisations", "outlets"
    label: str
    labels: tuple[str, ...]
    domains: tuple[str, ...] = ()
    parent: str | None = None  # kgo:portfolioOf / a broader concept's key


def _norm(label: str) -> str:
    return " ".join(label.replace("’", "'").split()).casefold()


def _case_exact(label: str) -> bool:
    return len(label) <= CASE_EXACT_MAX or (" " not in label and label[1:] != label[1:].lower())


class Lexicon:
    """Concepts by key, by scheme and label; mention finder over running text."""

    def __init__(self, concepts: list[Concept], graph: Graph):
        self.graph = graph
        self.concepts = {c.key: c for c in concepts}
        self._by_label: dict[tuple[str, str], Concept] = {}
        self._exact: dict[tuple[str, str], Concept] = {}
        for c in concepts:
            for label in c.labels:
                if _case_exact(label):
                    self._exact.setdefault((c.scheme, label), c)
                self._by_label.setdefault((c.scheme, _norm(label)), c)
        self._finders: dict[str, list[re.Pattern[str]]] = {}
        self._compacts: dict[str, dict[str, Concept]] = {}
        self._hosts = {d: c for c in concepts for d in c.domains}

    def lookup(self, scheme: str, text: str) -> Concept | None:
        """The concept of ``scheme`` whose label is ``text``; a party also by its name
        without dots, apostrophes and spaces ("P.v.d.A." → PvdA, "D'66" → D66)."""
        text = " ".join(text.split())
        hit = self._exact.get((scheme, text))
        if hit:
            return hit
        if not _case_exact(text):
            hit = self._by_label.get((scheme, _norm(text)))
        if hit is None and scheme == "parties":
            compact = re.sub(r"[.'’ ]", "", text)
            if compact and compact != text:
                return self.lookup(scheme, compact)
        if hit is None and scheme in ("ministries", "portfolios"):
            # "Onderwijs, Cultuur enWetenschap": words glued by the extraction
            return self._compact(scheme).get(re.sub(r"\W", "", text).casefold())
        return hit

    def _compact(self, scheme: str) -> dict[str, Concept]:
        """Labels of ``scheme`` without spaces and punctuation, lower case → concept."""
        key = f"compact:{scheme}"
        if key not in self._compacts:
            self._compacts[key] = {
                re.sub(r"\W", "", label).casefold(): c
                for c in self.concepts.values()
                if c.scheme == scheme
                for label in c.labels
                if len(label) > CASE_EXACT_MAX
            }
        return self._compacts[key]

    def outlet_for_host(self, host: str) -> Concept | None:
        """The outlet whose ``kgo:domain`` is ``host`` (or a parent domain of it)."""
        host = host.lower().removeprefix("www.")
        while host:
            if host in self._hosts:
                return self._hosts[host]
            if "." not in host:
                return None
            host = host.split(".", 1)[1]
        return None

    def _patterns(self, scheme: str) -> list[re.Pattern[str]]:
        if scheme not in self._finders:
            labels = sorted(
                {label for c in self.concepts.values() if c.scheme == scheme for label in c.labels},
                key=len,
                reverse=True,
            )

            def alternation(items: list[str]) -> str:
                return "|".join(r"\s+".join(map(re.escape, lab.split())) for lab in items)

            exact = [lab for lab in labels if _case_exact(lab)]
            loose = [lab for lab in labels if not _case_exact(lab)]
            found = []
            if exact:
                found.append(re.compile(rf"(?<!\w)(?:{alternation(exact)})(?!\w)"))
            if loose:
                found.append(re.compile(rf"(?<!\w)(?:{alternation(loose)})(?!\w)", re.IGNORECASE))
            self._finders[scheme] = found
        return self._finders[scheme]

    def find(self, scheme: str, text: str) -> Iterator[tuple[Concept, int, int]]:
        """Non-overlapping mentions of ``scheme`` concepts in ``text``, longest first."""
        hits: list[tuple[int, int, Concept]] = []
        for regex in self._patterns(scheme):
            for m in regex.finditer(text):
                concept = self.lookup(scheme, m.group(0))
                if concept:
                    hits.append((m.start(), m.end(), concept))
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        end = -1
        for start, stop, concept in hits:
            if start >= end:
                yield concept, start, stop
                end = stop


def _scheme_name(graph: Graph, subject: URIRef) -> str | None:
    for scheme in graph.objects(subject, SKOS.inScheme):
        return str(scheme).removeprefix(DEFAULT_BASE).removeprefix("scheme/")
    return None


def _relative_iris(graph: Graph, path: Path) -> None:
    """Refuse a vocabulary with a relative IRI: it would resolve against the file path."""
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef) and str(term).startswith("file:"):
                raise ValueError(f"{path}: relative IRI resolved to {term}; write it absolute")


@cache
def load_lexicon() -> Lexicon:
    """Read every vocabulary in ``ontology/`` (all Turtle files but the ontology itself).

    The files use absolute IRIs under :data:`DEFAULT_BASE`; a concept's key is its IRI
    after that base, and :class:`kggraph.iri.Minter` places it under the build's base.
    """
    graph = Graph()
    for path in resource_files("ontology", ".ttl"):
        if path.name != "kggraph.ttl":
            part = Graph().parse(path, format="turtle")
            _relative_iris(part, path)
            graph += part
    concepts = []
    for subject in set(graph.subjects(SKOS.prefLabel, None)):
        if not isinstance(subject, URIRef) or not str(subject).startswith(DEFAULT_BASE):
            continue
        scheme = _scheme_name(graph, subject)
        if scheme is None:
            continue
        pref = [str(o) for o in graph.objects(subject, SKOS.prefLabel)]
        labels = pref + [
            str(o) for p in (SKOS.altLabel, SKOS.hiddenLabel) for o in graph.objects(subject, p)
        ]
        parent = next(iter(graph.objects(subject, KGO.portfolioOf)), None)
        concepts.append(
            Concept(
                key=str(subject).removeprefix(DEFAULT_BASE),
                scheme=scheme,
                label=sorted(pref)[0],
                labels=tuple(dict.fromkeys(labels)),
                domains=tuple(sorted(str(d).lower() for d in graph.objects(subject, KGO.domain))),
                parent=str(parent).removeprefix(DEFAULT_BASE) if parent else None,
            )
        )
    concepts.sort(key=lambda c: c.key)
    return Lexicon(concepts, graph)
