"""Benchmark: corpus builds into the store, their floors, rebuilds and query latency.

    .venv/bin/python benchmarks/bench_corpus.py --sizes 1000,10000,80000 \\
        --workdir /tmp/kggraph-bench --pdf 200 --sample 5000 --out results.json

For each size, in one run:

- generates the synthetic text corpus (benchmarks/generate.py, seeded; not timed);
- floor, just before and just after the build (the machine is shared: the two bracket
  its load): parse alone (extract + clean + parse, no RDF, no validation), the per-document
  pipeline (``process_file``) and all a build's worker does per document (``build_one``),
  in this process on one core, on up to ``--floor-docs`` documents;
- ``kggraph build DIR --store S --jobs N -q`` as a child process: wall time, documents/s,
  its ratio to the N-core ceiling of the worker's floor, and peak resident memory read
  from /proc (the build process, its largest worker and the whole process tree) sampled
  every 0.2 s; the store's size once closed;
- the same command again on the unchanged corpus (must take < 5 % of the first build).

Then, on the largest store (or on ``--queries-only STORE``), for every bundled query: the
whole corpus's answer as ``kggraph query NAME --store`` computes it, against the query's
text run by Oxigraph on the store and against rdflib in memory holding a
``--sample``-document sample (exported from that store); for one document, a whole
``kggraph query … --store … --param doc=…`` process against a bare pyoxigraph script
running the same bound query, ``--cli-runs`` times each, interleaved. With ``--pdf N``:
bare pypdf ``extract_text`` against the full build of N generated PDFs.
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
BIN = Path(sys.executable).parent
KGGRAPH = [str(BIN / "kggraph")]  # the console script, as a user runs it
if not (BIN / "kggraph").exists():
    KGGRAPH = [sys.executable, "-m", "kggraph.launch"]
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
        self.seen: set[int] = set()
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            pids = tree(self.pid)
            self.seen.update(pids)
            sizes = {p: rss_of(p) for p in pids}
            self.main = max(self.main, sizes.get(self.pid, 0))
            others = [v for p, v in sizes.items() if p != self.pid]
            self.worker = max(self.worker, max(others, default=0))
            self.total = max(self.total, sum(sizes.values()))
            self.stop.wait(self.every)


def _subreaper() -> None:
    """Linux: orphans of the commands run here (a build's fork server and its children)
    become this process's children, so that their CPU time is counted when reaped."""
    import contextlib
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def _reap(pids: set[int], timeout: float = 10.0) -> None:
    """Wait for those of ``pids`` that became this process's children when their parent
    ended (a build's fork server and workers, which end with it)."""
    end = time.monotonic() + timeout
    for pid in pids:
        while True:
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:  # not (or no longer) a child of this process
                break
            if done or time.monotonic() > end:
                break
            time.sleep(0.05)


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_measured(cmd: list[str]) -> dict[str, Any]:
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = Sampler(proc.pid)
    sampler.start()
    out, err = proc.communicate()
    sampler.stop.set()
    sampler.join()
    wall = time.perf_counter() - t0
    _reap(sampler.seen - {proc.pid})
    return {
        "cmd": " ".join(cmd),
        "seconds": round(wall, 2),
        # CPU of the whole process tree (build, fork server, workers, their children)
        "cpu_s": round(_children_cpu() - cpu0, 2),
        "exit": proc.returncode,
        "summary": out.strip().splitlines()[0] if out.strip() else err.strip()[-500:],
        "rss_main_mb": round(sampler.main / 2**20, 1),
        "rss_worker_mb": round(sampler.worker / 2**20, 1),
        "rss_tree_mb": round(sampler.total / 2**20, 1),
    }


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def floors(folder: Path, n: int) -> dict[str, float]:
    """ms per document on one core (wall clock, as the build is timed): parse alone, the
    pipeline (``process_file``),
    and everything a build's worker does (``build_one``: the pipeline, the document laid
    out for the store and its precomputed rows)."""
    from kggraph import DEFAULT_BASE
    from kggraph.corpus import build_here, build_one
    from kggraph.extract import extract
    from kggraph.lexicon import load_lexicon
    from kggraph.parse import identify, parse
    from kggraph.pipeline import process_file

    files = sorted(folder.iterdir())[:n]
    lexicon = load_lexicon()
    build_one(str(files[0]))  # warm: shapes, lexicon, imports

    def cpu_ms(run: Any) -> float:
        t0 = time.perf_counter()
        for f in files:
            run(f)
        return round((time.perf_counter() - t0) * 1000 / len(files), 2)

    def cpu_time_ms(run: Any) -> float:
        t0 = time.process_time()
        for f in files:
            run(f)
        return round((time.process_time() - t0) * 1000 / len(files), 2)

    def parse_only(f: Path) -> None:
        src = extract(f)
        parse(src, identifier=identify(src, None) or "x", lexicon=lexicon)

    return {
        "docs": len(files),
        "parse_ms": cpu_ms(parse_only),
        "pipeline_ms": cpu_ms(process_file),
        "worker_ms": cpu_ms(lambda f: build_one(str(f))),
        "worker_cpu_ms": cpu_time_ms(lambda f: build_here(str(f), DEFAULT_BASE, True)),
    }


def closed_size(store: Path) -> int:
    """The store's size on disk once it has been opened for writing and closed again (the
    write-ahead log and the memtables written out, as a finished build leaves it)."""
    import gc

    import pyoxigraph as ox

    st = ox.Store(str(store))
    st.flush()
    del st
    gc.collect()
    return du(store)


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
    before = floors(folder, min(size, floor_docs))
    cmd = [*KGGRAPH, "build", str(folder), "--store", str(store), "--jobs", str(jobs), "-q"]
    res["build"] = build = run_measured(cmd)
    after = floors(folder, min(size, floor_docs))
    # the floor measured just before and just after the build, to bracket the machine's load
    res["floor"] = floor = {
        k: (round((before[k] + after[k]) / 2, 2) if k != "docs" else before[k]) for k in before
    }
    res["floor_before"], res["floor_after"] = before, after
    build["docs_per_s"] = round(size / build["seconds"], 1)
    ceiling = jobs * 1000 / floor["worker_ms"]
    res["ceiling_docs_per_s"] = round(ceiling, 1)
    res["ratio_to_ceiling"] = round(build["docs_per_s"] / ceiling, 3)
    res["ratio_to_pipeline_ceiling"] = round(
        build["docs_per_s"] / (jobs * 1000 / floor["pipeline_ms"]), 3
    )
    # CPU, which the machine's load does not inflate: the per-document work (one core, in
    # this process, no sandbox) against all the CPU the build's process tree used
    res["cpu_share_of_work"] = round(size * floor["worker_cpu_ms"] / 1000 / build["cpu_s"], 3)
    res["store_mb_at_exit"] = round(du(store) / 2**20, 1)
    res["store_mb"] = round(closed_size(store) / 2**20, 1)
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


def _null_tsv(answer: Any) -> int:
    """Write an answer as TSV into nothing; the rows written."""
    import io

    from kggraph.query_answer import write_answer

    class Count(io.RawIOBase):
        lines = 0

        def writable(self) -> bool:
            return True

        def write(self, data: Any) -> int:
            self.lines += bytes(data).count(b"\n")
            return len(data)

    sink = Count()
    write_answer(answer, "tsv", "", 10**9, sink)  # type: ignore[arg-type]
    return sink.lines - 1


def median_of(runs: int, measure: Any) -> tuple[float, Any]:
    """The median time of ``runs`` calls of ``measure`` (→ seconds, result)."""
    results = [measure() for _ in range(runs)]
    return statistics.median(r[0] for r in results), results[0][1]


def timed(run: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = run()
    return time.perf_counter() - t0, out


def _env() -> dict[str, str]:
    """The environment of a user's shell: bytecode cached (this session sets
    PYTHONDONTWRITEBYTECODE, which would make every kggraph start compile its modules)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


BARE_QUERY = """
import sys
import pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
with open(sys.argv[2]) as fh:
    result = store.query(fh.read(), use_default_graph_as_union=True)
result.serialize(sys.stdout.buffer, ox.QueryResultsFormat.CSV)
"""


def whole_process(cmds: dict[str, list[str]], runs: int) -> dict[str, float]:
    """Median wall time of each command as a whole process, runs interleaved."""
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            t0 = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True, env=_env())
            times[name].append(time.perf_counter() - t0)
    return {k: round(statistics.median(v), 4) for k, v in times.items()}


def bench_queries(
    store_path: Path,
    sample: int,
    work: Path,
    only: list[str] | None = None,
    runs: int = 3,
    cli_runs: int = 9,
    query_text: bool = True,
) -> dict[str, Any]:
    """Every bundled query over the whole store as ``kggraph query NAME --store`` answers it
    (precomputed rows, in-memory slices or SPARQL on the store) against the query's own
    text run by Oxigraph on the store; one document's answer as a whole ``kggraph query``
    process against a bare pyoxigraph script; and rdflib in memory on a sample."""
    from rdflib import Dataset, URIRef, Variable

    from kggraph.query import bundled_queries, param_terms
    from kggraph.sparql_text import inline_terms
    from kggraph.store import CorpusStore, StoreBackend

    store = CorpusStore.open(store_path, read_only=True)
    backend = StoreBackend(store)
    docs = store.documents()
    chosen = docs[:sample]
    nq = work / f"sample-{len(chosen)}.nq"
    store.export(nq, chosen)
    t0 = time.perf_counter()
    ds = Dataset(default_union=True)
    ds.parse(nq, format="nquads")
    load_s = time.perf_counter() - t0
    probe = chosen[len(chosen) // 2]
    bare = work / "bare_query.py"
    bare.write_text(BARE_QUERY, encoding="utf-8")
    out: dict[str, Any] = {
        "store_docs": len(docs),
        "store_triples": store.triple_count(),
        "sample_docs": len(chosen),
        "sample_triples": len(ds),
        "rdflib_load_s": round(load_s, 1),
        "probe_doc": probe,
        "queries": [],
    }
    seen: set[str | None] = set()
    for name, q in sorted(bundled_queries().items()):
        if q.path in seen or (only and name not in only):
            continue
        seen.add(q.path)
        row: dict[str, Any] = {"query": name}
        # whole corpus: what `kggraph query NAME --store` runs, and the plain query
        kg_s, kg_n = median_of(
            runs, lambda q=q: timed(lambda: _null_tsv(backend.execute(q.text, {})))
        )
        # the same once more in CPU seconds of this process (the engine runs in it), which
        # the machine's load does not inflate
        cpu0 = time.process_time()
        _null_tsv(backend.execute(q.text, {}))
        kg_cpu = time.process_time() - cpu0
        raw_s, raw_n = (
            timed(lambda q=q: _null_tsv(store.store.query(q.text, use_default_graph_as_union=True)))
            if query_text
            else (float("nan"), None)
        )
        rl_s, rl_n = capped(
            lambda q=q: time_rows(lambda: ds.query(q.text)),
            RDFLIB_CAP_S,
        )
        per_doc = (rl_s / len(chosen)) / (kg_s / len(docs)) if rl_n is not None else None
        row["all"] = {
            "kggraph_s": round(kg_s, 4),
            "kggraph_cpu_s": round(kg_cpu, 4),
            "rows": kg_n,
            "oxigraph_query_text_s": round(raw_s, 4),
            "rows_query_text": raw_n,
            "rdflib_sample_s": round(rl_s, 4) if rl_n is not None else f">{RDFLIB_CAP_S}",
            "rdflib_rows": rl_n,
            "per_document_rdflib_over_kggraph": round(per_doc, 1) if per_doc else None,
        }
        if any(p.name == "doc" for p in q.params):
            text = inline_terms(q.text, param_terms(q, {"doc": probe}))
            bound = work / f"{name}.rq"
            bound.write_text(text, encoding="utf-8")
            cmds = {
                "bare": [sys.executable, str(bare), str(store_path), str(bound)],
                "kggraph": [*KGGRAPH, "query", name, "--store", str(store_path), "--param",
                            f"doc={probe}", "--format", "csv"],
            }  # fmt: skip
            proc = whole_process(cmds, cli_runs)
            ox_s, ox_n = median_of(runs, lambda text=text: time_rows(
                lambda: store.store.query(text, use_default_graph_as_union=True)))  # fmt: skip
            init = {Variable("doc"): URIRef(probe)}
            rl1_s, rl1_n = capped(
                lambda q=q, init=init: time_rows(lambda: ds.query(q.text, initBindings=init)),
                RDFLIB_CAP_S,
            )
            row["one_doc"] = {
                "process_bare_s": proc["bare"],
                "process_kggraph_s": proc["kggraph"],
                "ratio_kggraph_over_bare": round(proc["kggraph"] / proc["bare"], 2),
                "oxigraph_s": round(ox_s, 4),
                "rows": ox_n,
                "rdflib_sample_s": round(rl1_s, 4) if rl1_n is not None else f">{RDFLIB_CAP_S}",
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
    ap.add_argument("--runs", type=int, default=3, help="timings per query (median)")
    ap.add_argument("--cli-runs", type=int, default=9, help="whole processes per one-doc query")
    ap.add_argument(
        "--queries-only",
        type=Path,
        metavar="STORE",
        help="only the query benchmark, on this existing store (no generation, no build)",
    )
    ap.add_argument(
        "--no-query-text",
        action="store_true",
        help="skip each query's own SPARQL text on the store (minutes per query at 80k)",
    )
    ap.add_argument("--out", type=Path, help="write all results as JSON here")
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    _subreaper()
    results: dict[str, Any] = {"cores": len(os.sched_getaffinity(0)), "sizes": []}

    def save() -> None:
        if args.out:
            args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")

    if args.queries_only:
        only = [n for n in args.only.split(",") if n]
        results["queries"] = bench_queries(
            args.queries_only,
            args.sample,
            args.workdir,
            only,
            args.runs,
            args.cli_runs,
            not args.no_query_text,
        )
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
        results["queries"] = bench_queries(
            largest,
            args.sample,
            args.workdir,
            None,
            args.runs,
            args.cli_runs,
            not args.no_query_text,
        )
        save()
    per = [
        (r["size"], r["build"]["docs_per_s"], r["build"]["rss_tree_mb"]) for r in results["sizes"]
    ]
    print("size, docs/s, peak tree RSS MB:", per)
    if len(per) > 1:
        print("throughput spread:", round(statistics.pstdev([p[1] for p in per]), 2))


if __name__ == "__main__":
    main()
