"""What every page shares: the named queries, a result cache, links and templates.

Page queries are ``.rq`` files in ``kggraph/serve/queries/`` with the same comment header
as the bundled queries (title, description, params); parameters are written into the query
by ``kggraph.sparql_text`` and a page adds ``LIMIT``/``OFFSET`` for its lists.

Local pages mirror the IRIs: ``{base}doc/ah-tk-20232024-1999`` is served at
``/doc/ah-tk-20232024-1999``, so every node of the graph has a page.

>>> site_path("https://w3id.org/kggraph/id/party/sp", "https://w3id.org/kggraph/id/")
'/party/sp'
>>> site_path("https://w3id.org/kggraph/id//evil.example/x", "https://w3id.org/kggraph/id/")
>>> web_link("javascript:alert(1)"), web_link("https://nos.nl/artikel/1")
(None, 'https://nos.nl/artikel/1')
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape

from ..errors import QueryError
from ..query import NamedQuery, bind_params, parse_query_text
from ..sparql_text import inline_bindings
from .executor import Executor

PACKAGE = files("kggraph.serve")
PAGE_SIZE = 50
V = TypeVar("V")
_LOCAL = re.compile(r"^[A-Za-z][A-Za-z0-9-]*/[A-Za-z0-9._~%-]+$")


@cache
def page_queries() -> dict[str, NamedQuery]:
    """The page and insight queries by name (file name without ``.rq``)."""
    folder = PACKAGE / "queries"
    out = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            name = entry.name[: -len(".rq")]
            out[name] = parse_query_text(entry.read_text(encoding="utf-8"), name, entry.name)
    return out


def site_path(iri: object, base: str) -> str | None:
    """The local page of a node minted under ``base``; None for anything else."""
    if not isinstance(iri, str) or not iri.startswith(base):
        return None
    rest = iri[len(base) :]
    return f"/{rest}" if _LOCAL.match(rest) else None


def web_link(url: str | None) -> str | None:
    """``url`` when it is an http(s) URL with a host (so it may become a link), else None."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url.strip()


def anchor(iri: str) -> str:
    """The id of a node's element on its document page: "question-ah-tk-…-3"."""
    kind, _, key = iri.rpartition("/")
    return f"{kind.rsplit('/', 1)[-1]}-{key}"


def plural(n: int | str, one: str, many: str) -> str:
    return f"{n} {one if str(n) == '1' else many}"


@dataclass(frozen=True)
class Paging:
    """Page ``number`` (from 1) of a list of ``size`` rows."""

    number: int = 1
    size: int = PAGE_SIZE

    @classmethod
    def of(cls, raw: str | None, size: int = PAGE_SIZE) -> Paging:
        try:
            n = int(raw or 1)
        except ValueError:
            n = 1
        return cls(max(1, min(n, 100_000)), size)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


class LRU(Generic[V]):
    """A bounded least-recently-used map: query results and drawings, which stay valid
    because the store does not change while it is served."""

    def __init__(self, entries: int):
        self.entries = entries
        self._data: OrderedDict[str, V] = OrderedDict()

    def get(self, key: str) -> V | None:
        if key in self._data:
            self._data.move_to_end(key)
            return self._data[key]
        return None

    def put(self, key: str, value: V) -> None:
        self._data[key] = value
        self._data.move_to_end(key)
        while len(self._data) > self.entries:
            self._data.popitem(last=False)


class Site:
    """The executor, the base IRI, the cache and the templates of one server."""

    def __init__(self, executor: Executor, base: str, title: str = "kggraph"):
        self.executor = executor
        self.base = base
        self.title = title
        self.cache: LRU[list[dict[str, str | None]]] = LRU(2000)
        self.drawings: LRU[str] = LRU(64)  # rendered plots and explorer pages
        self.env = Environment(
            loader=PackageLoader("kggraph.serve", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals.update(
            site=self, local=self.local, web_link=web_link, plural=plural, anchor=anchor
        )

    def local(self, iri: object) -> str | None:
        return site_path(iri, self.base)

    def iri(self, kind: str, key: str) -> str:
        return f"{self.base}{kind}/{key}"

    def query_text(
        self,
        name: str,
        params: Mapping[str, str] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> str:
        """The text of page query ``name`` with ``params`` written in and the page's
        ``LIMIT``/``OFFSET`` appended."""
        q = page_queries()[name]
        text = inline_bindings(q.text, bind_params(q, params or {}, self.base))
        if limit is not None:
            text = f"{text.rstrip()}\nLIMIT {int(limit)} OFFSET {int(offset)}\n"
        return text

    async def select(
        self,
        name: str,
        params: Mapping[str, str] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[dict[str, str | None]]:
        """Rows of page query ``name`` as dicts (cached)."""
        text = self.query_text(name, params, limit, offset)
        hit = self.cache.get(text)
        if hit is not None:
            return hit
        rows = await self.executor.rows(text)
        out = [dict(zip(rows.variables, r, strict=True)) for r in rows.rows]
        self.cache.put(text, out)
        return out

    async def page(
        self, name: str, params: Mapping[str, str], paging: Paging
    ) -> tuple[list[dict[str, str | None]], bool]:
        """One page of a list query and whether a next page exists."""
        rows = await self.select(name, params, paging.size + 1, paging.offset)
        return rows[: paging.size], len(rows) > paging.size

    def render(self, template: str, **context: Any) -> str:
        return self.env.get_template(template).render(**context)


def first(rows: list[dict[str, str | None]]) -> dict[str, str | None]:
    if not rows:
        raise QueryError("not found")
    return rows[0]
