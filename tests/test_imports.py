"""Heavy libraries are imported where they are used (issue 11): a fresh interpreter shows
which of them an entry point loads. ``kggraph --help`` needs none of rdflib, pyshacl or
networkx; the process that runs ``kggraph build`` hands validation to its sandboxed
child, so it needs rdflib (the graphs it writes) but neither pyshacl nor rdflib's SPARQL
engine (about 0.13 s of CPU per start)."""

from __future__ import annotations

import subprocess
import sys

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
