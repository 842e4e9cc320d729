"""Benchmark: SHACL validation per document, the ways it was and could be run, in one run.

    .venv/bin/python benchmarks/bench_validation.py [--old-shapes REV] [--repeat 3]

On the graphs of the 16 official PDFs and 30 text fixtures (built once, not timed), CPU
milliseconds per document, median of ``--repeat`` rounds (interleaved):

- the nested shapes of git revision ``--old-shapes`` (every property an ``sh:property``
  of a node shape), one ``pyshacl.validate`` call per document, as before;
- the flat shapes of shapes/, one ``pyshacl.validate`` call per document;
- ``kggraph.validate.validate_graph``: the flat shapes, harvested once per process;
- many documents in one pyshacl run (the harvested shapes): each document's graph copied
  into one graph with its shared nodes renamed apart (a party named by two documents must
  be checked as each says it), the findings mapped back by the names — and, separately,
  what that copy alone costs.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--old-shapes", default="93bc830", help="git revision of the nested shapes")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    logging.getLogger("pyshacl").setLevel(logging.ERROR)
    from pyshacl import Validator
    from pyshacl import validate as shacl_validate
    from pyshacl.graph_abstraction import DataGraph
    from rdflib import RDF, Graph, URIRef

    from kggraph.pipeline import process_items
    from kggraph.validate import harvested_shapes, shapes_graph, validate_graph

    files = sorted((ROOT / "tests/fixtures/pdf").glob("*.pdf"))
    files += sorted((ROOT / "tests/fixtures/text").glob("*.txt"))[:30]
    graphs = [r.graph for f in files for r in process_items(f, validate=False)]
    old_text = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{args.old_shapes}:shapes/kggraph-shapes.ttl"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    old = Graph().parse(data=old_text, format="turtle")
    flat = shapes_graph()
    harvested = harvested_shapes()

    def fresh(shapes: Graph) -> Callable[[], None]:
        def run() -> None:
            for g in graphs:
                shacl_validate(g, shacl_graph=shapes, inference="none", allow_warnings=True)

        return run

    def disjoint(batch: list[Graph]) -> Graph:
        data = Graph()
        for i, g in enumerate(batch):
            names = {s: URIRef(f"{s}#kggraph-doc-{i}") for s in set(g.subjects())}
            for s, p, o in g:
                data.add((names.get(s, s), p, o if p == RDF.type else names.get(o, o)))
        return data

    def batched(size: int) -> Callable[[], None]:
        def run() -> None:
            for at in range(0, len(graphs), size):
                data = DataGraph.from_rdflib(disjoint(graphs[at : at + size]))
                validator = Validator(
                    data, shacl_graph=flat, options={"inference": "none", "allow_warnings": True}
                )
                validator.shacl_graph = harvested
                validator.run()

        return run

    variants: dict[str, Callable[[], None]] = {
        f"nested shapes ({args.old_shapes}), per document": fresh(old),
        "flat shapes, per document": fresh(flat),
        "flat, harvested once (validate_graph)": lambda: [validate_graph(g) for g in graphs],
        "8 documents per pyshacl run": batched(8),
        "all documents in one pyshacl run": batched(len(graphs)),
        "  of which the disjoint copy": lambda: disjoint(graphs),
    }
    for run in variants.values():
        run()  # warm-up
    times: dict[str, list[float]] = {k: [] for k in variants}
    for _ in range(args.repeat):
        for name, run in variants.items():
            t0 = time.process_time()
            run()
            times[name].append((time.process_time() - t0) * 1000 / len(graphs))
    print(f"{len(graphs)} documents, {sum(len(g) for g in graphs)} triples; CPU ms per document")
    base = statistics.median(times[next(iter(times))])
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"{name:48} {med:7.2f}  ({med / base:.2f}x)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
