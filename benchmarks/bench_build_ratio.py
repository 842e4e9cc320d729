"""Benchmark: a corpus build's CPU beyond the per-document work, for one or more code trees.

    .venv/bin/python benchmarks/bench_build_ratio.py --docs 600 --rounds 3 \\
        --tree main=/tmp/kg-main --tree mine=/tmp/kg-mine --out results.json

Each ``--tree NAME=DIR`` is a checkout of kggraph (``git archive`` of a commit, unpacked:
DIR holds ``kggraph/``, ``shapes/``, ``ontology/``); it runs with ``PYTHONPATH=DIR``.
In one run, interleaved over the trees and repeated ``--rounds`` times, on ``--docs``
synthetic documents (benchmarks/generate.py, seeded):

- (a) the per-document work: ``kggraph.corpus.build_here`` over every document in one
  process (no sandbox, no store), its CPU (``process_time``) and wall time, after one
  warm-up document;
- (b) ``kggraph build DIR --store S --jobs J -q`` into a fresh store, as a child process:
  the CPU of its whole process tree (``RUSAGE_CHILDREN``: this process is a subreaper
  and waits until every process of the tree has ended and been reaped — the fork
  servers and their children outlive the build process for a moment) and its wall time.

Reported per tree (medians over the rounds): the CPU share ``a_cpu / b_cpu`` (how much of
the build's CPU is the per-document work: 1.0 means no overhead at all) and the wall
ratio against the J-core ceiling of (a), ``a_wall / (J × b_wall)``. The machine is shared,
so the CPU share is the figure to trust; the wall ratio moves with the load.
Not a test: CI never runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_corpus import Sampler, _children_cpu, _subreaper  # noqa: E402 - after the path

WORK = """
import json, sys, time
import kggraph
assert kggraph.__file__.startswith(sys.argv[1]), kggraph.__file__
from kggraph.corpus import build_here
from kggraph.lexicon import DEFAULT_BASE
files = sys.argv[2:]
build_here(files[0], DEFAULT_BASE, True)  # warm: imports, lexicon, shapes
c0, t0 = time.process_time(), time.perf_counter()
for f in files:
    build_here(f, DEFAULT_BASE, True)
print(json.dumps({"cpu_s": time.process_time() - c0, "wall_s": time.perf_counter() - t0}))
"""


# the commands run here, where no kggraph is: ``-c`` and ``-m`` put the working directory
# first on the path, before PYTHONPATH, and a checkout there would be imported instead
_NEUTRAL = "/"


def _env(tree: Path) -> dict[str, str]:
    """``tree`` first on the path, bytecode cached as in a user's shell."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = str(tree)
    return env


def per_document(tree: Path, files: list[str]) -> dict[str, float]:
    """(a): ``build_here`` over ``files`` in one process of ``tree``'s code."""
    out = subprocess.run(
        [sys.executable, "-c", WORK, str(tree), *files],
        env=_env(tree),
        cwd=_NEUTRAL,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {k: round(v, 3) for k, v in json.loads(out.strip().splitlines()[-1]).items()}


def _reap_all(pids: set[int], timeout: float = 60.0) -> None:
    """Reap every one of ``pids`` (the build's process tree) once it has ended.

    A fork server and its children outlive the build process for a moment and become
    this process's children (a subreaper) only when their own parent has gone, so a
    single pass that skips what is not yet a child of this process misses their CPU."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass
        if not any(os.path.exists(f"/proc/{p}") for p in pids):
            return
        time.sleep(0.05)
    raise SystemExit(f"processes of the build still running after {timeout:g} s")


def whole_build(tree: Path, folder: Path, store: Path, jobs: int) -> dict[str, Any]:
    """(b): the whole ``kggraph build`` process tree, into a fresh store."""
    shutil.rmtree(store, ignore_errors=True)
    cmd = [sys.executable, "-m", "kggraph.cli", "build", str(folder), "--store", str(store)]
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [*cmd, "--jobs", str(jobs), "-q"],
        env=_env(tree),
        cwd=_NEUTRAL,
        stdout=subprocess.PIPE,
        text=True,
    )
    sampler = Sampler(proc.pid)
    sampler.start()
    out, _ = proc.communicate()
    wall = time.perf_counter() - t0
    sampler.stop.set()
    sampler.join()
    _reap_all(sampler.seen)
    shutil.rmtree(store, ignore_errors=True)
    if proc.returncode != 0:
        raise SystemExit(f"build failed ({tree}): exit {proc.returncode}: {out}")
    return {
        "cpu_s": round(_children_cpu() - cpu0, 3),
        "wall_s": round(wall, 3),
        "rss_tree_mb": round(sampler.total / 2**20, 1),
    }


def summarise(rounds: list[dict[str, Any]], jobs: int) -> dict[str, float]:
    med = statistics.median
    shares = [r["a"]["cpu_s"] / r["b"]["cpu_s"] for r in rounds]
    walls = [r["a"]["wall_s"] / (jobs * r["b"]["wall_s"]) for r in rounds]
    return {
        "cpu_share": round(med(shares), 3),
        "cpu_share_range": [round(min(shares), 3), round(max(shares), 3)],
        "wall_ratio": round(med(walls), 3),
        "wall_ratio_range": [round(min(walls), 3), round(max(walls), 3)],
        "a_cpu_s": round(med(r["a"]["cpu_s"] for r in rounds), 2),
        "b_cpu_s": round(med(r["b"]["cpu_s"] for r in rounds), 2),
        "b_wall_s": round(med(r["b"]["wall_s"] for r in rounds), 2),
        "overhead_ms_per_doc": round(
            med((r["b"]["cpu_s"] - r["a"]["cpu_s"]) * 1000 / r["docs"] for r in rounds), 2
        ),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=600)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--tree", action="append", required=True, help="NAME=DIR (repeatable)")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/kggraph-build-ratio"))
    ap.add_argument("--out", type=Path, help="write all results as JSON here")
    args = ap.parse_args()
    args.workdir = args.workdir.resolve()
    trees = {name: Path(d).resolve() for name, d in (t.split("=", 1) for t in args.tree)}
    from generate import generate

    folder = args.workdir / f"text-{args.docs}"
    if not folder.is_dir() or sum(1 for _ in folder.iterdir()) != args.docs:
        shutil.rmtree(folder, ignore_errors=True)
        generate(folder, args.docs)
    files = [str(f) for f in sorted(folder.iterdir())]
    _subreaper()
    for tree in trees.values():  # compile each tree's bytecode once, outside the timings
        per_document(tree, files[:2])
    results: dict[str, Any] = {"docs": args.docs, "jobs": args.jobs, "rounds": {}}
    for n in range(args.rounds):
        for name, tree in trees.items():
            a = per_document(tree, files)
            b = whole_build(tree, folder, args.workdir / f"store-{name}", args.jobs)
            row = {"docs": args.docs, "a": a, "b": b}
            results["rounds"].setdefault(name, []).append(row)
            print(json.dumps({"round": n, "tree": name, **row}), flush=True)
    results["summary"] = {n: summarise(r, args.jobs) for n, r in results["rounds"].items()}
    print(json.dumps(results["summary"], indent=2))
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
