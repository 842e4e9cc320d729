"""Stale graphs (issue 10): every graph records what built it, and an incremental build
rebuilds the graphs an older kggraph (code, patterns, vocabularies, shapes) made; --force
rebuilds everything."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import TEXT

from kggraph.buildinfo import build_id, digest
from kggraph.cli import main
from kggraph.store import CorpusStore

ID = "https://w3id.org/kggraph/id/"
BUILT_WITH = "<https://w3id.org/kggraph/ontology#builtWith>"
FILES = ("ah-tk-20242025-545.pdf.txt", "ah-tk-20242025-610.docx.txt")
OLD = "kggraph 0.0.9 (code 000000000000, patterns 000000000000, vocabularies 000000000000"


@pytest.fixture()
def corpus(tmp_path: Path) -> tuple[Path, Path]:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in FILES:
        shutil.copy(TEXT / name, docs / name)
    store = tmp_path / "store"
    assert main(["build", str(docs), "--store", str(store), "-q", "--jobs", "1"]) == 0
    return docs, store


def build(docs: Path, store: Path, *extra: str) -> int:
    return main(["build", str(docs), "--store", str(store), "-q", "--jobs", "1", *extra])


def as_if_built_by(store: Path, doc: str, built_with: str) -> None:
    """Give a stored graph the record an older kggraph would have written."""
    st = CorpusStore.open(store)
    lines = st.ntriples(doc).decode().splitlines()
    kept = [line for line in lines if BUILT_WITH not in line]
    assert len(kept) == len(lines) - 1
    kept.append(f'<{doc}> {BUILT_WITH} "{built_with}" .')
    st.replace(doc, ("\n".join(kept) + "\n").encode())
    st.flush()


def test_every_graph_records_what_built_it(corpus: tuple[Path, Path]) -> None:
    _, store = corpus
    builds = CorpusStore.open(store, read_only=True).builds()
    assert sorted(builds) == [f"{ID}doc/ah-tk-20242025-545", f"{ID}doc/ah-tk-20242025-610"]
    assert set(builds.values()) == {build_id()}
    assert build_id().startswith("kggraph 0.1.0 (code ")
    assert "pypdf " in build_id() and "rdflib " in build_id()


def test_a_graph_built_by_an_older_kggraph_is_rebuilt(
    corpus: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    docs, store = corpus
    capsys.readouterr()
    assert build(docs, store) == 0
    assert capsys.readouterr().out.startswith("built 0, skipped 2, failed 0 of 2")
    doc = f"{ID}doc/ah-tk-20242025-610"
    as_if_built_by(store, doc, OLD)
    assert build(docs, store) == 0
    assert capsys.readouterr().out.startswith("built 1, skipped 1, failed 0 of 2")
    assert CorpusStore.open(store, read_only=True).builds()[doc] == build_id()


def test_force_rebuilds_what_is_current(
    corpus: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    docs, store = corpus
    capsys.readouterr()
    assert build(docs, store, "--force") == 0
    assert capsys.readouterr().out.startswith("built 2, skipped 0, failed 0 of 2")
    assert main(["build", str(docs / FILES[0]), "-o", str(docs / "x.ttl"), "--force"]) == 2
    assert "--force work with --store" in capsys.readouterr().err


def test_a_stale_graph_the_new_build_no_longer_makes_is_removed(
    corpus: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # an older parser named the 610 text otherwise: same content hash, another graph
    docs, store = corpus
    st = CorpusStore.open(store)
    real = f"{ID}doc/ah-tk-20242025-610"
    old = f"{ID}doc/sha-0123456789ab"
    nt = st.ntriples(real).decode().replace(f"<{real}>", f"<{old}>")
    st.remove(real)
    st.replace(old, nt.encode())
    st.flush()
    del st
    as_if_built_by(store, old, OLD)
    capsys.readouterr()
    assert build(docs, store) == 0
    out = capsys.readouterr().out
    assert out.startswith("built 1, skipped 1, failed 0 of 2 document(s); 1 removed"), out
    assert CorpusStore.open(store, read_only=True).documents() == [
        f"{ID}doc/ah-tk-20242025-545",
        real,
    ]


def test_the_record_changes_with_any_pattern_vocabulary_or_shape(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    copy = tmp_path / "patterns"
    shutil.copytree(root / "kggraph" / "patterns", copy)
    before = digest(copy.glob("*.toml"), copy)
    assert digest(copy.glob("*.toml"), copy) == before
    toml = copy / "citations.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n# one more line\n", encoding="utf-8")
    assert digest(copy.glob("*.toml"), copy) != before
