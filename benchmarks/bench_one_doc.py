"""Benchmark: one document's answer, the whole process, against a bare pyoxigraph script.

    .venv/bin/python benchmarks/bench_one_doc.py --store S [--store S2 …] [--runs 9]

For every bundled query that takes a ``doc`` parameter, on each store, in one run and
interleaved (the machine is shared: only ratios count):

- ``kggraph query NAME --store S --param doc=ID --format csv -o FILE`` (the console script
  a user types), against
- a bare script: start Python, import pyoxigraph, open the store read-only, run the same
  query text with the document written in (as ``kggraph`` writes it), write CSV to a file.

Each is measured ``--runs`` times as a whole process: wall seconds and CPU seconds (user +
system) of the process tree (``getrusage(RUSAGE_CHILDREN)``: the forked query child is
waited for by kggraph, so it is counted); medians and their ratios are printed, with an
empty Python (``python -c pass``) as the floor. Both answers are compared once, byte for
byte. Bytecode caching is on, as in a user's shell. The stores are only opened read-only.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
KGGRAPH = [str(BIN / "kggraph")]  # the console script, as a user runs it
if not (BIN / "kggraph").exists():
    KGGRAPH = [sys.executable, "-m", "kggraph.launch"]

BARE = """
import sys
import pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
with open(sys.argv[2]) as fh:
    result = store.query(fh.read(), use_default_graph_as_union=True)
with open(sys.argv[3], "wb") as out:
    result.serialize(out, ox.QueryResultsFormat.CSV)
"""


def _env() -> dict[str, str]:
    """A user's shell: bytecode cached (this session may set PYTHONDONTWRITEBYTECODE)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def measure(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of ``cmd`` and every process it waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True, env=_env())
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def probe_doc(store_path: str) -> str:
    """The middle document of the store, by IRI."""
    from kggraph.store import CorpusStore

    docs = CorpusStore.open(store_path, read_only=True).documents()
    return docs[len(docs) // 2].rsplit("/", 1)[-1]


def doc_queries(only: list[str] | None) -> dict[str, Any]:
    """The bundled queries with a ``doc`` parameter, each once (by its numbered name)."""
    from kggraph.query import bundled_queries

    out, seen = {}, set()
    for name, q in sorted(bundled_queries().items()):
        if q.path in seen or not any(p.name == "doc" for p in q.params):
            continue
        seen.add(q.path)
        if not only or name in only or name.split("-", 1)[-1] in only:
            out[name] = q
    return out


def bench_store(
    store_path: str, doc: str, queries: dict[str, Any], runs: int, work: Path
) -> dict[str, Any]:
    from kggraph.query import param_terms
    from kggraph.sparql_text import inline_terms

    bare = work / "bare_one_doc.py"
    bare.write_text(BARE, encoding="utf-8")
    cmds: dict[str, dict[str, list[str]]] = {}
    outs: dict[str, tuple[Path, Path]] = {}
    for name, q in queries.items():
        text = inline_terms(q.text, param_terms(q, {"doc": doc}))
        rq = work / f"{name}.rq"
        rq.write_text(text, encoding="utf-8")
        out_bare, out_kg = work / f"{name}.bare.csv", work / f"{name}.kggraph.csv"
        outs[name] = (out_bare, out_kg)
        cmds[name] = {
            "bare": [sys.executable, str(bare), store_path, str(rq), str(out_bare)],
            "kggraph": [*KGGRAPH, "query", name, "--store", store_path, "--param",
                        f"doc={doc}", "--format", "csv", "-o", str(out_kg)],
        }  # fmt: skip
    floor = [sys.executable, "-c", "pass"]
    times: dict[str, dict[str, list[tuple[float, float]]]] = {
        n: {"bare": [], "kggraph": []} for n in cmds
    }
    empty: list[tuple[float, float]] = []
    for i in range(runs):
        empty.append(measure(floor))
        for name, pair in cmds.items():
            order = ("bare", "kggraph") if i % 2 == 0 else ("kggraph", "bare")
            for who in order:
                times[name][who].append(measure(pair[who]))
    result: dict[str, Any] = {
        "store": store_path,
        "doc": doc,
        "runs": runs,
        "python_pass": {
            "wall_s": round(statistics.median(w for w, _ in empty), 4),
            "cpu_s": round(statistics.median(c for _, c in empty), 4),
        },
        "queries": [],
    }
    for name, by in times.items():
        med = {
            who: (statistics.median(w for w, _ in t), statistics.median(c for _, c in t))
            for who, t in by.items()
        }
        bare_out, kg_out = outs[name]
        result["queries"].append(
            {
                "query": name,
                "rows": max(0, bare_out.read_bytes().count(b"\n") - 1),
                "same_bytes": bare_out.read_bytes() == kg_out.read_bytes(),
                "bare_wall_s": round(med["bare"][0], 4),
                "kggraph_wall_s": round(med["kggraph"][0], 4),
                "wall_ratio": round(med["kggraph"][0] / med["bare"][0], 2),
                "bare_cpu_s": round(med["bare"][1], 4),
                "kggraph_cpu_s": round(med["kggraph"][1], 4),
                "cpu_ratio": round(med["kggraph"][1] / med["bare"][1], 2),
            }
        )
    return result


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--store", action="append", required=True, help="a store (opened read-only)")
    ap.add_argument("--doc", help="the document identifier (default: the store's middle one)")
    ap.add_argument("--query", action="append", help="only these queries (repeatable)")
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args()
    queries = doc_queries(args.query)
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-one-doc-") as tmp:
        for store in args.store:
            doc = args.doc or probe_doc(store)
            res = bench_store(store, doc, queries, args.runs, Path(tmp))
            results.append(res)
            print(f"\n{store}  doc={doc}  runs={args.runs}  "
                  f"python -c pass: {res['python_pass']['wall_s']:.3f} s wall, "
                  f"{res['python_pass']['cpu_s']:.3f} s CPU")  # fmt: skip
            print(f"{'query':28} {'rows':>5} {'bare wall':>9} {'kg wall':>8} {'ratio':>6}"
                  f" {'bare CPU':>9} {'kg CPU':>7} {'ratio':>6}  same")  # fmt: skip
            for r in res["queries"]:
                print(
                    f"{r['query']:28} {r['rows']:5} {r['bare_wall_s']:9.3f} "
                    f"{r['kggraph_wall_s']:8.3f} {r['wall_ratio']:6.2f} "
                    f"{r['bare_cpu_s']:9.3f} {r['kggraph_cpu_s']:7.3f} {r['cpu_ratio']:6.2f}  "
                    f"{r['same_bytes']}"
                )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
