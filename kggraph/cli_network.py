"""``kggraph network``: build a citation network, print its most-cited table, write files.

kggraph network corpus.trig --kind coupling --type kamerstuk -o coupling.html
kggraph network --store corpus.oxigraph --from 2024-01-01 -o net.gexf -o net.svg
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from .errors import InputError, KggraphError

OUTPUTS = (".html", ".svg", ".png", ".graphml", ".gexf", ".json", ".csv")


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc


def _positive(value: str) -> int:
    n = int(value)
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


def register(subparsers: Any) -> None:
    """Add the ``network`` command to the kggraph CLI."""
    from .network_types import NETWORK_KINDS, NODE_TYPES

    p = subparsers.add_parser(
        "network",
        help="citation networks: most-cited table, Gephi/JSON exports, pictures, explorer page",
        description="Build a citation network from graph files or a corpus store, print the "
        "most-cited table and write each -o file (format from its extension: "
        + " ".join(OUTPUTS)
        + ").",
    )
    p.add_argument("graphs", nargs="*", metavar="GRAPH", help="graph files (.trig .nq .ttl …)")
    p.add_argument("--store", metavar="PATH", help="an on-disk corpus store (opened read-only)")
    p.add_argument(
        "--kind",
        choices=NETWORK_KINDS,
        default="citations",
        help="citations: documents → cited things; coupling: documents linked by shared "
        "citations; cocitation: things cited together; sources: web sources by outlet",
    )
    p.add_argument("--from", dest="date_from", type=_date, metavar="DATE", help="citing from")
    p.add_argument("--to", dest="date_to", type=_date, metavar="DATE", help="citing up to")
    p.add_argument("--party", help="only documents asked by members of this party")
    p.add_argument("--ministry", help="only documents addressed to / answered by this ministry")
    p.add_argument(
        "--type",
        action="append",
        default=[],
        choices=[k for k in NODE_TYPES if k not in ("document", "outlet")],
        metavar="TYPE",
        help="only cited things of this kind (repeatable): "
        + ", ".join(k for k in NODE_TYPES if k not in ("document", "outlet")),
    )
    p.add_argument("--min-weight", type=_positive, default=1, metavar="N", help="drop weaker links")
    p.add_argument("--top", type=_positive, default=20, metavar="N", help="rows in the table")
    p.add_argument("--title", help="title of the page or picture")
    p.add_argument("-o", "--output", action="append", default=[], metavar="OUT")
    p.add_argument("-q", "--quiet", action="store_true", help="no table")
    p.set_defaults(func=cmd_network)


def _backend(args: argparse.Namespace) -> Any:
    from .query import RdflibBackend

    if args.store and args.graphs:
        raise KggraphError("give graph files or --store, not both")
    if args.store:
        from .store import CorpusStore, StoreBackend

        if not Path(args.store).is_dir():
            raise InputError("no store here", path=args.store)
        # the store's backend: the network queries read rows each document computed
        return StoreBackend(CorpusStore.open(args.store, read_only=True))
    if not args.graphs:
        raise KggraphError("give graph files or --store PATH")
    from .graphio import read_dataset

    return RdflibBackend(read_dataset(args.graphs))


def cmd_network(args: argparse.Namespace) -> int:
    from .network import (
        OUTLET_HEADER,
        RANK_HEADER,
        Filters,
        build_network,
        citation_graph,
        layout,
        load_citation_data,
        outlet_counts,
        ranking,
    )
    from .query import format_table

    for out in args.output:
        if Path(out).suffix.lower() not in OUTPUTS:
            raise KggraphError(f"unknown output format for {out}; use one of {' '.join(OUTPUTS)}")
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise KggraphError("--from is after --to")
    flt = Filters(
        args.date_from,
        args.date_to,
        args.party,
        args.ministry,
        frozenset(args.type),
        args.min_weight,
    )
    t0 = time.perf_counter()
    data = load_citation_data(_backend(args))
    g = build_network(data, args.kind, flt)
    if not args.quiet:
        print(format_table(RANK_HEADER, ranking(g, args.top)))
        if args.kind in ("citations", "sources"):
            print()
            print(format_table(OUTLET_HEADER, outlet_counts(g)[: args.top]))
    positions: dict[str, tuple[float, float]] | None = None
    for out in args.output:
        suffix = Path(out).suffix.lower()
        if positions is None and suffix in (".html", ".svg", ".png", ".gexf", ".json"):
            positions = layout(g)
        if suffix == ".html":
            from .network_page import write_page

            base = citation_graph(data, Filters(flt.date_from, flt.date_to, flt.party,
                                                flt.ministry, flt.types))  # fmt: skip
            write_page(g, positions or {}, out, base, args.title or _title(args, len(data.docs)))
        elif suffix in (".svg", ".png"):
            from .network_draw import draw_network

            draw_network(g, positions or {}, out, title=args.title)
        else:
            from .network_export import write_network

            write_network(g, out, positions)
    print(
        f"{args.kind} network: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges "
        f"from {len(data.docs)} citing documents ({time.perf_counter() - t0:.1f} s)"
        + (f"; wrote {', '.join(args.output)}" if args.output else ""),
        file=sys.stderr if args.quiet else sys.stdout,
    )
    return 0


def _title(args: argparse.Namespace, docs: int) -> str:
    names = {
        "citations": "Citatienetwerk",
        "coupling": "Documenten met gedeelde citaties",
        "cocitation": "Samen geciteerd",
        "sources": "Geciteerde bronnen per uitgever",
    }
    return f"{names[args.kind]} — {docs} documenten (kggraph)"
