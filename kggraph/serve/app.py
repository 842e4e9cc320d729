"""The Starlette application of ``kggraph serve``: routes, security headers, errors.

Every response carries a Content-Security-Policy that lets a page load only from this
server (no inline script, no request elsewhere), ``nosniff`` and no referrer; templates
escape every value (Jinja2 autoescape) and only http(s) URLs become links.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from importlib.resources import as_file
from typing import Any

from markupsafe import Markup
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import KggraphError, QueryError
from ..lexicon import DEFAULT_BASE
from . import insight_pages, pages
from .executor import Busy, Executor, Limits, QueryTimeout, RemoteExecutor, StoreExecutor
from .protocol import SparqlEndpoint
from .site import PACKAGE, Site

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)
#: YASGUI (its table and editor) writes style attributes into the HTML it builds; styles
#: cannot run code, scripts stay limited to this server's files.
EDITOR_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


@dataclass(frozen=True)
class ServeConfig:
    """What ``kggraph serve`` was given: a store or an endpoint, and the limits."""

    store: str | None = None
    endpoint: str | None = None
    base: str = DEFAULT_BASE
    limits: Limits = field(default_factory=Limits)
    workers: int = 2
    page_workers: int = 2
    warm: bool = True  # run the whole-store queries once at start (pages.warm)

    def executor(self) -> Executor:
        if (self.store is None) == (self.endpoint is None):
            raise KggraphError("give --store PATH or --endpoint URL (one of them)")
        if self.store is not None:
            return StoreExecutor(self.store, self.limits, self.workers, self.page_workers)
        assert self.endpoint is not None
        return RemoteExecutor(self.endpoint, self.limits)


class SecurityHeaders:
    """Adds the CSP (unless the route set its own) and the other headers to every response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CSP.encode()))
                headers += [h for h in HEADERS if h[0] not in names]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, wrapped)


async def query_editor(request: Request) -> Response:
    """YASGUI with the bundled queries (and the page queries) as examples."""
    from ..network_page import embed_json
    from ..query import bundled_queries, resolve_query
    from .site import page_queries

    site: Site = request.app.state.site
    bundled = {q.path: q for q in bundled_queries().values()}
    examples = sorted(bundled.values(), key=lambda q: q.name)
    texts = {q.name: q.text for q in examples}
    texts.update({name: q.text for name, q in page_queries().items()})
    name = request.query_params.get("q") or examples[0].name
    try:
        chosen = page_queries().get(name) or resolve_query(name)
    except QueryError:
        raise HTTPException(404, f"no query named {name!r}") from None
    params = {k: v for k, v in request.query_params.items() if k != "q"}
    if "doc" in params and not params["doc"].startswith(("http://", "https://")):
        params["doc"] = site.iri("doc", params["doc"])
    declared = {p.name for p in chosen.params}
    try:
        text = (
            site.query_text(chosen.name, {k: v for k, v in params.items() if k in declared})
            if chosen.name in page_queries()
            else _bundled_text(chosen, params, site.base)
        )
    except QueryError as exc:
        raise HTTPException(400, str(exc)) from None
    data = {"endpoint": "/sparql", "initial": {"name": chosen.name, "text": text}, "queries": texts}
    return HTMLResponse(
        site.render(
            "query.html",
            examples=examples,
            data=Markup(embed_json(data)),  # safe in a script element: no <, >, &
            timeout=f"{site.executor.limits.timeout:g}",
        ),
        headers={"Content-Security-Policy": EDITOR_CSP},
    )


def _bundled_text(q: Any, params: dict[str, str], base: str) -> str:
    from ..query import bind_params
    from ..sparql_text import inline_bindings

    declared = {p.name for p in q.params}
    return str(inline_bindings(q.text, bind_params(q, {k: v for k, v in params.items()
                                                          if k in declared}, base)))  # fmt: skip


async def _warm(site: Site) -> None:
    import time

    start = time.perf_counter()
    try:
        await pages.warm(site)
    except KggraphError as exc:  # a page will show the same error when asked
        print(f"kggraph serve: warming the cache stopped: {exc}", file=sys.stderr, flush=True)
        return
    took = time.perf_counter() - start
    print(f"kggraph serve: whole-store queries warmed in {took:.1f} s", file=sys.stderr, flush=True)


async def _error(request: Request, exc: Exception) -> Response:
    site: Site = request.app.state.site
    if isinstance(exc, HTTPException):
        status, message = exc.status_code, str(exc.detail)
    elif isinstance(exc, QueryTimeout | Busy):
        status, message = 503, str(exc)
    elif isinstance(exc, KggraphError):
        status, message = 500, str(exc)
    else:
        status, message = 500, "internal error"
    if request.url.path.endswith((".csv", ".svg", ".rq")):
        return Response(message, status_code=status, media_type="text/plain; charset=utf-8")
    return HTMLResponse(
        site.render("error.html", status=status, message=message), status_code=status
    )


def create_app(config: ServeConfig) -> Starlette:
    """The application for ``config``; its worker processes start with the server."""
    executor = config.executor()
    site = Site(executor, config.base)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await executor.start()
        warming = asyncio.create_task(_warm(site)) if config.warm else None
        try:
            yield
        finally:
            if warming is not None:
                warming.cancel()
            await executor.close()

    with as_file(PACKAGE / "static") as static_dir:
        static = StaticFiles(directory=str(static_dir))
    endpoint = SparqlEndpoint()
    routes = [
        Route("/", pages.home),
        Route("/sparql", endpoint.handle, methods=["GET", "POST"]),
        Route("/query", query_editor),
        Route("/queries", pages.queries),
        Route("/queries/{name}.rq", pages.query_text),
        Route("/insights", insight_pages.insights_index),
        Route("/insights/network", insight_pages.network_page),
        Route("/insights/network/explorer", insight_pages.network_explorer),
        Route("/insights/network/edges.csv", insight_pages.network_csv),
        Route("/insights/{name}", insight_pages.insight_page),
        Route("/insights/{name}/{plot}.svg", insight_pages.plot_svg),
        Route("/insights/{name}/{plot}.csv", insight_pages.plot_csv),
        Mount("/static", static, name="static"),
        *(Route(f"/{kind}", pages.index) for kind in pages.INDEXES),
        Route("/doc/{key:path}", pages.document),
        *(Route(f"/{kind}/{{key:path}}", pages.entity) for kind in pages.ENTITIES),
        Route("/{kind}/{key:path}", pages.resource),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: _error, Exception: _error},
    )
    app.state.site = site
    app.add_middleware(SecurityHeaders)
    return app
