"""Heavy libraries are imported where they are used (issue 11): a fresh interpreter shows
which of them an entry point loads. ``kggraph --help`` needs none of rdflib, pyshacl or
networkx; the process that runs ``kggraph build`` hands validation to its sandboxed
child, so it needs rdflib (the graphs it writes) but neither pyshacl nor rdflib's SPARQL
engine (about 0.13 s of CPU per start)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HEAVY = ("networkx", "pyshacl", "rdflib", "rdflib.plugins.sparql")


def loaded_after(code: str) -> list[str]:
    report = f"import sys; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\n{report}"], capture_output=True, text=True, check=True
    ).stdout
    return list(eval(out.strip().splitlines()[-1]))  # noqa: S307 - our own printed list


def test_help_loads_no_heavy_library() -> None:
    code = (
        "import sys\nfrom kggraph.cli import main\nsys.argv = ['kggraph', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    assert loaded_after(code) == []


def test_the_build_process_loads_no_validator() -> None:
    assert loaded_after("import kggraph.cli, kggraph.pipeline, kggraph.graphio") == ["rdflib"]


def test_validation_loads_pyshacl_when_it_runs() -> None:
    code = (
        "from rdflib import Graph\nfrom kggraph.validate import validate_graph\n"
        "assert validate_graph(Graph()).conforms"
    )
    assert loaded_after(code) == ["pyshacl", "rdflib", "rdflib.plugins.sparql"]


def test_the_process_of_a_store_query_leaves_the_engine_to_its_child(tmp_path: Path) -> None:
    """``kggraph query NAME --store S --param doc=ID``: this process parses the command,
    forks and waits; pyoxigraph and what the child needs load in the child alone, and
    neither the process nor the child pays for modules a one-document answer does not use
    (each of these costs every such query milliseconds)."""
    from kggraph.store import CorpusStore

    store = tmp_path / "store"
    CorpusStore.open(store).close()
    out = tmp_path / "a.csv"
    args = ["query", "askers", "--store", str(store), "--param", "doc=x", "-o", str(out)]
    code = f"import sys\nfrom kggraph.cli import main\nassert main({args!r}) == 0"
    light = (
        *("pyoxigraph", "typing", "contextlib", "dataclasses", "pathlib", "tempfile", "socket"),
        *("threading", "pickle"),
    )
    report = f"import sys; print(sorted(m for m in {(*HEAVY, *light)!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\n{report}"], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
    assert out.read_text(encoding="utf-8") == "doc,docId,asker,name,party,partyLabel\n"


def test_neither_process_of_a_one_document_query_imports_what_it_does_not_use(
    tmp_path: Path,
) -> None:
    """The child as well as the process: ``-X importtime`` reports every module each of them
    loads (the child inherits the flag and stderr). typing (3 ms), signal, shutil (argparse's
    width), threading and tempfile each cost a one-document answer a millisecond or more."""
    from kggraph.store import CorpusStore

    store = tmp_path / "store"
    CorpusStore.open(store).close()
    out = tmp_path / "a.csv"
    args = ["query", "askers", "--store", str(store), "--param", "doc=x", "-o", str(out)]
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kggraph.launch", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert {"kggraph.query_stream", "pyoxigraph", "kggraph.query_answer"} <= loaded  # the child's
    unused = {"typing", "signal", "shutil", "threading", "tempfile", "pathlib", "pickle"}
    unused |= {"kggraph.results"}  # rendering other formats than CSV and TSV
    assert sorted(loaded & unused) == []
    assert out.read_text(encoding="utf-8") == "doc,docId,asker,name,party,partyLabel\n"


def test_help_loads_no_engine() -> None:
    code = (
        "import sys\nfrom kggraph.cli import main\nsys.argv = ['kggraph', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "assert 'pyoxigraph' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
