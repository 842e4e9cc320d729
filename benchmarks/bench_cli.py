"""Benchmark: what a user of the command line waits for and holds, against a bare baseline.

    .venv/bin/python benchmarks/bench_cli.py [--store S] [--query 11-provenance] [--runs 9]

In one run, each pair interleaved (the machine is shared: only ratios count):

- start-up: CPU seconds (user + system, from ``wait4``) of ``kggraph --help`` against an
  empty Python (``python -c pass``), median of ``--runs``;
- with ``--store``: the whole corpus's answer to ``--query`` written as CSV by
  ``kggraph query NAME --store S -o OUT.csv`` (no row cap) against a bare pyoxigraph script
  running the query's text on the store and writing CSV (``--repeat`` times each): wall
  time, peak resident memory of the largest process (``wait4``) and of the whole process
  tree (sampled from /proc every 0.1 s), and the rows written.

Both run with bytecode caching on, as in a user's shell.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_corpus import BARE_QUERY, Sampler, _env  # noqa: E402

KGGRAPH = [sys.executable, "-m", "kggraph.cli"]


def run(cmd: list[str], every: float = 0.1) -> dict[str, float]:
    """Wall seconds, CPU seconds, peak RSS of the largest process and of the tree (MB)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, env=_env())
    sampler = Sampler(proc.pid, every)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    sampler.stop.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)}: exit {proc.returncode}")
    return {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "rss_max_mb": usage.ru_maxrss / 1024,
        "rss_tree_mb": sampler.total / 2**20,
    }


def interleaved(cmds: dict[str, list[str]], runs: int) -> dict[str, dict[str, float]]:
    """The median of each measure of each command over ``runs`` interleaved rounds (after
    one round that warms the bytecode cache and the page cache)."""
    got: dict[str, list[dict[str, float]]] = {k: [] for k in cmds}
    for i in range(runs + 1):
        for name, cmd in cmds.items():
            measured = run(cmd)
            if i:
                got[name].append(measured)
    return {
        name: {k: round(statistics.median(m[k] for m in ms), 4) for k in ms[0]}
        for name, ms in got.items()
    }


def lines(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for _ in fh) - 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=9, help="start-up runs (median)")
    ap.add_argument("--store", type=Path, help="a corpus store for the whole-corpus query")
    ap.add_argument("--query", default="11-provenance")
    ap.add_argument("--repeat", type=int, default=3, help="whole-corpus query runs (median)")
    ap.add_argument("--out", type=Path, help="write the results as JSON here")
    args = ap.parse_args()
    res: dict[str, Any] = {}
    start = interleaved(
        {"python": [sys.executable, "-c", "pass"], "kggraph": [*KGGRAPH, "--help"]}, args.runs
    )
    res["startup"] = start
    res["startup"]["ratio_cpu"] = round(start["kggraph"]["cpu_s"] / start["python"]["cpu_s"], 1)
    print(json.dumps({"startup": res["startup"]}), flush=True)
    if args.store:
        from kggraph.query import bundled_queries

        text = bundled_queries()[args.query].text
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            (work / "bare.py").write_text(
                BARE_QUERY.replace("sys.stdout.buffer", "open(sys.argv[3], 'wb')"),
                encoding="utf-8",
            )
            (work / "q.rq").write_text(text, encoding="utf-8")
            bare_out, kg_out = work / "bare.csv", work / "kggraph.csv"
            cmds = {
                "bare": [sys.executable, str(work / "bare.py"), str(args.store),
                         str(work / "q.rq"), str(bare_out)],
                "kggraph": [*KGGRAPH, "query", args.query, "--store", str(args.store),
                            "--format", "csv", "-o", str(kg_out), "--max-rows", "100000000",
                            "--timeout", "3600"],
            }  # fmt: skip
            got = interleaved(cmds, args.repeat)
            got["bare"]["rows"] = lines(bare_out)
            got["kggraph"]["rows"] = lines(kg_out)
        res["query"] = {
            "name": args.query,
            "store": str(args.store),
            **got,
            "ratio_wall": round(got["kggraph"]["wall_s"] / got["bare"]["wall_s"], 2),
            "ratio_rss_max": round(got["kggraph"]["rss_max_mb"] / got["bare"]["rss_max_mb"], 2),
        }
        print(json.dumps({"query": res["query"]}), flush=True)
    if args.out:
        args.out.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
