"""What a user gets from a corpus store, reduced to digests that can be compared across
store layouts: the rows of every bundled query, the SHACL verdicts, the exported graphs.

``record.py`` writes ``expected.json`` with these functions (run it on the code whose
answers are the reference); ``tests/test_same_rows.py`` recomputes them on the current code
and compares. Rows come from the command line exactly as a user runs it
(``kggraph query NAME --store S --format json``), one document's rows for a sample of
documents and the whole corpus's rows; a digest is taken over the sorted rows (the order
among rows that tie on every ORDER BY key is up to the engine) and, separately, over the
rows in the order printed.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_DIRS = ("tests/fixtures/text", "tests/fixtures/pdf", "tests/fixtures/ocr")
SYNTHETIC_COUNT = 1000
SYNTHETIC_SEED = 7
SAMPLE = 25  # documents whose one-document rows are recorded, evenly spread
BASE = "https://w3id.org/kggraph/id/"

Row = tuple[str | None, ...]


def fixture_files() -> list[str]:
    """The real documents of the test fixtures, as paths relative to the repository."""
    from kggraph.extract import SUPPORTED_SUFFIXES

    out = []
    for folder in FIXTURE_DIRS:
        for f in sorted((ROOT / folder).iterdir()):
            if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES:
                out.append(str(f.relative_to(ROOT)))
    return out


def synthetic_folder(work: Path, count: int = SYNTHETIC_COUNT) -> Path:
    """The seeded synthetic corpus of benchmarks/generate.py (written once per folder)."""
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate

    folder = work / f"synthetic-{count}"
    if not folder.is_dir() or sum(1 for _ in folder.iterdir()) != count:
        generate(folder, count, seed=SYNTHETIC_SEED)
    return folder


def build(inputs: Iterable[str | Path], store: Path, jobs: int = 2) -> dict[str, Any]:
    """``kggraph build INPUTS --store STORE`` through the library; the verdicts of the
    documents that do not conform, as the build reported them."""
    from kggraph.corpus import Built, CorpusBuild
    from kggraph.progress import Progress
    from kggraph.store import CorpusStore

    verdicts: dict[str, Any] = {}

    def seen(b: Built) -> None:
        if b.violations or b.findings:
            verdicts[b.identifier] = {"violations": b.violations, "findings": sorted(b.findings)}

    st = CorpusStore.open(store)
    progress = CorpusBuild(st, jobs=jobs, on_built=seen).run(
        [str(p) for p in inputs], Progress(0, enabled=False)
    )
    del st
    return {
        "built": progress.built_count,
        "failed": sorted(Path(p).name for p, _ in progress.failures),
        "build_verdicts": dict(sorted(verdicts.items())),
    }


def cli(*args: str) -> str:
    """stdout of ``kggraph ARGS`` run in this process."""
    from kggraph.cli import main

    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8", write_through=True)
    with contextlib.redirect_stdout(out):
        code = main(list(args))
    out.flush()
    if code != 0:
        raise AssertionError(f"kggraph {' '.join(args)} exited {code}")
    return raw.getvalue().decode("utf-8")


def query_rows(store: Path, name: str, **params: str) -> list[Row]:
    """Rows of ``kggraph query NAME --store STORE --format json [--param k=v …]``."""
    args = ["query", name, "--store", str(store), "--format", "json"]
    for k, v in params.items():
        args += ["--param", f"{k}={v}"]
    data = json.loads(cli(*args))
    names = data["head"]["vars"]
    bindings = data["results"]["bindings"]
    return [tuple(b[v]["value"] if v in b else None for v in names) for b in bindings]


def digest(rows: list[Row]) -> dict[str, Any]:
    def sha(rs: Iterable[Row]) -> str:
        h = hashlib.sha256()
        for r in rs:
            h.update(json.dumps(r, ensure_ascii=False).encode() + b"\n")
        return h.hexdigest()

    key = [tuple("\x00" if v is None else "\x01" + v for v in r) for r in rows]
    ordered = sorted(range(len(rows)), key=lambda i: key[i])
    return {
        "rows": len(rows),
        "sorted_sha256": sha(rows[i] for i in ordered),
        "ordered_sha256": sha(rows),
    }


def queries() -> list[tuple[str, tuple[str, ...]]]:
    """Each bundled query once (by file name) with its parameter names."""
    from kggraph.query import bundled_queries

    seen: dict[str, tuple[str, ...]] = {}
    for name, q in bundled_queries().items():
        stem = Path(q.path or name).stem
        seen.setdefault(stem, tuple(p.name for p in q.params))
    return sorted(seen.items())


def sample(items: list[str], n: int = SAMPLE) -> list[str]:
    if len(items) <= n:
        return items
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def all_rows(store: Path) -> dict[str, list[Row]]:
    """Whole-corpus rows of every bundled query, and one document's (or one node's) rows
    for a sample of documents."""
    from kggraph.store import CorpusStore

    st = CorpusStore.open(store, read_only=True)
    docs = sample(sorted(st.hashes()))
    del st
    out: dict[str, list[Row]] = {}
    for name, params in queries():
        out[name] = query_rows(store, name)
        if "doc" in params:
            for d in docs:
                out[f"{name} doc={d.removeprefix(BASE + 'doc/')}"] = query_rows(store, name, doc=d)
        if "node" in params:
            # the first question of each sampled document, and a footnote where there is one
            nodes = [r[0] for r in out[name] if r[0] and r[1] in ("question", "footnote")]
            for node in sample(sorted(set(nodes))):
                out[f"{name} node={node.removeprefix(BASE)}"] = query_rows(store, name, node=node)
    return out


BUILT_WITH = "<https://w3id.org/kggraph/ontology#builtWith>"


def export_digest(store: Path, work: Path) -> dict[str, Any]:
    """The document graphs as ``kggraph export`` writes them: sorted N-Quads lines, but for
    ``kgo:builtWith``, which names the hashes of the code that built them."""
    out = work / "export.nq"
    cli("export", "--store", str(store), "-o", str(out))
    text = out.read_text(encoding="utf-8")
    lines = sorted(line for line in text.splitlines() if line and BUILT_WITH not in line)
    graphs = {re.sub(r".* (<[^>]*>) \.$", r"\1", line) for line in lines}
    h = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    out.unlink()
    return {"quads": len(lines), "graphs": len(graphs), "sha256": h}


def store_verdicts(store: Path, n: int | None = None) -> dict[str, Any]:
    """``kggraph validate --store`` on each document graph (or an evenly spread sample of
    ``n``): the documents with findings, and which documents were validated."""
    from kggraph.store import CorpusStore
    from kggraph.validate import validate_graph

    st = CorpusStore.open(store, read_only=True)
    docs = sorted(st.hashes())
    if n is not None:
        docs = sample(docs, n)
    out: dict[str, Any] = {}
    for doc in docs:
        report = validate_graph(st.graph(doc), name=doc)
        if report.findings:
            out[doc.removeprefix(BASE + "doc/")] = verdict(report)
    del st
    if n is None:
        return out
    return {"verdicts": out, "sample": [d.removeprefix(BASE + "doc/") for d in docs]}


def verdict(report: Any) -> dict[str, Any]:
    return {
        "conforms": report.conforms,
        "findings": sorted(
            ([f.severity, f.focus, f.path, f.message, f.value] for f in report.findings),
            key=lambda f: [v or "" for v in f],
        ),
    }


def shape_fixture_verdicts() -> dict[str, Any]:
    """tests/shapes/*: each hand-written graph through kggraph's validation."""
    from rdflib import Graph

    from kggraph.validate import validate_graph

    out = {}
    for f in sorted((ROOT / "tests" / "shapes").glob("*/*.ttl")):
        g = Graph().parse(f, format="turtle")
        out[str(f.relative_to(ROOT))] = verdict(validate_graph(g))
    return out


def corpus_record(inputs: list[str | Path], work: Path) -> dict[str, Any]:
    """Build ``inputs`` into a fresh store under ``work`` and record what users get."""
    import shutil

    store = work / "store"
    shutil.rmtree(store, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    rec: dict[str, Any] = build(inputs, store)
    rec["export"] = export_digest(store, work)
    rec["store_verdicts"] = store_verdicts(store)
    rec["rows"] = {k: digest(v) for k, v in all_rows(store).items()}
    return rec
