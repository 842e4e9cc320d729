"""Benchmark: corpus builds into the store, their floors, rebuilds and query latency.

    .venv/bin/python benchmarks/bench_corpus.py --sizes 1000,10000,80000 \\
        --workdir /tmp/kggraph-bench --pdf 200 --sample 5000 --out results.json

For each size, in one run:

- generates the synthetic text corpus (benchmarks/generate.py, seeded; not timed);
- floor: parse alone (extract + clean + parse, no RDF, no validation) and the full
  per-document pipeline, in this process on up to ``--floor-docs`` documents;
- ``kggraph build DIR --store S --jobs N -q`` as a child process: wall time, documents/s,
  and peak resident memory read from /proc (the build process, its largest worker and the
  whole process tree) sampled every 0.2 s;
- the same command again on the unchanged corpus (must take < 5 % of the first build).

Then, on the largest store (or on ``--queries-only STORE``): every bundled query on
Oxigraph against the same query on rdflib in memory holding a ``--sample``-document sample
(exported from that store), and, with ``--pdf N``, bare pypdf ``extract_text`` against the
full build of N generated PDFs.
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
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
KGGRAPH = [sys.executable, "-m", "kggraph.cli"]
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_of(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def tree(root: int) -> list[int]:
    """``root`` and all its descendants, from /proc/*/stat."""
    parent: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        parent[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    out, frontier = [root], [root]
    while frontier:
        frontier = [p for p, pp in parent.items() if pp in frontier]
        out += frontier
    return out


class Sampler(threading.Thread):
    """Peak RSS of a process, of its largest descendant and of the whole tree."""

    def __init__(self, pid: int, every: float = 0.2):
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.main = self.worker = self.total = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            pids = tree(self.pid)
            sizes = {p: rss_of(p) for p in pids}
            self.main = max(self.main, sizes.get(self.pid, 0))
            others = [v for p, v in sizes.items() if p != self.pid]
            self.worker = max(self.worker, max(others, default=0))
            self.total = max(self.total, sum(sizes.values()))
            self.stop.wait(self.every)


def run_measured(cmd: list[str]) -> dict[str, Any]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = Sampler(proc.pid)
    sampler.start()
    out, err = proc.communicate()
    sampler.stop.set()
    sampler.join()
    wall = time.perf_counter() - t0
    return {
        "cmd": " ".join(cmd),
        "seconds": round(wall, 2),
        "exit": proc.returncode,
        "summary": out.strip().splitlines()[0] if out.strip() else err.strip()[-500:],
        "rss_main_mb": round(sampler.main / 2**20, 1),
        "rss_worker_mb": round(sampler.worker / 2**20, 1),
        "rss_tree_mb": round(sampler.total / 2**20, 1),
    }


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def floors(folder: Path, n: int) -> dict[str, float]:
    """ms per document on one core: parse alone, and the whole pipeline."""
    from kggraph.extract import extract
    from kggraph.lexicon import load_lexicon
    from kggraph.parse import identify, parse
    from kggraph.pipeline import process_file

    files = sorted(folder.iterdir())[:n]
    lexicon = load_lexicon()
    process_file(files[0])  # warm: shapes, lexicon, imports
    t0 = time.perf_counter()
    for f in files:
        src = extract(f)
        parse(src, identifier=identify(src, None) or "x", lexicon=lexicon)
    parse_ms = (time.perf_counter() - t0) * 1000 / len(files)
    t0 = time.perf_counter()
    for f in files:
        process_file(f)
    full_ms = (time.perf_counter() - t0) * 1000 / len(files)
    return {"docs": len(files), "parse_ms": round(parse_ms, 2), "pipeline_ms": round(full_ms, 2)}


def bench_size(size: int, work: Path, jobs: int, floor_docs: int) -> dict[str, Any]:
    from generate import generate

    folder = work / f"text-{size}"
    t0 = time.perf_counter()
    if not folder.is_dir() or sum(1 for _ in folder.iterdir()) != size:
        shutil.rmtree(folder, ignore_errors=True)
        generate(folder, size)
    gen_s = time.perf_counter() - t0
    store = work / f"store-{size}"
    shutil.rmtree(store, ignore_errors=True)
    res: dict[str, Any] = {"size": size, "jobs": jobs, "generate_s": round(gen_s, 1)}
    res["floor"] = floors(folder, min(size, floor_docs))
    cmd = [*KGGRAPH, "build", str(folder), "--store", str(store), "--jobs", str(jobs), "-q"]
    res["build"] = build = run_measured(cmd)
    build["docs_per_s"] = round(size / build["seconds"], 1)
    res["store_mb"] = round(du(store) / 2**20, 1)
    res["rebuild"] = again = run_measured(cmd)
    again["ratio_to_build"] = round(again["seconds"] / build["seconds"], 4)
    print(json.dumps(res), flush=True)
    return res


RDFLIB_CAP_S = 120


def capped(measure: Any, cap: float) -> tuple[float, int | None]:
    """Run ``measure`` (→ seconds, rows) in a forked child that shares the loaded data; a
    run past ``cap`` seconds is stopped and reported as (cap, None) — rdflib's engine can
    take far longer than that on a large sample, and the benchmark has to end."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)

    def work() -> None:
        child.send(measure())

    proc = ctx.Process(target=work)
    proc.start()
    if parent.poll(cap):
        result = parent.recv()
        proc.join()
        return float(result[0]), int(result[1])
    proc.kill()
    proc.join()
    return cap, None


def time_rows(run: Any) -> tuple[float, int]:
    t0 = time.perf_counter()
    n = sum(1 for _ in run())
    return time.perf_counter() - t0, n


def bench_queries(
    store_path: Path, sample: int, work: Path, only: list[str] | None = None
) -> dict[str, Any]:
    """Every bundled query: Oxigraph on the whole store vs rdflib on a sample."""
    from rdflib import Dataset, URIRef, Variable

    from kggraph.query import bundled_queries
    from kggraph.sparql_text import inline_bindings
    from kggraph.store import CorpusStore

    store = CorpusStore.open(store_path, read_only=True)
    docs = store.documents()
    chosen = docs[:sample]
    nq = work / f"sample-{len(chosen)}.nq"
    store.export(nq, chosen)
    t0 = time.perf_counter()
    ds = Dataset(default_union=True)
    ds.parse(nq, format="nquads")
    load_s = time.perf_counter() - t0
    probe = chosen[len(chosen) // 2]
    out: dict[str, Any] = {
        "store_docs": len(docs),
        "store_triples": store.triple_count(),
        "sample_docs": len(chosen),
        "sample_triples": len(ds),
        "rdflib_load_s": round(load_s, 1),
        "probe_doc": probe,
        "queries": [],
    }
    for name, q in sorted(bundled_queries().items()):
        if not name[0].isdigit() or (only and name not in only):
            continue
        row: dict[str, Any] = {"query": name}
        for label, binds in (("all", {}), ("one_doc", {"doc": URIRef(probe)})):
            if binds and not any(p.name == "doc" for p in q.params):
                continue
            text = inline_bindings(q.text, binds)
            init = {Variable(k): v for k, v in binds.items()}
            # the store's merged default graph, parameters written in, as `kggraph query
            # --store` runs it
            ox_s, ox_n = time_rows(lambda text=text: store.store.query(text))
            rl_s, rl_n = capped(
                lambda q=q, init=init: time_rows(lambda: ds.query(q.text, initBindings=init)),
                RDFLIB_CAP_S,
            )
            row[label] = {
                "oxigraph_s": round(ox_s, 4),
                "oxigraph_rows": ox_n,
                "rdflib_sample_s": round(rl_s, 4) if rl_n is not None else f">{RDFLIB_CAP_S}",
                "rdflib_rows": rl_n,
                "ratio_rdflib_sample_over_oxigraph_full": round(rl_s / ox_s, 1)
                if ox_s and rl_n is not None
                else None,
            }
        out["queries"].append(row)
        print(json.dumps(row), flush=True)
    return out


def bench_pdf(n: int, work: Path, jobs: int) -> dict[str, Any]:
    import pypdf
    from generate import generate

    folder = work / "pdfsrc"
    pdfs = work / "pdfsrc-pdf"
    if not pdfs.is_dir() or sum(1 for _ in pdfs.iterdir()) != n:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(pdfs, ignore_errors=True)
        generate(folder, n, pdf=n, seed=11)
    files = sorted(pdfs.iterdir())
    t0 = time.perf_counter()
    pages = 0
    for f in files:
        for page in pypdf.PdfReader(f).pages:
            page.extract_text()
            pages += 1
    bare_s = time.perf_counter() - t0
    store = work / "store-pdf"
    shutil.rmtree(store, ignore_errors=True)
    cmd = [*KGGRAPH, "build", str(pdfs), "--store", str(store), "--jobs", str(jobs), "-q"]
    build = run_measured(cmd)
    res = {
        "pdfs": n,
        "pages": pages,
        "bare_pypdf_one_core_s": round(bare_s, 2),
        "bare_pypdf_ms_per_doc": round(bare_s * 1000 / n, 1),
        "build": build,
        "build_ms_per_doc_wall": round(build["seconds"] * 1000 / n, 1),
        "ratio_build_wall_over_bare_one_core": round(build["seconds"] / bare_s, 2),
    }
    print(json.dumps(res), flush=True)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,80000")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/kggraph-bench"))
    ap.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--floor-docs", type=int, default=1000)
    ap.add_argument("--sample", type=int, default=5000, help="documents for rdflib in memory")
    ap.add_argument("--pdf", type=int, default=0, help="also benchmark N generated PDFs")
    ap.add_argument("--no-queries", action="store_true")
    ap.add_argument("--only", default="", help="comma-separated query names (default: all)")
    ap.add_argument(
        "--queries-only",
        type=Path,
        metavar="STORE",
        help="only the query benchmark, on this existing store (no generation, no build)",
    )
    ap.add_argument("--out", type=Path, help="write all results as JSON here")
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"cores": len(os.sched_getaffinity(0)), "sizes": []}

    def save() -> None:
        if args.out:
            args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")

    if args.queries_only:
        only = [n for n in args.only.split(",") if n]
        results["queries"] = bench_queries(args.queries_only, args.sample, args.workdir, only)
        save()
        return
    sizes = [int(s) for s in args.sizes.split(",") if s]
    for size in sizes:
        results["sizes"].append(bench_size(size, args.workdir, args.jobs, args.floor_docs))
        save()
    if args.pdf:
        results["pdf"] = bench_pdf(args.pdf, args.workdir, args.jobs)
        save()
    if not args.no_queries and sizes:
        largest = args.workdir / f"store-{max(sizes)}"
        results["queries"] = bench_queries(largest, args.sample, args.workdir)
        save()
    per = [
        (r["size"], r["build"]["docs_per_s"], r["build"]["rss_tree_mb"]) for r in results["sizes"]
    ]
    print("size, docs/s, peak tree RSS MB:", per)
    if len(per) > 1:
        print("throughput spread:", round(statistics.pstdev([p[1] for p in per]), 2))


if __name__ == "__main__":
    main()
