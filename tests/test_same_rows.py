"""A user gets the same answers from a corpus store as before the store changed.

``tests/rows/expected.json`` holds what main gave at 93bc830, before the store layout and
the query plans changed (written by ``tests/rows/record.py``, not by hand): the exported
document graphs, the SHACL verdicts, and the rows of every bundled query over the fixture
documents and the seeded 1,000-document synthetic corpus, each through
``kggraph query … --store``. While the documents' graphs are those of the recording, every
row digest must match. Independently of the recording, every query's rows must equal
what the same query gives on the RDF merge of the exported document graphs (the meaning
of "the union of the document graphs" that every bundled query is written against).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

sys.path.insert(0, str(Path(__file__).parent / "rows"))

from rowcheck import (  # noqa: E402
    BASE,
    ROOT,
    SYNTHETIC_COUNT,
    build,
    cli,
    digest,
    export_digest,
    queries,
    query_rows,
    sample,
    shape_fixture_verdicts,
    store_verdicts,
    synthetic_folder,
)

EXPECTED = json.loads((Path(__file__).parent / "rows" / "expected.json").read_text("utf-8"))
SYNTHETIC = f"synthetic-{SYNTHETIC_COUNT}"
ONE_DOC_SAMPLE = {"fixtures": 25, SYNTHETIC: 6}  # documents whose one-document rows are checked


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    work = tmp_path_factory.mktemp("same-rows")
    out = {}
    for name, inputs in (
        ("fixtures", [ROOT / f for f in EXPECTED["corpora"]["fixtures"]["files"]]),
        (SYNTHETIC, [synthetic_folder(work)]),
    ):
        store = work / f"built-{name}" / "store"
        store.parent.mkdir()
        rec = build(inputs, store)
        rec["export"] = export_digest(store, store.parent)
        out[name] = {"store": store, "record": rec, "nq": store.parent / "graphs.nq"}
        cli("export", "--store", str(store), "-o", str(out[name]["nq"]))
    return out


def _path(finding: list[Any]) -> list[Any]:
    """A sequence path's blank node id is random: compare such paths as one value."""
    path = finding[2]
    if path and (re.fullmatch(r"[nN][0-9a-fA-F]{30,}", path) or "/" in path):
        finding = [*finding[:2], "(sequence path)", *finding[3:]]
    return finding


def _verdicts(v: dict[str, Any]) -> dict[str, Any]:
    def order(f: list[Any]) -> list[str]:  # a finding may lack a path or a value (None)
        return ["" if x is None else str(x) for x in f]

    return {
        k: {**x, "findings": sorted((_path(f) for f in x["findings"]), key=order)}
        for k, x in v.items()
    }


def test_shape_fixtures_keep_their_verdicts() -> None:
    got = shape_fixture_verdicts()
    want = EXPECTED["shape_fixtures"]
    assert _verdicts({k: got[k] for k in want}) == _verdicts(want)


@pytest.mark.parametrize("name", ["fixtures", SYNTHETIC])
def test_same_graphs_and_verdicts(corpora: dict[str, Any], name: str) -> None:
    got, want = corpora[name]["record"], EXPECTED["corpora"][name]
    if got["export"] != want["export"]:
        pytest.skip(
            f"{name}: the documents' graphs differ from the recording (a parser or RDF mapping "
            "change): rerun tests/rows/record.py on the code before your change"
        )
    assert (got["built"], got["failed"]) == (want["built"], want["failed"])
    assert got["build_verdicts"] == want["build_verdicts"]
    validated = store_verdicts(corpora[name]["store"], ONE_DOC_SAMPLE[name] * 10)
    recorded = {k: v for k, v in want["store_verdicts"].items() if k in validated["sample"]}
    assert _verdicts(validated["verdicts"]) == _verdicts(recorded)


def _keys(name: str, store: Path) -> list[tuple[str, str, dict[str, str]]]:
    """(recorded key, query, parameters) for every whole-corpus query and a sample of the
    recorded one-document keys."""
    recorded = EXPECTED["corpora"][name]["rows"]
    whole = [(q, q, {}) for q, _ in queries()]
    docs = sorted({k.split(" doc=")[1] for k in recorded if " doc=" in k})
    keep = set(sample(docs, ONE_DOC_SAMPLE[name]))
    nodes = sorted({k.split(" node=")[1] for k in recorded if " node=" in k})
    keep_nodes = set(sample(nodes, ONE_DOC_SAMPLE[name]))
    out = list(whole)
    for key in sorted(recorded):
        q, _, param = key.partition(" ")
        if not param:
            continue
        kind, _, value = param.partition("=")
        if (kind == "doc" and value in keep) or (kind == "node" and value in keep_nodes):
            out.append((key, q, {kind: (BASE + "doc/" if kind == "doc" else BASE) + value}))
    return out


@pytest.mark.parametrize("name", ["fixtures", SYNTHETIC])
def test_same_rows_as_recorded(corpora: dict[str, Any], name: str) -> None:
    c = corpora[name]
    if c["record"]["export"] != EXPECTED["corpora"][name]["export"]:
        pytest.skip(f"{name}: graphs changed since the recording (see the test above)")
    recorded = EXPECTED["corpora"][name]["rows"]
    wrong = []
    for key, q, params in _keys(name, c["store"]):
        got = digest(query_rows(c["store"], q, **params))
        want = recorded[key]
        if (got["rows"], got["sorted_sha256"]) != (want["rows"], want["sorted_sha256"]):
            wrong.append(f"{key}: {got['rows']} rows, recorded {want['rows']}")
    assert not wrong, "\n".join(wrong)


def _merged(nq: Path) -> ox.Store:
    """The exported document graphs as named graphs and their RDF merge as the default
    graph (the network queries match a node's facts inside one document graph)."""
    st = ox.Store()
    quads = list(ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS))
    st.extend(quads)
    st.extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    return st


def _reference(st: ox.Store, name: str, params: dict[str, str]) -> list[tuple[str | None, ...]]:
    from rdflib import URIRef

    from kggraph.query import resolve_query
    from kggraph.sparql_text import inline_bindings

    text = inline_bindings(resolve_query(name).text, {k: URIRef(v) for k, v in params.items()})
    result = st.query(text)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [tuple(None if s[v] is None else s[v].value for v in names) for s in result]


@pytest.mark.parametrize("name", ["fixtures", SYNTHETIC])
def test_same_rows_as_the_merge_of_the_graphs(corpora: dict[str, Any], name: str) -> None:
    c = corpora[name]
    st = _merged(c["nq"])
    wrong = []
    for key, q, params in _keys(name, c["store"]):
        got = query_rows(c["store"], q, **params)
        want = _reference(st, q, params)
        if digest(got)["sorted_sha256"] != digest(want)["sorted_sha256"]:
            wrong.append(f"{key}: {len(got)} rows, the merge gives {len(want)}")
    assert not wrong, "\n".join(wrong)
