"""Graph files: the same documents give the same bytes in every run and every format."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kggraph.graphio import serialize
from kggraph.pipeline import process_file

TEXT = Path(__file__).parent / "fixtures" / "text"
DOCS = ("ah-tk-20242025-564.pdf.txt", "ah-tk-20242025-610.docx.txt")  # share a Kamerstuk


def _build(out: Path, seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    cmd = [sys.executable, "-m", "kggraph.cli", "build", *(str(TEXT / d) for d in DOCS)]
    subprocess.run([*cmd, "-o", str(out), "-q"], check=True, env=env, capture_output=True)
    return out.read_bytes()


@pytest.mark.parametrize("suffix", [".trig", ".ttl", ".nq", ".nt"])
def test_byte_identical_across_runs_and_hash_seeds(tmp_path: Path, suffix: str) -> None:
    first = _build(tmp_path / f"a{suffix}", "1")
    assert first == _build(tmp_path / f"b{suffix}", "4242")


def test_every_format_holds_the_documents_graphs() -> None:
    graphs = [process_file(TEXT / d).graph for d in DOCS]
    for fmt in ("trig", "nquads"):
        ds = Dataset()
        ds.parse(data=serialize(graphs, fmt), format=fmt)
        for g in graphs:
            assert isomorphic(ds.graph(g.identifier), g), fmt
    union = Graph()
    for g in graphs:
        union += g
    shared = sum(1 for t in graphs[0] if t in graphs[1])
    assert shared > 0 and len(union) == sum(len(g) for g in graphs) - shared
    for fmt in ("turtle", "nt"):
        assert isomorphic(Graph().parse(data=serialize(graphs, fmt), format=fmt), union), fmt
