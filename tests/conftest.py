"""Shared fixtures: paths to the real documents copied into tests/fixtures/."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
TEXT = FIXTURES / "text"
PDF = FIXTURES / "pdf"
IND = TEXT / "kamervragen-2022-ind-erkend-referenten.txt"
IND_ID = "kamervragen-2022-ind-erkend-referenten"


@pytest.fixture(scope="session")
def ind_result():  # type: ignore[no-untyped-def]
    """The 2022 IND document, built and validated once per test session."""
    from kggraph.pipeline import process_file

    return process_file(IND, identifier=IND_ID)


@pytest.fixture(scope="session")
def fixture_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 80 real fixture documents (texts and official PDFs) in an on-disk corpus store."""
    from kg_serve import build_store

    return build_store(tmp_path_factory.mktemp("serve") / "store", TEXT, PDF)


@pytest.fixture(scope="session")
def served(fixture_store: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """``kggraph serve --store`` over the fixture store, with a 4-second query time limit."""
    from kg_serve import Served

    server = Served(
        ["--store", str(fixture_store), "--timeout", "4"],
        tmp_path_factory.mktemp("serve-log") / "serve.log",
    )
    try:
        yield server
    finally:
        server.close()


CORPORA = {"text": FIXTURES / "text", "pdf": FIXTURES / "pdf", "ocr": FIXTURES / "ocr"}
FILE_FORMATS = (".ttl", ".trig", ".nt", ".nq", ".jsonld")
STORE_FORMATS = (".nq", ".trig")

WRITER = """
import sys
from pathlib import Path
from kggraph.graphio import serialize, FORMATS
from kggraph.pipeline import Failure, process_many
from kggraph.store import CorpusStore

out = Path(sys.argv[1])
for name, folder in zip(sys.argv[2::2], sys.argv[3::2]):
    # a file the parser cannot read is left out, as `kggraph build` leaves it out
    results = [r for r in process_many([folder], validate=False) if not isinstance(r, Failure)]
    assert results, folder
    graphs = [r.graph for r in results]
    for ext in sys.argv[-1].split(","):
        (out / f"{name}{ext}").write_bytes(serialize(graphs, FORMATS[ext]))
    store = CorpusStore.open(out / f"{name}.oxigraph")
    for r in results:
        store.replace(str(r.graph.identifier), r.graph.serialize(format="nt", encoding="utf-8"))
    for ext in (".nq", ".trig"):
        store.export(out / f"{name}.store{ext}")
    from kggraph.dataset import describe_store
    (out / f"{name}.void.ttl").write_bytes(serialize([describe_store(store)], "turtle"))
"""


@pytest.fixture(scope="session")
def exports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The text, PDF and OCR fixtures written by two processes with different hash seeds,
    in parallel: each corpus as ``kggraph build -o`` writes it (.ttl, .trig, .nt, .nq,
    .jsonld), as ``kggraph export --store`` does (.store.nq, .store.trig), and the store's
    description as ``kggraph describe`` writes it (.void.ttl). Shared by
    tests/test_exports.py and tests/test_audit_terms.py."""
    dirs = (tmp_path_factory.mktemp("seed1"), tmp_path_factory.mktemp("seed2"))
    corpora = [str(a) for name, folder in CORPORA.items() for a in (name, folder)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(d), *corpora, ",".join(FILE_FORMATS)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            stderr=subprocess.PIPE,
        )
        for d, seed in zip(dirs, ("1", "4242"), strict=True)
    ]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err.decode(errors="replace")[-3000:]
    return dirs
