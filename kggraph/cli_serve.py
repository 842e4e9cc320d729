"""``kggraph serve``: pages, insights, a query editor and a SPARQL endpoint over a store.

kggraph serve --store out/store                       # http://127.0.0.1:8000/
kggraph serve --endpoint http://127.0.0.1:7878/query --port 8080
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from . import DEFAULT_BASE
from .errors import InputError, KggraphError


def _positive(kind: type) -> Any:
    def parse(value: str) -> Any:
        n = kind(value)
        if n <= 0:
            raise argparse.ArgumentTypeError("must be more than 0")
        return n

    return parse


def register(subparsers: Any) -> None:
    """Add the ``serve`` command to the kggraph CLI."""
    from .serve.defaults import DEFAULT_MAX_BYTES, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT

    p = subparsers.add_parser(
        "serve",
        help="web pages, insights, a query editor and a SPARQL endpoint over a store",
        description="Serve a corpus store (or any SPARQL 1.1 endpoint) in the browser: a page "
        "per document, person, party, ministry, law and outlet, insight plots, YASGUI and a "
        "read-only SPARQL 1.1 Protocol endpoint at /sparql. Everything is served from this "
        "machine; no page loads anything from elsewhere.",
    )
    p.add_argument("--store", metavar="PATH", help="an on-disk corpus store (opened read-only)")
    p.add_argument(
        "--endpoint",
        metavar="URL",
        help="serve over this SPARQL 1.1 endpoint instead (its default graph must be the union "
        "of the document graphs)",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument(
        "--timeout",
        type=_positive(float),
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"time limit per query (default {DEFAULT_TIMEOUT:g})",
    )
    p.add_argument(
        "--workers",
        type=_positive(int),
        default=2,
        metavar="N",
        help="query processes for the SPARQL endpoint (default 2; the pages have their own 2)",
    )
    p.add_argument(
        "--max-result-mb",
        type=_positive(int),
        default=DEFAULT_MAX_BYTES // 1_000_000,
        metavar="MB",
        help="largest SPARQL result sent (default %(default)s)",
    )
    p.add_argument(
        "--memory-mb",
        type=_positive(int),
        default=DEFAULT_MEMORY_MB,
        metavar="MB",
        help="heap limit of each query process (default %(default)s)",
    )
    p.add_argument(
        "--no-warm",
        action="store_true",
        help="do not run the whole-store queries (insights, lists) at start; each page then "
        "runs them when first asked",
    )
    p.add_argument("--base", default=DEFAULT_BASE, help="base IRI of the store's resources")
    p.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .serve.app import ServeConfig, create_app
    from .serve.executor import Limits

    if bool(args.store) == bool(args.endpoint):
        raise KggraphError("give --store PATH or --endpoint URL (one of them)")
    if args.store and not Path(args.store).is_dir():
        raise InputError(
            "no store here (build one with `kggraph build … --store`)", path=args.store
        )
    limits = Limits(args.timeout, args.max_result_mb * 1_000_000, args.memory_mb)
    config = ServeConfig(
        store=args.store,
        endpoint=args.endpoint,
        base=args.base,
        limits=limits,
        workers=args.workers,
        warm=not args.no_warm,
    )
    app = create_app(config)
    print(
        f"kggraph serve: {args.store or args.endpoint} on http://{args.host}:{args.port}/ "
        "(Ctrl-C stops)",
        file=sys.stderr,
        flush=True,
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0
