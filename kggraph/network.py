"""Citation networks as networkx graphs, built from SPARQL rows.

What counts as an edge is ``queries/citation_edges.rq``; ``queries/network_documents.rq``
and ``queries/network_targets.rq`` add the facts the filters and pictures need (party,
ministry, title, official URL; every kind of a cited thing, outlet, domain). Python only
joins the rows, filters, projects and ranks.

>>> doc = DocInfo("https://w3id.org/kggraph/id/doc/d", "d", date="2022-06-24", parties=("SP",))
>>> Filters(party="sp", date_from=date(2022, 1, 1)).keeps_doc(doc)
True
>>> Filters(ministry="Justitie").keeps_doc(doc)
False
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from typing import TYPE_CHECKING, Any

import networkx as nx

from .errors import KggraphError
from .network_types import NETWORK_KINDS, NODE_TYPES, WEB_KINDS  # noqa: F401 - re-exported
from .query import Rows, resolve_query, run_query

if TYPE_CHECKING:
    from .query import Backend


def type_colour(kind: str) -> str:
    return NODE_TYPES.get(kind, ("", "#444444"))[1]


@dataclass(frozen=True)
class DocInfo:
    iri: str
    label: str
    kind: str = ""
    date: str = ""
    title: str = ""
    url: str = ""
    parties: tuple[str, ...] = ()
    ministries: tuple[str, ...] = ()
    party_names: frozenset[str] = frozenset()  # every label of every party, casefolded


@dataclass(frozen=True)
class TargetInfo:
    iri: str
    kind: str
    kinds: tuple[str, ...]
    label: str
    url: str = ""
    date: str = ""
    outlet: str = ""
    domain: str = ""


@dataclass(frozen=True)
class CitationData:
    """The joined rows of the three network queries."""

    docs: dict[str, DocInfo]
    targets: dict[str, TargetInfo]
    edges: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Filters:
    """Which citations to keep. ``party`` matches any name of a party (label or
    abbreviation, any case); ``ministry`` is a case-insensitive substring of a ministry or
    post label; ``types`` keeps cited things that have any of these kinds (a motion is also
    a Kamerstuk)."""

    date_from: date | None = None
    date_to: date | None = None
    party: str | None = None
    ministry: str | None = None
    types: frozenset[str] = field(default_factory=frozenset)
    min_weight: int = 1

    def keeps_doc(self, d: DocInfo) -> bool:
        if self.date_from or self.date_to:
            try:
                when = date.fromisoformat(d.date[:10])
            except ValueError:
                return False
            if (self.date_from and when < self.date_from) or (self.date_to and when > self.date_to):
                return False
        if self.party and self.party.casefold() not in d.party_names | {
            p.casefold() for p in d.parties
        }:
            return False
        return not (
            self.ministry
            and not any(self.ministry.casefold() in m.casefold() for m in d.ministries)
        )

    def keeps_target(self, t: TargetInfo) -> bool:
        return not self.types or bool(self.types & set(t.kinds))


def _rows(rows: Rows) -> Iterable[dict[str, str]]:
    for r in rows.rows:
        yield {k: ("" if v is None else v) for k, v in zip(rows.variables, r, strict=True)}


def _tail(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/"))[-1] or iri


@contextmanager
def _deep_recursion(limit: int = 20_000) -> Iterator[None]:
    """rdflib evaluates the nested ``IF(EXISTS …)`` chain of ``citation_edges`` recursively
    and, over a corpus of 80 documents, already needs about 1,000 frames: the default
    limit. Raise it for the duration of the queries (Oxigraph does not recurse in Python)."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def load_citation_data(backend: Backend) -> CitationData:
    """Run the edge query and the two fact queries on ``backend`` and join their rows."""
    with _deep_recursion():
        edge_rows = list(_rows(run_query(backend, resolve_query("citation_edges"))))
        doc_rows = list(_rows(run_query(backend, resolve_query("network_documents"))))
        target_rows = list(_rows(run_query(backend, resolve_query("network_targets"))))

    parties: dict[str, list[str]] = defaultdict(list)
    ministries: dict[str, list[str]] = defaultdict(list)
    party_names: dict[str, set[str]] = defaultdict(set)
    doc_first: dict[str, dict[str, str]] = defaultdict(dict)
    for r in doc_rows:
        first = doc_first[r["doc"]]
        for key in ("documentKind", "date", "title", "url"):
            if r[key] and (not first.get(key) or r[key] < first[key]):
                first[key] = r[key]
        if r["party"] and r["party"] not in parties[r["doc"]]:
            parties[r["doc"]].append(r["party"])
        for name in (r["party"], r["partyAlias"]):
            if name:
                party_names[r["doc"]].add(name.casefold())
        m = r["ministry"] or r["post"]
        if m and m not in ministries[r["doc"]]:
            ministries[r["doc"]].append(m)

    facts: dict[str, dict[str, Any]] = defaultdict(lambda: {"kinds": []})
    for r in target_rows:
        f = facts[r["target"]]
        if r["kind"] and r["kind"] not in f["kinds"]:
            f["kinds"].append(r["kind"])
        # Several values: take the smallest, so that every backend gives the same answer.
        for key in ("prefLabel", "name", "label", "identifier", "url", "published", "outlet"):
            if r[key] and (not f.get(key) or r[key] < f[key]):
                f[key] = r[key]
        if r["domain"] and (not f.get("domain") or r["domain"] < f["domain"]):
            f["domain"] = r["domain"]

    docs: dict[str, DocInfo] = {}
    targets: dict[str, TargetInfo] = {}
    edges: list[tuple[str, str]] = []
    for r in edge_rows:
        doc, target = r["doc"], r["target"]
        if doc not in docs:
            first = doc_first.get(doc, {})
            docs[doc] = DocInfo(
                iri=doc,
                label=r["docLabel"] or _tail(doc),
                kind=first.get("documentKind", ""),
                date=(r["date"] or first.get("date", ""))[:10],
                title=first.get("title", ""),
                url=first.get("url", ""),
                parties=tuple(sorted(parties.get(doc, ()))),
                ministries=tuple(sorted(ministries.get(doc, ()))),
                party_names=frozenset(party_names.get(doc, ())),
            )
        if target not in targets:
            f = facts.get(target, {"kinds": []})
            kinds = [r["kind"], *(k for k in f["kinds"] if k != r["kind"])]
            targets[target] = TargetInfo(
                iri=target,
                kind=r["kind"],
                kinds=tuple(kinds),
                label=_target_label(f, r["targetLabel"], target),
                url=f.get("url", ""),
                date=f.get("published", "")[:10],
                outlet=f.get("outlet", ""),
                domain=f.get("domain", ""),
            )
        edges.append((doc, target))
    return CitationData(docs, targets, tuple(dict.fromkeys(edges)))


def _target_label(f: dict[str, Any], edge_label: str, iri: str) -> str:
    ident = f.get("identifier", "")
    if f.get("label") and ident and ident not in f["label"]:
        return f"{f['label']} ({ident})"
    for key in ("prefLabel", "name", "label"):
        if f.get(key):
            return str(f[key])
    return ident or f.get("url") or edge_label or _tail(iri)


def citation_graph(data: CitationData, filters: Filters | None = None) -> nx.DiGraph:
    """Documents → cited things, every node typed (``type``) and labelled (``label``)."""
    flt = filters or Filters()
    g = nx.DiGraph(network="citations")
    for doc, target in data.edges:
        d, t = data.docs[doc], data.targets[target]
        if not (flt.keeps_doc(d) and flt.keeps_target(t)):
            continue
        if doc not in g:
            g.add_node(
                doc,
                type="document",
                label=d.label,
                title=d.title,
                date=d.date,
                url=d.url,
                parties=" | ".join(d.parties),
                ministries=" | ".join(d.ministries),
            )
        if target not in g:
            g.add_node(
                target,
                type=t.kind,
                kinds=" ".join(t.kinds),
                label=t.label,
                date=t.date,
                url=t.url,
                outlet=t.outlet,
                domain=t.domain,
            )
        g.add_edge(doc, target, weight=1)
    if flt.min_weight > 1:
        weak = [
            n
            for n, k in g.nodes(data="type")
            if k != "document" and g.in_degree(n) < flt.min_weight
        ]
        g.remove_nodes_from(weak)
        g.remove_nodes_from([n for n in list(g) if g.degree(n) == 0])
    return g


def _labels(g: nx.Graph, nodes: Iterable[str], limit: int = 8) -> str:
    names = sorted(str(g.nodes[n].get("label", n)) for n in nodes)
    more = f" … (+{len(names) - limit})" if len(names) > limit else ""
    return " | ".join(names[:limit]) + more


def _project(cg: nx.DiGraph, keep: str, min_weight: int) -> nx.Graph:
    """Undirected projection on documents (``keep='document'``) or on cited things."""
    out = nx.Graph(network="coupling" if keep == "document" else "cocitation")
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    if keep == "document":
        groups = [(t, sorted(cg.predecessors(t))) for t in cg if cg.nodes[t]["type"] != "document"]
    else:
        groups = [(d, sorted(cg.successors(d))) for d in cg if cg.nodes[d]["type"] == "document"]
    for via, members in groups:
        for a, b in combinations(members, 2):
            shared[(a, b)].append(via)
    for (a, b), vias in shared.items():
        if len(vias) < min_weight:
            continue
        for n in (a, b):
            if n not in out:
                out.add_node(n, **cg.nodes[n])
        out.add_edge(a, b, weight=len(vias), shared=_labels(cg, vias))
    return out


def _outlet_key(attrs: dict[str, Any]) -> str:
    domain = str(attrs.get("domain") or "").casefold().removeprefix("www.")
    return domain or str(attrs.get("outlet") or "").casefold() or "(unknown)"


def _is_web(attrs: dict[str, Any]) -> bool:
    return bool(set(str(attrs.get("kinds") or attrs["type"]).split()) & WEB_KINDS)


def sources_graph(cg: nx.DiGraph, min_weight: int = 1) -> nx.DiGraph:
    """Documents → outlets, one node per domain (named by its publisher when the graph
    knows it); edge weight = web sources from that outlet the document cites."""
    g = nx.DiGraph(network="sources")
    names: dict[str, Counter[str]] = defaultdict(Counter)
    seen: dict[str, set[str]] = defaultdict(set)
    for doc, target in cg.edges:
        t = cg.nodes[target]
        if not _is_web(t):
            continue
        key = _outlet_key(t)
        node = "outlet:" + key
        names[node][t.get("outlet") or key] += 1 if t.get("outlet") else 0
        seen[node].add(target)
        if node not in g:
            g.add_node(node, type="outlet", label=key, domain=key if t.get("domain") else "")
        if doc not in g:
            g.add_node(doc, **cg.nodes[doc])
        if g.has_edge(doc, node):
            g[doc][node]["weight"] += 1
        else:
            g.add_edge(doc, node, weight=1)
    for node, counter in names.items():
        named = [(c, n) for n, c in counter.items() if c]
        if named:
            g.nodes[node]["label"] = max(named)[1]
        g.nodes[node]["sources"] = len(seen[node])
    if min_weight > 1:
        g.remove_edges_from([(a, b) for a, b, w in g.edges(data="weight") if w < min_weight])
        g.remove_nodes_from([n for n in list(g) if g.degree(n) == 0])
    return g


def build_network(
    data: CitationData, kind: str = "citations", filters: Filters | None = None
) -> nx.Graph:
    """The network ``kind`` (one of ``NETWORK_KINDS``), filtered and analysed."""
    flt = filters or Filters()
    if kind not in NETWORK_KINDS:
        raise KggraphError(f"unknown network kind {kind!r}; use one of {', '.join(NETWORK_KINDS)}")
    base = citation_graph(
        data, Filters(flt.date_from, flt.date_to, flt.party, flt.ministry, flt.types)
    )
    if kind == "citations":
        g: nx.Graph = citation_graph(data, flt)
    else:
        if kind == "sources":
            g = sources_graph(base, flt.min_weight)
        else:
            g = _project(base, "document" if kind == "coupling" else "thing", flt.min_weight)
    analyse(g, base if kind == "cocitation" else None)
    return g


def analyse(g: nx.Graph, base: nx.DiGraph | None = None) -> None:
    """Add to every node ``strength`` (weighted in-degree, or weighted degree when
    undirected), ``cited_by`` (citing documents, from ``base`` or ``g``), ``pagerank`` and
    ``community`` (Louvain, seeded, numbered by size)."""
    if g.is_directed():
        strength = dict(g.in_degree(weight="weight"))
    else:
        strength = dict(g.degree(weight="weight"))
    citing = base if base is not None else g
    rank = nx.pagerank(g, weight="weight") if len(g) else {}
    und = g.to_undirected() if g.is_directed() else g
    parts = nx.community.louvain_communities(und, weight="weight", seed=1) if len(g) else []
    ordered = sorted(parts, key=lambda p: (-len(p), min(p)))
    community = {n: i for i, part in enumerate(ordered) for n in part}
    for n, attrs in g.nodes(data=True):
        attrs["strength"] = int(strength.get(n, 0))
        if "cited_by" not in attrs:
            cited = citing.in_degree(n) if citing.is_directed() and n in citing else 0
            attrs["cited_by"] = int(cited)
        attrs["pagerank"] = round(float(rank.get(n, 0.0)), 6)
        attrs["community"] = community.get(n, -1)


RANK_HEADER = ("rank", "label", "type", "cited_by", "strength", "pagerank", "community", "url")


def ranking(
    g: nx.Graph, top: int | None = None, types: Sequence[str] = ()
) -> list[tuple[str, ...]]:
    """Nodes by ``strength`` then PageRank; citing documents are left out of the ranking
    of a citations or sources network (they are what does the citing)."""
    network = g.graph.get("network")
    nodes = [
        a
        for _, a in g.nodes(data=True)
        if (not types or set(types) & set(str(a.get("kinds") or a["type"]).split()))
        and not (network in ("citations", "sources") and a["type"] == "document")
    ]
    nodes.sort(key=lambda a: (-a["strength"], -a["pagerank"], str(a["label"]).casefold()))
    return [
        (
            str(i),
            str(a["label"]),
            str(a["type"]),
            str(a["cited_by"]),
            str(a["strength"]),
            f"{a['pagerank']:.4f}",
            str(a["community"]),
            str(a.get("url", "")),
        )
        for i, a in enumerate(nodes[:top] if top else nodes, start=1)
    ]


OUTLET_HEADER = ("outlet", "domain", "sources", "citations", "documents")


def outlet_counts(g: nx.Graph) -> list[tuple[str, ...]]:
    """Per outlet (domain): distinct web sources, citations and citing documents; from a
    sources network, or from a citations network (its web-source nodes)."""
    if g.graph.get("network") != "sources":
        if not g.is_directed():
            raise KggraphError("outlet counts need a citations or sources network")
        g = sources_graph(g)
        analyse(g)
    rows = [
        (a["label"], a.get("domain", ""), a["sources"], a["strength"], g.in_degree(n))
        for n, a in g.nodes(data=True)
        if a["type"] == "outlet"
    ]
    rows.sort(key=lambda r: (-int(r[3]), -int(r[2]), str(r[0]).casefold()))
    return [tuple(str(v) for v in r) for r in rows]


def table_csv(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """CSV; cells a spreadsheet would run as formulas get a leading ``'``."""
    from .output_safety import formula_like

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows([["'" + c if formula_like(c) else c for c in map(str, r)] for r in rows])
    return buf.getvalue()


def layout(g: nx.Graph, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Node positions in [-1, 1]², computed once in Python (spring layout, seeded)."""
    if not len(g):
        return {}
    und = g.to_undirected() if g.is_directed() else g
    k = 1.5 / max(len(g), 1) ** 0.5
    iterations = 60 if len(g) <= 2000 else 35
    pos = nx.spring_layout(und, k=k, iterations=iterations, seed=seed, weight=None)
    return {n: (round(float(x), 5), round(float(y), 5)) for n, (x, y) in pos.items()}
