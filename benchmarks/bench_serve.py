"""Page latency of ``kggraph serve`` on a corpus store, over real HTTP.

For each kind of page (a document, person, party, ministry, law, outlet, Kamerstuk; the
lists; the insights and the network explorer) it asks a seeded sample of pages from a
running ``kggraph serve --store S`` and records:

- **cold**: the first request for the page (nothing of it cached), server started with
  ``--no-warm``;
- **warm**: the same page again (its query results cached);
- **after warm-up**: a second server started as users start it (whole-store queries run
  once at start), asked once the log says the warm-up finished;
- **baseline** (same run): the page's SPARQL queries run directly with pyoxigraph in this
  process on the same store, one after the other — so ``cold / baseline`` is the cost of
  the server (HTTP, worker processes, templates, plots) over the bare queries.

    .venv/bin/python benchmarks/bench_serve.py --store /tmp/kb/store-10000 --out serve.json

Not a test: CI never runs it. See benchmarks/README.md for the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from kg_serve import Served  # noqa: E402

from kggraph.serve.insights import INSIGHTS  # noqa: E402

BASE = "https://w3id.org/kggraph/id/"


def sample_pages(store: str, seed: int, per_kind: int) -> dict[str, list[str]]:
    """Paths of pages to ask, by kind, drawn from the store."""
    import pyoxigraph as ox

    st = ox.Store.read_only(store)
    rnd = random.Random(seed)

    def nodes(query: str) -> list[str]:
        return sorted(s[0].value for s in st.query(query))  # type: ignore[index, union-attr]

    kgo, schema = "https://w3id.org/kggraph/ontology#", "https://schema.org/"
    docs = nodes(f"SELECT ?d WHERE {{ ?d <{kgo}documentKind> ?k }}")
    people = nodes(f"SELECT DISTINCT ?p WHERE {{ ?d <{kgo}askedBy>|<{kgo}answeredBy> ?p }}")
    parties = nodes(f"SELECT DISTINCT ?p WHERE {{ ?a <{schema}memberOf> ?p }}")
    ministries = nodes("SELECT DISTINCT ?m WHERE { ?p <http://www.w3.org/ns/org#postIn> ?m }")
    laws = nodes(
        "SELECT DISTINCT ?l WHERE { ?l a <http://data.europa.eu/eli/ontology#LegalResource> }"
    )
    outlets = nodes(f"SELECT DISTINCT ?o WHERE {{ ?s <{schema}publisher> ?o }}")
    kst = nodes(f"SELECT DISTINCT ?k WHERE {{ ?k a <{kgo}Kamerstuk> }}")
    years = nodes(f"SELECT DISTINCT ?y WHERE {{ ?d <{kgo}dateReceived> ?r BIND(YEAR(?r) AS ?y) }}")

    def pick(items: list[str], n: int = per_kind) -> list[str]:
        chosen = rnd.sample(items, min(n, len(items)))
        return ["/" + i.removeprefix(BASE) for i in chosen if i.startswith(BASE)]

    return {
        "document": pick(docs, per_kind * 2),
        "person": pick(people),
        "party": pick(parties),
        "ministry": pick(ministries),
        "law": pick(laws),
        "outlet": pick(outlets),
        "kamerstuk": pick(kst),
        "lists": [
            "/",
            "/doc",
            "/doc?page=3",
            "/person",
            "/person?page=3",
            "/party",
            "/ministry",
            "/law",
            "/outlet",
        ],  # fmt: skip
        "insight": [f"/insights/{n}" for n in INSIGHTS]
        + [f"/insights/{n}/{p.name}.svg" for n, i in INSIGHTS.items() for p in i.plots],
        "network": [f"/insights/network/explorer?year={y}&top=40" for y in years],
    }


def timed(url: str) -> tuple[float, int]:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=600) as resp:
        resp.read()
        status = resp.status
    return time.perf_counter() - start, status


def summary(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    return {
        "n": len(values),
        "median_ms": round(statistics.median(values) * 1000, 1),
        "p90_ms": round(values[min(len(values) - 1, int(0.9 * len(values)))] * 1000, 1),
        "max_ms": round(values[-1] * 1000, 1),
    }


def baseline(store: str, paths: list[str]) -> list[float]:
    """The page's own queries, run bare in this process (no HTTP, no templates)."""
    import asyncio

    import pyoxigraph as ox

    from kggraph.query import Rows
    from kggraph.serve.site import Site

    st = ox.Store.read_only(store)

    class Direct:  # an executor that runs the page queries here, timing them
        def __init__(self) -> None:
            self.spent = 0.0

        async def rows(self, query: str) -> Rows:
            start = time.perf_counter()
            result = st.query(query)
            variables = tuple(v.value for v in result.variables)  # type: ignore[union-attr]
            rows = tuple(tuple(None if s[v] is None else s[v].value for v in variables)
                         for s in result)  # type: ignore[union-attr]  # fmt: skip
            self.spent += time.perf_counter() - start
            return Rows(variables, rows)

    from kggraph.serve.app import ServeConfig, create_app

    app = create_app(ServeConfig(store=store, warm=False))  # its workers are never started
    direct = Direct()
    site = Site(direct, BASE)  # type: ignore[arg-type]
    app.state.site = site

    async def call(path: str) -> None:
        route, _, query = path.partition("?")
        scope = {"type": "http", "http_version": "1.1", "method": "GET", "scheme": "http",
                 "path": route, "raw_path": route.encode(), "query_string": query.encode(),
                 "root_path": "", "headers": [], "server": ("127.0.0.1", 80),
                 "client": ("127.0.0.1", 1)}  # fmt: skip

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                assert message["status"] == 200, (path, message["status"])

        await app(scope, receive, send)

    out = []
    for path in paths:
        site.cache = type(site.cache)(2000)  # every page cold
        direct.spent = 0.0
        asyncio.run(call(path))
        out.append(direct.spent)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", required=True)
    ap.add_argument("--per-kind", type=int, default=15)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/kggraph-bench-serve"))
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    pages = sample_pages(args.store, args.seed, args.per_kind)
    results: dict[str, Any] = {"store": args.store, "pages": {k: len(v) for k, v in pages.items()}}

    server = Served(["--store", args.store, "--no-warm"], args.workdir / "cold.log")
    try:
        for kind, paths in pages.items():
            cold, warm = [], []
            for path in paths:
                t, status = timed(server.url + path)
                assert status == 200, (path, status)
                cold.append(t)
                warm.append(timed(server.url + path)[0])
            results.setdefault("cold", {})[kind] = summary(cold)
            results.setdefault("warm", {})[kind] = summary(warm)
            results.setdefault("slowest_cold", {})[kind] = paths[cold.index(max(cold))]
            print(kind, results["cold"][kind], results["warm"][kind], flush=True)
    finally:
        server.close()

    for kind, paths in pages.items():
        if kind in ("insight", "network"):
            continue  # drawing and layout have no query-only counterpart
        base = baseline(args.store, [p for p in paths if not p.endswith(".svg")])
        results.setdefault("baseline", {})[kind] = summary(base)
        cold = results["cold"][kind]["median_ms"]
        results.setdefault("ratio_cold_to_baseline", {})[kind] = round(
            cold / max(results["baseline"][kind]["median_ms"], 0.1), 2
        )
        print(kind, "baseline", results["baseline"][kind], flush=True)

    log = args.workdir / "warm.log"
    start = time.perf_counter()
    server = Served(["--store", args.store], log)
    try:
        while "warmed in" not in server.log():
            if time.perf_counter() - start > 1800:
                raise RuntimeError("the warm-up did not finish in 30 minutes")
            time.sleep(0.5)
        results["warm_up_s"] = round(time.perf_counter() - start, 1)
        results["warm_up_log"] = server.log().strip().splitlines()[-1]
        after = {}
        for kind in ("lists", "insight"):
            after[kind] = summary([timed(server.url + p)[0] for p in pages[kind]])
        results["after_warm_up"] = after
        print("after warm-up", after, results["warm_up_log"], flush=True)
    finally:
        server.close()
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
