"""Insight pages (plots as SVG, their data as CSV) and the citation-network explorer.

The explorer is ``kggraph network``'s own page (``network_page.render_page``: vendored
Cytoscape.js, its own Content-Security-Policy) over a bounded network: the things cited by
the most documents answered in one year, and those documents.
"""

from __future__ import annotations

import asyncio
import re

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ..network import CitationData, DocInfo, Filters, TargetInfo, analyse, citation_graph, layout
from .insights import INSIGHTS, Insight, Plot, Table
from .site import Site

DEFAULT_TOP, MAX_TOP, PER_TARGET = 40, 100, 10


def _site(request: Request) -> Site:
    site: Site = request.app.state.site
    return site


def _insight(request: Request) -> Insight:
    insight = INSIGHTS.get(request.path_params["name"])
    if insight is None:
        raise HTTPException(404, "no such insight")
    return insight


def _plot(request: Request) -> tuple[Insight, Plot]:
    insight = _insight(request)
    plot = next((p for p in insight.plots if p.name == request.path_params["plot"]), None)
    if plot is None:
        raise HTTPException(404, "no such plot")
    return insight, plot


async def _table(site: Site, plot: Plot) -> Table:
    return plot.shape(await site.select(plot.query))


async def warm_insights(site: Site) -> None:
    """Each insight's query and drawings (see ``pages.warm``)."""
    for insight in INSIGHTS.values():
        for plot in insight.plots:
            await _svg(site, insight, plot)
    years = await _years(site)
    if years:
        await _explorer(site, years[0], DEFAULT_TOP)


async def insights_index(request: Request) -> Response:
    site = _site(request)
    return HTMLResponse(site.render("insights.html", insights=list(INSIGHTS.values())))


async def insight_page(request: Request) -> Response:
    site = _site(request)
    insight = _insight(request)
    tables = await asyncio.gather(*(_table(site, p) for p in insight.plots))
    return HTMLResponse(
        site.render(
            "insight.html",
            insight=insight,
            plots=list(zip(insight.plots, tables, strict=True)),
            queries=sorted({p.query for p in insight.plots}),
        )
    )


async def _svg(site: Site, insight: Insight, plot: Plot) -> str:
    key = f"svg:{insight.name}/{plot.name}"
    svg = site.drawings.get(key)
    if svg is None:
        from .plots import to_svg

        table = await _table(site, plot)
        svg = await asyncio.to_thread(lambda: to_svg(plot.draw(table)))
        site.drawings.put(key, svg)
    return svg


async def plot_svg(request: Request) -> Response:
    insight, plot = _plot(request)
    return Response(await _svg(_site(request), insight, plot), media_type="image/svg+xml")


async def plot_csv(request: Request) -> Response:
    site = _site(request)
    insight, plot = _plot(request)
    table = await _table(site, plot)
    name = f"kggraph-{insight.name}-{plot.name}.csv"
    return Response(
        table.csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def _years(site: Site) -> list[int]:
    rows = await site.select("insight-years")
    return [int(r["year"]) for r in rows if r["year"] and r["year"].lstrip("-").isdigit()]


async def _network_args(request: Request) -> tuple[int, int, list[int]]:
    years = await _years(_site(request))
    if not years:
        raise HTTPException(404, "no answered documents in the store")
    try:
        year = int(request.query_params.get("year") or years[0])
        top = int(request.query_params.get("top") or DEFAULT_TOP)
    except ValueError:
        raise HTTPException(400, "year and top are numbers") from None
    return year, max(5, min(top, MAX_TOP)), years


async def network_data(site: Site, year: int, top: int) -> CitationData:
    """The ``top`` things cited by the most documents answered in ``year``, each with at
    most ``PER_TARGET`` of those documents (the newest): a bounded network, whatever the
    size of the store."""
    ranked = await site.select("insight-network-top", {"year": str(year)}, limit=top)
    citing = await asyncio.gather(
        *(
            site.select(
                "insight-network-citing",
                {"target": str(r["target"]), "year": str(year)},
                limit=PER_TARGET * 3,  # a row per kind: a motion is also a Kamerstuk
            )
            for r in ranked
        )
    )
    docs: dict[str, DocInfo] = {}
    targets: dict[str, TargetInfo] = {}
    edges = []
    for r, rows in zip(ranked, citing, strict=True):
        target = r["target"] or ""
        kinds = sorted({x["kind"] or "" for x in rows}, key=_rank)
        if not rows:
            continue
        first = rows[0]
        label, url = first["targetLabel"] or target, first["targetUrl"] or ""
        targets[target] = TargetInfo(target, kinds[0], tuple(kinds), label, url)
        kept: list[str] = []
        for x in rows:
            doc = x["doc"] or ""
            if doc in kept or len(kept) >= PER_TARGET:
                continue
            kept.append(doc)
            docs.setdefault(
                doc,
                DocInfo(
                    doc,
                    x["docLabel"] or doc,
                    "answer",
                    (x["date"] or "")[:10],
                    x["title"] or "",
                    x["url"] or "",
                ),  # fmt: skip
            )
            edges.append((doc, target))
    return CitationData(docs, targets, tuple(dict.fromkeys(edges)))


_KIND_ORDER = ("motion", "amendment", "kamerstuk", "aanhangsel", "staatscourant", "staatsblad",
               "court-decision", "law", "news", "report", "webpage")  # fmt: skip


def _rank(kind: str | None) -> int:
    return _KIND_ORDER.index(kind) if kind in _KIND_ORDER else len(_KIND_ORDER)


async def network_page(request: Request) -> Response:
    site = _site(request)
    year, top, years = await _network_args(request)
    data = await network_data(site, year, top)
    return HTMLResponse(
        site.render(
            "network.html",
            year=year,
            top=top,
            years=years,
            max_top=MAX_TOP,
            per_target=PER_TARGET,
            nodes=len(data.docs) + len(data.targets),
            edges=len(data.edges),
            queries=["insight-years", "insight-network-top", "insight-network-citing"],
        )
    )


async def network_explorer(request: Request) -> Response:
    """The explorer page itself (shown in the insight page's frame)."""
    site = _site(request)
    year, top, _ = await _network_args(request)
    page = await _explorer(site, year, top)
    return HTMLResponse(page, headers={"Content-Security-Policy": _meta_csp(page)})


async def _explorer(site: Site, year: int, top: int) -> str:
    from ..network_page import page_data, render_page

    key = f"explorer:{year}:{top}"
    page = site.drawings.get(key)
    if page is None:
        data = await network_data(site, year, top)

        def draw() -> str:
            g = citation_graph(data, Filters())
            analyse(g)
            title = f"Citatienetwerk {year} — de {top} meest geciteerde (kggraph)"
            return render_page(page_data(g, layout(g), g, title))

        page = await asyncio.to_thread(draw)
        site.drawings.put(key, page)
    return page


def _meta_csp(page: str) -> str:
    """The explorer's own policy (from its meta element), allowing this site to frame it."""
    m = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    if m is None:
        raise ValueError("the explorer page has no Content-Security-Policy")
    return f"{m.group(1)}; frame-ancestors 'self'"


async def network_csv(request: Request) -> Response:
    site = _site(request)
    year, top, _ = await _network_args(request)
    data = await network_data(site, year, top)
    table = Table(
        ("document", "document_id", "date", "cited", "kind", "label", "url"),
        [
            (
                d,
                data.docs[d].label,
                data.docs[d].date,
                t,
                data.targets[t].kind,
                data.targets[t].label,
                data.targets[t].url,
            )  # fmt: skip
            for d, t in data.edges
        ],
    )
    return Response(
        table.csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="kggraph-network-{year}.csv"'},
    )
