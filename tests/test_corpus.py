"""Incremental, parallel corpus builds on real documents, in a real on-disk store.

Four real documents are copied into a temporary folder; two of them (ah-tk-20242025-564 and
-610) cite the same motion, Kamerstuk 33 529, nr. 1219, so its node is shared.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SKOS

from kggraph.cli import main
from kggraph.corpus import CorpusBuild
from kggraph.pipeline import content_hash, process_file
from kggraph.progress import Progress
from kggraph.query import RdflibBackend, bundled_queries, run_query
from kggraph.store import CorpusStore, StoreBackend

TEXT = Path(__file__).parent / "fixtures" / "text"
BASE = "https://w3id.org/kggraph/id/"
NAMES = {
    "ah-tk-20242025-545": "ah-tk-20242025-545.pdf.txt",
    "ah-tk-20242025-560": "ah-tk-20242025-560.pdf.txt",
    "ah-tk-20242025-564": "ah-tk-20242025-564.pdf.txt",
    "ah-tk-20242025-610": "ah-tk-20242025-610.docx.txt",
}
SHARED = BASE + "kamerstuk/kst-33529-1219"
CITATION_610 = "(Kamerstuk 33529, nr. 1219)"


def doc(ident: str) -> str:
    return f"{BASE}doc/{ident}"


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in NAMES.values():
        shutil.copy(TEXT / name, folder / name)
    return folder


def expected(folder: Path) -> dict[str, Graph]:
    """What the pipeline builds from each file now: the store must hold exactly this."""
    out = {}
    for path in sorted(folder.iterdir()):
        r = process_file(path)
        out[str(r.graph.identifier)] = r.graph
    return out


def graphs_of(store: CorpusStore) -> dict[str, set[ox.Quad]]:
    return {d: set(store.quads(d)) for d in store.documents()}


def assert_store_holds(store: CorpusStore, want: dict[str, Graph]) -> None:
    assert store.documents() == sorted(want)
    for iri, g in want.items():
        assert isomorphic(store.graph(iri), g), iri


def build(store: CorpusStore, folder: Path, **kw: object) -> Progress:
    return CorpusBuild(store, **kw).run([folder], Progress(0, enabled=False))  # type: ignore[arg-type]


def test_first_build_then_unchanged_rebuild_skips_everything(corpus: Path, tmp_path: Path) -> None:
    store = CorpusStore.open(tmp_path / "store")
    p = build(store, corpus, jobs=1)
    want = expected(corpus)
    assert (p.built_count, p.skipped_count, p.failures) == (4, 0, [])
    assert p.triples == sum(len(g) for g in want.values())
    assert_store_holds(store, want)
    assert store.hashes() == {doc(i): content_hash(corpus / n) for i, n in NAMES.items()}
    before = graphs_of(store)

    again = build(store, corpus, jobs=1)
    assert (again.built_count, again.skipped_count, again.failures) == (0, 4, [])
    assert graphs_of(store) == before


def test_parallel_build_equals_serial_build(corpus: Path, tmp_path: Path) -> None:
    serial = CorpusStore.open(tmp_path / "serial")
    parallel = CorpusStore.open(tmp_path / "parallel")
    assert build(serial, corpus, jobs=1).built_count == 4
    p = build(parallel, corpus, jobs=2)
    assert (p.built_count, p.failures) == (4, [])
    assert graphs_of(parallel) == graphs_of(serial)


def test_edit_replaces_exactly_one_graph_and_keeps_the_shared_kamerstuk(
    corpus: Path, tmp_path: Path
) -> None:
    store = CorpusStore.open(tmp_path / "store")
    build(store, corpus, jobs=1)
    before = graphs_of(store)
    backend = StoreBackend(store)
    # the Kamerstuk's facts are stored once, in its own graph, and both documents say them
    shared_q = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{SHARED}> a ?t }} }} ORDER BY ?g"
    assert backend.select(shared_q, {}).rows == ((SHARED,),)
    citing = [d for d, quads in before.items() if any(q.subject.value == SHARED for q in quads)]
    assert citing == [doc("ah-tk-20242025-564"), doc("ah-tk-20242025-610")]

    f610 = corpus / NAMES["ah-tk-20242025-610"]
    text = f610.read_text(encoding="utf-8")
    assert text.count(CITATION_610) == 1
    f610.write_text(text.replace(CITATION_610, ""), encoding="utf-8")

    p = build(store, corpus, jobs=1)
    assert (p.built_count, p.skipped_count) == (1, 3)
    assert_store_holds(store, expected(corpus))
    after = graphs_of(store)
    for ident in ("ah-tk-20242025-545", "ah-tk-20242025-560", "ah-tk-20242025-564"):
        assert after[doc(ident)] == before[doc(ident)]
    assert after[doc("ah-tk-20242025-610")] != before[doc("ah-tk-20242025-610")]
    assert store.hashes()[doc("ah-tk-20242025-610")] == content_hash(f610)
    # the Kamerstuk is still there, with all it had, now only through -564
    assert backend.select(shared_q, {}).rows == ((SHARED,),)
    assert not any(q.subject.value == SHARED for q in after[doc("ah-tk-20242025-610")])
    facts = f"SELECT ?p ?o WHERE {{ <{SHARED}> ?p ?o }} ORDER BY ?p ?o"
    g564 = process_file(corpus / NAMES["ah-tk-20242025-564"]).graph
    want = sorted((str(p), str(o)) for p, o in g564.predicate_objects(URIRef(SHARED)))
    assert ("http://purl.org/dc/terms/identifier", "kst-33529-1219") in want
    assert backend.select(facts, {}).rows == tuple(want)


def test_prune_removes_graphs_of_deleted_files_only(corpus: Path, tmp_path: Path) -> None:
    store = CorpusStore.open(tmp_path / "store")
    build(store, corpus, jobs=1)
    (corpus / NAMES["ah-tk-20242025-560"]).unlink()

    p = build(store, corpus, jobs=1)  # without --prune the graph stays
    assert (p.built_count, p.skipped_count, p.removed_count) == (0, 3, 0)
    assert doc("ah-tk-20242025-560") in store.documents()

    p = build(store, corpus, jobs=1, prune=True)
    assert (p.built_count, p.skipped_count, p.removed_count) == (0, 3, 1)
    assert_store_holds(store, expected(corpus))
    assert doc("ah-tk-20242025-560") not in store.documents()


def test_a_failing_file_is_named_and_never_pruned(corpus: Path, tmp_path: Path) -> None:
    store = CorpusStore.open(tmp_path / "store")
    build(store, corpus, jobs=1)
    old = graphs_of(store)[doc("ah-tk-20242025-560")]
    broken = corpus / NAMES["ah-tk-20242025-560"]
    broken.write_text("Dit is geen Kamervraag en ook geen antwoord.\n", encoding="utf-8")

    p = build(store, corpus, jobs=1, prune=True)
    assert (p.built_count, p.skipped_count, p.removed_count) == (0, 3, 0)
    assert [name for name, _ in p.failures] == [str(broken)]
    assert p.failures[0][1]  # a reason is given
    assert graphs_of(store)[doc("ah-tk-20242025-560")] == old


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from kggraph.corpus import CorpusBuild
    from kggraph.progress import Progress
    from kggraph.store import CorpusStore

    stored = []

    def descendants(root):
        parent = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = open(f"/proc/{entry}/stat").read()
                except OSError:
                    continue
                parent[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
        out, frontier = [], [root]
        while frontier:
            frontier = [p for p, pp in parent.items() if pp in frontier]
            out += frontier
        return out

    def after(result):
        stored.append(result.identifier)
        print(result.identifier, flush=True)
        if len(stored) == int(sys.argv[3]):
            print("children", *descendants(os.getpid()), flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

    if __name__ == "__main__":  # workers import this module too
        store = CorpusStore.open(sys.argv[1])
        build = CorpusBuild(store, jobs=int(sys.argv[4]), on_built=after, batch=int(sys.argv[5]))
        build.run([sys.argv[2]], Progress(0, enabled=False))
    """
)


@pytest.mark.parametrize(("jobs", "batch"), [(1, 1), (2, 3)])
def test_a_build_killed_halfway_leaves_whole_documents_and_the_next_run_finishes(
    corpus: Path, tmp_path: Path, jobs: int, batch: int
) -> None:
    """Killed after two documents were reported stored: with one document per bulk load the
    store holds exactly those two; with three, the first load's three (a load is atomic)."""
    script = tmp_path / "killer.py"
    script.write_text(KILLER, encoding="utf-8")
    path = tmp_path / "store"
    proc = subprocess.run(
        [sys.executable, str(script), str(path), str(corpus), "2", str(jobs), str(batch)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    *first, children = proc.stdout.splitlines()
    assert len(first) == 2
    # no worker outlives the killed build (each watches its parent), nor the limited child
    # that builds the documents (it dies with its fork server, which ends with the build)
    pids = [int(p) for p in children.split()[1:]]
    assert len(pids) > 0
    deadline = time.monotonic() + 15
    while any(Path(f"/proc/{p}").exists() for p in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [p for p in pids if Path(f"/proc/{p}").exists()] == []

    want = expected(corpus)
    store = CorpusStore.open(path)
    stored = store.documents()
    assert len(stored) == batch + (batch == 1) and {doc(i) for i in first} <= set(stored)
    for iri in stored:
        assert isomorphic(store.graph(iri), want[iri])

    p = build(store, corpus, jobs=2)
    assert (p.built_count, p.skipped_count, p.failures) == (4 - len(stored), len(stored), [])
    assert_store_holds(store, want)


def test_cli_build_query_validate_export(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(tmp_path / "store")
    assert main(["build", str(corpus), "--store", path, "--jobs", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("built 4, skipped 0, failed 0 of 4 document(s); ")
    assert main(["build", str(corpus), "--store", path]) == 0
    assert capsys.readouterr().out.startswith("built 0, skipped 4, failed 0 of 4 document(s); ")

    # every bundled query: Oxigraph on the store = rdflib in memory on the same graphs
    ds = Dataset(default_union=True)
    for g in expected(corpus).values():
        target = ds.graph(g.identifier)
        for t in g:
            target.add(t)
    local = RdflibBackend(ds)
    store = CorpusStore.open(path, read_only=True)
    for name, q in sorted(bundled_queries().items()):
        if name[0].isdigit():
            rows = run_query(StoreBackend(store), q)
            assert rows == run_query(local, q), name
    params = {"doc": "ah-tk-20242025-564"}
    assert run_query(StoreBackend(store), bundled_queries()["laws"], params) == (
        run_query(local, bundled_queries()["laws"], params)
    )

    assert (
        main(
            [
                "query",
                "askers",
                "--store",
                path,
                "--format",
                "csv",
                "--param",
                "doc=ah-tk-20242025-560",
            ]
        )
        == 0
    )
    sp_label = ds.value(URIRef(f"{BASE}party/sp"), SKOS.prefLabel)
    assert capsys.readouterr().out.splitlines()[:2] == [
        "doc,docId,asker,name,party,partyLabel",
        f"{doc('ah-tk-20242025-560')},ah-tk-20242025-560,{BASE}person/beckerman-sp,"
        f"Beckerman,{BASE}party/sp,{sp_label}",
    ]
    assert main(["validate", "--store", path]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "4 graph(s) validated, 0 with findings"
    out_nq = tmp_path / "two.nq"
    assert (
        main(
            [
                "export",
                "--store",
                path,
                "-o",
                str(out_nq),
                "--doc",
                "ah-tk-20242025-545",
                "--doc",
                "ah-tk-20242025-610",
            ]
        )
        == 0
    )
    exported = Dataset()
    exported.parse(out_nq, format="nquads")
    assert sorted(str(g.identifier) for g in exported.graphs() if len(g)) == [
        doc("ah-tk-20242025-545"),
        doc("ah-tk-20242025-610"),
    ]


def test_cli_exit_codes_for_failures_and_usage(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (corpus / "leeg.txt").write_text("", encoding="utf-8")
    path = str(tmp_path / "store")
    assert main(["build", str(corpus), "--store", path, "--jobs", "1"]) == 2
    out = capsys.readouterr().out
    assert out.startswith("built 4, skipped 0, failed 1 of 5 document(s); ")
    assert f"  failed {corpus / 'leeg.txt'}: " in out
    assert main(["build", str(corpus), "--prune", "-o", str(tmp_path / "x.ttl")]) == 2
    assert "--prune, --jobs and --force work with --store" in capsys.readouterr().err
    assert main(["query", "askers", str(tmp_path / "x.ttl"), "--store", path]) == 2
    assert main(["validate", "--store", path, "--doc", "ah-tk-20242025-999"]) == 2
    assert main(["query", "askers", "--store", str(tmp_path / "nothing")]) == 2
    assert "no store here" in capsys.readouterr().err


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_and_silence_elsewhere() -> None:
    tty, pipe = Terminal(), io.StringIO()
    for stream in (tty, pipe):
        p = Progress(4, stream=stream)
        p.built("a", 10)
        p.skipped("b")
        p.failed("c", "kapot")
        p.built("d", 5, violations=2)
        p.close()
    assert pipe.getvalue() == ""
    last = tty.getvalue().rstrip("\n").split("\r\x1b[2K")[-1]
    assert last.startswith("[" + "#" * 28 + "] 4/4 100% ")
    assert "doc/s ETA 00:00 (built 2, skipped 1, failed 1)" in last
    assert p.summary(elapsed=2.0) == (
        "built 2, skipped 1, failed 1 of 4 document(s); 1 with violations; 15 triples; "
        "2.0 s (2.0 documents/s)\n  failed c: kapot"
    )


def test_default_jobs_is_the_cores_available() -> None:
    from kggraph.corpus import default_jobs

    assert default_jobs() == len(os.sched_getaffinity(0))
