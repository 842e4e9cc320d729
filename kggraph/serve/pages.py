"""The HTML pages: home, a document, a person, party, ministry, law, outlet, any other node,
and the lists of each. Every list is one bounded query (``LIMIT``/``OFFSET``) per page."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from .document import (
    CITED_KINDS,
    blocks_from,
    cited_from,
    footnotes_from,
    pdf_page_link,
    qa_groups,
    related_from,
    relations,
)
from .site import Paging, Site, page_queries

#: Local pages with their own view; every other kind of node gets the generic one.
KINDS = ("doc", "person", "party", "ministry", "law", "outlet")
_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~%-")


def _site(request: Request) -> Site:
    site: Site = request.app.state.site
    return site


def _html(site: Site, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(site.render(template, **context), status_code=status)


def _key(request: Request) -> str:
    """The node key from the raw (still percent-encoded) path, as minted in the IRI."""
    raw = request.scope.get("raw_path") or request.url.path.encode()
    key = raw.decode("ascii", "replace").split("?", 1)[0].split("/", 2)[-1]
    if not key or not set(key) <= _KEY_CHARS:
        raise HTTPException(404, "no such page")
    return key


#: The home page's queries (the lists shared with the list pages).
HOME = ("home-counts", "parties-index", "ministries-index")


async def home(request: Request) -> Response:
    site = _site(request)
    counts, parties, ministries = await asyncio.gather(*(site.select(name) for name in HOME))
    total = sum(int(r["documents"] or 0) for r in counts)
    return _html(
        site,
        "home.html",
        counts=counts,
        total=total,
        parties=parties[:12],
        ministries=ministries[:12],
        queries=list(HOME),
    )


async def document(request: Request) -> Response:
    site = _site(request)
    iri = site.iri("doc", _key(request))
    p = {"doc": iri}
    names = ("doc-header", "doc-people", "doc-blocks", "doc-answers", "doc-footnotes",
             "doc-cited", "doc-mentions", "doc-related", "doc-similar")  # fmt: skip
    results = await asyncio.gather(*(site.select(n, p) for n in names))
    header, people, block_rows, answer_rows, fn_rows, cited_rows, mentions, related, similar = (
        results
    )
    if not header:
        raise HTTPException(404, "no such document in the store")
    head = header[0]
    blocks = blocks_from(block_rows)
    answers_of, refers_of = relations(answer_rows)
    by_iri = {b.iri: b for b in blocks}
    for b in blocks:
        b.refers_to = [q for q in refers_of.get(b.iri, []) if q in by_iri]
    footnotes = footnotes_from(fn_rows)
    for fn in footnotes:
        for blk in fn.blocks:
            if blk in by_iri:
                by_iri[blk].footnotes.append(fn.number)
    cited = cited_from(cited_rows)
    things = {c.iri: c for group in cited.values() for c in group}
    for c in list(things.values()):
        for a in c.articles:
            things[a.iri] = a
    for m in mentions:
        where = by_iri.get(m["in"] or "")
        entry = {
            "target": m["target"],
            "surface": m["surface"],
            "where": where.label if where else _where(m["in"]),
            "where_iri": m["in"],
            "iri": m["mention"],
            "page": m["page"],
            "start": m["start"],
            "end": m["end"],
            "submitters": m["submitters"],
        }
        thing = things.get(m["target"] or "")
        if thing is not None:
            thing.mentions.append(entry)
        if where is not None and thing is not None:
            where.mentions.append({**entry, "label": thing.label})
    people_by_role: dict[str, list[dict[str, str | None]]] = defaultdict(list)
    for r in people:
        people_by_role[r["role"] or ""].append(r)
    return _html(
        site,
        "document.html",
        doc=head,
        iri=iri,
        people=people_by_role,
        groups=qa_groups(blocks, answers_of),
        blocks=by_iri,
        footnotes=footnotes,
        cited=cited,
        kinds=CITED_KINDS,
        related=related_from(related),
        similar=similar,
        pdf=lambda page: pdf_page_link(head["url"], page),
        queries=list(names),
    )


def _where(iri: str | None) -> str:
    """Where a mention outside the questions and answers stands."""
    if iri and "/footnote/" in iri:
        return "voetnoot " + iri.rsplit("-", 1)[-1]
    return "de tekst"


async def _listing(
    request: Request, name: str, params: dict[str, str]
) -> tuple[list[dict[str, str | None]], Paging, bool]:
    paging = Paging.of(request.query_params.get("page"))
    rows, more = await _site(request).page(name, params, paging)
    return rows, paging, more


@dataclass(frozen=True)
class Entity:
    """A kind of node with a page of its own: a one-row query for its facts, whole-list
    queries shown beside them (by template name), and its documents, a page at a time."""

    template: str
    info: str
    lists: tuple[tuple[str, str], ...]
    docs: str


ENTITIES = {
    "person": Entity("person.html", "person", (("posts", "person-posts"),), "person-docs"),
    "party": Entity("party.html", "party", (("members", "party-members"),), "party-docs"),
    "ministry": Entity(
        "ministry.html",
        "ministry",
        (("posts", "ministry-posts"), ("years", "ministry-reply-times")),
        "ministry-docs",
    ),
    "law": Entity("law.html", "law", (("articles", "law-articles"),), "law-docs"),
    "outlet": Entity("outlet.html", "outlet", (), "outlet-docs"),
}


async def entity_context(site: Site, kind: str, iri: str, paging: Paging) -> dict[str, Any] | None:
    """What the page of ``iri`` shows, or None when the store knows nothing of it."""
    e = ENTITIES[kind]
    p = {kind: iri}
    info, *lists = await asyncio.gather(
        site.select(e.info, p), *(site.select(q, p) for _, q in e.lists)
    )
    docs, more = await site.page(e.docs, p, paging)
    if not docs and not (info and any(info[0].values())):
        return None
    return {
        "iri": iri,
        "info": info[0],
        "docs": docs,
        "paging": paging,
        "more": more,
        "queries": [e.info, *(q for _, q in e.lists), e.docs],
        **{name: rows for (name, _), rows in zip(e.lists, lists, strict=True)},
    }


async def entity(request: Request) -> Response:
    """The page of a person, party, ministry, law or outlet."""
    site = _site(request)
    kind = request.url.path.split("/")[1]
    iri = site.iri(kind, _key(request))
    context = await entity_context(site, kind, iri, Paging.of(request.query_params.get("page")))
    if context is None:
        raise HTTPException(404, f"no such {kind} in the store")
    return _html(site, ENTITIES[kind].template, **context)


async def resource(request: Request) -> Response:
    """Any other node (Kamerstuk, question, footnote, post, web source …): its facts, the
    documents citing it and what points to it."""
    site = _site(request)
    kind = request.path_params["kind"]
    iri = site.iri(kind, _key(request))
    p = {"node": iri}
    facts = await site.select("resource-out", p)
    citing, paging, more = await _listing(request, "resource-citing", p)
    incoming, _, more_in = await _listing(request, "resource-in", p)
    if not facts and not incoming:
        raise HTTPException(404, "nothing in the store has this name")
    doc = next((f["o"] for f in facts if f["p"] and f["p"].endswith("/terms/isPartOf")), None)
    values = {f["p"]: f["o"] for f in facts}
    kgo = "https://w3id.org/kggraph/ontology#"
    selector = values.get(f"{kgo}textSelector")
    span = await site.select("resource-out", {"node": selector}) if selector else []
    spans = {f["p"]: f["o"] for f in span}
    oa = "http://www.w3.org/ns/oa#"
    return _html(
        site,
        "resource.html",
        iri=iri,
        kind=kind,
        facts=facts,
        citing=citing,
        incoming=incoming,
        paging=paging,
        more=more or more_in,
        doc=doc,
        page=values.get(f"{kgo}page"),
        start=spans.get(f"{oa}start"),
        end=spans.get(f"{oa}end"),
        queries=["resource-out", "resource-citing", "resource-in"],
    )


INDEXES = {
    "doc": ("docs-index", "Documenten"),
    "person": ("persons-index", "Personen"),
    "party": ("parties-index", "Partijen"),
    "ministry": ("ministries-index", "Ministeries"),
    "law": ("laws-index", "Wetten"),
    "outlet": ("outlets-index", "Media en uitgevers"),
}


async def warm(site: Site) -> None:
    """Run the whole-store queries of the home page, the lists' first pages and the
    insights once, one after the other (one page worker busy), so that their pages answer
    from the cache: the store does not change while it is served."""
    from .insight_pages import warm_insights

    for name in HOME:
        await site.select(name)
    years = await site.select("docs-years")
    if years and years[0]["year"]:
        await site.select("docs-index", {"year": str(years[0]["year"])})
    lists = {kind: await site.select(name) for kind, (name, _) in INDEXES.items() if kind != "doc"}
    await warm_insights(site)
    # the pages of the few parties and ministries, the cited laws and the most cited outlets
    for kind, most in (("party", None), ("ministry", None), ("law", None), ("outlet", 30)):
        for row in lists[kind][:most]:
            if row[kind]:
                await entity_context(site, kind, str(row[kind]), Paging())


async def index(request: Request) -> Response:
    kind = request.url.path.strip("/")
    if kind not in INDEXES:
        raise HTTPException(404, "no such list")
    name, title = INDEXES[kind]
    site = _site(request)
    params: dict[str, str] = {}
    years: list[dict[str, str | None]] = []
    if kind == "doc":  # documents come a year at a time: each page sorts one year only
        years = [y for y in await site.select("docs-years") if y["year"]]
        year = request.query_params.get("year") or (years[0]["year"] if years else "")
        if not (year or "").isdigit():
            raise HTTPException(404, "no such year")
        params["year"] = str(year)
        title = f"Documenten {year}"
    # the whole list is one query (cached; the lists are bounded: one year of documents,
    # the people, parties, ministries, laws, outlets), shown a page at a time
    paging = Paging.of(request.query_params.get("page"))
    everything = await site.select(name, params)
    rows = everything[paging.offset : paging.offset + paging.size]
    more = len(everything) > paging.offset + paging.size
    return _html(
        site,
        "index.html",
        kind=kind,
        title=title,
        rows=rows,
        paging=paging,
        more=more,
        years=years,
        year=params.get("year"),
        queries=["docs-years", name] if kind == "doc" else [name],
    )


async def queries(request: Request) -> Response:
    """The page and insight queries, and the bundled ones, with their text."""
    from ..query import bundled_queries

    bundled = {q.path: q for q in bundled_queries().values()}
    return _html(
        _site(request),
        "queries.html",
        page_queries=page_queries(),
        bundled=sorted(bundled.values(), key=lambda q: q.name),
    )


async def query_text(request: Request) -> Response:
    name = request.path_params["name"]
    q = page_queries().get(name)
    if q is None:
        from ..query import bundled_queries

        q = bundled_queries().get(name)
    if q is None:
        raise HTTPException(404, "no such query")
    return Response(q.text, media_type="application/sparql-query; charset=utf-8")
