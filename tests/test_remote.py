"""A real Oxigraph server on 127.0.0.1: Graph Store pushes and SPARQL Protocol queries.

The server (`pip install oxigraph`, the ``oxigraph`` command) is started and stopped by the
fixture; the tests are skipped only when that command cannot be found.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from oxserver import Server, free_port, running
from rdflib import XSD, Literal, URIRef

from kggraph.cli import main
from kggraph.corpus import CorpusBuild
from kggraph.errors import QueryError, StoreError
from kggraph.progress import Progress
from kggraph.query import bundled_queries, run_query
from kggraph.remote import RemoteBackend, bind_values, sparql_term
from kggraph.store import CorpusStore, StoreBackend

TEXT = Path(__file__).parent / "fixtures" / "text"
BASE = "https://w3id.org/kggraph/id/"
FILES = (
    "ah-tk-20242025-545.pdf.txt",
    "ah-tk-20242025-564.pdf.txt",
    "ah-tk-20242025-610.docx.txt",
    "kamervragen-2022-ind-erkend-referenten.txt",
)


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[Server]:
    with running(tmp_path / "server") as srv:
        yield srv


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("docs")
    for name in FILES:
        shutil.copy(TEXT / name, folder / name)
    path = tmp_path_factory.mktemp("st") / "store"
    progress = CorpusBuild(CorpusStore.open(path), jobs=1).run([folder], Progress(0, enabled=False))
    assert (progress.built_count, progress.failures) == (4, [])
    return path


def local_rows(path: Path, name: str, params: dict[str, str]) -> object:
    store = CorpusStore.open(path, read_only=True)
    return run_query(StoreBackend(store), bundled_queries()[name], params)


def test_push_then_every_bundled_query_gives_the_local_rows(
    server: Server, built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["push", "--store", str(built), "--endpoint", f"{server.url}/store"]) == 0
    assert capsys.readouterr().out.startswith("pushed 4, skipped 0, failed 0 of 4 document(s)")
    local = CorpusStore.open(built, read_only=True)
    assert server.graph_names() == local.documents()
    names = sorted(n for n in bundled_queries() if n[0].isdigit())
    assert len(names) >= 11
    for name in names:
        q = bundled_queries()[name]
        remote = run_query(server.query, q)
        assert remote == local_rows(built, name, {}), name
        assert remote.rows, f"{name} gives no rows on these documents"
    for ident in ("ah-tk-20242025-564", "kamervragen-2022-ind-erkend-referenten"):
        for name in ("01-askers", "06-laws", "07-motions", "10-referral-answers"):
            params = {"doc": ident}
            got = run_query(server.query, bundled_queries()[name], params)
            assert got == local_rows(built, name, params), (name, ident)
    # the CLI against the endpoint prints what it prints against the store
    args = [
        "query",
        "parliamentary-documents",
        "--format",
        "csv",
        "--param",
        "doc=ah-tk-20242025-610",
    ]
    assert main([*args, "--endpoint", f"{server.url}/query"]) == 0
    remote_out = capsys.readouterr().out
    assert main([*args, "--store", str(built)]) == 0
    assert remote_out == capsys.readouterr().out
    assert "kst-33529-1219" in remote_out


def test_push_replaces_a_graph_and_delete_removes_it(server: Server, built: Path) -> None:
    local = CorpusStore.open(built, read_only=True)
    doc = f"{BASE}doc/ah-tk-20242025-545"
    server.store.put(doc, local.ntriples(doc))
    server.store.put(doc, local.ntriples(doc))  # PUT replaces: no duplicates
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    n_local = len(local.ntriples(doc).splitlines())
    assert server.query.select(count, {}).rows == ((str(n_local),),)
    server.store.delete(doc)
    assert server.graph_names() == []
    server.store.delete(doc)  # deleting a graph that is not there is fine


def test_build_with_endpoint_pushes_as_it_builds(server: Server, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(TEXT / FILES[0], folder / FILES[0])
    shutil.copy(TEXT / FILES[2], folder / FILES[2])
    store = tmp_path / "store"
    code = main(["build", str(folder), "--store", str(store), "--endpoint", f"{server.url}/store"])
    assert code == 0
    assert server.graph_names() == [
        f"{BASE}doc/ah-tk-20242025-545",
        f"{BASE}doc/ah-tk-20242025-610",
    ]
    (folder / FILES[0]).unlink()
    assert (
        main(
            [
                "build",
                str(folder),
                "--store",
                str(store),
                "--prune",
                "-q",
                "--endpoint",
                f"{server.url}/store",
            ]
        )
        == 0
    )
    assert server.graph_names() == [f"{BASE}doc/ah-tk-20242025-610"]


def test_hostile_parameter_values_stay_literals(server: Server, built: Path) -> None:
    assert main(["push", "--store", str(built), "--endpoint", f"{server.url}/store", "-q"]) == 0
    q = bundled_queries()["01-askers"]
    for value in ('x" } } ; DROP ALL ; #', "x> } ", 'a\\"b', "regel\nnieuw"):
        rows = server.query.select(q.text, {"docId": Literal(value)})
        assert rows.rows == ()
    assert len(server.graph_names()) == 4
    with pytest.raises(QueryError, match="not a usable IRI"):
        server.query.select(q.text, {"doc": URIRef("https://x.org/a> } ; DROP ALL ; <b")})
    with pytest.raises(QueryError, match=r"may not contain \\u"):
        sparql_term(Literal("\\u0022"))


def test_term_serialisation_and_binding_text() -> None:
    assert sparql_term(Literal("2022-05-11", datatype=XSD.date)) == (
        '"2022-05-11"^^<http://www.w3.org/2001/XMLSchema#date>'
    )
    assert sparql_term(Literal("Grondwet", lang="nl")) == '"Grondwet"@nl'
    assert sparql_term(Literal(7)) == '"7"^^<http://www.w3.org/2001/XMLSchema#integer>'
    # the first "{" outside comments, strings and IRIs opens the WHERE group
    text = '# a { in a comment\nPREFIX x: <https://x.org/ns#>\nSELECT ?s WHERE { ?s x:p "{" }'
    bound = bind_values(text, {"s": URIRef("https://x.org/s")})
    assert bound == (
        "# a { in a comment\nPREFIX x: <https://x.org/ns#>\n"
        'SELECT ?s WHERE { VALUES (?s) { (<https://x.org/s>) }\n ?s x:p "{" }'
    )


def test_unreachable_endpoint_is_a_clear_error(built: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(StoreError, match="cannot reach the endpoint"):
        RemoteBackend(f"{dead}/query").select("ASK {}", {})


def test_push_to_a_dead_endpoint_stops_at_the_first_failure_with_one_error(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    assert (
        main(["push", "--store", str(built), "--endpoint", f"{dead}/store", "-q"]) == 5
    )  # an endpoint failure
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("cannot reach the endpoint") == 1, err
    assert err.startswith(f"kggraph: error: PUT {dead}/store?graph=")
    assert err.rstrip().endswith("stopped: pushed 0 of 4 graph(s)")
    # a build that pushes as it builds stops pushing, still builds the store, says so once
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in FILES[:3]:
        shutil.copy(TEXT / name, folder / name)
    store = tmp_path / "store"
    code = main(["build", str(folder), "--store", str(store), "--endpoint", f"{dead}/store"])
    assert code == 5  # the endpoint failed, not a file
    out, _ = capsys.readouterr()
    assert out.count("cannot reach the endpoint") == 1, out
    assert "push stopped" in out and "`kggraph push`" in out
    assert len(CorpusStore.open(store, read_only=True).documents()) == 3
